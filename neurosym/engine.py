"""Route problems through formalize -> language -> backend (in a sandbox worker) -> Result.

The parent process does only cheap, trusted work: building the Program from the problem's fields (or the
controlled-English parser for text), the input-size cap and the choice of backend. Parsing and solving of
the formal code happen in the worker, where a parser blow-up or a prover hang costs one task.
"""

from __future__ import annotations

import collections
import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Any

from neurosym.backends import Backend, available_backends, backend_class, candidates, first_supporting
from neurosym.lang import Program, get_language
from neurosym.problem import Limits, Problem
from neurosym.result import ErrorInfo, ErrorKind, NeurosymError, Outcome, Result, Status
from neurosym.sandbox import TaskFailure, WorkerPool, shared_pool

# The pool's worker initializer: runs once per worker before it takes tasks, so the first problem does not
# pay for imports and grammar tables against its own time limit.
WORKER_INITIALIZER = "neurosym.engine:warm_worker"

# The portfolio (docs/hardening.md): when the first backend that takes a program gives up (unknown, out of
# its share of the time, or crashed), the next one that supports it gets the time left. The first gets
# FIRST_SHARE of the limit when another can follow, so a translator stuck on an easy but large input
# (Fast Downward on a long action chain) still leaves pyperplan time to plan it.
FALLBACK_STATUSES = {Status.UNKNOWN, Status.TIMEOUT}
FIRST_SHARE = 0.5
MIN_FALLBACK_SECONDS = 0.5


def _portfolio(backend_names: list[str], program: Program) -> list[type[Backend]]:
    """The installed candidates that support the program, best first (NeurosymError when none does)."""
    chosen = [first_supporting(backend_names, program)]
    for name in backend_names[backend_names.index(chosen[0].name) + 1:]:
        try:
            cls = backend_class(name)
        except NeurosymError:
            continue
        if cls.available() and cls.unsupported(program) is None:
            chosen.append(cls)
    return chosen


def _solve_one(backend: type[Backend], program: Program, limits: Limits) -> Outcome:
    try:
        outcome = backend().solve(program, limits)
    except NeurosymError as exc:
        outcome = Outcome(Status.ERROR, error=exc.info)
    outcome.backend = backend.name
    return outcome


def _gave_up(outcome: Outcome) -> bool:
    return outcome.status in FALLBACK_STATUSES or (
        outcome.error is not None and outcome.error.kind == ErrorKind.SOLVER_CRASH)


def run_backend(backend_names: list[str], program: Program, limits: Limits) -> Outcome:
    """Worker-side entry point: solve one program with the first of `backend_names` that supports it,
    and when it gives up, with the next (the portfolio) inside the same wall clock.

    Errors become error Outcomes; the Outcome names the backend that answered, and when more than one
    was tried its certificate's `portfolio` lists each with its status and seconds.
    """
    started = time.perf_counter()
    deadline = time.monotonic() + limits.seconds
    trail: list[dict[str, Any]] = []
    try:
        backends = _portfolio(backend_names, program)
        for index, backend in enumerate(backends):
            remaining = deadline - time.monotonic()
            if index and remaining < MIN_FALLBACK_SECONDS:
                break
            if remaining <= 0:  # finding the backends (a first import) took the whole limit
                outcome = Outcome(Status.TIMEOUT, certificate={
                    "reason": f"the limit of {limits.seconds:g} s was spent before {backend.name} could start"})
                outcome.backend = backend.name
                trail.append({"backend": backend.name, "status": str(outcome.status), "seconds": 0.0})
                break
            last = index == len(backends) - 1
            share = remaining if last else max(MIN_FALLBACK_SECONDS, remaining * FIRST_SHARE)
            tried = time.perf_counter()
            outcome = _solve_one(backend, program, replace(limits, seconds=min(share, limits.seconds)))
            trail.append({"backend": backend.name, "status": str(outcome.status),
                          "seconds": round(time.perf_counter() - tried, 3)})
            if not _gave_up(outcome):
                break
        if len(trail) > 1:
            outcome.certificate = {**(outcome.certificate or {}), "portfolio": trail}
    except NeurosymError as exc:
        outcome = Outcome(Status.ERROR, error=exc.info)
    except RecursionError:
        outcome = Outcome(Status.ERROR, error=ErrorInfo(ErrorKind.INPUT, "input nested too deeply to process"))
    except MemoryError:
        outcome = Outcome(Status.ERROR, error=ErrorInfo(ErrorKind.MEMORY, f"the memory cap of "
                                                                          f"{limits.memory_mb} MB was exceeded"))
    outcome.timings.setdefault("solve", time.perf_counter() - started)
    return outcome


@dataclass
class FormalizedOutcome(Outcome):
    """An Outcome of a problem formalized in the worker: it brings back the language and the program."""

    language: str | None = None
    program: Program | None = None


def run_text(problem: Problem, requested: str | None, check_only: bool, limits: Limits) -> Outcome:
    """Worker-side entry point for a natural-language problem: formalize it here, under the problem's wall
    clock and memory cap (10 MB of text cannot stall the caller), then solve it with the time left."""
    started = time.perf_counter()
    deadline = time.monotonic() + limits.seconds
    try:
        program = formalize(problem)
        formalize_seconds = time.perf_counter() - started
        remaining = deadline - time.monotonic()
        if remaining <= 0.05:
            outcome: Outcome = Outcome(Status.TIMEOUT, certificate={"reason": "formalizing used the whole limit"})
        else:
            rest = replace(limits, seconds=remaining)
            outcome = run_check(program, rest) if check_only else run_backend(
                candidates(program.language, requested), program, rest)
    except NeurosymError as exc:
        return FormalizedOutcome(Status.ERROR, error=exc.info, timings={"solve": time.perf_counter() - started})
    except RecursionError:
        return FormalizedOutcome(Status.ERROR, error=ErrorInfo(ErrorKind.INPUT, "text nested too deeply to process"))
    timings = {**outcome.timings, "formalize": formalize_seconds}
    return FormalizedOutcome(outcome.status, outcome.answer, outcome.certificate, outcome.error, timings,
                             outcome.backend, language=program.language, program=program)


def read_text(problem: Problem) -> Program | ErrorInfo:
    """Worker-side entry point for Engine.formalize_many: the problem's Program, or why there is none."""
    try:
        return formalize(problem)
    except NeurosymError as exc:
        return exc.info
    except RecursionError:
        return ErrorInfo(ErrorKind.INPUT, "text nested too deeply to process")


def run_check(program: Program, limits: Limits) -> Outcome:
    """Worker-side entry point for `neurosym check`: parse and type-check only."""
    started = time.perf_counter()
    try:
        summary = get_language(program.language).check(program)
        outcome = Outcome(Status.SOLVED, answer="ok", certificate=summary)
    except NeurosymError as exc:
        outcome = Outcome(Status.ERROR, error=exc.info)
    except RecursionError:
        outcome = Outcome(Status.ERROR, error=ErrorInfo(ErrorKind.INPUT, "input nested too deeply to process"))
    outcome.timings["check"] = time.perf_counter() - started
    outcome.timings["solve"] = outcome.timings["check"]
    return outcome


def warm_worker() -> None:
    """Build, once per worker, what the hot path needs: the FOL and Prolog parsers, Z3 and the registry."""
    from neurosym.backends import z3_fol  # noqa: F401 - imports Z3
    from neurosym.lang import fol, prolog

    fol.parse_formula("P(a)", 1, "warm-up")
    prolog.LANGUAGE.check(Program("prolog", {"program": "p.", "query": "p"}))


@dataclass
class _Pending:
    """A problem on its way: either a finished Result, or futures (one per backend) still running."""

    problem: Problem
    language: str | None
    program: Program | None = None
    result: Result | None = None  # set when the problem failed before reaching a worker
    timings: dict[str, float] = field(default_factory=dict)
    futures: list[tuple[list[str], Future, float]] | None = None
    deferred: bool = False  # waits for a batch of the LLM formalizer (`result` is set when it is done)


def _coerce(problem: Problem | dict[str, Any], index: int) -> Problem:
    return problem if isinstance(problem, Problem) else Problem.from_dict(problem, f"problem-{index + 1}")


def formalize(problem: Problem) -> Program:
    """The formal Program of a problem: given formal fields pass through; text goes to the reader its
    `reader` option names (the controlled-English parser by default)."""
    if problem.formal or problem.language:
        if not problem.language:
            raise NeurosymError(ErrorKind.INPUT, f"problem {problem.id!r} has formal fields "
                                                 f"({', '.join(sorted(problem.formal))}) but no 'language'")
        program = get_language(problem.language).program_from_problem(problem)
        program.options = {**problem.options, **program.options}
        return program
    if problem.text is not None:
        from neurosym.formalize import DEFAULT_READER, TEXT_READERS

        return TEXT_READERS.get(str(problem.options.get("reader", DEFAULT_READER)))(problem)
    raise NeurosymError(ErrorKind.INPUT, f"problem {problem.id!r} has neither formal fields nor text")


class Engine:
    """Solves problems on a pool of sandboxed workers. Reuse one Engine to keep its workers warm."""

    def __init__(self, workers: int | None = None, backend: str | None = None, timeout: float | None = None,
                 memory_mb: int | None = None, cross_check: bool = False, pool: WorkerPool | None = None,
                 check_only: bool = False, model: str | None = None, samples: int | None = None,
                 refine: int | None = None, formalizer_batch: int = 256, chunk_size: int | None = None):
        # chunk_size: most problems a worker takes in one message (default sandbox.DEFAULT_CHUNK_SIZE);
        # 1 is the old one-problem-per-round-trip path.
        self.pool = pool or shared_pool(workers, chunk_size, initializer=WORKER_INITIALIZER)
        self.backend = backend
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.cross_check = cross_check
        self.check_only = check_only  # parse and type-check in the worker; no backend runs
        self.model = model  # natural-language problems go to this model (a spec: transformers:..., replay:...)
        self.samples = samples  # K programs per problem (else each problem's limits.samples)
        self.refine = refine  # refinement rounds (else each problem's option `refine`, default 0)
        self.formalizer_batch = formalizer_batch  # natural-language problems handed to a model at once
        self._clients: dict[str, Any] = {}

    def _limits(self, problem: Problem) -> Limits:
        limits = problem.limits
        if self.timeout is not None:
            limits = replace(limits, seconds=float(self.timeout))
        if self.memory_mb is not None:
            limits = replace(limits, memory_mb=int(self.memory_mb))
        return limits

    def _start(self, problem: Problem, program: Program | None = None) -> _Pending:
        """Formalize (unless `program` is given) and submit a problem to the pool."""
        pending = _Pending(problem, problem.language)
        if problem.load_error is not None:
            pending.result = Result.failed(problem.id, problem.language, problem.load_error)
            return pending
        if program is None and problem.text is not None and not problem.formal and not problem.language:
            return self._start_text(problem, pending)
        started = time.perf_counter()
        try:
            program = program or formalize(problem)
            pending.language = program.language
            pending.program = program
            limits = self._limits(problem)
            size = program.size_bytes()
            if size > limits.max_input_bytes:
                raise NeurosymError(ErrorKind.INPUT, f"input is {size} bytes, over the cap of "
                                                     f"{limits.max_input_bytes} bytes")
            requested = problem.backend or self.backend
            if self.check_only:
                choices = [["check"]]
            elif self.cross_check and not requested:
                choices = [[cls.name] for cls in available_backends(program.language)]
                if not choices:
                    choices = [candidates(program.language)]  # the worker says why none can take it
            else:
                choices = [candidates(program.language, requested)]
        except NeurosymError as exc:
            pending.result = Result.failed(problem.id, pending.language, exc.info,
                                           seconds=time.perf_counter() - started)
            return pending
        formalize_seconds = time.perf_counter() - started
        pending.futures = []
        for names in choices:
            task, args = (run_check, (program, limits)) if self.check_only else (run_backend, (names, program, limits))
            future = self.pool.submit(task, args, limits.seconds, limits.memory_mb)
            pending.futures.append((names, future, time.monotonic()))
        pending.timings["formalize"] = formalize_seconds
        return pending

    def _start_text(self, problem: Problem, pending: _Pending) -> _Pending:
        """Natural language is formalized in the worker, under the problem's limits (run_text)."""
        try:
            limits = self._limits(problem)
            size = len(str(problem.text).encode("utf-8"))
            if size > limits.max_input_bytes:
                raise NeurosymError(ErrorKind.INPUT, f"the text is {size} bytes, over the cap of "
                                                     f"{limits.max_input_bytes} bytes")
        except NeurosymError as exc:
            pending.result = Result.failed(problem.id, None, exc.info)
            return pending
        args = (problem, problem.backend or self.backend, self.check_only, limits)
        future = self.pool.submit(run_text, args, limits.seconds, limits.memory_mb)
        pending.futures = [([], future, time.monotonic())]
        return pending

    def _finish(self, pending: _Pending) -> Result:
        problem = pending.problem
        if pending.result is not None:
            result = pending.result
        else:
            assert pending.futures
            outcomes = [(names, WorkerPool.outcome(future, t0)) for names, future, t0 in pending.futures]
            result = self._merge(problem, pending, outcomes)
        result.expected = problem.expect
        if problem.expect is not None and result.status == Status.SOLVED and result.language:
            result.correct = get_language(result.language).answers_match(result.answer, problem.expect)
        elif problem.expect is not None:
            result.correct = False
        return result

    def _merge(self, problem: Problem, pending: _Pending, outcomes: list[tuple[list[str], Any]]) -> Result:
        results = [self._to_result(problem, pending, names, value) for names, value in outcomes]
        primary = next((r for r in results if r.status == Status.SOLVED), results[0])
        if len(results) > 1:
            verdicts = {r.backend: (r.answer if r.status == Status.SOLVED else str(r.status)) for r in results}
            decided = [r.answer for r in results if r.status == Status.SOLVED]
            language = get_language(primary.language) if primary.language else None
            agree = language is None or all(language.same_verdict(decided[0], other) for other in decided[1:])
            primary.certificate = dict(primary.certificate or {})
            primary.certificate["cross_check"] = {"verdicts": verdicts, "agree": agree}
        return primary

    @staticmethod
    def _to_result(problem: Problem, pending: _Pending, names: list[str], value: Any) -> Result:
        """The Result of one worker task; the backend is the one that answered (else the only candidate)."""
        timings = dict(pending.timings)
        program_text = None if pending.program is None else _program_text(pending.program)
        only = names[0] if len(names) == 1 else None
        if isinstance(value, TaskFailure):
            return Result(problem.id, pending.language, value.status, backend=only, error=value.error,
                           seconds=value.seconds, timings=timings, program=program_text)
        timings.update(value.timings)
        if isinstance(value, FormalizedOutcome):  # formalized in the worker: it knows the language
            pending.language = value.language
            pending.program = value.program
            program_text = None if value.program is None else _program_text(value.program)
        return Result(problem.id, pending.language, value.status, answer=value.answer, backend=value.backend or only,
                      certificate=value.certificate, error=value.error, seconds=value.timings.get("solve", 0.0),
                      timings=timings, program=program_text)

    def iter_solve(self, problems: Iterable[Problem | dict[str, Any]]) -> Iterator[Result]:
        """Results in the order of the problems, solving ahead on every worker.

        Problems reach the workers in blocks that travel as whole chunks. Natural-language problems for a
        model wait in a batch (up to `formalizer_batch`), which the LLM formalizer receives at once when it
        is full or when the first of them is due.
        """
        window: collections.deque[_Pending] = collections.deque()
        batch: list[_Pending] = []
        ahead = self.pool.workers * self.pool.max_chunk * 2  # enough queued to fill every worker's next chunk
        numbered = enumerate(problems)
        while True:
            with self.pool.batch():  # a block of problems reaches the workers as whole chunks
                block = []
                for index, problem in itertools.islice(numbered, self.pool.max_chunk):
                    problem = _coerce(problem, index)
                    if self._model_of(problem) is None:
                        block.append(self._start(problem))
                        continue
                    pending = _Pending(problem, problem.language, deferred=True)
                    batch.append(pending)
                    block.append(pending)
            if not block:
                break
            window.extend(block)
            if len(batch) >= self.formalizer_batch:
                self._formalize_batch(batch)
                batch = []
            while len(window) > ahead:
                if window[0].deferred and window[0].result is None:
                    self._formalize_batch(batch)
                    batch = []
                yield self._finish(window.popleft())
        if batch:
            self._formalize_batch(batch)
        while window:
            yield self._finish(window.popleft())

    def _model_of(self, problem: Problem) -> str | None:
        """The model that formalizes this problem: natural-language text with a model named (problem first),
        unless the problem names the deterministic reader of its text (a dataset's templated English)."""
        if problem.load_error is not None or problem.text is None or "reader" in problem.options:
            return None
        return problem.model or self.model

    def _formalize_batch(self, batch: list[_Pending]) -> None:
        """Hand each model its problems in one call; every problem's Result comes from the vote."""
        from neurosym.formalize.base import Formalizer
        from neurosym.formalize.cnl_formalizer import SPEC as CNL_SPEC
        from neurosym.formalize.cnl_formalizer import CnlFormalizer
        from neurosym.formalize.llm import LLMFormalizer
        from neurosym.llm import LLMError, load_model
        from neurosym.vote import decide

        groups: dict[tuple[str, int, int], list[_Pending]] = {}
        for pending in batch:
            problem = pending.problem
            samples = self.samples or problem.limits.samples
            refine = self.refine if self.refine is not None else int(problem.options.get("refine", 0) or 0)
            groups.setdefault((self._model_of(problem) or "", samples, refine), []).append(pending)
        for (spec, samples, refine), group in groups.items():
            started = time.perf_counter()
            try:
                formalizer: Formalizer
                if spec == CNL_SPEC:
                    formalizer = CnlFormalizer(self._solve_texts)
                else:
                    if spec not in self._clients:
                        self._clients[spec] = load_model(spec)
                    formalizer = LLMFormalizer(self._clients[spec], samples=samples, refine=refine)
                candidates = formalizer.formalize([p.problem for p in group], self._solve_programs)
            except (LLMError, ValueError) as exc:
                info = ErrorInfo(ErrorKind.INPUT, f"the model {spec!r} cannot formalize: {exc}")
                for pending in group:
                    pending.result = Result.failed(pending.problem.id, pending.problem.language, info)
                continue
            seconds = time.perf_counter() - started
            for pending, found in zip(group, candidates, strict=True):
                language = next((c.program.language for c in found if c.program is not None),
                                pending.problem.language)
                same = get_language(language).same_verdict if language else None
                label = formalizer.name if spec == CNL_SPEC else f"{formalizer.name} {spec}"
                pending.result = decide(pending.problem.id, language, found, label, same)
                pending.result.timings["formalize"] = seconds / len(group)

    def formalize_many(self, problems: Sequence[Problem]) -> list[Program | ErrorInfo]:
        """Each problem's Program, read in a worker under the problem's limits (a text problem by its reader,
        a formal one as it stands), or an ErrorInfo saying why there is none (a timeout included), in order.
        For callers that keep the formal problem itself (training tasks made from a dataset's English)."""
        with self.pool.batch():
            futures = []
            for problem in problems:
                limits = self._limits(problem)
                futures.append((self.pool.submit(read_text, (problem,), limits.seconds, limits.memory_mb),
                                time.monotonic(), limits.seconds))
        found: list[Program | ErrorInfo] = []
        for future, started, seconds in futures:
            value = WorkerPool.outcome(future, started)
            if isinstance(value, TaskFailure):
                value = value.error or ErrorInfo(ErrorKind.INPUT, f"reading the text took longer than its limit "
                                                                  f"of {seconds:g} s")
            found.append(value)
        return found

    def _solve_texts(self, problems: Sequence[Problem]) -> list[tuple[Program | None, Result]]:
        """`--model cnl`'s solve function: each text read and solved in a worker under its limits
        (run_text), with the program it was read into."""
        with self.pool.batch():
            started = [self._start_text(problem, _Pending(problem, problem.language)) for problem in problems]
        results = [self._finish(pending) for pending in started]  # finishing sets each pending.program
        return [(pending.program, result) for pending, result in zip(started, results, strict=True)]

    def _solve_programs(self, pairs: Sequence[tuple[Problem, Program]]) -> list[Result]:
        """The formalizer's solve function: each candidate program solved in the sandbox like any other."""
        with self.pool.batch():
            started = [self._start(problem, program) for problem, program in pairs]
        return [self._finish(pending) for pending in started]

    def solve_many(self, problems: Iterable[Problem | dict[str, Any]],
                   progress: Callable[[Result], None] | None = None) -> list[Result]:
        results = []
        for result in self.iter_solve(problems):
            results.append(result)
            if progress:
                progress(result)
        return results


def _program_text(program: Program) -> str:
    return "\n".join(f"{key}: {value}" for key, value in program.fields.items())


def solve(problem: Problem | dict[str, Any], *, backend: str | None = None, timeout: float | None = None,
          cross_check: bool = False, model: str | None = None, samples: int | None = None,
          refine: int | None = None) -> Result:
    """Solve one problem in a sandboxed worker and return its Result (`model`: see Engine)."""
    return Engine(backend=backend, timeout=timeout, cross_check=cross_check, model=model, samples=samples,
                  refine=refine).solve_many([problem])[0]


def solve_many(problems: Iterable[Problem | dict[str, Any]], *, workers: int | None = None,
               backend: str | None = None, timeout: float | None = None, cross_check: bool = False,
               model: str | None = None, samples: int | None = None, refine: int | None = None) -> list[Result]:
    """Solve many problems on `workers` sandboxed processes; one bad problem never stops the rest."""
    return Engine(workers=workers, backend=backend, timeout=timeout, cross_check=cross_check, model=model,
                  samples=samples, refine=refine).solve_many(problems)
