"""The formalizing seam: a batch of problems in, K candidate programs per problem out.

A formalizer is called once per batch (so a vLLM model sees the whole batch at once) and is handed a
`solve` function rather than importing the engine: it may solve its candidates to refine the ones that
fail (the LLM formalizer), or not (the controlled-English parser). Every candidate keeps where it came
from, the text it was read from, and, once solved, its Result: the engine votes over them (neurosym.vote).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from neurosym.lang.base import Program
from neurosym.problem import Problem
from neurosym.result import ErrorInfo, Result

# solve([(problem, program), ...]) -> one Result per pair, in order; run in the sandbox by the engine.
SolveFunction = Callable[[Sequence[tuple[Problem, Program]]], list[Result]]


@dataclass
class Candidate:
    """One candidate formalization of a problem.

    `program` is None when the text could not be read into one (then `error` says why, with its line and
    column in `text`). `sample` and `round` place it: sample i of the K drawn, refinement round r (0 is the
    first draw). A candidate that a later round replaced is `superseded`: it is kept in the Result but does
    not vote.
    """

    origin: str
    text: str
    program: Program | None = None
    error: ErrorInfo | None = None
    sample: int = 0
    round: int = 0
    result: Result | None = None
    superseded: bool = False
    finish_reason: str | None = None
    constrained: bool | None = None

    @property
    def failed_to_read(self) -> bool:
        return self.program is None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form kept in a Result: program text, origin, verdict or error."""
        result = self.result
        error = self.error or (result.error if result is not None else None)
        return {
            "origin": self.origin,
            "sample": self.sample,
            "round": self.round,
            "program": self.text,
            "status": str(result.status) if result is not None else "error",
            "answer": result.answer if result is not None else None,
            "backend": result.backend if result is not None else None,
            "error": error.to_dict() if error is not None else None,
            "superseded": self.superseded,
            "finish_reason": self.finish_reason,
            "constrained": self.constrained,
        }


class Formalizer(Protocol):
    """Turns a batch of problems into candidate programs; `name` is recorded in the Result."""

    name: str

    def formalize(self, problems: Sequence[Problem], solve: SolveFunction) -> list[list[Candidate]]:
        """One list of candidates per problem, in order; each candidate solved (its `result` set) or
        unreadable (its `error` set). Never raises for one bad problem: that problem's candidates say why."""
        ...
