"""Z3 keeps one context per worker and a fresh solver per problem: problems that share symbol names with
different arities and sorts, solved interleaved in one worker (and in one process), answer exactly as each
does alone. A leaked assertion, declaration or model would flip one of the `uncertain` answers here."""

from __future__ import annotations

import random

import pytest

from neurosym import Engine, Status
from neurosym.backends import z3_fol
from neurosym.engine import run_backend
from neurosym.lang import Program
from neurosym.problem import Limits

# (premises, conclusion, answer, premises used or None): the same names as unary, binary and nullary
# predicates, as constants, functions and propositions.
CASES = [
    (["P(a)"], "P(a)", "true", [1]),
    (["P(a, b)"], "P(b, a)", "uncertain", None),
    (["P → Q", "P"], "Q", "true", [1, 2]),
    (["Q(P(a))"], "∃x Q(x)", "true", [1]),
    (["∀x (a(x) → b(x))", "a(c)"], "b(c)", "true", [1, 2]),
    (["a"], "a", "true", [1]),
    (["Q(b)"], "P(a)", "uncertain", None),  # P(a) from the first case must not be there
    (["Q(b)"], "¬P(a, b)", "uncertain", None),
    (["a = b"], "P(a) ↔ P(b)", "true", [1]),
    (["Q(b)"], "a = b", "uncertain", None),  # nor a = b
    (["P(a)", "¬P(a)"], "Q(a)", "inconsistent", [1, 2]),
    (["P(a)"], "Q(a)", "uncertain", None),  # nor the contradiction
    (["∀x (P(x) → P(f(x)))", "P(a)"], "P(f(f(a)))", "true", [1, 2]),
    (["f(a) = b", "¬Q(b)"], "Q(f(a))", "false", [1, 2]),
]


def _interleaved(rounds: int = 4) -> list[tuple[int, tuple]]:
    order = [(i, case) for _ in range(rounds) for i, case in enumerate(CASES)]
    random.Random(16).shuffle(order)
    return order


def _check(answer: str | None, certificate: dict | None, case: tuple) -> None:
    _, _, expected, used = case
    assert answer == expected
    if used is not None:
        assert certificate["premises_used"] == used


def test_one_context_many_problems_in_process() -> None:
    limits = Limits(seconds=10)
    for _, case in _interleaved():
        premises, conclusion, _, _ = case
        outcome = run_backend(["z3"], Program("fol", {"premises": premises, "conclusion": conclusion}), limits)
        assert outcome.status == Status.SOLVED, outcome
        _check(outcome.answer, outcome.certificate, case)
    if z3_fol.FRESH_CONTEXT:
        pytest.skip("NEUROSYM_Z3_FRESH_CONTEXT=1: the old path makes a context per problem")
    assert z3_fol.worker_session() is z3_fol.worker_session()  # one world, reused


def test_interleaved_in_one_worker() -> None:
    order = _interleaved()
    problems = [{"id": f"{n}-{i}", "language": "fol", "premises": case[0], "conclusion": case[1]}
                for n, (i, case) in enumerate(order)]
    results = Engine(workers=1, backend="z3").solve_many(problems)
    assert [r.id for r in results] == [p["id"] for p in problems]
    for result, (_, case) in zip(results, order, strict=True):
        assert result.status == Status.SOLVED, result.error
        _check(result.answer, result.certificate, case)
