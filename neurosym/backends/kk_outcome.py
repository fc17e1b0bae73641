"""The answer to a Knights and Knaves puzzle from every consistent assignment a prover found: shared by the
swipl and z3 backends, so both report uniqueness and inconsistency the same way."""

from __future__ import annotations

from typing import Any

from neurosym.result import Outcome, Status

KK_MAX_SOLUTIONS = 1024  # a puzzle has at most 2**people assignments; 10 people is plenty


def kk_outcome(assignments: list[dict[str, str]], capped: bool = False, **extra: Any) -> Outcome:
    """The Outcome of a K&K puzzle given every consistent assignment the prover found.

    One assignment: that is the answer. None: the answer is "no solution" (the puzzle is inconsistent).
    Several: the answer is the list of them; `unique` is false. The prover decided in each case.
    """
    certificate: dict[str, Any] = {"unique": len(assignments) == 1, "solutions": len(assignments),
                                   "capped": capped, **extra}
    if len(assignments) == 1:
        return Outcome(Status.SOLVED, answer=assignments[0], certificate=certificate)
    if not assignments:
        return Outcome(Status.SOLVED, answer="no solution", certificate=certificate)
    certificate["assignments"] = assignments
    return Outcome(Status.SOLVED, answer=assignments, certificate=certificate)
