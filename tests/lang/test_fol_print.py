"""The FOL printer: parse(print(tree)) == tree over every gold FOLIO formula and every CNL translation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from neurosym.datasets.logic_lm import load as load_logic_lm
from neurosym.formalize.cnl import translate_text
from neurosym.lang.fol import (
    Atom,
    Connective,
    Const,
    Equal,
    Formula,
    Not,
    Quantified,
    Term,
    parse_formula,
    to_text,
)
from neurosym.result import NeurosymError

P, Q, R = (Atom(name, (Term("a"),)) for name in "PQR")
X = Term("x")


def round_trips(formula: Formula) -> str:
    text = to_text(formula)
    assert parse_formula(text) == formula, text
    return text


@pytest.mark.parametrize(("formula", "text"), [
    (Connective("and", (Connective("and", (P, Q)), R)), "(P(a) ∧ Q(a)) ∧ R(a)"),
    (Connective("and", (P, Q, R)), "P(a) ∧ Q(a) ∧ R(a)"),
    (Connective("implies", (P, Connective("implies", (Q, R)))), "P(a) → Q(a) → R(a)"),
    (Connective("implies", (Connective("implies", (P, Q)), R)), "(P(a) → Q(a)) → R(a)"),
    (Connective("iff", (Connective("implies", (P, Q)), R)), "P(a) → Q(a) ↔ R(a)"),
    (Connective("implies", (P, Connective("iff", (Q, R)))), "P(a) → (Q(a) ↔ R(a))"),
    (Connective("xor", (Connective("or", (P, Q)), R)), "P(a) ∨ Q(a) ⊕ R(a)"),
    (Connective("or", (Connective("xor", (P, Q)), R)), "(P(a) ⊕ Q(a)) ∨ R(a)"),
    (Not(Connective("and", (P, Q))), "¬(P(a) ∧ Q(a))"),
    (Not(Not(P)), "¬¬P(a)"),
    (Connective("and", (Quantified("forall", ("x",), Atom("P", (X,))), Q)), "(∀x P(x)) ∧ Q(a)"),
    (Connective("and", (Q, Quantified("forall", ("x",), Atom("P", (X,))))), "Q(a) ∧ ∀x P(x)"),
    (Connective("and", (Not(Quantified("exists", ("x",), Atom("P", (X,)))), Q)), "¬(∃x P(x)) ∧ Q(a)"),
    (Connective("or", (Connective("and", (Q, Quantified("exists", ("x", "y"), Atom("P", (X,))))), R)),
     "Q(a) ∧ (∃x,y P(x)) ∨ R(a)"),
    (Quantified("forall", ("x",), Quantified("exists", ("y",), Connective("or", (Atom("P", (X,)), P)))),
     "∀x ∃y (P(x) ∨ P(a))"),
    (Not(Equal(X, Term("f", (Term("b"),)))), "x ≠ f(b)"),
    (Not(Not(Equal(X, Term("b")))), "¬x ≠ b"),
    (Connective("and", (Const(True), Not(Const(False)), Atom("p"))), "⊤ ∧ ¬⊥ ∧ p"),
])
def test_minimal_brackets(formula: Formula, text: str) -> None:
    assert round_trips(formula) == text


def test_a_connective_of_one_part_is_refused() -> None:
    with pytest.raises(ValueError, match="two parts"):
        to_text(Connective("and", (P,)))


def test_long_implication_chain_prints_without_recursion() -> None:
    formula: Formula = P
    for _ in range(5000):
        formula = Connective("implies", (Q, formula))
    assert to_text(formula) == " → ".join(["Q(a)"] * 5000 + ["P(a)"])  # (== on such a tree would recurse)


def test_every_folio_gold_formula_round_trips(data_dir: Path) -> None:
    path = data_dir / "folio" / "folio-validation.jsonl"
    texts = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        texts.update(text.strip() for text in [*row["premises-FOL"], row["conclusion-FOL"]])
    parsed = 0
    for text in sorted(texts):
        try:
            formula = parse_formula(text)
        except NeurosymError:
            continue  # FOLIO has a few ill-formed gold formulas; only those that parse are the printer's job
        round_trips(formula)
        parsed += 1
    assert parsed > 0.95 * len(texts) > 500


def test_every_proofwriter_translation_round_trips(data_dir: Path) -> None:
    formulas = 0
    for problem in load_logic_lm(data_dir / "proofwriter" / "dev.json"):
        translation = translate_text(str(problem.text), str(problem.question))
        for formula in [*translation.premises, translation.conclusion]:
            assert formula is not None
            round_trips(formula)
            formulas += 1
    assert formulas > 11000
