"""Benchmark summaries: accuracy beside executable rate, so a failed program is never hidden.

The summary keys are a contract other tools read (issue 2): n, solved, correct, accuracy,
executable_rate (the program parsed and ran: status solved, unknown or timeout), executable_accuracy
(correct among those), median_seconds (per problem, solve time in the worker), total_seconds (wall).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from neurosym.lang import get_language
from neurosym.result import Result, Status

SUMMARY_KEYS = ("n", "solved", "correct", "accuracy", "executable_rate", "executable_accuracy",
                "median_seconds", "total_seconds")
# Added when a formalizer wrote the programs (natural-language formats with --model): how the K samples fared.
SAMPLE_KEYS = ("samples", "samples_parsed", "samples_decided", "no_decided_sample", "refinement_rounds",
               "first_sample_accuracy")


def is_executable(result: Result) -> bool:
    """Did the program parse and run? Errors of any kind (syntax, type, crash, ...) say no."""
    return result.status != Status.ERROR


def summarize(results: Sequence[Result], total_seconds: float) -> dict[str, float | int]:
    """The benchmark summary (SUMMARY_KEYS, and SAMPLE_KEYS when a formalizer wrote the programs)."""
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
        **_sample_summary(results),
    }


def _sample_summary(results: Sequence[Result]) -> dict[str, int]:
    """Counts over the candidates of formalized problems: all samples, those that parsed, those that decided,
    problems whose vote had no decided sample, and refinement rounds used (summed over problems)."""
    voted = [r for r in results if r.candidates is not None and "samples" in (r.certificate or {})]
    if not voted:
        return {}
    first_correct = sum(_first_sample_correct(r) for r in voted)
    return {
        "first_sample_accuracy": round(first_correct / len(results), 4),
        "samples": sum(r.certificate["samples"] for r in voted),  # type: ignore[index]
        "samples_parsed": sum(r.certificate["parsed"] for r in voted),  # type: ignore[index]
        "samples_decided": sum(r.certificate["decided"] for r in voted),  # type: ignore[index]
        "no_decided_sample": sum(r.certificate["decided"] == 0 for r in voted),  # type: ignore[index]
        "refinement_rounds": sum(r.certificate["rounds"] for r in voted),  # type: ignore[index]
    }


def _first_sample_correct(result: Result) -> bool:
    """Would the first sample alone (after its refinement rounds) have been right? The vote's baseline."""
    first = [c for c in result.candidates or [] if c.get("sample") == 0 and not c.get("superseded")]
    if not first or first[0]["status"] != "solved" or result.expected is None or not result.language:
        return False
    return bool(get_language(result.language).answers_match(first[0]["answer"], result.expected))
