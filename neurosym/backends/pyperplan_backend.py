"""pyperplan: a pure-Python planner for STRIPS with typing, the fallback when Fast Downward is missing.

It runs inside the sandbox worker (the worker's wall clock and memory cap stand behind it); an interval
timer stops its search just before the worker would be killed, so a long search reports `timeout`
instead of costing the worker. Domains beyond STRIPS and typing are refused by name, not mis-planned.
"""

from __future__ import annotations

import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path
from typing import Any, ClassVar

from neurosym.backends.base import Backend
from neurosym.lang.base import Program
from neurosym.lang.pddl import Domain, PlanningProblem
from neurosym.lang.pddl_plan import parse_plan
from neurosym.planning.solving import (
    PlannerReport,
    missing_features,
    search_configurations,
    solve_program,
    wants_optimal,
)
from neurosym.problem import Limits
from neurosym.result import ErrorKind, NeurosymError, Outcome


class _OutOfTime(Exception):
    pass


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise _OutOfTime after `seconds` (main thread only; elsewhere the sandbox's kill is the limit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _search(name: str, heuristic: str) -> tuple[Any, Any]:
    from pyperplan.heuristics.lm_cut import LmCutHeuristic
    from pyperplan.heuristics.relaxation import hFFHeuristic, hMaxHeuristic
    from pyperplan.search import astar_search, greedy_best_first_search

    searches = {"gbfs": greedy_best_first_search, "astar": astar_search}
    heuristics = {"hff": hFFHeuristic, "hmax": hMaxHeuristic, "lmcut": LmCutHeuristic}
    return searches[name], heuristics[heuristic]


def run_pyperplan(
    domain: Domain, problem: PlanningProblem, program: Program, limits: Limits
) -> PlannerReport:
    """Parse, ground and search with pyperplan; None from its (complete) search proves unsolvability."""
    from pyperplan.grounding import ground
    from pyperplan.pddl.errors import ParseError
    from pyperplan.pddl.parser import Parser

    optimal = wants_optimal(program)
    config = search_configurations()["pyperplan"]["optimal" if optimal else "satisficing"]
    search, heuristic_class = _search(config["search"], config["heuristic"])
    detail: dict[str, Any] = {
        "configuration": f"{config['search']}({config['heuristic']})",
        "optimal": optimal,
    }
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="neurosym-pyperplan-") as tmp:
        domain_file, problem_file = Path(tmp) / "domain.pddl", Path(tmp) / "problem.pddl"
        domain_file.write_text(program.fields["domain"], encoding="utf-8")
        problem_file.write_text(program.fields["problem"], encoding="utf-8")
        try:
            with _deadline(max(0.2, limits.seconds - 0.5)):
                parser = Parser(str(domain_file), str(problem_file))
                task = ground(parser.parse_problem(parser.parse_domain()))
                solution = search(task, heuristic_class(task))
        except _OutOfTime:
            return PlannerReport("timeout", detail={**detail, "reason": "pyperplan ran out of time"})
        except (ParseError, ValueError, KeyError, AttributeError, SystemExit) as exc:
            raise NeurosymError(ErrorKind.UNSUPPORTED, f"pyperplan could not read the task: {exc}") from None
    detail["planner_seconds"] = round(time.monotonic() - started, 3)
    if solution is None:
        return PlannerReport("unsolvable", detail={**detail, "reason": "the search space was exhausted"})
    return PlannerReport("plan", parse_plan("\n".join(op.name for op in solution)), detail)


class PyperplanBackend(Backend):
    """pyperplan: greedy best-first on h^FF by default, A* on LM-cut with `optimal: true`."""

    name: ClassVar[str] = "pyperplan"
    languages: ClassVar[tuple[str, ...]] = ("pddl",)

    @classmethod
    def available(cls) -> bool:
        return find_spec("pyperplan") is not None

    @classmethod
    def unavailable_reason(cls) -> str:
        return "backend 'pyperplan' needs the pyperplan package (pip install pyperplan)"

    @classmethod
    def unsupported(cls, program: Program) -> str | None:
        """pyperplan reads STRIPS with typing only: anything beyond it is refused by name, not mis-planned."""
        return missing_features(program, set())

    def solve(self, program: Program, limits: Limits) -> Outcome:
        return solve_program(program, limits, run_pyperplan, self.name)
