"""The examples in the reward modules' docstrings run as doctests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["neurosym.rewards.config", "neurosym.rewards.extract", "neurosym.rewards.answers",
           "neurosym.rewards.program", "neurosym.rewards.verify", "neurosym.rewards.frameworks"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    failed, attempted = doctest.testmod(importlib.import_module(name))
    assert attempted > 0 and failed == 0
