"""Bad input ends cleanly inside its limits, through the sandboxed engine (as a user's statement would)."""

from __future__ import annotations

import pytest

from neurosym import Problem
from neurosym.result import ErrorKind, Status


def run(engine, statement: str, seconds: float = 20.0):
    problem = Problem.from_dict({"id": "bad", "language": "lean", "statement": statement,
                                 "limits": {"seconds": seconds}}, "bad")
    return engine.solve_many([problem])[0]


def test_ten_thousand_deep_nesting_is_refused(engine) -> None:
    statement = "theorem t : " + "(" * 10_000 + "1" + ")" * 10_000 + " = 1 := by sorry"
    result = run(engine, statement)
    assert result.status == Status.ERROR
    assert result.error.kind == ErrorKind.INPUT
    assert "nested" in result.error.message


def test_ten_thousand_deep_operators_are_refused(engine) -> None:
    statement = "theorem t : " + "¬" * 10_000 + "1 = 1 := by sorry"
    result = run(engine, statement)
    assert result.status == Status.ERROR and result.error.kind == ErrorKind.INPUT


def test_exponent_tower_is_not_computed(engine) -> None:
    result = run(engine, "theorem t : 2^2^2^2^2^2 > 0 := by sorry")
    assert result.status == Status.UNKNOWN
    assert "power" in result.certificate["reason"]


def test_sum_over_a_million_terms_is_not_unrolled(engine) -> None:
    result = run(engine, "theorem t : (∑ k ∈ Finset.range 1000000, k) = 499999500000 := by sorry")
    assert result.status == Status.UNKNOWN
    assert "1000000 elements" in result.certificate["reason"]


def test_division_by_zero_in_a_hypothesis_follows_lean(engine) -> None:
    # Lean defines x / 0 = 0, so the hypothesis 1 / 0 = 1 is false and the statement holds vacuously
    result = run(engine, "theorem t (x : ℝ) (h : (1 : ℝ) / 0 = 1) : x = 7 := by sorry")
    assert result.status == Status.SOLVED and result.answer == "proved"
    result = run(engine, "theorem t (x : ℝ) (h : x / 0 = 0) : x = 7 := by sorry")
    assert result.answer == "refuted"


def test_unknown_identifier_is_reported_with_its_place(engine) -> None:
    result = run(engine, "theorem t (x : ℝ)\n  (h : x = mystery 3) : x = 1 := by sorry")
    assert result.status == Status.ERROR
    assert result.error.kind == ErrorKind.TYPE
    assert "mystery" in result.error.message and result.error.line == 2


@pytest.mark.slow
def test_hard_nonlinear_statement_ends_inside_its_limit(engine) -> None:
    result = run(engine, "theorem t (a : ℤ) : a ^ 2 % 3 = 0 ∨ a ^ 2 % 3 = 1 ∨ a ^ 7 % 5 = 4 := by sorry",
                 seconds=3.0)
    assert result.status in (Status.SOLVED, Status.UNKNOWN, Status.TIMEOUT)
