"""The examples in the planning modules' docstrings run as doctests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["neurosym.lang.pddl_plan", "neurosym.planning.blocksworld", "neurosym.datasets.planbench"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    failed, attempted = doctest.testmod(importlib.import_module(name))
    assert attempted > 0 and failed == 0
