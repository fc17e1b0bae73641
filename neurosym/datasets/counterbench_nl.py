"""`counterbench-nl`: CounterBench's sentences handed to a formalizer (an LLM: `--model`), which writes the
causal model and its query in the SCM language; same ids and expected answers as format `counterbench`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from neurosym.datasets import json_line_problems
from neurosym.problem import Problem


def _problem(row: dict[str, Any], line_id: str) -> dict[str, Any]:
    problem_id = f"counterbench-{row.get('question_id', line_id)}-{row.get('type', '')}"
    return {"id": problem_id, "language": "scm", "text": str(row["given_info"]), "question": str(row["question"]),
            "expect": row.get("answer")}


def load(path: Path, backend: str | None = None) -> Iterator[Problem]:
    """Problems from a CounterBench .jsonl file, or every .jsonl file in a folder."""
    return json_line_problems(path, _problem, lambda file, number: f"{file.stem}:{number}", "CounterBench")
