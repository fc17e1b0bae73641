"""Structural causal models as a problem language: fields `model` (SCM source) and optional `query`.

Queries may sit in the model source or in the `query` field (a string or a list of strings, same syntax;
see grammars/scm.lark and docs/causal.md). Answers: values (Booleans as true/false), "yes"/"no" for
actual-causality verdicts, and floats for probabilities; expected answers match with yes = true, no = false,
and floats within 1e-6.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from neurosym.lang.base import Language, Program, require_field
from neurosym.problem import Problem
from neurosym.result import ErrorKind, NeurosymError

FLOAT_TOLERANCE = 1e-6
WORDS = {"yes": "true", "no": "false"}


class ScmLanguage(Language):
    name = "scm"
    suffixes = (".scm",)

    def program_from_problem(self, problem: Problem) -> Program:
        fields: dict[str, Any] = {"model": require_field(problem, "model")}
        if problem.formal.get("query") is not None:
            query = require_field(problem, "query", (str, list))
            fields["query"] = query if isinstance(query, str) else "\n".join(str(q) for q in query)
        unknown = set(problem.formal) - {"model", "query"}
        if unknown:
            raise NeurosymError(
                ErrorKind.INPUT,
                f"problem {problem.id!r}: unknown scm field(s) "
                f"{', '.join(sorted(unknown))} (expected model, query)",
            )
        return Program("scm", fields)

    def check(self, program: Program) -> dict[str, Any]:
        from neurosym.causal.parse import parse_program

        parsed = parse_program(program.fields["model"], program.fields.get("query"))
        model = parsed.model
        return {
            "exogenous": len(model.exogenous),
            "endogenous": len(model.endogenous),
            "queries": len(parsed.queries),
        }

    def problem_from_bare_file(self, text: str, path: Path) -> Problem:
        return Problem(id=path.stem, language="scm", formal={"model": text}, source=str(path))

    def normalize_answer(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.normalize_answer(v) for v in value]
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            text = value.strip().lower()
            return WORDS.get(text, text)
        return value

    def answers_match(self, answer: Any, expected: Any) -> bool:
        a, e = self.normalize_answer(answer), self.normalize_answer(expected)
        if isinstance(a, list) and isinstance(e, list):
            return len(a) == len(e) and all(self.answers_match(x, y) for x, y in zip(a, e, strict=True))
        if _is_number(a) and _is_number(e):
            return abs(float(a) - float(e)) <= FLOAT_TOLERANCE
        return a == e


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


LANGUAGE = ScmLanguage()
