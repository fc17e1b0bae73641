"""Deciding Lean statements with Z3 and SymPy: proofs, and refutations whose countermodels re-check."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from neurosym.backends.lean_arith import decide
from neurosym.lang.lean import elaborate
from neurosym.lang.lean_eval import Evaluator, FunctionValue, NotExact, check_countermodel
from neurosym.result import Status


def verdict(text: str, seconds: float = 10.0):
    return decide(elaborate(text), seconds)


@pytest.mark.parametrize("text", [
    "theorem t (x y : ℝ) (h₀ : x + y = 7) (h₁ : 3 * x + y = 45) : x ^ 2 - y ^ 2 = 217 := by sorry",
    "theorem t (a b : ℕ) (h : a = 3 * b) (h' : a + b = 20) : a - b = 10 := by sorry",
    "theorem t : (19 ^ 19 + 99 ^ 99) % 10 = 8 := by sorry",
    "theorem t : Nat.gcd 180 168 = 12 := by sorry",
    "theorem t (x : ℝ) (f : ℝ → ℝ) (h : ∀ x, f x = 2 * x + 1) : f 3 = 7 := by sorry",
    "theorem t (z : ℂ) : (z + 1) * (z - 1) = z ^ 2 - 1 := by sorry",
    "theorem t : Real.sqrt 16 + Real.sqrt 9 = 7 := by sorry",
    "theorem t : Real.logb 2 8 = 3 := by sorry",
    "theorem t : (∑ k ∈ Finset.Icc 1 10, k) = 55 := by sorry",
    "theorem t (n : ℕ) (h : n % 7 = 3) : (2 * n + 1) % 7 = 0 := by sorry",
    "theorem t (x : ℝ) (h : x / 0 = 1) : x = 5 := by sorry",  # x / 0 = 0 in Lean: the hypothesis is false
])
def test_true_statements_are_proved(text: str) -> None:
    outcome = verdict(text)
    assert outcome.status == Status.SOLVED, outcome.certificate
    assert outcome.answer == "proved"
    assert outcome.certificate["engine"] in ("z3", "sympy")


def _values(statement, countermodel):
    values = {}
    for name, ty in statement.variables:
        shown = countermodel[name]
        assert not isinstance(ty, tuple), "these tests use scalar countermodels"
        values[name] = Fraction(shown)
    return values


@pytest.mark.parametrize("text", [
    "theorem t (x y : ℕ) (h : x + y = 10) : x = 5 := by sorry",
    "theorem t (a b : ℕ) (h : a ≤ b) : a - b + b = a := by sorry",  # false because ℕ subtraction truncates
    "theorem t (x : ℝ) (h : x ^ 2 = 4) : x = 2 := by sorry",
    "theorem t (n : ℤ) (h : n % 3 = 1) : n ^ 2 % 3 = 0 := by sorry",
])
def test_false_statements_are_refuted_and_the_countermodel_rechecks(text: str) -> None:
    statement = elaborate(text)
    outcome = decide(statement, 10.0)
    assert outcome.answer == "refuted", outcome.certificate
    values = _values(statement, outcome.certificate["countermodel"])
    hypotheses_hold, goal_holds = check_countermodel(statement, values)
    assert hypotheses_hold and not goal_holds


def test_refutation_by_a_defined_function_rechecks() -> None:
    statement = elaborate("theorem t (f : ℝ → ℝ) (h₀ : ∀ x, f x = 3 * Real.sqrt (2 * x - 7) - 8) : "
                          "f 8 = 19 := by sorry")
    outcome = decide(statement, 10.0)
    assert outcome.answer == "refuted"
    params, body = ("x",), statement.hypotheses[0][1].args[0].args[1]
    evaluator = Evaluator({"f": FunctionValue(params=params, body=body)})
    assert evaluator.eval(statement.goal.args[0]) == Fraction(1)  # f 8 = 3 * 3 - 8, not 19
    assert check_countermodel(statement, {"f": FunctionValue(params=params, body=body)}, frozenset({0})) == \
        (True, False)


@pytest.mark.parametrize("text", [
    "theorem t (x : ℝ) (h : 0 < x) : Real.log x < x := by sorry",  # log: Z3 would only approximate
    "theorem t (n : ℕ) : ∑ k ∈ Finset.range n, (2 * k + 1) = n ^ 2 := by sorry",  # an unbounded sum
    "theorem t (x : ℝ) : Real.sin x ≤ 1 := by sorry",
])
def test_inexact_translations_are_never_decided(text: str) -> None:
    outcome = verdict(text)
    assert outcome.status == Status.UNKNOWN
    assert outcome.answer is None
    assert outcome.certificate["reason"]


def test_evaluator_uses_lean_conventions() -> None:
    statement = elaborate("theorem t (a b : ℕ) (x : ℤ) (r : ℝ) : a - b = 0 ∧ x / 0 = 0 ∧ -7 % 3 = (2 : ℤ) ∧ "
                          "r / 0 = 0 ∧ (-7 : ℤ) / 2 = -4 := by sorry")
    values = {"a": Fraction(2), "b": Fraction(5), "x": Fraction(9), "r": Fraction(3, 2)}
    assert Evaluator(values).eval(statement.goal) is True
    with pytest.raises(NotExact):
        Evaluator({"x": Fraction(2)}).eval(elaborate("theorem t (x : ℝ) : Real.sqrt x = 1 := by sorry").goal)


def test_minif2f_refutations_recheck(data_dir) -> None:
    lines = (data_dir / "minif2f" / "valid.jsonl").read_text(encoding="utf-8").splitlines()
    rows = {json.loads(line)["name"]: json.loads(line) for line in lines}
    row = rows["mathd_algebra_433"]
    statement = elaborate(row["header"] + "\n\n" + row["formal_statement"])
    outcome = decide(statement, 10.0)
    assert outcome.answer == "refuted"
    assert outcome.certificate["defined_by_hypothesis"] == ["f"]
