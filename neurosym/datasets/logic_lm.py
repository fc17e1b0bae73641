"""Logic-LM's natural-language data files (data/ProofWriter/dev.json, ...): `context`, `question`,
`options`, `answer` letters.

Each row becomes a text problem with no formal code, so the engine formalizes it with the controlled-English
parser (neurosym.formalize.cnl); a row whose sentences fall outside the fragment ends as an error result, so
the bench's executable rate is the parser's coverage. The options ("A) True", "B) False", "C) Unknown") map
the letters to first-order answers; `option_letter` maps an answer back to its letter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from neurosym.problem import Problem

OPTION = re.compile(r"^\s*\(?([A-Z])\)\s*(.+?)\s*$")
VERDICTS = {"true": "true", "yes": "true", "false": "false", "no": "false", "unknown": "uncertain",
            "uncertain": "uncertain"}
DEFAULT_LETTERS = {"A": "true", "B": "false", "C": "uncertain"}


def letter_map(options: Any) -> dict[str, str]:
    """Option letter -> answer ("A) True" -> A: true); Logic-LM's A/B/C default where options are absent."""
    mapping: dict[str, str] = {}
    for option in options if isinstance(options, list) else []:
        match = OPTION.match(str(option))
        if match and match.group(2).lower() in VERDICTS:
            mapping[match.group(1)] = VERDICTS[match.group(2).lower()]
    return mapping or dict(DEFAULT_LETTERS)


def option_letter(answer: Any, options: Any = None) -> str | None:
    """The option letter of an answer ("true" -> "A"), or None if no option says it."""
    for letter, verdict in letter_map(options).items():
        if verdict == str(answer).strip().lower():
            return letter
    return None


def load(path: Path, backend: str | None = None) -> Iterator[Problem]:
    """One text problem per row, expect set to the answer its letter names; a bad row is a load error."""
    try:
        with open(path, encoding="utf-8") as handle:
            rows = json.load(handle)
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        yield Problem.broken(Path(path).stem, f"{path} is not a Logic-LM JSON file: {exc}", str(path))
        return
    if not isinstance(rows, list):
        yield Problem.broken(Path(path).stem, f"{path}: expected a JSON list of rows", str(path))
        return
    for index, row in enumerate(rows, start=1):
        problem_id = str(row.get("id", f"logic-lm-{index}")) if isinstance(row, dict) else f"logic-lm-{index}"
        if not isinstance(row, dict) or not isinstance(row.get("context"), str) \
                or not isinstance(row.get("question"), str):
            message = f"{path}: row {index} lacks a text 'context' or 'question'"
            yield Problem.broken(problem_id, message, str(path))
            continue
        letters = letter_map(row.get("options"))
        answer = str(row.get("answer", "")).strip()
        options = {"answer_letters": letters}
        yield Problem(id=problem_id, text=row["context"], question=row["question"],
                      expect=letters.get(answer, answer or None), options=options, source=str(path))
