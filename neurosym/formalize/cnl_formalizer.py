"""The controlled-English parser behind the formalizer seam (`--model cnl`): one candidate per problem, so
it fills the same Result (candidates, vote) as an LLM formalizer and a benchmark can set them side by side.
Without a model, the engine reads the text directly, which gives the same answers.

The engine hands it `solve_text`, which reads and solves each text in a sandbox worker under the problem's
wall clock and memory cap (as the direct path does), so reading megabytes of English never stalls the
caller; the seam's `solve`, for programs read in the caller, is not needed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from neurosym.formalize.base import Candidate, SolveFunction
from neurosym.lang.base import Program
from neurosym.problem import Problem
from neurosym.result import Result, Status

SPEC = "cnl"

# solve_text([problem, ...]) -> per problem, the program its text was read into (None if it was not) and
# the Result of reading and solving it, both done in the sandbox by the engine.
TextSolveFunction = Callable[[Sequence[Problem]], list[tuple[Program | None, Result]]]


class CnlFormalizer:
    """Formalize with the controlled-English parser: deterministic, so one sample is all there is."""

    name = "cnl"

    def __init__(self, solve_text: TextSolveFunction) -> None:
        self.solve_text = solve_text

    def formalize(self, problems: Sequence[Problem], solve: SolveFunction) -> list[list[Candidate]]:
        return [[self._candidate(problem, program, result)]
                for problem, (program, result) in zip(problems, self.solve_text(problems), strict=True)]

    @staticmethod
    def _candidate(problem: Problem, program: Program | None, result: Result) -> Candidate:
        """A candidate from a worker's read-and-solve: unread (its error kept) or solved."""
        text = f"{problem.text}\n{problem.question or ''}".strip()
        candidate = Candidate(origin="cnl", text=text, program=program, result=result)
        if program is None and result.status == Status.ERROR:
            candidate.error = result.error
        return candidate
