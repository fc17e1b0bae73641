"""The controlled-English parser behind the formalizer seam (`--model cnl`): one candidate per problem,
solved through the engine's `solve` function like an LLM's, so both formalizers fill the same Result
(candidates, vote) and a benchmark can set them side by side. Without a model, the engine calls
`formalize_problem` directly, which gives the same answers."""

from __future__ import annotations

from collections.abc import Sequence

from neurosym.formalize.base import Candidate, SolveFunction
from neurosym.formalize.cnl import formalize_problem
from neurosym.problem import Problem
from neurosym.result import NeurosymError

SPEC = "cnl"


class CnlFormalizer:
    """Formalize with the controlled-English parser: deterministic, so one sample is all there is."""

    name = "cnl"

    def formalize(self, problems: Sequence[Problem], solve: SolveFunction) -> list[list[Candidate]]:
        found: list[list[Candidate]] = []
        readable: list[tuple[Problem, Candidate]] = []
        for problem in problems:
            candidate = Candidate(origin="cnl", text=f"{problem.text}\n{problem.question or ''}".strip())
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
