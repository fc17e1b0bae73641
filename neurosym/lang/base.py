"""What every formal language module provides, and the Program it hands to backends."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neurosym.problem import Problem
from neurosym.result import ErrorKind, NeurosymError


@dataclass
class Program:
    """A formal program ready for a backend: its language, its fields, and where it came from.

    `fields` holds the language's parts (fol: premises + conclusion; prolog: program + query; pddl:
    domain + problem [+ plan]; scm: model + query). `origin` is "given", "cnl" or "llm:<i>".
    """

    language: str
    fields: dict[str, Any]
    origin: str = "given"
    options: dict[str, Any] = field(default_factory=dict)

    def size_bytes(self) -> int:
        return sum(len(str(value).encode("utf-8")) for value in self.fields.values())


class Language(ABC):
    """A formal language: how to read it from problem files, check it, and compare its answers."""

    name: str
    suffixes: tuple[str, ...] = ()

    @abstractmethod
    def program_from_problem(self, problem: Problem) -> Program:
        """The Program in a problem's formal fields; NeurosymError(INPUT) naming a missing field."""

    @abstractmethod
    def check(self, program: Program) -> dict[str, Any]:
        """Parse and type-check only; raise NeurosymError with line:column, or return a short summary."""

    def problem_from_bare_file(self, text: str, path: Path) -> Problem:
        """A Problem from a bare formal file such as `x.fol`; languages with bare files override this."""
        return Problem.broken(path.stem, f"{self.name} has no bare file format", str(path))

    def normalize_answer(self, value: Any) -> Any:
        """The canonical form of an answer or expected value, so the two compare equal."""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return value.strip().lower()
        return value

    def answers_match(self, answer: Any, expected: Any) -> bool:
        return self.normalize_answer(answer) == self.normalize_answer(expected)

    def same_verdict(self, first: Any, second: Any) -> bool:
        """Do two backends' answers to one problem agree (cross-check)? Default: equal once normalized.

        Languages with many right answers override it: two different valid plans are not a disagreement.
        """
        return self.normalize_answer(first) == self.normalize_answer(second)


def require_field(problem: Problem, name: str, kind: type | tuple[type, ...] = str) -> Any:
    """A formal field of a problem, or a clear INPUT error naming it."""
    if name not in problem.formal or problem.formal[name] is None:
        raise NeurosymError(ErrorKind.INPUT, f"problem {problem.id!r} has no {name!r} field")
    value = problem.formal[name]
    if not isinstance(value, kind):
        expected = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise NeurosymError(ErrorKind.INPUT, f"problem {problem.id!r}: field {name!r} must be {expected}, "
                                             f"got {type(value).__name__}")
    return value
