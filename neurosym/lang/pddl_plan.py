"""Read plans in the usual formats: one `(action args)` a line.

Accepted, one step a line: `(pick-up a)`, `0: (pick-up a)`, `1. (pick-up a) [1]` (IPC step numbers and
durations), with `;` comments anywhere (Fast Downward ends its plans with `; cost = 4 (unit cost)`), and
blank lines. Names are lowered, as PDDL is case-insensitive. A line that is none of these is a syntax
error naming its line and column, never a step silently skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from neurosym.result import ErrorKind, NeurosymError

MAX_PLAN_STEPS = 1_000_000

_STEP = re.compile(
    r"""^\s*(?:\d+(?:\.\d+)?\s*[:.)]?\s*)?     # optional step number: "0:", "1.", "3)"
        \(\s*(?P<body>[^()\s;][^();]*?)\s*\)   # (action args)
        \s*(?:\[[^\]]*\])?\s*$                 # optional [duration]
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class PlanStep:
    """One ground action of a plan and the line it came from (1-based)."""

    action: str
    args: tuple[str, ...]
    line: int = 0

    def __str__(self) -> str:
        return f"({' '.join((self.action, *self.args))})"


def parse_plan(text: str) -> list[PlanStep]:
    """The steps of a plan text; NeurosymError(SYNTAX) with line and column for a line that is not a step.

    >>> [str(s) for s in parse_plan("0: (Pick-Up A)\\n; cost = 1 (unit cost)")]
    ['(pick-up a)']
    """
    steps: list[PlanStep] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(";", 1)[0]
        if not line.strip():
            continue
        match = _STEP.match(line)
        if match is None:
            column = len(line) - len(line.lstrip()) + 1
            raise NeurosymError(
                ErrorKind.SYNTAX,
                f"plan line {number}: expected one step '(action args)', "
                f"optionally numbered ('3: (action args)'), got "
                f"{line.strip()[:80]!r}",
                number,
                column,
            )
        words = match.group("body").lower().split()
        steps.append(PlanStep(words[0], tuple(words[1:]), number))
        if len(steps) > MAX_PLAN_STEPS:
            raise NeurosymError(ErrorKind.INPUT, f"plan has more than {MAX_PLAN_STEPS} steps", number, 1)
    return steps


def format_plan(steps: list[PlanStep]) -> str:
    """The plan text, one step a line, as planners write it."""
    return "".join(f"{step}\n" for step in steps)
