"""The controlled-English parser behind the formalizer seam (`--model cnl`): one candidate per problem,
solved through the engine's `solve` function like an LLM's, so both formalizers fill the same Result
(candidates, vote) and a benchmark can set them side by side. Without a model, the engine calls
`formalize_problem` directly, which gives the same answers.

The engine hands it `solve_text`, which reads and solves each text in a sandbox worker under the problem's
wall clock and memory cap (as the direct path does): reading megabytes of English never stalls the caller.
Without it (a caller of this class alone), the text is read here and only the program goes to `solve`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from neurosym.formalize.base import Candidate, SolveFunction
from neurosym.formalize.cnl import formalize_problem
from neurosym.lang.base import Program
from neurosym.problem import Problem
from neurosym.result import NeurosymError, Result, Status

SPEC = "cnl"

# solve_text([problem, ...]) -> per problem, the program its text was read into (None if it was not) and
# the Result of reading and solving it, both done in the sandbox by the engine.
TextSolveFunction = Callable[[Sequence[Problem]], list[tuple[Program | None, Result]]]


def _text(problem: Problem) -> str:
    return f"{problem.text}\n{problem.question or ''}".strip()


class CnlFormalizer:
    """Formalize with the controlled-English parser: deterministic, so one sample is all there is."""

    name = "cnl"

    def __init__(self, solve_text: TextSolveFunction | None = None) -> None:
        self.solve_text = solve_text

    def formalize(self, problems: Sequence[Problem], solve: SolveFunction) -> list[list[Candidate]]:
        if self.solve_text is not None:
            return [[self._candidate(problem, program, result)]
                    for problem, (program, result) in zip(problems, self.solve_text(problems), strict=True)]
        found: list[list[Candidate]] = []
        readable: list[tuple[Problem, Candidate]] = []
        for problem in problems:
            candidate = Candidate(origin="cnl", text=_text(problem))
            try:
                candidate.program = formalize_problem(problem)
                readable.append((problem, candidate))
            except NeurosymError as exc:
                candidate.error = exc.info
            found.append([candidate])
        if readable:
            results = solve([(problem, c.program) for problem, c in readable])  # type: ignore[misc]
            for (_, candidate), result in zip(readable, results, strict=True):
                candidate.result = result
        return found

    @staticmethod
    def _candidate(problem: Problem, program: Program | None, result: Result) -> Candidate:
        """A candidate from a worker's read-and-solve: unread (its error kept) or solved."""
        candidate = Candidate(origin="cnl", text=_text(problem), program=program, result=result)
        if program is None and result.status == Status.ERROR:
            candidate.error = result.error
        return candidate
