"""Answer-mode checks that need no prover: an assignment against the puzzle's statements, a plan replayed
by the validator, a verdict word read from the answer.

These run in the caller's process because they are cheap and bounded by construction: the completion is
capped before it gets here, it contributes only names and roles or plan steps (never code), a plan is
capped at `max_plan_steps`, and what is parsed from the task is cached, so a batch of completions for one
task parses the task once. Domains whose validation could blow up (quantifiers range over objects^k)
are not checked here: the verifier sends them to the sandbox pool instead (see `inline_plan_ok`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from neurosym.lang import get_language, kk
from neurosym.lang.pddl import Domain, Junction, PlanningProblem, load
from neurosym.lang.pddl_plan import PlanStep, parse_plan
from neurosym.planning.validator import Validator
from neurosym.result import NeurosymError

INLINE_TASK_CHARS = 200_000  # bigger task texts are parsed in a worker, not here
UNBOUNDED_FEATURES = {"quantifiers", "universal effects"}


@dataclass
class Check:
    """The outcome of one check: a status of the reward layer, why, and what was found."""

    status: str
    reason: str
    details: dict[str, Any] = field(default_factory=dict)
    score: float | None = None  # partial credit in [0, 1] for an answer that is wrong


# ------------------------------------------------------------------------------------- knights and knaves

ROLE = r"(knight|knave)s?"


@lru_cache(maxsize=4096)
def _kk_formulas(names: tuple[str, ...], statements_json: str) -> list[kk.Formula]:
    return kk.parse_statements(json.loads(statements_json), len(names))


def kk_formulas(names: list[str], statements: Any) -> list[kk.Formula]:
    """The task's statements, parsed once per distinct puzzle (NeurosymError if they are malformed)."""
    if isinstance(statements, str):
        return _kk_formulas_text(tuple(names), statements)
    return _kk_formulas(tuple(names), json.dumps(statements))


@lru_cache(maxsize=4096)
def _kk_formulas_text(names: tuple[str, ...], statements: str) -> list[kk.Formula]:
    return kk.parse_statements(statements, len(names))


@lru_cache(maxsize=4096)
def _role_patterns(names: tuple[str, ...]) -> list[re.Pattern[str]]:
    link = r"(?:\s*(?:is|was|=|:|-|must be|would be|is definitely)\s*)?(?:\s*(?:a|an)\s+)?\s*"
    return [re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])\W{{0,3}}{link}\**{ROLE}\b", re.IGNORECASE)
            for name in names]


def read_assignment(text: str, names: list[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """(name -> role, names with no role, names given both roles) as read from an answer text.

    >>> read_assignment("(1) Zoey is a knave (2) Ann is a knight", ["Ann", "Zoey"])[0]
    {'Ann': 'knight', 'Zoey': 'knave'}
    """
    roles: dict[str, str] = {}
    missing, conflicting = [], []
    for name, pattern in zip(names, _role_patterns(tuple(names)), strict=True):
        found = {m.group(1).lower() for m in pattern.finditer(text)}
        if not found:
            missing.append(name)
        elif len(found) > 1:
            conflicting.append(name)
        else:
            roles[name] = found.pop()
    return roles, missing, conflicting


def first_line_covering(lines: list[str], names: list[str]) -> int:
    """The index of the last line from which on every name gets a role (0 if no such line): one pass
    from the end, each line read once, so a long completion costs linear time.

    >>> first_line_covering(["Ann is a knave?", "Bo is a knight", "Ann is a knight"], ["Ann", "Bo"])
    1
    """
    patterns = _role_patterns(tuple(names))
    missing = set(range(len(names)))
    for index in range(len(lines) - 1, -1, -1):
        missing -= {i for i in missing if patterns[i].search(lines[index])}
        if not missing:
            return index
    return 0


def _holds(f: kk.Formula, knights: list[bool]) -> bool:
    op = f[0]
    if op == "truth":
        return knights[f[1]]
    if op == "lying":
        return not knights[f[1]]
    if op == "not":
        return not _holds(f[1], knights)
    if op == "and":
        return all(_holds(a, knights) for a in f[1:])
    if op == "or":
        return any(_holds(a, knights) for a in f[1:])
    if op == "->":
        return (not _holds(f[1], knights)) or _holds(f[2], knights)
    return _holds(f[1], knights) == _holds(f[2], knights)  # <=>


def say(f: kk.Formula, names: list[str]) -> str:
    """A statement in English, for the reason of a verdict.

    >>> say(["->", ["lying", 0], ["truth", 1]], ["Ann", "Bo"])
    'if Ann is a knave then Bo is a knight'
    """
    op = f[0]
    if op in ("truth", "lying"):
        return f"{names[f[1]]} is a {'knight' if op == 'truth' else 'knave'}"
    parts = [say(a, names) for a in f[1:]]
    wrapped = [p if a[0] in ("truth", "lying", "not") else f"({p})" for p, a in zip(parts, f[1:], strict=True)]
    if op == "not":
        return f"it is not the case that {wrapped[0]}"
    if op in ("and", "or"):
        return f" {op} ".join(wrapped)
    if op == "->":
        return f"if {wrapped[0]} then {wrapped[1]}"
    return f"{wrapped[0]} if and only if {wrapped[1]}"


def check_kk(answer: str, names: list[str], statements: Any) -> Check:
    """Is the assignment in `answer` consistent with every statement (knights true, knaves false)?"""
    formulas = kk_formulas(names, statements)
    roles, missing, conflicting = read_assignment(answer, names)
    if not roles and not conflicting:
        return Check("no_answer", f"the answer gives no role (knight or knave) to any of {', '.join(names)}")
    if conflicting:
        return Check("wrong", f"the answer calls {', '.join(conflicting)} both a knight and a knave",
                     {"assignment": roles})
    if missing:
        return Check("wrong", f"the answer gives no role to {', '.join(missing)}", {"assignment": roles})
    knights = [roles[name] == "knight" for name in names]
    for i, (name, formula) in enumerate(zip(names, formulas, strict=True)):
        if _holds(formula, knights) != knights[i]:
            truth = "false" if knights[i] else "true"
            return Check("wrong", f"statement {i + 1} breaks the assignment: {name} is a {roles[name]}, but "
                                  f"{name}'s claim '{say(formula, names)}' is {truth} under it",
                         {"assignment": roles, "broken_statement": i + 1})
    return Check("correct", "the assignment is consistent with every statement", {"assignment": roles})


# ----------------------------------------------------------------------------------------------- planning

_LOOSE_STEP = re.compile(r"^\s*(?:[-*]\s*)?(?:\d+\s*[.:)]\s*)?(\([^()\n]*\))\s*[.,;]?\s*$")


@lru_cache(maxsize=256)
def _load(domain_text: str, problem_text: str) -> tuple[Domain, PlanningProblem, Validator]:
    domain, problem = load(domain_text, problem_text)
    return domain, problem, Validator(domain, problem)


def inline_plan_ok(domain_text: str, problem_text: str) -> bool:
    """Can this task's plans be validated in the caller's process (small, no quantifiers)?"""
    if len(domain_text) + len(problem_text) > INLINE_TASK_CHARS:
        return False
    try:
        domain, problem, _ = _load(domain_text, problem_text)
    except NeurosymError:
        return True  # the broken task is reported by check_plan, quickly
    goal = str(problem.goal or "")
    return not (domain.features() & UNBOUNDED_FEATURES) and "(forall" not in goal and "(exists" not in goal


def plan_steps(extracted_text: str | None, how: str, body: str) -> list[PlanStep] | None:
    """The plan a completion gives: strict inside an explicit answer (every line a step, else a located
    syntax error), loose otherwise (the lines of the text that are steps). None: no step anywhere."""
    if how in ("answer_tag", "boxed", "fence") and extracted_text is not None:
        steps = parse_plan(_strip_list_marks(extracted_text))
        return steps or None
    lines = [m.group(1) for m in map(_LOOSE_STEP.match, body.splitlines()) if m]
    return parse_plan("\n".join(lines)) or None if lines else None


def _strip_list_marks(text: str) -> str:
    """'- (pick-up a)' and '* (pick-up a)' are common in answers: drop the bullet, keep the columns' line."""
    return re.sub(r"(?m)^(\s*)[-*](\s+\()", r"\1 \2", text)


def _goal_count(problem: PlanningProblem) -> int:
    goal = problem.goal
    if goal is None:
        return 0
    parts, count = [goal], 0
    while parts:
        part = parts.pop()
        if isinstance(part, Junction) and part.op == "and":
            parts.extend(part.parts)
        else:
            count += 1
    return count


def check_plan(steps: list[PlanStep], domain_text: str, problem_text: str, max_steps: int) -> Check:
    """Replay the plan; correct if valid (any valid plan), else wrong naming the failing step. The
    score is the share of goals the valid prefix reaches (for partial credit)."""
    if len(steps) > max_steps:
        return Check("parse_error", f"the plan has {len(steps)} steps, over the cap of {max_steps}")
    _, problem, validator = _load(domain_text, problem_text)
    verdict = validator.validate(steps)
    details = {"plan_length": len(steps), **{k: v for k, v in verdict.certificate().items() if v is not None}}
    if verdict.valid:
        return Check("correct", f"the plan of {len(steps)} steps is valid", details, 1.0)
    total = _goal_count(problem)
    if verdict.failed_step is not None:
        prefix = validator.validate(steps[: verdict.failed_step - 1])
        unmet = len(prefix.unmet_goals)
        reason = f"step {verdict.failed_step} {verdict.step}: {verdict.reason}"
    else:
        unmet = len(verdict.unmet_goals)
        reason = str(verdict.reason)
    score = (total - unmet) / total if total else 0.0
    details["goals_reached"] = f"{total - unmet}/{total}"
    return Check("wrong", reason, details, score)


# ------------------------------------------------------------------------------------------ verdict words

_WORD = re.compile(r"[A-Za-z]+|-?\d+(?:\.\d+)?%?")


def read_verdict(text: str, language: str) -> Any:
    """The answer word (or number) of an answer text, normalized by the language; None if there is none.

    A short answer is taken whole ("True.", "**Uncertain**"); in a longer one the last word the language
    knows as an answer counts ("... so the conclusion is false").

    >>> read_verdict("So the statement is **False**.", "fol")
    'false'
    """
    lang = get_language(language)
    cleaned = text.strip().strip("*_`.!\"' ").strip()
    whole = lang.normalize_answer(cleaned)
    known = _KNOWN.get(language)
    if known is None or (isinstance(whole, str) and whole in known):
        return _number(whole) if known is None else whole
    for word in reversed(_WORD.findall(text)):
        value = lang.normalize_answer(word)
        if value in known:
            return value
        number = _number(value)
        if isinstance(number, float) and language == "scm":
            return number
    return None


_KNOWN: dict[str, set[str] | None] = {
    "fol": {"true", "false", "uncertain"},
    "prolog": {"true", "false"},
    "scm": {"true", "false"},
}


def _number(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        try:
            return float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            return value
    return value
