"""Logic-LM's LLM-written programs (outputs/logic_programs/*.json): the first program of each row.

The language is recognised from the program itself:
- `# Declarations` / `# Constraints` / `# Options`: AR-LSAT's Z3 language (`z3dsl`), answer = the letter;
- `Domain:` / `Variables:` / `Constraints:`: LogicalDeduction's constraint language (`csp`), the letter;
- `Facts:` / `Rules:` / `Query:`: ProofWriter's and ProntoQA's logic programs (`logicprog`), the answer is
  the row's option text for its letter (A) True, B) False, C) Unknown);
- otherwise FOLIO's first-order logic: `Predicates:`, `Premises:` and `Conclusion:` sections, one
  `formula ::: gloss` a line, A=True, B=False, C=Uncertain. A FOL program that does not split into those
  sections is reported as a syntax error at its line.
No fallback answer is ever substituted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from neurosym.formalize.readers import read_fol
from neurosym.problem import Problem
from neurosym.result import NeurosymError

LETTERS = {"A": "true", "B": "false", "C": "uncertain"}
OPTION = re.compile(r"^\s*\(?([A-Z])\)\s*(.*?)\s*$")
LANGUAGE_MARKERS = (("z3dsl", re.compile(r"^\s*#\s*(Declarations|Constraints|Options)\s*$", re.MULTILINE)),
                    ("csp", re.compile(r"^\s*(Domain|Variables)\s*:", re.MULTILINE)),
                    ("logicprog", re.compile(r"^\s*(Facts|Rules|Query)\s*:", re.MULTILINE)))


def recognise(program: str) -> str:
    """The language a Logic-LM program is written in (see the module's docstring).

    Examples:
        >>> recognise("# Declarations\\nx = EnumSort([a, b])"), recognise("Facts:\\nBig(Bob, True)")
        ('z3dsl', 'logicprog')
    """
    for language, marker in LANGUAGE_MARKERS:
        if marker.search(program):
            return language
    return "fol"


def option_answer(row: dict[str, Any]) -> str | None:
    """The text of the gold option (`C) Unknown` -> "unknown"), for languages that answer with it."""
    letter = str(row.get("answer", "")).strip()
    for option in row.get("options") or []:
        match = OPTION.match(str(option))
        if match and match.group(1) == letter:
            return match.group(2).strip().lower()
    return None


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
        language = recognise(programs[0])
        if language != "fol":
            expect = option_answer(row) if language == "logicprog" else str(row.get("answer", "")).strip() or None
            data = {"id": problem_id, "language": language, "program": programs[0], "expect": expect}
            yield Problem.from_dict(data, problem_id, source=str(path))
            continue
        try:
            fields = read_fol(programs[0])  # the same reader replays these programs through the formalizer
        except NeurosymError as exc:
            yield Problem(id=problem_id, language="fol", expect=expect, source=str(path), load_error=exc.info)
            continue
        data = {"id": problem_id, "language": "fol", **fields, "expect": expect}
        yield Problem.from_dict(data, problem_id, source=str(path))
