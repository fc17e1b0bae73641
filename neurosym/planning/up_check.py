"""unified-planning's sequential plan validator, as a second opinion on neurosym's own validator.

Used by the tests (cross-check on the same plans) and by benchmarks/pddl_validator_speed.py. It reads the
same PDDL texts with unified-planning's own reader, so the two validators share nothing but the input.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

_STEP = re.compile(r"of (\d+)-th action instance")
_PRECONDITIONS = re.compile(r"Preconditions \[(.*)\] of")


@dataclass
class UpVerdict:
    valid: bool
    reason: str | None  # unified-planning's FailedValidationReason name, e.g. INAPPLICABLE_ACTION
    failed_step: int | None  # 1-based, for an inapplicable action
    unmet: list[str]  # the preconditions it names, written as neurosym writes them: "(clear b)"


def _neurosym_spelling(up_atom: str) -> str:
    """ "clear(b)" -> "(clear b)"; "handempty" -> "(handempty)"."""
    name, _, rest = up_atom.strip().partition("(")
    args = [a.strip() for a in rest.rstrip(")").split(",") if a.strip()]
    return f"({' '.join((name, *args))})"


class UpValidator:
    """A parsed problem in unified-planning, ready to validate many plan texts."""

    def __init__(self, domain_text: str, problem_text: str):
        from unified_planning.io import PDDLReader
        from unified_planning.shortcuts import PlanValidator, get_environment

        get_environment().credits_stream = None
        self.reader = PDDLReader()
        with warnings.catch_warnings():  # unified-planning calls a pyparsing name deprecated upstream
            warnings.simplefilter("ignore", DeprecationWarning)
            self.problem = self.reader.parse_problem_string(domain_text, problem_text)
        self.engine = PlanValidator(problem_kind=self.problem.kind)

    def parse(self, plan_text: str):
        return self.reader.parse_plan_string(self.problem, plan_text)

    def validate_parsed(self, plan) -> UpVerdict:
        result = self.engine.validate(self.problem, plan)
        valid = result.status.name == "VALID"
        reason = None if valid else getattr(getattr(result, "reason", None), "name", None)
        text = " ".join(message.message for message in result.log_messages or [])
        step_match = _STEP.search(text)
        failed = getattr(result, "inapplicable_action", None)
        index = (
            next((i for i, a in enumerate(plan.actions, start=1) if a is failed), None) if failed else None
        )
        unmet_match = _PRECONDITIONS.search(text)
        unmet = (
            [_neurosym_spelling(a) for a in re.split(r",\s*(?![^()]*\))", unmet_match.group(1))]
            if unmet_match
            else []
        )
        if index is None and step_match:
            index = int(step_match.group(1))
        return UpVerdict(valid, reason, index, unmet)

    def validate(self, plan_text: str) -> UpVerdict:
        return self.validate_parsed(self.parse(plan_text))

    def close(self) -> None:
        self.engine.destroy()
