"""Every Examples section in the package's docstrings runs as a doctest (DESIGN.md: examples that run)."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "neurosym"
MODULES = sorted(
    ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
    for path in PACKAGE.rglob("*.py")
    if ">>> " in path.read_text(encoding="utf-8")
)


def test_the_public_modules_carry_examples() -> None:
    for required in ("neurosym.lang.fol", "neurosym.lang.scm", "neurosym.causal.model", "neurosym.causal.queries",
                     "neurosym.causal.actual", "neurosym.registry"):
        assert required in MODULES, f"{required} has no doctested Examples"


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    failed, attempted = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert attempted > 0 and failed == 0
