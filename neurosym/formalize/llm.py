"""The LLM formalizer: K sampled programs per problem, each solved, the broken ones sent back with their
error located (line, column, the offending line quoted) for up to R refinement rounds.

It is handed a model client (neurosym.llm: `generate(prompts, grammar=, n=, ...)`) and, per batch, the
engine's `solve` function; it imports neither the engine nor any backend. All prompts of a batch that share
a grammar go to the model in one `generate` call, so a vLLM engine sees the whole batch at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from neurosym.formalize.base import Candidate, SolveFunction
from neurosym.formalize.tasks import Shape, shape_for
from neurosym.llm import Completion, ModelClient, Prompt
from neurosym.problem import Problem
from neurosym.result import ErrorInfo, ErrorKind, NeurosymError, Status

REFINABLE = {ErrorKind.SYNTAX, ErrorKind.TYPE}


@dataclass
class _Job:
    """One request to the model: a problem's prompt, and (in refinement rounds) the candidate it revises."""

    index: int
    shape: Shape
    prompt: str
    revises: Candidate | None = None


class LLMFormalizer:
    """Formalize natural-language problems with a model: `samples` programs each, `refine` rounds at most.

    `constrained` sends each task shape's grammar to the client, so every completion not cut by
    `max_tokens` is a sentence of it; `temperature` defaults to 0 for one sample and 0.8 for several.
    """

    name = "llm"

    def __init__(self, client: ModelClient, samples: int = 1, refine: int = 0, *, constrained: bool = True,
                 temperature: float | None = None, max_tokens: int = 1024, seed: int | None = None):
        if samples < 1 or refine < 0:
            raise ValueError(f"samples must be >= 1 and refine >= 0, got {samples} and {refine}")
        self.client = client
        self.samples = samples
        self.refine = refine
        self.constrained = constrained
        self.temperature = (0.0 if samples == 1 else 0.8) if temperature is None else temperature
        self.max_tokens = max_tokens
        self.seed = seed

    def formalize(self, problems: Sequence[Problem], solve: SolveFunction) -> list[list[Candidate]]:
        """K candidates per problem (plus one per refinement), every readable one solved through `solve`."""
        candidates: list[list[Candidate]] = [[] for _ in problems]
        jobs: list[_Job] = []
        for index, problem in enumerate(problems):
            try:
                shape = shape_for(problem)
            except NeurosymError as exc:
                candidates[index].append(Candidate(origin="llm", text="", error=exc.info))
                continue
            jobs.append(_Job(index, shape, shape.prompt(problem)))
        fresh = self._draw(problems, jobs, self.samples, round_=0, candidates=candidates)
        self._solve(problems, fresh, solve)
        for round_ in range(1, self.refine + 1):
            retry = [_Job(problem_index, candidate_shape, _refinement_prompt(job_prompt, candidate), candidate)
                     for problem_index, candidate_shape, job_prompt, candidate in self._failing(candidates, jobs)]
            if not retry:
                break
            fresh = self._draw(problems, retry, 1, round_=round_, candidates=candidates)
            self._solve(problems, fresh, solve)
        return candidates

    def _draw(self, problems: Sequence[Problem], jobs: list[_Job], n: int, round_: int,
              candidates: list[list[Candidate]]) -> list[tuple[int, Candidate]]:
        """Ask the model for `n` completions per job (one call per grammar) and read each into a program."""
        made: list[tuple[int, Candidate]] = []
        by_grammar: dict[str | None, list[_Job]] = {}
        for job in jobs:
            grammar = job.shape.grammar() if self.constrained else None
            by_grammar.setdefault(grammar, []).append(job)
        for grammar, group in by_grammar.items():
            prompts = [Prompt(job.prompt, id=problems[job.index].id) for job in group]
            replies = self.client.generate(prompts, grammar=grammar, n=n, temperature=self.temperature,
                                           max_tokens=self.max_tokens, seed=self.seed)
            for job, completions in zip(group, replies, strict=True):
                for sample, completion in enumerate(completions):
                    number = job.revises.sample if job.revises is not None else sample
                    candidate = self._read(problems[job.index], job.shape, completion, number, round_)
                    if job.revises is not None:
                        job.revises.superseded = True
                    candidates[job.index].append(candidate)
                    made.append((job.index, candidate))
        return made

    @staticmethod
    def _read(problem: Problem, shape: Shape, completion: Completion, sample: int, round_: int) -> Candidate:
        origin = f"llm:{sample}" if round_ == 0 else f"llm:{sample}:round{round_}"
        candidate = Candidate(origin=origin, text=completion.text, sample=sample, round=round_,
                              finish_reason=completion.finish_reason, constrained=completion.constrained)
        if not completion.ok:
            candidate.error = ErrorInfo(ErrorKind.INTERNAL, f"the model gave no completion: {completion.error}")
            return candidate
        try:
            candidate.program = shape.read(problem, completion.text)
            candidate.program.origin = origin
        except NeurosymError as exc:
            candidate.error = exc.info
        return candidate

    @staticmethod
    def _solve(problems: Sequence[Problem], made: list[tuple[int, Candidate]], solve: SolveFunction) -> None:
        readable = [(index, c) for index, c in made if c.program is not None]
        if not readable:
            return
        results = solve([(problems[index], c.program) for index, c in readable])  # type: ignore[misc]
        for (_, candidate), result in zip(readable, results, strict=True):
            candidate.result = result

    @staticmethod
    def _failing(candidates: list[list[Candidate]], jobs: list[_Job]) -> list[tuple[int, Shape, str, Candidate]]:
        """The latest candidate of each sample whose program did not read, parse or type-check."""
        shapes = {job.index: job for job in jobs if job.revises is None}
        failing = []
        for index, job in shapes.items():
            for candidate in candidates[index]:
                if candidate.superseded:
                    continue
                error = candidate.error or (candidate.result.error if candidate.result is not None
                                            and candidate.result.status == Status.ERROR else None)
                if error is not None and error.kind in REFINABLE:
                    failing.append((index, job.shape, job.prompt, candidate))
        return failing


def _refinement_prompt(prompt: str, candidate: Candidate) -> str:
    """The original prompt, the failed program, and its error located: line, column, the line quoted."""
    error = candidate.error or (candidate.result.error if candidate.result is not None else None)
    assert error is not None
    where = f"line {error.line}, column {error.column}: " if error.line is not None else ""
    lines = candidate.text.splitlines()
    quoted = ""
    if error.line is not None and 1 <= error.line <= len(lines):
        caret = " " * max(0, (error.column or 1) - 1) + "^"
        quoted = f"\n> {lines[error.line - 1]}\n> {caret}"
    return (f"{prompt}{candidate.text.rstrip()}\n### Error\n{where}{error.message}{quoted}\n"
            "Write the whole program again with this error fixed.\n### Program\n")
