"""Every grammar in grammars/ must compile with both Lark and llguidance (DESIGN.md: one grammar, two uses).

Lark parses programs with it; llguidance constrains an LLM's decoding with it. A grammar that drifts out of
the dialect both accept (priorities, templates, lookarounds, %declare) fails here, naming the grammar.
"""

from __future__ import annotations

from pathlib import Path

import lark
import llguidance
import pytest

GRAMMAR_DIR = Path(__file__).resolve().parents[1] / "grammars"
GRAMMARS = sorted(GRAMMAR_DIR.glob("*.lark"))


def test_there_are_grammars() -> None:
    assert GRAMMARS, f"no grammars found in {GRAMMAR_DIR}"


@pytest.mark.parametrize("path", GRAMMARS, ids=lambda p: p.name)
def test_grammar_compiles_with_lark(path: Path) -> None:
    parser = lark.Lark(path.read_text(encoding="utf-8"), start="start", parser="earley")
    assert parser.rules


@pytest.mark.parametrize("path", GRAMMARS, ids=lambda p: p.name)
def test_grammar_compiles_with_llguidance(path: Path) -> None:
    grammar = llguidance.grammar_from("lark", path.read_text(encoding="utf-8"))
    is_error, messages = llguidance.LLMatcher.validate_grammar_with_warnings(grammar)
    assert not is_error, f"{path.name}: llguidance rejects the grammar: {messages}"
