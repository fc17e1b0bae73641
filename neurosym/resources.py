"""Locate the files that ship beside the code: Lark grammars and prover-side libraries."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


def grammar_path(language: str) -> Path:
    """Path of grammars/<language>.lark, in a checkout or an installed wheel."""
    return Path(str(resources.files("neurosym.grammars") / f"{language}.lark"))


@cache
def grammar_text(language: str) -> str:
    return grammar_path(language).read_text(encoding="utf-8")


def prover_path(relative: str) -> Path:
    """Path of a file under provers/ (Prolog libraries, planner configurations, ...)."""
    return Path(str(resources.files("neurosym.provers") / relative))
