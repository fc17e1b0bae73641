"""FOLIO (Yale-LILY/FOLIO) JSON lines: `premises` and `conclusion` in English, their gold FOL
(`premises-FOL`, `conclusion-FOL`) and the `label`. Format `folio` solves the gold FOL; `folio-nl` hands the
English to a formalizer (an LLM: `--model`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from neurosym.datasets import json_line_problems
from neurosym.problem import Problem

LABELS = {"True": "true", "False": "false", "Uncertain": "uncertain", "Unknown": "uncertain"}


def _problem(row: dict[str, Any], problem_id: str) -> dict[str, Any]:
    return {
        "id": problem_id,
        "language": "fol",
        "premises": [p.strip() for p in row["premises-FOL"]],
        "conclusion": row["conclusion-FOL"].strip(),
        "expect": LABELS.get(row.get("label"), row.get("label")),
    }


def load(path: Path, backend: str | None = None) -> Iterator[Problem]:
    """One FOL problem a row, id `folio-<row>` (1-based); a row that is not JSON is a load error."""
    return json_line_problems(path, _problem, lambda _, number: f"folio-{number}", "FOLIO")


def _nl_problem(row: dict[str, Any], problem_id: str) -> dict[str, Any]:
    return {
        "id": problem_id,
        "language": "fol",
        "text": " ".join(p.strip() for p in row["premises"]),
        "question": row["conclusion"].strip(),
        "expect": LABELS.get(row.get("label"), row.get("label")),
    }


def load_nl(path: Path, backend: str | None = None) -> Iterator[Problem]:
    """`folio-nl`: the English premises and conclusion, for a formalizer to write in FOL (same ids)."""
    return json_line_problems(path, _nl_problem, lambda _, number: f"folio-{number}", "FOLIO")
