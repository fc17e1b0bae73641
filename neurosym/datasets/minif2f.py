"""miniF2F in Lean 4 (yangky11/miniF2F-lean4 as JSON lines): `name`, `header`, `formal_statement`.

Every statement is meant to be true, so the expected answer is `proved`: a bench's accuracy is the share
proved, and a `refuted` answer (with its checked countermodel) means the formalization is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from neurosym.datasets import json_line_problems
from neurosym.problem import Problem


def _problem(row: dict[str, Any], problem_id: str) -> dict[str, Any]:
    statement = row["formal_statement"]
    if not isinstance(statement, str):
        raise TypeError("formal_statement is not a string")
    return {"id": str(row.get("name") or problem_id), "language": "lean", "statement": statement,
            "header": row.get("header") or "", "expect": "proved"}


def load(path: Path, backend: str | None = None) -> Iterator[Problem]:
    """One Lean problem a row, id the row's `name` (else `minif2f-<line>`)."""
    return json_line_problems(path, _problem, lambda _, number: f"minif2f-{number}", "miniF2F")
