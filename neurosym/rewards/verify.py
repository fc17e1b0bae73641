"""verify(task, completion) -> Verdict {reward, status, reason}: the one function every door calls.

A batch of completions becomes, in one pass: cheap bounded checks in this process (an assignment against
the statements, a plan replayed by the validator, an answer word read), and a batch of engine problems
(program-mode programs, and each distinct task whose verdict a solver must give, solved once and cached)
that go through one warm pool of sandboxed workers. A hung program is killed at the per-item limit and
becomes a `timeout` verdict; a worker that dies has its items retried once; an exception while checking
one item is that item's `verifier_error`. One bad completion never stalls or zeroes the rest.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from neurosym.engine import Engine
from neurosym.lang import get_language
from neurosym.problem import Limits, Problem
from neurosym.result import ErrorKind, NeurosymError, Result, Status
from neurosym.rewards import answers
from neurosym.rewards.config import RewardConfig
from neurosym.rewards.extract import Extracted, TooLong, extract_answer, extract_block
from neurosym.rewards.program import PROGRAM_LANGUAGES, program_problem

try:  # the grace the pool gives a task beyond its own limit before killing the worker
    from neurosym.sandbox import KILL_GRACE_SECONDS
except ImportError:  # pragma: no cover - the sandbox module moved
    KILL_GRACE_SECONDS = 2.0

TASK_ONLY_KEYS = {"mode", "reference"}
REFERENCE_CACHE_SIZE = 100_000
# A prover component killed by SIGXCPU (24) or SIGKILL (9) ran into its CPU or memory limit: a program that
# does this twice (the item is retried once) is out of resources, not a verifier fault.
RESOURCE_SIGNAL = re.compile(r"(?:exit code:?|killed by signal)\s*-?(?:24|9)\b")
PARSE_ERROR_KINDS = {ErrorKind.SYNTAX, ErrorKind.TYPE, ErrorKind.INPUT, ErrorKind.REFUSED}


WARM_UP: dict[str, dict[str, Any]] = {
    "fol": {"language": "fol", "premises": ["P(a)"], "conclusion": "P(a)"},
    "prolog": {"language": "prolog", "program": "p(1).", "query": "p(X)"},
    "pddl": {"language": "pddl", "domain": "(define (domain w) (:predicates (p)) (:action a :parameters () "
                                          ":precondition () :effect (p)))",
             "problem": "(define (problem w1) (:domain w) (:init) (:goal (p)))"},
    "scm": {"language": "scm", "model": "exogenous U : bool = true\nendogenous A := U\n", "query": "query value A"},
}


@dataclass
class Verdict:
    """The reward of one completion, its status (config.STATUSES) and why."""

    reward: float
    status: str
    reason: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, details: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"reward": self.reward, "status": self.status, "reason": self.reason}
        if details and self.details:
            out["details"] = self.details
        return out


@dataclass
class _Check:
    status: str
    reason: str
    details: dict[str, Any] = field(default_factory=dict)
    score: float | None = None
    formatted: bool = False


@dataclass
class _Item:
    """One completion on its way: a finished check, or an engine problem and what to do with its Result."""

    check: _Check | None = None
    problem: Problem | None = None
    reference_key: str | None = None
    finish: Callable[[Result], _Check] | None = None


def parse_task(task: Any) -> dict[str, Any]:
    """A task as a mapping (JSON text is read); ValueError saying what is wrong."""
    if isinstance(task, str):
        try:
            task = json.loads(task)
        except json.JSONDecodeError as exc:
            raise ValueError(f"the task is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(task, dict):
        raise ValueError(f"a task must be a mapping, got {type(task).__name__}")
    if not task.get("language"):
        raise ValueError("the task has no 'language'")
    mode = task.get("mode", "answer")
    if mode not in ("answer", "program"):
        raise ValueError(f"the task's mode must be 'answer' or 'program', got {mode!r}")
    return task


def completion_text(completion: Any) -> str:
    """A completion as text: plain text, or a conversation (the last assistant message's content)."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        return str(completion.get("content") or "")
    if isinstance(completion, list | tuple):
        messages = [m for m in completion if isinstance(m, dict)]
        assistant = [m for m in messages if m.get("role", "assistant") == "assistant"]
        chosen = assistant or messages
        return str(chosen[-1].get("content") or "") if chosen else ""
    raise ValueError(f"a completion must be text or a list of messages, got {type(completion).__name__}")


class Verifier:
    """Turns (task, completion) pairs into Verdicts. Keep one per process: it holds the warm engine pool
    and the cache of solver verdicts per task."""

    def __init__(self, config: RewardConfig | dict[str, Any] | None = None, engine: Engine | None = None):
        self.config = config if isinstance(config, RewardConfig) else RewardConfig.from_dict(config)
        self._engine = engine
        self._references: OrderedDict[str, Result] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = Engine(workers=self.config.workers)
            return self._engine

    @property
    def limits(self) -> Limits:
        seconds = max(0.5, self.config.item_seconds - KILL_GRACE_SECONDS)
        return Limits(seconds=seconds, memory_mb=self.config.memory_mb,
                      max_input_bytes=max(4 * self.config.max_completion_chars, 2_000_000))

    # ------------------------------------------------------------------------------------------ public
    def warm_up(self, languages: Sequence[str] = ("fol", "prolog", "pddl", "scm"), seconds: float = 120.0) -> None:
        """Solve a tiny problem of each language on every worker, so the first real items do not pay for
        importing the provers (Fast Downward's first call in a fresh worker can take seconds)."""
        problems = []
        for language in languages:
            warm = WARM_UP.get(language)
            if warm is not None:
                problems += [Problem.from_dict({**warm, "limits": {"seconds": seconds}}, f"warm-up-{language}")
                             for _ in range(self.engine.pool.workers)]
        self.engine.solve_many(problems)

    def verify(self, task: Any, completion: Any) -> Verdict:
        return self.verify_batch([task], [completion])[0]

    def verify_batch(self, tasks: Sequence[Any], completions: Sequence[Any]) -> list[Verdict]:
        """One Verdict per (task, completion), in order. Never raises for an item."""
        if len(tasks) != len(completions):
            raise ValueError(f"{len(tasks)} tasks for {len(completions)} completions: give one task each")
        items = [self._prepare_safely(i, task, completion) for i, (task, completion)
                 in enumerate(zip(tasks, completions, strict=True))]
        self._solve(items)
        return [self._verdict(item) for item in items]

    # ------------------------------------------------------------------------------------------ stages
    def _prepare_safely(self, index: int, task: Any, completion: Any) -> _Item:
        try:
            return self._prepare(index, parse_task(task), completion_text(completion))
        except ValueError as exc:
            return _Item(_Check("verifier_error", f"bad task or completion: {exc}"))
        except NeurosymError as exc:
            return _Item(_Check("verifier_error", f"the task is malformed: {_where(exc.info)}"))
        except Exception as exc:  # a bug on our side must cost this item only
            return _Item(_Check("verifier_error", f"internal error: {type(exc).__name__}: {exc}"))

    def _prepare(self, index: int, task: dict[str, Any], text: str) -> _Item:
        language = task["language"]
        cap = self.config.max_completion_chars
        try:
            if task.get("mode", "answer") == "program":
                return self._prepare_program(index, task, extract_block(text, language, cap))
            extracted = extract_answer(text, cap)
        except TooLong as exc:
            return _Item(_Check("parse_error", str(exc)))
        if extracted.how == "unclosed_think":
            return _Item(_Check("no_answer", "the reasoning block (<think>) is never closed"))
        if language == "kk":
            return _Item(self._check_kk(task, extracted))
        if language == "pddl":
            return self._prepare_plan(index, task, extracted)
        return self._prepare_verdict(task, extracted)

    def _check_kk(self, task: dict[str, Any], extracted: Extracted) -> _Check:
        names = task.get("names")
        if not isinstance(names, list) or "statements" not in task:
            raise ValueError("a kk task needs 'names' and 'statements'")
        if extracted.text is None:
            return _Check("no_answer", "the completion is empty")
        text = extracted.text
        if extracted.how == "last_line":  # widen upward until every person has a role (or the text ends)
            lines = [line for line in extracted.body.splitlines() if line.strip()]
            start = answers.first_line_covering(lines, names)
            text = "\n".join(lines[start:])
        found = answers.check_kk(text, names, task["statements"])
        return _Check(found.status, found.reason, found.details, formatted=extracted.formatted)

    def _prepare_plan(self, index: int, task: dict[str, Any], extracted: Extracted) -> _Item:
        domain, problem = task.get("domain"), task.get("problem")
        if not isinstance(domain, str) or not isinstance(problem, str):
            raise ValueError("a pddl task needs 'domain' and 'problem' texts")
        try:
            steps = answers.plan_steps(extracted.text, extracted.how, extracted.body)
        except NeurosymError as exc:
            return _Item(_Check("parse_error", f"the plan (lines counted in the answer): {_where(exc.info)}",
                                formatted=extracted.formatted))
        if not steps:
            return _Item(_Check("no_answer", "the completion gives no plan step '(action args)'"))
        if len(steps) > self.config.max_plan_steps:
            return _Item(_Check("parse_error", f"the plan has {len(steps)} steps, over the cap of "
                                               f"{self.config.max_plan_steps}"))
        if answers.inline_plan_ok(domain, problem):
            found = answers.check_plan(steps, domain, problem, self.config.max_plan_steps)
            return _Item(_Check(found.status, found.reason, found.details, found.score, extracted.formatted))
        plan = "\n".join(map(str, steps))
        engine_problem = Problem(f"item-{index}", "pddl", {"domain": domain, "problem": problem, "plan": plan},
                                 limits=self.limits)

        def finish(result: Result) -> _Check:
            if result.status != Status.SOLVED:
                return self._failed(result, blame_task=True)
            certificate = result.certificate or {}
            if result.answer == "valid":
                return _Check("correct", f"the plan of {len(steps)} steps is valid", certificate, 1.0,
                              extracted.formatted)
            where = f"step {certificate.get('failed_step')} {certificate.get('step')}: " \
                if certificate.get("failed_step") else ""
            return _Check("wrong", f"{where}{certificate.get('reason')}", certificate, None, extracted.formatted)

        return _Item(problem=engine_problem, finish=finish)

    def _prepare_verdict(self, task: dict[str, Any], extracted: Extracted) -> _Item:
        language = task["language"]
        if extracted.text is None:
            return _Item(_Check("no_answer", "the completion is empty"))
        candidate = answers.read_verdict(extracted.text, language)
        if candidate is None:
            return _Item(_Check("no_answer", f"no answer word in {extracted.text[:80]!r}"))
        lang = get_language(language)
        reference = task.get("reference", self.config.reference)

        def judge(truth: Any, whose: str) -> _Check:
            details = {"answer": candidate, "reference": truth}
            if lang.answers_match(candidate, truth):
                return _Check("correct", f"the answer {candidate!r} matches {whose}", details,
                              formatted=extracted.formatted)
            return _Check("wrong", f"the answer is {candidate!r}; {whose} is "
                                   f"{lang.normalize_answer(truth)!r}", details, formatted=extracted.formatted)

        if reference == "expect":
            if task.get("expect") is None:
                raise ValueError("the task has no 'expect' to check against (reference: expect)")
            return _Item(judge(task["expect"], "the expected answer"))
        problem_fields = {k: v for k, v in task.items() if k not in TASK_ONLY_KEYS | {"expect", "id", "limits"}}
        key = json.dumps(problem_fields, sort_keys=True, default=str)
        problem = Problem.from_dict({**problem_fields, "id": "reference"}, "reference")
        problem.limits = self.limits

        def finish(result: Result) -> _Check:
            if result.status != Status.SOLVED:
                return self._failed(result, blame_task=True)
            return judge(result.answer, "the solver's verdict")

        return _Item(problem=problem, reference_key=key, finish=finish)

    def _prepare_program(self, index: int, task: dict[str, Any], extracted: Extracted) -> _Item:
        language = task["language"]
        if language not in PROGRAM_LANGUAGES:
            raise ValueError(f"program mode takes {', '.join(PROGRAM_LANGUAGES)}, not {language!r}")
        if extracted.how == "unclosed_think":
            return _Item(_Check("no_answer", "the reasoning block (<think>) is never closed"))
        if extracted.text is None:
            return _Item(_Check("no_answer", f"the completion has no ```{language} block"))
        if task.get("expect") is None:
            raise ValueError("a program-mode task needs 'expect', the verdict its program must reach")
        problem = program_problem(extracted.text, task, f"item-{index}", self.limits)

        def finish(result: Result) -> _Check:
            if result.status != Status.SOLVED:
                return self._failed(result, blame_task=False)
            lang = get_language(language)
            details = {"answer": result.answer, "backend": result.backend}
            if result.correct:
                return _Check("correct", f"the program's verdict {lang.normalize_answer(result.answer)!r} is "
                                         f"the expected one", details, formatted=True)
            return _Check("wrong", f"the program's verdict is {_short(lang.normalize_answer(result.answer))}, "
                                   f"expected {lang.normalize_answer(task['expect'])!r}", details, formatted=True)

        return _Item(problem=problem, finish=finish)

    def _failed(self, result: Result, blame_task: bool) -> _Check:
        """The check of a Result that is not a decided answer."""
        certificate = result.certificate or {}
        if result.status == Status.TIMEOUT:
            if blame_task:  # the solver's verdict on the task itself was not reached: not the answer's fault
                return _Check("verifier_error", f"the solver gave no verdict on the task within the per-item "
                                                f"limit of {self.config.item_seconds:g} s")
            return _Check("timeout", f"no verdict within the per-item limit of {self.config.item_seconds:g} s")
        if result.status == Status.UNKNOWN:
            why = certificate.get("reason") or "the prover gave up inside its limits"
            status = "verifier_error" if blame_task else "timeout"
            return _Check(status, f"no verdict: {why}")
        error = result.error
        if error is None:
            return _Check("verifier_error", f"no verdict (status {result.status})")
        if error.kind == ErrorKind.MEMORY or (error.kind == ErrorKind.SOLVER_CRASH and not blame_task
                                              and RESOURCE_SIGNAL.search(error.message)):
            return _Check("timeout", f"stopped by a resource limit: {error.message}")
        if error.kind in PARSE_ERROR_KINDS and not blame_task:
            return _Check("parse_error", _where(error))
        if blame_task and error.kind in PARSE_ERROR_KINDS:
            return _Check("verifier_error", f"the task's own formal problem fails: {_where(error)}")
        return _Check("verifier_error", f"{error.kind}: {error.message}")

    def _solve(self, items: list[_Item]) -> None:
        """Run every engine problem of the batch through the pool (references once each, cached)."""
        pending = [item for item in items if item.check is None and item.problem is not None]
        if not pending:
            return
        results: dict[int, Result] = {}
        to_run: list[Problem] = []
        slots: list[list[int]] = []
        by_key: dict[str, int] = {}
        for position, item in enumerate(pending):
            if item.reference_key is not None:
                with self._lock:
                    cached = self._references.get(item.reference_key)
                if cached is not None:
                    results[position] = cached
                    continue
                if item.reference_key in by_key:
                    slots[by_key[item.reference_key]].append(position)
                    continue
                by_key[item.reference_key] = len(to_run)
            to_run.append(item.problem)  # type: ignore[arg-type]
            slots.append([position])
        solved = self._run(to_run)
        for run_index, result in enumerate(solved):
            for position in slots[run_index]:
                results[position] = result
            key = pending[slots[run_index][0]].reference_key
            if key is not None and _cacheable(result):
                with self._lock:
                    self._references[key] = result
                    while len(self._references) > REFERENCE_CACHE_SIZE:
                        self._references.popitem(last=False)
        for position, item in enumerate(pending):
            try:
                item.check = item.finish(results[position])  # type: ignore[misc]
            except Exception as exc:
                item.check = _Check("verifier_error", f"internal error: {type(exc).__name__}: {exc}")

    def _run(self, problems: list[Problem]) -> list[Result]:
        """Solve on the pool; problems whose worker died are retried once (a killed worker is not the
        completion's fault, and a program that kills its worker twice is reported as such)."""
        if not problems:
            return []
        results = self.engine.solve_many(problems)
        crashed = [i for i, r in enumerate(results) if _crashed(r)]
        if crashed:
            again = self.engine.solve_many([problems[i] for i in crashed])
            for i, result in zip(crashed, again, strict=True):
                results[i] = result
        return results

    def _verdict(self, item: _Item) -> Verdict:
        check = item.check or _Check("verifier_error", "internal error: the item was never checked")
        config = self.config
        reward = config.reward_of(check.status)
        if check.status == "wrong" and config.partial_credit and check.score:
            reward += config.partial_scale * check.score * (config.reward_of("correct") - reward)
        if check.formatted and check.status in ("correct", "wrong"):
            reward += config.format_bonus
        return Verdict(round(reward, 6), check.status, check.reason, check.details)


def _crashed(result: Result) -> bool:
    return result.status == Status.ERROR and result.error is not None and result.error.kind == ErrorKind.SOLVER_CRASH


def _cacheable(result: Result) -> bool:
    return result.status == Status.SOLVED or (result.status == Status.ERROR and result.error is not None
                                              and result.error.kind in PARSE_ERROR_KINDS)


def _where(error: Any) -> str:
    if error.line is not None:
        return f"line {error.line}, column {error.column}: {error.message}"
    return str(error.message)


def _short(value: Any, width: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


_default: Verifier | None = None
_default_lock = threading.Lock()


def default_verifier() -> Verifier:
    """The process's shared Verifier (default config), created on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Verifier()
        return _default


def verify(task: Any, completion: Any, config: RewardConfig | dict[str, Any] | None = None) -> Verdict:
    """Score one completion against its task.

    >>> task = {"language": "kk", "names": ["Ann", "Bo"], "statements": [["lying", 1],
    ...         ["and", ["telling-truth", 0], ["telling-truth", 1]]]}
    >>> verify(task, "<answer>Ann is a knight, Bo is a knave</answer>").status
    'correct'
    """
    verifier = default_verifier() if config is None else Verifier(config)
    return verifier.verify(task, completion)


def verify_batch(tasks: Sequence[Any], completions: Sequence[Any],
                 config: RewardConfig | dict[str, Any] | None = None) -> list[Verdict]:
    """Score a batch; see Verifier.verify_batch."""
    verifier = default_verifier() if config is None else Verifier(config)
    return verifier.verify_batch(tasks, completions)
