"""grammars/prolog.lark was reshaped for the decoder (issue 17): Lark's parses must stay those of the
grammar before (tests/lang/data/prolog_reference.lark), on every Prolog text neurosym writes or ships and
on broken variants of each; and llguidance must accept exactly what Lark accepts."""

from __future__ import annotations

import re
from pathlib import Path

import lark
import pytest
from prolog_corpus import corpus, mutants, operator_texts

from neurosym.resources import grammar_text

REFERENCE = Path(__file__).parent / "data" / "prolog_reference.lark"


def _parser(text: str) -> lark.Lark:
    return lark.Lark(text, start="start", parser="lalr", propagate_positions=False)


def shape(tree: object) -> object:
    """A parse tree as nested tuples: rule names and token texts (token type names may differ)."""
    if isinstance(tree, lark.Tree):
        return (tree.data, tuple(shape(c) for c in tree.children))
    return str(tree)


def outcome(parser: lark.Lark, text: str) -> object:
    """The tree's shape, or the error's kind and line:column."""
    try:
        return shape(parser.parse(text))
    except lark.UnexpectedInput as exc:
        at_end = getattr(getattr(exc, "token", None), "type", "") == "$END"
        kind = "eof" if isinstance(exc, lark.UnexpectedEOF) or at_end else type(exc).__name__
        return ("error", kind, exc.line, exc.column)


@pytest.fixture(scope="module")
def texts(data_dir: Path) -> dict[str, str]:
    return corpus(data_dir)


@pytest.fixture(scope="module")
def parsers() -> tuple[lark.Lark, lark.Lark]:
    return _parser(REFERENCE.read_text(encoding="utf-8")), _parser(grammar_text("prolog"))


def test_the_corpus_is_the_real_one(texts: dict[str, str]) -> None:
    assert sum(name.startswith("proofwriter/") for name in texts) > 300
    assert sum(name.startswith(("3ppl", "4ppl", "5ppl")) for name in texts) == 600
    assert sum(name.startswith("examples/") for name in texts) >= 1


@pytest.mark.slow
def test_parse_trees_and_errors_are_unchanged(texts: dict[str, str], parsers) -> None:
    reference, reshaped = parsers
    differ, accepted, compared = [], 0, 0
    for name, text in [*texts.items(), *operator_texts().items()]:
        variants = [text] if name.startswith("ops:") else [text, *mutants(text, 5, seed=len(text))]
        for i, variant in enumerate(variants):
            before, after = outcome(reference, variant), outcome(reshaped, variant)
            compared += 1
            accepted += before[0] != "error"
            if before != after:
                differ.append((name, i, variant[:200], before if before[0] == "error" else "tree",
                               after if after[0] == "error" else "tree"))
    print(f"{compared} texts compared, {accepted} accepted by the reference grammar")
    assert compared > 40000 and accepted > 10000
    assert differ == [], differ[:5]


# llguidance's lexer is greedy with one byte of lookahead: in "N is 1." followed by a newline, "1." is a
# live prefix of a float NUMBER ("1.5"), the newline kills it, and the matcher does not back off to "1"
# and the end ".". Lark's regex lexer does. Known, not fixed here (see docs/llm.md).
NUMBER_THEN_END = re.compile(r"\d\.(?!\d)")


@pytest.mark.slow
def test_llguidance_accepts_what_lark_accepts(texts: dict[str, str], parsers, llguidance_accepts) -> None:
    _, reshaped = parsers
    grammar = '%llguidance { "allow_initial_skip": true }\n' + grammar_text("prolog")
    disagree, compared = [], 0
    for name, text in sorted(texts.items())[::3]:
        for variant in [text, *mutants(text, 2, seed=len(text))]:
            if not variant.strip() or NUMBER_THEN_END.search(variant):
                continue
            compared += 1
            lark_ok = outcome(reshaped, variant)[0] != "error"
            if lark_ok != llguidance_accepts(grammar, variant):
                disagree.append((name, variant[:200], lark_ok))
    assert compared > 500 and disagree == [], disagree[:5]


@pytest.mark.xfail(strict=True, reason="llguidance's lexer does not back off from a float prefix '1.' to '1' and "
                   "'.'; a fix in the grammar changes Lark's trees of floats (see the test below and docs/llm.md)")
def test_llguidance_accepts_an_integer_before_the_end_dot(llguidance_accepts) -> None:
    grammar = '%llguidance { "allow_initial_skip": true }\n' + grammar_text("prolog")
    assert llguidance_accepts(grammar, "p(N) :- N is 0 + 1.\n")


TAIL = 'NAME: /[a-z]+/\n%ignore /[ \\t\\n]+/\n'


@pytest.mark.parametrize(("shape", "grammar", "accepted"), [
    ("one float lexeme (prolog.lark today)",
     'start: item*\nitem: n "." | NAME "(" n ")" "."\nn: NUMBER\nNUMBER: /[0-9]+(\\.[0-9]+)?/\n', False),
    ("integer and float as two lexemes",
     'start: item*\nitem: n "." | NAME "(" n ")" "."\nn: INT | FLOAT\nINT: /[0-9]+/\nFLOAT: /[0-9]+\\.[0-9]+/\n',
     False),
    ("an end lexeme that takes the layout after it",
     'start: item*\nitem: n END | NAME "(" n ")" END\nn: NUMBER\nNUMBER: /[0-9]+(\\.[0-9]+)?/\n'
     'END: /\\.([ \\t\\n]+|%[^\\n]*)?/\n', False),
    ("the fraction split into a lexeme of its own",
     'start: item*\nitem: n "." | NAME "(" n ")" "."\nn: INT | INT FRACTION\nINT: /[0-9]+/\n'
     'FRACTION: /\\.[0-9]+/\n', True),
])
def test_why_the_integer_before_the_end_dot_is_not_fixed(llguidance_accepts, shape: str, grammar: str,
                                                         accepted: bool) -> None:
    """llguidance's lexer extends a lexeme while any allowed lexeme can still match, with one byte of lookahead:
    after "1." a float is still possible, and the newline after it kills the lexeme without backing off to "1"
    and ".". No shape of the number or end terminal changes that; only a fraction lexed apart from the integer
    does, and in Lark that makes every float two tokens (the tree of `1.5e3` in the corpus changes) and lets
    `1 .5` through, so prolog.lark keeps one NUMBER and the xfail above stays."""
    text = '%llguidance { "allow_initial_skip": true }\n' + grammar + TAIL
    assert llguidance_accepts(text, "p(1).\n1.5.\n"), shape  # every shape takes a float and a clause
    assert llguidance_accepts(text, "1.\n") == accepted, shape
