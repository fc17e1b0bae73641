"""Worker processes with hard limits: the one place that kills and replaces workers.

Every solve runs in a spawned worker of a pebble ProcessPool. The caller's process enforces the wall clock
from outside: a task past its deadline has its worker killed, and pebble starts a fresh one. Inside the
worker each task first lowers the soft address-space limit to the problem's memory cap, so a runaway
prover dies of MemoryError (or its own out-of-memory handling) instead of taking the machine. A worker that
dies (segfault, `halt`, os._exit, OOM kill) costs that one task; the rest of the batch goes on.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from pebble import ProcessExpired, ProcessPool

from neurosym.result import ErrorInfo, ErrorKind, Status

# Seconds a worker gets beyond the problem's own limit before it is killed: the prover's own timeout
# should fire first and report `timeout` with whatever it knows; the kill is the backstop.
KILL_GRACE_SECONDS = 2.0


@dataclass
class TaskFailure:
    """Why a sandboxed task produced no value: a timeout, or the worker died."""

    status: Status
    error: ErrorInfo | None
    seconds: float


def _limited_call(memory_mb: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """Run fn(*args) in the worker with the soft address-space limit lowered to memory_mb."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    try:
        return fn(*args)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _worker_init() -> None:
    # A worker is a sandbox, not a place for the caller's signal handlers or stdin.
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def subprocess_limits(cpu_seconds: float, memory_mb: int) -> Callable[[], None]:
    """A preexec_fn for prover subprocesses (E, Fast Downward, swipl): CPU and memory caps, and death
    with the worker, so a killed worker never leaves a prover running."""

    def apply() -> None:
        cpu = max(1, int(cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        memory = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig, sigkill = 1, 9
            libc.prctl(pr_set_pdeathsig, sigkill)
        except (OSError, AttributeError):
            pass

    return apply


class WorkerPool:
    """A pool of spawned workers; `run` returns the task's value or a TaskFailure, never raises for it."""

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPool:
        return ProcessPool(max_workers=self.workers, context=multiprocessing.get_context("spawn"),
                           initializer=_worker_init)

    def submit(self, fn: Callable[..., Any], args: tuple[Any, ...], seconds: float, memory_mb: int) -> Future:
        """Schedule a task. A pool whose manager failed (pebble marks it broken when, say, spawning a
        replacement worker hits ENOMEM) is replaced once, so a long-running engine outlives it."""
        task_args = (memory_mb, fn, args)
        try:
            return self._pool.schedule(_limited_call, args=task_args, timeout=seconds + KILL_GRACE_SECONDS)
        except RuntimeError:
            self._pool.stop()
            self._pool = self._new_pool()
            return self._pool.schedule(_limited_call, args=task_args, timeout=seconds + KILL_GRACE_SECONDS)

    @staticmethod
    def outcome(future: Future, started: float) -> Any:
        """The value of a finished future, or a TaskFailure saying why there is none."""
        try:
            return future.result()
        except FutureTimeout:
            return TaskFailure(Status.TIMEOUT, None, time.monotonic() - started)
        except ProcessExpired as exc:
            code = exc.exitcode
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exited with code {code}"
            message = f"the worker process died ({how}); it has been replaced"
            return TaskFailure(Status.ERROR, ErrorInfo(ErrorKind.SOLVER_CRASH, message), time.monotonic() - started)
        except MemoryError:
            return TaskFailure(Status.ERROR, ErrorInfo(ErrorKind.MEMORY, "the memory cap was exceeded"),
                               time.monotonic() - started)
        except Exception as exc:  # an exception that escaped the task: a bug on our side
            message = f"{type(exc).__name__}: {exc}"
            return TaskFailure(Status.ERROR, ErrorInfo(ErrorKind.INTERNAL, message), time.monotonic() - started)

    def close(self) -> None:
        self._pool.stop()
        self._pool.join(timeout=5)


_pools: dict[int, WorkerPool] = {}
_pools_lock = threading.Lock()


def shared_pool(workers: int | None = None) -> WorkerPool:
    """A pool kept warm for the life of the process (one per worker count), closed at exit."""
    count = max(1, workers or os.cpu_count() or 1)
    with _pools_lock:
        pool = _pools.get(count)
        if pool is None:
            pool = _pools[count] = WorkerPool(count)
        return pool


@atexit.register
def _close_pools() -> None:
    for pool in _pools.values():
        pool.close()
    _pools.clear()
