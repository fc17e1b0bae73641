"""Lean statements: grammar, Lean's precedence, elaboration with Lean's coercions, located errors."""

from __future__ import annotations

import json

import lark
import llguidance
import pytest

from neurosym.lang.lean import elaborate, parse_statement, show
from neurosym.resources import grammar_text
from neurosym.result import ErrorKind, NeurosymError


def goal(text: str) -> str:
    return show(parse_statement(f"theorem t : {text} := by sorry").goal)


@pytest.mark.parametrize(("text", "tree"), [
    ("-x ^ 2 = 1", "-(x ^ 2) = 1"),  # unary minus is looser than ^
    ("2 ^ 3 ^ 2 = 1", "(2 ^ (3 ^ 2)) = 1"),  # ^ is right-associative
    ("a - b - c = 1", "((a - b) - c) = 1"),
    ("a ∧ b ∨ c", "((a ∧ b) ∨ c)"),
    ("a → b → c", "(a → (b → c))"),
    ("¬7 ∣ a + b", "¬7 ∣ (a + b)"),
    ("∑ k ∈ Finset.range n, (2 * k + 3) = n ^ 2", "(∑ k ∈ (Finset.range n), ((2 * k) + 3)) = (n ^ 2)"),
    ("∑ k ∈ Finset.range n, k * 2 + 1 = 0", "((∑ k ∈ (Finset.range n), (k * 2)) + 1) = 0"),
    ("x / ∑ k ∈ s, f k = 1", "(x / (∑ k ∈ s, (f k))) = 1"),
    ("f x y + g (x + 1) = 0", "(((f x) y) + (g (x + 1))) = 0"),
])
def test_lean_precedence(text: str, tree: str) -> None:
    assert goal(text) == tree


def test_binders_hypotheses_and_coercions_follow_lean() -> None:
    statement = elaborate("theorem t (n k : ℕ) (c : ℕ) (h₀ : (c : ℤ) - k = n) (h₁ : (n : ℝ) / (n + k) < 1) : "
                          "n - k ≤ n := by sorry")
    assert statement.variables == [("n", "N"), ("k", "N"), ("c", "N")]
    # leaves are cast one by one (binop%), so subtraction happens in ℤ, not truncated in ℕ
    assert show(statement.hypotheses[0][1]) == "((↑c : ℤ) - (↑k : ℤ)) = (↑n : ℤ)"
    assert show(statement.hypotheses[1][1]) == "((↑n : ℝ) / ((↑n : ℝ) + (↑k : ℝ))) < 1"
    assert statement.goal.args[0].ty == "N"  # the goal's n - k stays a truncated ℕ subtraction


def test_untyped_binders_take_their_type_from_use() -> None:
    statement = elaborate("theorem t (f : ℝ → ℝ → ℝ) (h : ∀ x, ∀ (y) (_ : y ≠ 0), f x y = x / y) : "
                          "f 1 2 = 1 / 2 := by sorry")
    text = show(statement.hypotheses[0][1])
    assert "∀ x : ℝ" in text and "∀ y : ℝ" in text


def test_syntax_error_names_line_column_and_expected() -> None:
    with pytest.raises(NeurosymError) as caught:
        parse_statement("theorem t (x : ℝ)\n  (h : x + = 2) : x = 1 := by sorry")
    info = caught.value.info
    assert info.kind == ErrorKind.SYNTAX
    assert (info.line, info.column) == (2, 12)
    assert "expected" in info.message


def test_unknown_identifier_is_a_located_type_error() -> None:
    with pytest.raises(NeurosymError) as caught:
        elaborate("theorem t (x : ℝ) (h : frobnicate x = 1) : x = 1 := by sorry")
    assert caught.value.info.kind == ErrorKind.TYPE
    assert "frobnicate" in caught.value.info.message
    assert (caught.value.info.line, caught.value.info.column) == (1, 24)


def test_construct_outside_the_fragment_is_unsupported_naming_it() -> None:
    with pytest.raises(NeurosymError) as caught:
        elaborate("theorem t (x : ℝ) : Real.sinc x ≤ 1 := by sorry")
    assert caught.value.info.kind == ErrorKind.UNSUPPORTED
    assert "Real.sinc" in caught.value.info.message


def test_grammar_constrains_a_decoder_with_llguidance() -> None:
    grammar = llguidance.grammar_from("lark", grammar_text("lean"))
    assert not llguidance.LLMatcher.validate_grammar_with_warnings(grammar)[0]
    lark.Lark(grammar_text("lean"), parser="lalr", start="start")


def test_minif2f_valid_parses(data_dir) -> None:
    lines = (data_dir / "minif2f" / "valid.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    parsed = 0
    for row in rows:
        try:
            elaborate(row["header"] + "\n\n" + row["formal_statement"])
            parsed += 1
        except NeurosymError:
            pass
    assert len(rows) == 244
    assert parsed / len(rows) >= 0.95
