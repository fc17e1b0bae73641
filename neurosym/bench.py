"""Benchmark summaries: accuracy beside executable rate, so a failed program is never hidden.

The summary keys are a contract other tools read (issue 2): n, solved, correct, accuracy,
executable_rate (the program parsed and ran: status solved, unknown or timeout), executable_accuracy
(correct among those), median_seconds (per problem, solve time in the worker), total_seconds (wall).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from neurosym.result import Result, Status

SUMMARY_KEYS = ("n", "solved", "correct", "accuracy", "executable_rate", "executable_accuracy",
                "median_seconds", "total_seconds")


def is_executable(result: Result) -> bool:
    """Did the program parse and run? Errors of any kind (syntax, type, crash, ...) say no."""
    return result.status != Status.ERROR


def summarize(results: Sequence[Result], total_seconds: float) -> dict[str, float | int]:
    n = len(results)
    solved = sum(r.status == Status.SOLVED for r in results)
    correct = sum(bool(r.correct) for r in results)
    executable = [r for r in results if is_executable(r)]
    executable_correct = sum(bool(r.correct) for r in executable)
    return {
        "n": n,
        "solved": solved,
        "correct": correct,
        "accuracy": round(correct / n, 4) if n else 0.0,
        "executable_rate": round(len(executable) / n, 4) if n else 0.0,
        "executable_accuracy": round(executable_correct / len(executable), 4) if executable else 0.0,
        "median_seconds": round(statistics.median(r.seconds for r in results), 6) if n else 0.0,
        "total_seconds": round(total_seconds, 3),
    }
