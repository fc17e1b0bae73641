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


# One solver per worker (in Z3's main context), a push/pop scope per puzzle: a fresh solver costs several
# times what a small puzzle does. Replaced after a check that gave up or any error. The plain SMT kernel
# (SimpleSolver): the puzzles are propositional, and the combined solver's wrapper only adds cost.
_solver: z3.Solver | None = None
_timeout_ms = 0


def _worker_solver(timeout_ms: int) -> z3.Solver:
    global _solver, _timeout_ms
    if _solver is None:
        _solver, _timeout_ms = z3.SimpleSolver(), 0
    if _timeout_ms != timeout_ms:
        _solver.set("timeout", timeout_ms)
        _timeout_ms = timeout_ms
    return _solver


def solve(program: Program, limits: Limits) -> Outcome:
    """Every consistent assignment of the puzzle, as a kk Outcome (answer, uniqueness)."""
    global _solver
    names = program.fields["names"]
    statements = kk.parse_statements(program.fields["statements"], len(names))
    solver = _worker_solver(max(1, int(limits.seconds * 1000)))
    solver.push()
    try:
        outcome = _enumerate(solver, names, statements, limits)
    except BaseException:
        _solver = None
        raise
    solver.pop()
    if outcome.status != Status.SOLVED:
        _solver = None
    return outcome


def _enumerate(solver: z3.Solver, names: list[str], statements: list[kk.Formula], limits: Limits) -> Outcome:
    people = [z3.Bool(f"knight_{i}") for i in range(len(names))]
    claims = [speaker == _term(claim, people) for speaker, claim in zip(people, statements, strict=True)]
    for claim in claims:
        solver.add(claim)
    found: list[list[bool]] = []
    deadline = time.monotonic() + limits.seconds
    while len(found) < KK_MAX_SOLUTIONS:
        verdict = solver.check()
        if verdict == z3.unknown or time.monotonic() > deadline:
            return Outcome(Status.UNKNOWN, certificate={"reason": f"z3: {solver.reason_unknown()}",
                                                        "found": [kk.assignment(names, k) for k in found]})
        if verdict == z3.unsat:
            break
        model = solver.model()
        knights = [z3.is_true(model.eval(p, model_completion=True)) for p in people]
        found.append(knights)
        solver.add(z3.Or(*[p != z3.BoolVal(v) for p, v in zip(people, knights, strict=True)]))
    capped = len(found) >= KK_MAX_SOLUTIONS
    # In the order SWI-Prolog enumerates them (knight before knave, first person first), so the answer to
    # a puzzle with several solutions does not depend on the solver's search history.
    found.sort(key=lambda knights: [not k for k in knights])
    assignments = [kk.assignment(names, knights) for knights in found]
    smt = "\n".join(claim.sexpr() for claim in claims)  # SMT-LIB: Z3's own printer (its Python one is slow)
    return kk_outcome(assignments, capped=capped, smt=smt)
