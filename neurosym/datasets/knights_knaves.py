"""Knights and Knaves (the K&K benchmark's JSON lines: `names`, `statements`, `solution`).

Every row becomes a kk problem built from its gold `statements` formalization; the backend the user
picks decides the translation (swipl: a Prolog program in a sandboxed module; z3: Boolean constraints),
so both solve the same puzzle. A folder means every *.jsonl file in it, sorted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from neurosym.problem import Problem


def load(path: Path, backend: str | None = None) -> Iterator[Problem]:
    """One kk problem a row, id `kk-<file stem>-<row>`; a malformed row is a Problem with load_error.

    The problems are the same for every backend: the engine's --backend picks the translation.
    """
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files:
        yield Problem.broken(path.name, f"{path}: no *.jsonl files", str(path))
    for file in files:
        yield from _load_file(file)


def _load_file(path: Path) -> Iterator[Problem]:
    if not path.is_file():
        yield Problem.broken(path.stem, f"no such file: {path}", str(path))
        return
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            problem_id = f"kk-{path.stem}-{number}"
            try:
                row = json.loads(line)
                names = list(row["names"])
                solution = row["solution"]
                data = {
                    "id": problem_id,
                    "language": "kk",
                    "names": names,
                    "statements": row["statements"],
                    "question": row.get("quiz"),
                    "expect": {n: "knight" if s else "knave" for n, s in zip(names, solution, strict=True)},
                }
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                yield Problem.broken(problem_id, f"{path}: row {number} is not a K&K row: {exc!r}", str(path),
                                     line=number)
                continue
            yield Problem.from_dict(data, problem_id, source=str(path))
