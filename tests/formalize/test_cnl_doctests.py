"""The examples in the controlled-English modules' docstrings run as doctests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["neurosym.formalize.cnl", "neurosym.formalize.cnl.sentences", "neurosym.formalize.cnl.lexicon",
           "neurosym.formalize.cnl.parser", "neurosym.formalize.cnl.worlds"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    failed, attempted = doctest.testmod(importlib.import_module(name))
    assert attempted > 0 and failed == 0
