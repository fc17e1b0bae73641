"""Tasks for the sandbox tests: importable by spawned workers (tests/core is on sys.path)."""

from __future__ import annotations

import os
import time


def sleep_then_return(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def exit_abruptly() -> None:
    os._exit(3)


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def double(value: int) -> int:
    return value * 2


def raise_value_error() -> None:
    raise ValueError("a bug in a task")


def identity(value: object) -> object:
    return value


def fail_to_start() -> None:
    raise ImportError("no module named 'a_prover_this_machine_lacks'")


def worker_pid() -> int:
    return os.getpid()
