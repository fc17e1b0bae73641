"""Cross-checking planners: two different valid plans agree; a plan against `unsolvable` does not."""

from __future__ import annotations

from neurosym.lang.pddl import LANGUAGE


def test_different_plans_are_the_same_verdict() -> None:
    plan_a = ["(pick-up a)", "(stack a b)"]
    plan_b = ["(unstack c a)", "(put-down c)", "(pick-up a)", "(stack a b)"]
    assert LANGUAGE.same_verdict(plan_a, plan_b)
    assert not LANGUAGE.same_verdict(plan_a, "unsolvable")
    assert LANGUAGE.same_verdict("unsolvable", "UNSOLVABLE")
    assert not LANGUAGE.same_verdict("valid", "invalid")
