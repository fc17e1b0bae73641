"""FOLIO (Yale-LILY/FOLIO) JSON lines with gold FOL: `premises-FOL`, `conclusion-FOL`, `label`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from neurosym.problem import Problem

LABELS = {"True": "true", "False": "false", "Uncertain": "uncertain", "Unknown": "uncertain"}


def load(path: Path, backend: str | None = None) -> Iterator[Problem]:
    """One FOL problem a row, id `folio-<row>` (1-based); a row that is not JSON is a load error."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            problem_id = f"folio-{number}"
            try:
                row = json.loads(line)
                data = {
                    "id": problem_id,
                    "language": "fol",
                    "premises": [p.strip() for p in row["premises-FOL"]],
                    "conclusion": row["conclusion-FOL"].strip(),
                    "expect": LABELS.get(row.get("label"), row.get("label")),
                }
            except (json.JSONDecodeError, KeyError, AttributeError, TypeError) as exc:
                yield Problem.broken(problem_id, f"{path}: row {number} is not a FOLIO row: {exc}", str(path))
                continue
            yield Problem.from_dict(data, problem_id, source=str(path))
