"""The FOL grammar as a decoder constraint: llguidance accepts exactly what Lark parses, on real formulas."""

from __future__ import annotations

import json
from pathlib import Path

from neurosym.lang.fol import parse_formula
from neurosym.resources import grammar_text
from neurosym.result import NeurosymError


def lark_parses(text: str) -> bool:
    try:
        parse_formula(text)
    except NeurosymError:
        return False
    return True


def test_llguidance_and_lark_agree_on_every_folio_formula(data_dir: Path, llguidance_accepts) -> None:
    rows = [json.loads(line) for line in (data_dir / "folio" / "folio-validation.jsonl").open(encoding="utf-8")]
    formulas = sorted({f.strip() for r in rows for f in [*r["premises-FOL"], r["conclusion-FOL"]]})
    grammar = grammar_text("fol")
    disagreements = [f for f in formulas if llguidance_accepts(grammar, f) != lark_parses(f)]
    assert len(formulas) > 500 and disagreements == []
    assert sum(not lark_parses(f) for f in formulas) >= 3  # the malformed gold formulas are refused by both


def test_llguidance_and_lark_agree_on_other_spellings(llguidance_accepts) -> None:
    grammar = grammar_text("fol")
    for text in ["all x.(P(x) -> -Q(x))", "exists x,y.(R(x,y) & x != y)", "forall x (P(x) <-> ~Q(x))",
                 "y42.3billion = c", "P(a) ⇒ Q(a)", "∀x (P(x)", "P(a,)"]:
        assert llguidance_accepts(grammar, text) == lark_parses(text), text
