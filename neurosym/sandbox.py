"""Worker processes with hard limits: the one place that kills and replaces workers.

Every task runs in a worker process started from a fresh interpreter (`python -c`, never a fork and never
a re-import of the caller's main module, so a script on standard input or an interactive session works).
Small tasks travel in chunks: one message carries many tasks to a worker and one message brings their
results back, which amortizes the round trip that dominates a trivial problem. Each task in a chunk still
keeps its own limits:

- wall clock: before each task the worker writes (task, start time) into a small shared-memory slot; the
  caller's dispatcher thread reads it and kills the worker when the running task is past its own deadline
  (its limit plus KILL_GRACE_SECONDS). That task alone gets `timeout`; the tasks of its chunk that had not
  come back are resubmitted, so none is lost, and each future is resolved exactly once;
- memory: the soft address-space limit is lowered to the task's cap while it runs, so a runaway prover dies
  of MemoryError (that task's `memory` error; the worker lives on);
- a worker that dies (segfault, `halt`, os._exit, OOM kill) costs the task it was running; the rest of its
  chunk is resubmitted and a fresh worker is started.

A worker that runs longer than FLUSH_SECONDS on one chunk sends what it has finished so far, so a kill
repeats little work. The chunk size adapts to the tasks' measured duration (about CHUNK_SECONDS of work a
chunk, at most `chunk_size` tasks): long tasks travel one at a time, as before. Workers that cannot start
(MAX_START_ATTEMPTS in a row) fail the pool with one WorkerStartError naming the cause.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import importlib
import itertools
import json
import math
import mmap
import os
import pickle
import resource
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from neurosym.result import ErrorInfo, ErrorKind, NeurosymError, Status

# Seconds a worker gets beyond the problem's own limit before it is killed: the prover's own timeout
# should fire first and report `timeout` with whatever it knows; the kill is the backstop.
KILL_GRACE_SECONDS = 2.0
DEFAULT_CHUNK_SIZE = 64  # most tasks in one message; Engine(chunk_size=1) is the old one-task-per-message path
CHUNK_SECONDS = 0.05  # aim for about this much work per chunk, from the measured task duration
FLUSH_SECONDS = 0.25  # a worker busy this long on one chunk sends back what it has finished
MAX_START_ATTEMPTS = 3  # consecutive workers that fail to start before the pool gives up
START_TIMEOUT_SECONDS = 120.0  # a worker that has not said `ready` by then failed to start
MAX_TASK_ATTEMPTS = 4  # a task resubmitted this often (its chunk lost each time) fails as a crash
POLL_SECONDS = 0.05  # how often running tasks' deadlines are checked
_SLOT = struct.Struct("<qd")  # (sequence number of the running task or -1, its start on CLOCK_MONOTONIC)


@dataclass
class TaskFailure:
    """Why a sandboxed task produced no value: a timeout, or the worker died."""

    status: Status
    error: ErrorInfo | None
    seconds: float


class WorkerStartError(NeurosymError):
    """Worker processes cannot start (MAX_START_ATTEMPTS in a row failed): nothing can be solved."""

    def __init__(self, message: str):
        super().__init__(ErrorKind.INTERNAL, message)


class TaskTimeout(Exception):
    """The task ran past its wall clock and its worker was killed; `seconds`: how long it had run."""

    def __init__(self, seconds: float | None = None):
        super().__init__(seconds)
        self.seconds = seconds


class WorkerDied(Exception):
    """The worker died while running the task."""

    def __init__(self, exitcode: int | None):
        super().__init__(exitcode)
        self.exitcode = exitcode


class TaskMemoryError(Exception):
    """The task hit its memory cap."""


class TaskError(Exception):
    """An exception escaped the task in the worker (a bug on our side); the message names it."""


# ---------------------------------------------------------------------------------------------- worker side


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


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this worker when the caller dies, so no worker outlives its engine."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(0)


def _run_one(sequence: int, payload: bytes, memory_mb: int, slot: mmap.mmap) -> tuple[int, str, Any, float]:
    started = time.monotonic()
    _SLOT.pack_into(slot, 0, -1, started)  # the start time first, then the task: a reader never pairs
    struct.pack_into("<q", slot, 0, sequence)  # this task with an older start time
    try:
        fn, args = pickle.loads(payload)
        value = _limited_call(memory_mb, fn, args)
        reply: tuple[str, Any] = ("ok", pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    except MemoryError:
        reply = ("memory", "the memory cap was exceeded")
    except BaseException as exc:  # a task's SystemExit or bug must not end the worker
        reply = ("error", f"{type(exc).__name__}: {exc}"[:4000])
    struct.pack_into("<q", slot, 0, -1)
    return sequence, reply[0], reply[1], time.monotonic() - started


def _serve(conn: Connection, slot: mmap.mmap) -> None:
    """Run chunks until the caller sends None or goes away; results go back one message per chunk."""
    while True:
        try:
            chunk = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        finished: list[tuple[int, str, Any, float]] = []
        flushed = time.monotonic()
        for position, (sequence, payload, memory_mb) in enumerate(chunk):
            finished.append(_run_one(sequence, payload, memory_mb, slot))
            if position + 1 < len(chunk) and time.monotonic() - flushed > FLUSH_SECONDS:
                conn.send_bytes(pickle.dumps(("results", finished), pickle.HIGHEST_PROTOCOL))
                finished, flushed = [], time.monotonic()
        conn.send_bytes(pickle.dumps(("done", finished), pickle.HIGHEST_PROTOCOL))


def _worker_main(argv: list[str]) -> None:
    """Entry point of a worker process: `python -c <_BOOT> FD SLOT_FD PARENT_PID [module:initializer]`."""
    channel, slot_fd, parent = int(argv[0]), int(argv[1]), int(argv[2])
    initializer = argv[3] if len(argv) > 3 else ""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle; it closes the pool
    _die_with_parent(parent)
    conn = Connection(channel)
    try:
        slot = mmap.mmap(slot_fd, _SLOT.size)
        if initializer:
            module, _, name = initializer.partition(":")
            getattr(importlib.import_module(module), name)()
    except BaseException:  # whatever stops the start is reported to the caller
        with contextlib.suppress(OSError):
            conn.send(("failed", traceback.format_exc()[-4000:]))
        os._exit(1)
    conn.send(("ready", os.getpid()))
    _serve(conn, slot)
    os._exit(0)


# The worker's whole command line: restore the caller's import path, then serve. Nothing of the caller's
# __main__ is imported, so any caller (a script on stdin, a notebook, an embedded interpreter) works.
_BOOT = ("import json, os, sys; sys.path[:] = json.loads(os.environ.pop('NEUROSYM_WORKER_PATH')); "
         "from neurosym.sandbox import _worker_main; _worker_main(sys.argv[1:])")


# ---------------------------------------------------------------------------------------------- caller side


@dataclass
class _Task:
    sequence: int
    payload: bytes
    seconds: float
    memory_mb: int
    future: Future
    attempts: int = 0


@dataclass
class _Worker:
    process: subprocess.Popen
    conn: Connection
    slot: mmap.mmap
    started: float
    ready: bool = False
    chunk: dict[int, _Task] = field(default_factory=dict)  # sent and not yet answered, by sequence
    killed_for: int | None = None
    killed_after: float | None = None  # how long the killed task had run


class WorkerPool:
    """A pool of sandboxed workers; `submit` returns a Future, `outcome` turns it into a value or a
    TaskFailure and never raises for a task (only WorkerStartError, when no worker can start at all)."""

    def __init__(self, workers: int | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE,
                 initializer: str | None = None, executable: str | None = None,
                 environment: dict[str, str] | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.max_chunk = max(1, int(chunk_size))
        self.initializer = initializer or ""
        self.executable = executable or sys.executable
        self.environment = dict(environment or {})  # added to the workers' environment
        self.stats = collections.Counter()  # tasks, chunks, messages, kills, resubmitted, started
        self._queue: collections.deque[_Task] = collections.deque()
        self._lock = threading.Lock()
        self._sequence = itertools.count()
        self._task_seconds = 0.0  # running estimate of one task's duration (0: assume small)
        self._start_failures = 0
        self._last_start_error = ""
        self._broken: WorkerStartError | None = None
        self._closing = False
        self._holding = 0  # > 0 inside `batch()`: submissions do not wake the dispatcher one by one
        self._pool: list[_Worker | None] = [None] * self.workers
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._thread = threading.Thread(target=self._run, name="neurosym-sandbox", daemon=True)
        self._thread.start()

    # ---- the caller's API

    def submit(self, fn: Callable[..., Any], args: tuple[Any, ...], seconds: float, memory_mb: int) -> Future:
        """Schedule fn(*args) with its own wall clock and memory cap; the Future holds its value."""
        return self.submit_many([(fn, args, seconds, memory_mb)])[0]

    def submit_many(self, tasks: Iterable[tuple[Callable[..., Any], tuple[Any, ...], float, int]]) -> list[Future]:
        """Schedule several tasks at once (they may share a chunk); one Future each, in order."""
        made = []
        for fn, args, seconds, memory_mb in tasks:
            future: Future = Future()
            try:
                payload = pickle.dumps((fn, args), pickle.HIGHEST_PROTOCOL)
            except Exception as exc:  # an argument that cannot travel is that task's error
                future.set_exception(TaskError(f"the task cannot be sent to a worker: {type(exc).__name__}: "
                                               f"{exc}"))
                made.append(future)
                continue
            made.append(future)
            with self._lock:
                if self._broken is not None:
                    raise self._broken
                if self._closing:
                    raise RuntimeError("the worker pool is closed")
                self._queue.append(_Task(next(self._sequence), payload, float(seconds), int(memory_mb), future))
        self.stats["tasks"] += len(made)
        if not self._holding:
            self._wake()
        return made

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Hold the dispatcher while several tasks are submitted one by one, so they can share chunks."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1
            self._wake()

    @staticmethod
    def outcome(future: Future, started: float) -> Any:
        """The value of a finished future, or a TaskFailure saying why there is none."""
        try:
            return future.result()
        except TaskTimeout as exc:  # the time it ran, not the time it waited in the queue before it ran
            ran = exc.seconds if exc.seconds is not None else time.monotonic() - started
            return TaskFailure(Status.TIMEOUT, None, ran)
        except WorkerDied as exc:
            code = exc.exitcode
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exited with code {code}"
            message = f"the worker process died ({how}); it has been replaced"
            return TaskFailure(Status.ERROR, ErrorInfo(ErrorKind.SOLVER_CRASH, message), time.monotonic() - started)
        except TaskMemoryError as exc:
            return TaskFailure(Status.ERROR, ErrorInfo(ErrorKind.MEMORY, str(exc)), time.monotonic() - started)
        except TaskError as exc:  # an exception that escaped the task: a bug on our side
            return TaskFailure(Status.ERROR, ErrorInfo(ErrorKind.INTERNAL, str(exc)), time.monotonic() - started)

    def close(self) -> None:
        """Stop every worker and fail what is still queued; idempotent."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
        self._wake()
        self._thread.join(timeout=10)

    # ---- the dispatcher thread

    def _wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            self._wake_w.send(b"x")

    def _run(self) -> None:
        try:
            while not self._closing and self._broken is None:
                self._dispatch()
                busy = [w for w in self._pool if w is not None and (w.chunk or not w.ready)]
                waiting = [self._wake_r] + [w.conn for w in self._pool if w is not None]
                for ready in wait(waiting, timeout=POLL_SECONDS if busy else None):
                    if ready is self._wake_r:
                        with contextlib.suppress(BlockingIOError, OSError):
                            while self._wake_r.recv(4096):
                                pass
                        continue
                    index = next(i for i, w in enumerate(self._pool) if w is not None and w.conn is ready)
                    self._receive(index)
                self._check_deadlines()
        except BaseException as exc:  # a dispatcher bug must fail the futures, not hang them
            self._broken = WorkerStartError(f"the worker pool's dispatcher failed: {type(exc).__name__}: {exc}")
        finally:
            self._shutdown()

    def _dispatch(self) -> None:
        """Start missing workers; give each idle ready worker a chunk from the queue."""
        for index, worker in enumerate(self._pool):
            if worker is None and self._broken is None and not self._closing:
                self._pool[index] = self._start_worker()
        for worker in self._pool:
            if worker is None or not worker.ready or worker.chunk:
                continue
            with self._lock:
                if not self._queue:
                    return
                size = self._chunk_size()
                chunk = [self._queue.popleft() for _ in range(min(size, len(self._queue)))]
            chunk = [t for t in chunk if not t.future.done()]
            if not chunk:
                continue
            message = [(t.sequence, t.payload, t.memory_mb) for t in chunk]
            worker.chunk = {t.sequence: t for t in chunk}
            self.stats["chunks"] += 1
            # A worker that died reads as closed on its channel, and `_lost` requeues the chunk.
            with contextlib.suppress(OSError):
                worker.conn.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))

    def _chunk_size(self) -> int:
        """Tasks for the next chunk: about CHUNK_SECONDS of work, spread over every worker, at most max_chunk."""
        by_time = self.max_chunk if self._task_seconds <= 0 else int(CHUNK_SECONDS / self._task_seconds)
        spread = math.ceil(len(self._queue) / self.workers)
        return max(1, min(self.max_chunk, by_time, spread))

    def _start_worker(self) -> _Worker | None:
        parent_end, child_end = socket.socketpair()
        with tempfile.TemporaryFile() as slot_file:
            try:
                slot_file.truncate(_SLOT.size)
                slot = mmap.mmap(slot_file.fileno(), _SLOT.size)
                _SLOT.pack_into(slot, 0, -1, 0.0)
                env = dict(os.environ, **self.environment, NEUROSYM_WORKER_PATH=json.dumps(sys.path))
                env.setdefault("OMP_NUM_THREADS", "1")
                command = [self.executable, "-c", _BOOT, str(child_end.fileno()), str(slot_file.fileno()),
                           str(os.getpid()), self.initializer]
                process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env,
                                           pass_fds=(child_end.fileno(), slot_file.fileno()), close_fds=True)
            except OSError as exc:
                parent_end.close()
                self._start_failed(f"{type(exc).__name__}: {exc} (running {self.executable})")
                return None
            finally:
                child_end.close()
        self.stats["started"] += 1
        return _Worker(process, Connection(parent_end.detach()), slot, time.monotonic())

    def _start_failed(self, reason: str) -> None:
        self._start_failures += 1
        self._last_start_error = reason.strip()
        if self._start_failures >= MAX_START_ATTEMPTS:
            self._broken = WorkerStartError(
                f"sandbox workers cannot start ({self._start_failures} attempts in a row failed; the last: "
                f"{self._last_start_error})")

    def _receive(self, index: int) -> None:
        worker = self._pool[index]
        assert worker is not None
        try:
            kind, body = pickle.loads(worker.conn.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError):
            self._lost(index)
            return
        self.stats["messages"] += 1
        if kind == "ready":
            worker.ready = True
            self._start_failures = 0
        elif kind == "failed":
            self._retire(index)
            self._start_failed(f"the worker's start raised:\n{body}")
        else:
            self._resolve(worker, body)

    def _resolve(self, worker: _Worker, finished: list[tuple[int, str, Any, float]]) -> None:
        for sequence, kind, body, seconds in finished:
            task = worker.chunk.pop(sequence, None)
            self._task_seconds = seconds if self._task_seconds <= 0 else 0.7 * self._task_seconds + 0.3 * seconds
            if task is None or task.future.done():
                continue
            if kind == "ok":
                try:
                    task.future.set_result(pickle.loads(body))
                except Exception as exc:  # a value that cannot be read back is that task's error
                    task.future.set_exception(TaskError(f"the task's value cannot be read: {exc}"))
            elif kind == "memory":
                task.future.set_exception(TaskMemoryError(body))
            else:
                task.future.set_exception(TaskError(body))

    def _running(self, worker: _Worker) -> tuple[int, float] | None:
        """The task the worker is running now and when it started, read from its slot (None: between tasks)."""
        first, started = _SLOT.unpack_from(worker.slot, 0)
        again = struct.unpack_from("<q", worker.slot, 0)[0]
        if first < 0 or first != again:
            return None
        return first, started

    def _check_deadlines(self) -> None:
        now = time.monotonic()
        for index, worker in enumerate(self._pool):
            if worker is None:
                continue
            if not worker.ready:
                if now - worker.started > START_TIMEOUT_SECONDS:
                    self._retire(index)
                    self._start_failed(f"no worker was ready after {START_TIMEOUT_SECONDS:.0f} s")
                continue
            running = self._running(worker) if worker.chunk else None
            if running is None:
                continue
            sequence, started = running
            task = worker.chunk.get(sequence)
            if task is not None and now > started + task.seconds + KILL_GRACE_SECONDS:
                worker.killed_for = sequence
                worker.killed_after = now - started
                self.stats["kills"] += 1
                with contextlib.suppress(OSError):
                    worker.process.kill()
                self._lost(index)

    def _lost(self, index: int) -> None:
        """The worker is gone (killed for a timeout, or died): settle the task it ran, requeue the rest."""
        worker = self._pool[index]
        assert worker is not None
        with contextlib.suppress(EOFError, OSError, pickle.UnpicklingError, ValueError):
            while worker.chunk and worker.conn.poll(0):  # results it sent before it went
                kind, body = pickle.loads(worker.conn.recv_bytes())
                if kind in ("results", "done"):
                    self._resolve(worker, body)
        running = self._running(worker)
        exitcode = self._retire(index)
        if not worker.ready:
            self._start_failed(f"a worker exited before it was ready (exit code {exitcode})")
        blamed = worker.killed_for if worker.killed_for is not None else (running[0] if running else None)
        requeue = []
        for sequence, task in sorted(worker.chunk.items()):
            if task.future.done():
                continue
            if sequence == blamed:
                task.future.set_exception(TaskTimeout(worker.killed_after) if worker.killed_for is not None
                                          else WorkerDied(exitcode))
                continue
            task.attempts += 1
            if task.attempts >= MAX_TASK_ATTEMPTS:
                task.future.set_exception(WorkerDied(exitcode))
            else:
                requeue.append(task)
        worker.chunk.clear()
        self.stats["resubmitted"] += len(requeue)
        with self._lock:
            self._queue.extendleft(reversed(requeue))

    def _retire(self, index: int) -> int | None:
        """Kill (if needed) and reap worker `index`; its slot is refilled on the next dispatch."""
        worker = self._pool[index]
        assert worker is not None
        self._pool[index] = None
        with contextlib.suppress(OSError):
            worker.process.kill()
        try:
            exitcode = worker.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            exitcode = None
        worker.conn.close()
        with contextlib.suppress(BufferError, ValueError):
            worker.slot.close()
        return exitcode

    def _shutdown(self) -> None:
        for worker in self._pool:
            if worker is None:
                continue
            with contextlib.suppress(OSError):
                worker.conn.send_bytes(pickle.dumps(None))
        deadline = time.monotonic() + 1.0
        for index, worker in enumerate(self._pool):
            if worker is None:
                continue
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            orphans = list(worker.chunk.values())
            self._retire(index)
            for task in orphans:
                if not task.future.done():
                    task.future.set_exception(self._broken or TaskError("the worker pool was closed"))
        with self._lock:
            queued, self._queue = list(self._queue), collections.deque()
        for task in queued:
            if not task.future.done():
                task.future.set_exception(self._broken or TaskError("the worker pool was closed"))
        self._wake_r.close()
        self._wake_w.close()


_pools: dict[tuple[int, int], WorkerPool] = {}
_pools_lock = threading.Lock()


def shared_pool(workers: int | None = None, chunk_size: int | None = None,
                initializer: str | None = None) -> WorkerPool:
    """A pool kept warm for the life of the process (one per worker count and chunk size), closed at exit.

    A pool whose workers could not start is dropped here, so a later call tries afresh.
    """
    count = max(1, workers or os.cpu_count() or 1)
    chunk = max(1, chunk_size or DEFAULT_CHUNK_SIZE)
    with _pools_lock:
        pool = _pools.get((count, chunk))
        if pool is None or pool._broken is not None or pool._closing:
            pool = _pools[(count, chunk)] = WorkerPool(count, chunk, initializer=initializer)
        return pool


@atexit.register
def _close_pools() -> None:
    for pool in _pools.values():
        pool.close()
    _pools.clear()


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
