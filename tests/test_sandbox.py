"""The worker pool: a hang, a crash, a memory hog and a bug each cost one task; the pool keeps serving.

Tasks travel in chunks (many in one message), so the chunk tests check that each task of a chunk keeps its
own limits and result: a hang, a crash and a memory hog inside one chunk cost only themselves, and the rest
of the chunk comes back, each task once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sandbox_tasks as tasks

from neurosym import sandbox
from neurosym.result import ErrorKind, Status
from neurosym.sandbox import KILL_GRACE_SECONDS, MAX_START_ATTEMPTS, TaskFailure, WorkerPool, WorkerStartError


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(2)
    yield pool
    pool.close()


def run(pool: WorkerPool, fn, args=(), seconds: float = 5, memory_mb: int = 1024):
    started = time.monotonic()
    return pool.outcome(pool.submit(fn, args, seconds, memory_mb), started), time.monotonic() - started


def test_value_comes_back(pool: WorkerPool) -> None:
    value, _ = run(pool, tasks.double, (21,))
    assert value == 42


def test_hang_is_killed_at_the_wall_clock(pool: WorkerPool) -> None:
    value, elapsed = run(pool, tasks.sleep_then_return, (60,), seconds=1)
    assert isinstance(value, TaskFailure) and value.status == Status.TIMEOUT
    assert elapsed < 1 + KILL_GRACE_SECONDS + 3


def test_crash_costs_one_task(pool: WorkerPool) -> None:
    value, _ = run(pool, tasks.exit_abruptly)
    assert isinstance(value, TaskFailure) and value.error is not None
    assert value.error.kind == ErrorKind.SOLVER_CRASH and "exited with code 3" in value.error.message
    assert run(pool, tasks.double, (5,))[0] == 10


def test_memory_cap_holds(pool: WorkerPool) -> None:
    value, _ = run(pool, tasks.allocate, (3000,), memory_mb=600)
    assert isinstance(value, TaskFailure) and value.error is not None
    assert value.error.kind == ErrorKind.MEMORY
    assert run(pool, tasks.allocate, (10,), memory_mb=600)[0] == 10 * 1024 * 1024


def test_exception_in_task_is_internal_error(pool: WorkerPool) -> None:
    value, _ = run(pool, tasks.raise_value_error)
    assert isinstance(value, TaskFailure) and value.error is not None
    assert value.error.kind == ErrorKind.INTERNAL and "a bug in a task" in value.error.message


def test_batch_with_bad_tasks_finishes(pool: WorkerPool) -> None:
    started = time.monotonic()
    futures = [pool.submit(tasks.sleep_then_return, (60,), 1, 1024), pool.submit(tasks.exit_abruptly, (), 5, 1024)]
    futures += [pool.submit(tasks.double, (i,), 5, 1024) for i in range(6)]
    values = [pool.outcome(f, started) for f in futures]
    assert values[0].status == Status.TIMEOUT
    assert values[1].status == Status.ERROR
    assert values[2:] == [2 * i for i in range(6)]


def test_killed_workers_are_replaced() -> None:
    pool = WorkerPool(2)
    try:
        pids = {run(pool, tasks.worker_pid)[0] for _ in range(6)}
        for pid in pids:  # killed from outside while idle: the pool notices and starts fresh ones
            os.kill(pid, signal.SIGKILL)
        assert [run(pool, tasks.double, (i,))[0] for i in range(4)] == [0, 2, 4, 6]
        assert pool.stats["started"] >= 2 + len(pids)
    finally:
        pool.close()


def test_small_tasks_travel_as_one_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    # Chunks are sized from the measured task duration; on a loaded machine even `double` can measure
    # long, so the size here is the cap alone.
    monkeypatch.setattr(sandbox, "CHUNK_SECONDS", 1e9)
    pool = WorkerPool(1, chunk_size=64)
    try:
        assert run(pool, tasks.double, (1,))[0] == 2  # the worker is up
        before = dict(pool.stats)
        futures = pool.submit_many([(tasks.double, (i,), 5, 1024) for i in range(40)])
        assert [pool.outcome(f, time.monotonic()) for f in futures] == [2 * i for i in range(40)]
        assert pool.stats["chunks"] - before["chunks"] == 1  # one message out
        assert pool.stats["messages"] - before["messages"] == 1  # one message back
    finally:
        pool.close()


def test_hang_crash_and_memory_hog_inside_one_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each bad task costs only itself; the others of its chunk are resubmitted and come back once."""
    monkeypatch.setattr(sandbox, "CHUNK_SECONDS", 1e9)
    pool = WorkerPool(1, chunk_size=64)
    try:
        specs = [(tasks.identity, (i,), 5, 1024) for i in range(30)]
        specs[5] = (tasks.sleep_then_return, (60,), 1, 1024)  # hang: killed at its own deadline
        specs[12] = (tasks.exit_abruptly, (), 5, 1024)  # the worker dies
        specs[20] = (tasks.allocate, (3000,), 5, 600)  # memory hog: MemoryError, the worker lives
        started = time.monotonic()
        futures = pool.submit_many(specs)
        values = [pool.outcome(f, started) for f in futures]
        assert pool.stats["chunks"] >= 3 and pool.stats["resubmitted"] > 0  # one chunk, twice cut short
        assert values[5].status == Status.TIMEOUT
        assert values[12].error.kind == ErrorKind.SOLVER_CRASH and "exited with code 3" in values[12].error.message
        assert values[20].error.kind == ErrorKind.MEMORY
        good = [i for i in range(30) if i not in (5, 12, 20)]
        assert [values[i] for i in good] == good  # none lost, none swapped
        assert all(f.done() for f in futures)
        assert time.monotonic() - started < 1 + KILL_GRACE_SECONDS + 30  # the hang cost its own limit only
    finally:
        pool.close()


def test_workers_that_cannot_start_fail_fast_with_one_error() -> None:
    pool = WorkerPool(2, initializer="sandbox_tasks:fail_to_start")
    try:
        with pytest.raises(WorkerStartError) as raised:
            pool.outcome(pool.submit(tasks.double, (1,), 5, 1024), time.monotonic())
        message = str(raised.value)
        assert f"{MAX_START_ATTEMPTS} attempts in a row" in message
        assert "a_prover_this_machine_lacks" in message  # the cause, from the worker's own traceback
        assert pool.stats["started"] <= MAX_START_ATTEMPTS + pool.workers - 1  # bounded, not a respawn loop
        with pytest.raises(WorkerStartError):
            pool.submit(tasks.double, (2,), 5, 1024)
    finally:
        pool.close()


def test_an_interpreter_that_exits_at_once_fails_fast() -> None:
    pool = WorkerPool(1, executable="/bin/false")
    try:
        with pytest.raises(WorkerStartError, match="exited before it was ready"):
            pool.outcome(pool.submit(tasks.double, (1,), 5, 1024), time.monotonic())
    finally:
        pool.close()


def test_engine_works_from_a_script_on_stdin(tmp_path: Path) -> None:
    """`python - <<EOF` has no main module file to re-import: the workers must not need one."""
    script = textwrap.dedent("""
        import neurosym
        problems = [{"id": f"p{i}", "language": "fol", "premises": ["P(a)"], "conclusion": c}
                    for i, c in enumerate(["P(a)", "¬P(a)", "Q(a)"])]
        for result in neurosym.solve_many(problems, workers=2):
            print(result.id, result.status, result.answer)
    """)
    done = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, cwd=tmp_path,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["p0 solved true", "p1 solved false", "p2 solved uncertain"]
    assert "Traceback" not in done.stderr
