"""The worker pool: a hang, a crash, a memory hog and a bug each cost one task; the pool keeps serving."""

from __future__ import annotations

import time

import pytest
import sandbox_tasks as tasks

from neurosym.result import ErrorKind, Status
from neurosym.sandbox import KILL_GRACE_SECONDS, TaskFailure, WorkerPool


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


def test_a_broken_pool_is_replaced() -> None:
    pool = WorkerPool(1)
    try:
        pool._pool.stop()  # what pebble's manager does when it fails: the pool refuses new tasks
        pool._pool.join()
        assert run(pool, tasks.double, (4,))[0] == 8
    finally:
        pool.close()
