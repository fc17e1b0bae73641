"""Knights and Knaves (the K&K benchmark's JSON lines: `names`, `statements`, `solution`).

Every row becomes a kk problem built from its gold `statements` formalization; the backend the user
picks decides the translation (swipl: a Prolog program in a sandboxed module; z3: Boolean constraints),
so both solve the same puzzle. A folder means every *.jsonl file in it, sorted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from neurosym.datasets import json_line_problems
from neurosym.problem import Problem


def _problem(row: dict[str, Any], problem_id: str) -> dict[str, Any]:
    names = list(row["names"])
    expect = {name: "knight" if knight else "knave" for name, knight in zip(names, row["solution"], strict=True)}
    return {"id": problem_id, "language": "kk", "names": names, "statements": row["statements"],
            "question": row.get("quiz"), "expect": expect}


def load(path: Path, backend: str | None = None) -> Iterator[Problem]:
    """One kk problem a row, id `kk-<file stem>-<row>`; a malformed row is a Problem with load_error.

    The problems are the same for every backend: the engine's --backend picks the translation.
    """
    return json_line_problems(path, _problem, lambda file, number: f"kk-{file.stem}-{number}", "K&K")


def _nl_problem(row: dict[str, Any], problem_id: str) -> dict[str, Any]:
    names = list(row["names"])
    expect = {name: "knight" if knight else "knave" for name, knight in zip(names, row["solution"], strict=True)}
    return {"id": problem_id, "language": "kk", "names": names, "text": str(row["quiz"]), "expect": expect}


def load_nl(path: Path, backend: str | None = None) -> Iterator[Problem]:
    """`kk-nl`: the quiz text and the names, for a formalizer to write the statements (same ids as `kk`)."""
    return json_line_problems(path, _nl_problem, lambda file, number: f"kk-{file.stem}-{number}", "K&K")
