"""Shared fixtures: paths to the repository, its examples, and the shared datasets."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = (ROOT / ".." / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.skip(f"shared datasets not found at {DATA}")
    return DATA


@pytest.fixture(scope="session")
def engine():
    """One engine (and one warm worker pool) for the whole session, as a long-running user would hold."""
    from neurosym import Engine

    return Engine(workers=2)


class _ByteTokenizer:
    """A tokenizer whose tokens are the 256 bytes (+ EOS): lets llguidance match text without a model."""

    eos_token_id = 256
    bos_token_id = None
    tokens = [bytes([i]) for i in range(256)] + [b"<eos>"]

    def __call__(self, text: str | bytes) -> list[int]:
        return list(text if isinstance(text, bytes) else text.encode("utf-8"))


@pytest.fixture(scope="session")
def llguidance_accepts():
    """`accepts(grammar_text, text) -> bool`: does llguidance's matcher accept the whole text?

    The decoder-side twin of a Lark parse: a grammar serves both, so on real inputs they must agree.
    """
    import llguidance

    tokenizer = llguidance.LLTokenizer(llguidance.TokenizerWrapper(_ByteTokenizer()))
    compiled: dict[str, str] = {}

    def accepts(grammar_text: str, text: str) -> bool:
        grammar = compiled.setdefault(grammar_text, llguidance.grammar_from("lark", grammar_text))
        matcher = llguidance.LLMatcher(tokenizer, grammar, log_level=0)
        return matcher.consume_tokens(list(text.encode("utf-8"))) and matcher.is_accepting()

    return accepts
