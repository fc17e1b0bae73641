"""What both planner backends share: reading the program, validating a given plan, and checking the
planner's own plan before it becomes an answer (a backend never hands out a plan the validator rejects)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from neurosym.lang.base import Program
from neurosym.lang.pddl import Domain, PlanningProblem, load, parse
from neurosym.lang.pddl_plan import PlanStep, parse_plan
from neurosym.planning.validator import Validator
from neurosym.problem import Limits
from neurosym.resources import prover_path
from neurosym.result import ErrorInfo, ErrorKind, NeurosymError, Outcome, Status


@dataclass
class PlannerReport:
    """What a planner said: a plan, a proof that none exists, or that it gave up (and why)."""

    status: str  # "plan" | "unsolvable" | "unknown" | "timeout"
    steps: list[PlanStep] | None = None
    detail: dict[str, Any] = field(default_factory=dict)


Planner = Callable[[Domain, PlanningProblem, Program, Limits], PlannerReport]


@cache
def search_configurations() -> dict[str, Any]:
    """provers/planning/search.toml: the search configuration of each planner, satisficing and optimal."""
    return tomllib.loads(prover_path("planning/search.toml").read_text(encoding="utf-8"))


def wants_optimal(program: Program) -> bool:
    value = program.options.get("optimal", False)
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "1"}
    return bool(value)


def validation_outcome(domain: Domain, problem: PlanningProblem, plan_text: str) -> Outcome:
    """Validate a given plan: answer "valid" or "invalid", the certificate naming the first failure."""
    verdict = Validator(domain, problem).validate(parse_plan(plan_text))
    return Outcome(Status.SOLVED, answer=verdict.answer, certificate=verdict.certificate())


def solve_program(program: Program, limits: Limits, planner: Planner, planner_name: str) -> Outcome:
    """Check the program, then validate its plan or plan with `planner` and validate the plan found."""
    domain, problem = load(program.fields["domain"], program.fields["problem"])
    if program.fields.get("plan") is not None:
        return validation_outcome(domain, problem, program.fields["plan"])
    report = planner(domain, problem, program, limits)
    detail = {"planner": planner_name, **report.detail}
    if report.status == "unsolvable":
        return Outcome(Status.SOLVED, answer="unsolvable", certificate={**detail, "proven_unsolvable": True})
    if report.status in ("unknown", "timeout"):
        status = Status.UNKNOWN if report.status == "unknown" else Status.TIMEOUT
        return Outcome(status, certificate=detail)
    steps = report.steps or []
    verdict = Validator(domain, problem).validate(steps)
    if not verdict.valid:
        message = f"{planner_name} returned a plan the validator rejects: {verdict.reason}"
        return Outcome(
            Status.ERROR,
            certificate={**detail, **verdict.certificate()},
            error=ErrorInfo(ErrorKind.SOLVER_CRASH, message),
        )
    return Outcome(
        Status.SOLVED, answer=[str(step) for step in steps], certificate={**detail, **verdict.certificate()}
    )


def missing_features(program: Program, supported: set[str]) -> str | None:
    """The PDDL features of a program's domain beyond `supported`, named, or None when there are none.

    A program that does not parse is left to `solve`, which reports the error with its location.
    """
    try:
        domain = parse(program.fields["domain"], "domain")
    except NeurosymError:
        return None
    extra = domain.features() - supported if isinstance(domain, Domain) else set()
    return f"it does not handle {', '.join(sorted(extra))}" if extra else None
