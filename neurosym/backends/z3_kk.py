"""Knights and Knaves with Z3: one Boolean per person (true = knight), each claim equivalent to its
speaker being a knight; every model is enumerated with blocking clauses so uniqueness is proved, not
assumed. Called by the Z3 backend for kk programs (inside its sandbox worker).
"""

from __future__ import annotations

import time

import z3

from neurosym.backends.kk_outcome import KK_MAX_SOLUTIONS, kk_outcome
from neurosym.lang import kk
from neurosym.lang.base import Program
from neurosym.problem import Limits
from neurosym.result import Outcome, Status


def _term(f: kk.Formula, people: list[z3.BoolRef]) -> z3.BoolRef:
    op = f[0]
    if op == "truth":
        return people[f[1]]
    if op == "lying":
        return z3.Not(people[f[1]])
    parts = [_term(arg, people) for arg in f[1:]]
    if op == "not":
        return z3.Not(parts[0])
    if op == "and":
        return z3.And(*parts)
    if op == "or":
        return z3.Or(*parts)
    if op == "->":
        return z3.Implies(parts[0], parts[1])
    return parts[0] == parts[1]  # <=>


def solve(program: Program, limits: Limits) -> Outcome:
    """Every consistent assignment of the puzzle, as a kk Outcome (answer, uniqueness)."""
    names = program.fields["names"]
    statements = kk.parse_statements(program.fields["statements"], len(names))
    people = [z3.Bool(f"knight_{i}") for i in range(len(names))]
    solver = z3.Solver()
    solver.set("timeout", max(1, int(limits.seconds * 1000)))
    for speaker, claim in zip(people, statements, strict=True):
        solver.add(speaker == _term(claim, people))
    assignments: list[dict[str, str]] = []
    deadline = time.monotonic() + limits.seconds
    while len(assignments) < KK_MAX_SOLUTIONS:
        verdict = solver.check()
        if verdict == z3.unknown or time.monotonic() > deadline:
            return Outcome(Status.UNKNOWN, certificate={"reason": f"z3: {solver.reason_unknown()}",
                                                        "found": assignments})
        if verdict == z3.unsat:
            break
        model = solver.model()
        knights = [z3.is_true(model.eval(p, model_completion=True)) for p in people]
        assignments.append(kk.assignment(names, knights))
        solver.add(z3.Or(*[p != z3.BoolVal(v) for p, v in zip(people, knights, strict=True)]))
    capped = len(assignments) >= KK_MAX_SOLUTIONS
    smt = "\n".join(str(a) for a in solver.assertions()[: len(names)])
    return kk_outcome(assignments, capped=capped, smt=smt)
