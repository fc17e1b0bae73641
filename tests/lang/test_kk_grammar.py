"""grammars/kk.lark (the decoder's format for Knights and Knaves statements) accepts exactly the statements
the K&K dataset writes, and lang/kk.py reads what it accepts."""

from __future__ import annotations

import json
from pathlib import Path

import lark
import pytest

from neurosym.lang.kk import parse_statements
from neurosym.resources import grammar_text


@pytest.fixture(scope="module")
def parser() -> lark.Lark:
    return lark.Lark(grammar_text("kk"), parser="lalr")


def test_every_dataset_statement_parses(parser: lark.Lark, data_dir: Path) -> None:
    rows = [json.loads(line) for file in sorted((data_dir / "knights-knaves").glob("*.jsonl"))
            for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == 300
    for row in rows:
        parser.parse(row["statements"])
        assert len(parse_statements(row["statements"], len(row["names"]))) == len(row["names"])


def test_a_one_person_tuple_with_its_trailing_comma(parser: lark.Lark) -> None:
    assert parser.parse("(('lying', 0),)") is not None


@pytest.mark.parametrize("text", ["(('xor', ('lying', 0), ('lying', 1)),)", "(('not', ('lying', 0), ('lying', 1)),)",
                                  "(('lying', -1),)", "__import__('os')"])
def test_what_the_grammar_refuses(parser: lark.Lark, text: str) -> None:
    with pytest.raises(lark.exceptions.LarkError):
        parser.parse(text)
