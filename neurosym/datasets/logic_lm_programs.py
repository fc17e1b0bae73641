"""Logic-LM's LLM-written FOL programs (outputs/logic_programs/FOLIO_*.json): the first program of each row.

A program has `Predicates:`, `Premises:` and `Conclusion:` sections, one `formula ::: gloss` a line.
The row's `answer` letter is A=True, B=False, C=Uncertain. A program that does not split into those
sections is reported as a syntax error at its line, like any other formula that does not parse: no
fallback answer is ever substituted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from neurosym.problem import Problem
from neurosym.result import ErrorInfo, ErrorKind

LETTERS = {"A": "true", "B": "false", "C": "uncertain"}
SECTION = re.compile(r"^\s*(Predicates|Premises|Conclusion)\s*:\s*$", re.IGNORECASE)


def split_program(text: str) -> tuple[list[str], list[int], str, int]:
    """Premises with their line numbers, and the conclusion with its line; ValueError(line, message)."""
    section = None
    premises: list[str] = []
    lines: list[int] = []
    conclusions: list[tuple[str, int]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if match := SECTION.match(raw):
            section = match.group(1).lower()
            continue
        formula = raw.split(":::")[0].strip()
        if not formula or section in (None, "predicates"):
            continue
        if section == "premises":
            premises.append(formula)
            lines.append(number)
        else:
            conclusions.append((formula, number))
    if not conclusions:
        raise ValueError(len(text.splitlines()) or 1, "the program has no Conclusion: section with a formula")
    if len(conclusions) > 1:
        raise ValueError(conclusions[1][1], "the Conclusion: section holds more than one formula")
    return premises, lines, conclusions[0][0], conclusions[0][1]


def load(path: Path, backend: str | None = None) -> Iterator[Problem]:
    with open(path, encoding="utf-8") as handle:
        rows: list[dict[str, Any]] = json.load(handle)
    for index, row in enumerate(rows, start=1):
        problem_id = str(row.get("id", f"logic-lm-{index}"))
        expect = LETTERS.get(str(row.get("answer", "")).strip())
        programs = row.get("raw_logic_programs") or []
        if not programs:
            problem = Problem.broken(problem_id, "the row has no logic program", str(path))
            problem.expect = expect
            yield problem
            continue
        try:
            premises, lines, conclusion, conclusion_line = split_program(programs[0])
        except ValueError as exc:
            line, message = exc.args
            yield Problem(id=problem_id, language="fol", expect=expect, source=str(path),
                          load_error=ErrorInfo(ErrorKind.SYNTAX, message, line, 1))
            continue
        data = {"id": problem_id, "language": "fol", "premises": premises, "conclusion": conclusion,
                "lines": [*lines, conclusion_line], "expect": expect}
        yield Problem.from_dict(data, problem_id, source=str(path))
