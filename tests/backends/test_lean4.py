"""The real Lean 4 backend: available only with a Lean toolchain (`lake`) and a Mathlib project."""

from __future__ import annotations

import pytest

from neurosym.backends import PREFERENCE, candidates, first_supporting
from neurosym.backends.lean4 import Lean4Backend
from neurosym.lang.base import Program
from neurosym.problem import Limits

needs_lean = pytest.mark.skipif(not Lean4Backend.available(), reason=Lean4Backend.unavailable_reason())


def test_without_lean_the_z3_sympy_backend_is_chosen() -> None:
    assert PREFERENCE["lean"][0] == "lean4"
    expected = "lean4" if Lean4Backend.available() else "lean-arith"
    program = Program("lean", {"statement": "theorem t : (2 : ℕ) + 2 = 4 := by sorry"})
    assert first_supporting(candidates("lean"), program).name == expected


@pytest.mark.lean4
@needs_lean
def test_lean_checks_a_statement() -> None:
    program = Program("lean", {"statement": "theorem t : (2 : ℕ) + 2 = 4 := by norm_num",
                               "header": "import Mathlib"})
    outcome = Lean4Backend().solve(program, Limits(seconds=300))
    assert outcome.answer == "proved"
