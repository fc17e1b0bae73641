"""Fast Downward (from the up-fast-downward wheel) as a killable subprocess.

It runs in a temporary directory with CPU and memory caps (sandbox.subprocess_limits), Fast Downward's own
`--overall-time-limit`, and a wall-clock timeout that kills its whole process group. Its exit code is the
verdict: a plan, unsolvable (proven by the translator or an exhausted complete search), or gave up.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path
from typing import ClassVar

from neurosym.backends.base import Backend
from neurosym.lang.base import Program
from neurosym.lang.pddl import Domain, PlanningProblem
from neurosym.lang.pddl_plan import parse_plan
from neurosym.planning.solving import PlannerReport, search_configurations, solve_program, wants_optimal
from neurosym.problem import Limits
from neurosym.result import ErrorKind, NeurosymError, Outcome
from neurosym.sandbox import subprocess_limits

# https://www.fast-downward.org/latest/documentation/exit-codes/
PLAN_FOUND = {0, 1, 2, 3}
UNSOLVABLE = {10: "the translator proved the goal unreachable", 11: "the search space was exhausted"}
GAVE_UP = {12: "the search was incomplete and gave up", 13: "no plan within the cost bound"}
OUT_OF_TIME = {21, 23, 24}
OUT_OF_MEMORY = {20, 22}
INPUT_ERRORS = {31, 33, 34, 36, 37}
# The driver gives each component the whole seconds left of its overall limit as a CPU rlimit, rounded
# down: under 2 s, its own start-up leaves the translator a limit of 0 and it dies at once (SIGXCPU).
# The wall clock here is what ends a run; the driver's limit is only the backstop.
FD_MIN_OVERALL_SECONDS = 2


@cache
def driver_path() -> Path | None:
    """fast-downward.py inside the installed up_fast_downward package, or None. The package is located,
    not imported: importing it imports unified-planning (about 3 s), which a worker's first PDDL problem
    would pay out of its own limit."""
    spec = importlib.util.find_spec("up_fast_downward")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "downward" / "fast-downward.py"
        if path.is_file():
            return path
    return None


def ended_by_signal(code: int) -> int | None:
    """The signal that ended the planner, or None. Popen reports one as -S; the driver passes a component's
    -S to sys.exit, so a translator killed by its CPU limit (SIGXCPU) shows as exit 256 - S (232).

    >>> ended_by_signal(232) == signal.SIGXCPU, ended_by_signal(-9) == signal.SIGKILL, ended_by_signal(12)
    (True, True, None)
    """
    if code < 0:
        return -code
    return 256 - code if 128 < code < 256 else None


def _kill_group(pid: int) -> None:
    """Kill the planner's whole process group (driver, translator, search); it may already be gone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _tail(path: Path, lines: int = 6) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    kept = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.startswith(("[t=", "INFO", "Peak memory", "Remove intermediate"))
    ]
    return " | ".join(kept[-lines:])


def search_arguments(domain: Domain, optimal: bool) -> tuple[list[str], list[str], str]:
    """Driver options (before the files), search options (after them), and the configuration's name."""
    configs = search_configurations()["fast-downward"]
    name = "satisficing"
    if optimal:
        name = "optimal-conditional-effects" if "conditional effects" in domain.features() else "optimal"
    config = configs[name]
    if "alias" in config:
        return ["--alias", config["alias"]], [], f"{name} ({config['alias']})"
    return [], ["--search", config["search"]], f"{name} ({config['search']})"


def run_fast_downward(
    domain: Domain, problem: PlanningProblem, program: Program, limits: Limits
) -> PlannerReport:
    """Run the planner on the program's own texts; map its exit code to a PlannerReport."""
    started = time.monotonic()
    driver = driver_path()
    if driver is None:
        raise NeurosymError(ErrorKind.UNSUPPORTED, FastDownwardBackend.unavailable_reason())
    optimal = wants_optimal(program)
    alias, search, configuration = search_arguments(domain, optimal)
    wall = max(0.5, limits.seconds - 0.5)
    detail = {"configuration": configuration, "optimal": optimal}
    with tempfile.TemporaryDirectory(prefix="neurosym-fd-") as tmp:
        work = Path(tmp)
        (work / "domain.pddl").write_text(program.fields["domain"], encoding="utf-8")
        (work / "problem.pddl").write_text(program.fields["problem"], encoding="utf-8")
        command = [
            sys.executable,
            str(driver),
            "--overall-time-limit",
            f"{max(FD_MIN_OVERALL_SECONDS, math.ceil(wall))}s",
            "--overall-memory-limit",
            f"{limits.memory_mb}M",
            "--plan-file",
            str(work / "plan"),
            *alias,
            str(work / "domain.pddl"),
            str(work / "problem.pddl"),
            *search,
        ]
        log = work / "log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=work,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=subprocess_limits(wall, limits.memory_mb + 256),
            )
            try:
                code = process.wait(timeout=wall)
            except subprocess.TimeoutExpired:
                _kill_group(process.pid)
                process.wait()
                return PlannerReport(
                    "timeout", detail={**detail, "reason": f"no verdict within {wall:.1f} s"}
                )
            finally:
                if process.poll() is None:
                    _kill_group(process.pid)
        detail["planner_seconds"] = round(time.monotonic() - started, 3)
        detail["exit_code"] = code
        if code in PLAN_FOUND and (work / "plan").is_file():
            text = (work / "plan").read_text(encoding="utf-8")
            return PlannerReport("plan", parse_plan(text), detail)
        if code in UNSOLVABLE:
            return PlannerReport("unsolvable", detail={**detail, "reason": UNSOLVABLE[code]})
        if code in GAVE_UP:
            return PlannerReport("unknown", detail={**detail, "reason": GAVE_UP[code]})
        if code in OUT_OF_TIME or ended_by_signal(code) in (signal.SIGXCPU, signal.SIGKILL):
            return PlannerReport("timeout", detail={**detail, "reason": "Fast Downward ran out of time"})
        if code in OUT_OF_MEMORY:
            raise NeurosymError(
                ErrorKind.MEMORY, f"Fast Downward ran out of memory ({limits.memory_mb} MB); {_tail(log, 3)}"
            )
        if code in INPUT_ERRORS:
            raise NeurosymError(
                ErrorKind.UNSUPPORTED, f"Fast Downward rejected the input (exit {code}): {_tail(log)}"
            )
        raise NeurosymError(ErrorKind.SOLVER_CRASH, f"Fast Downward failed (exit {code}): {_tail(log)}")


class FastDownwardBackend(Backend):
    """Fast Downward: satisficing (LAMA's first iteration) by default, optimal (A*) with `optimal: true`."""

    name: ClassVar[str] = "fast-downward"
    languages: ClassVar[tuple[str, ...]] = ("pddl",)

    @classmethod
    def available(cls) -> bool:
        return driver_path() is not None

    @classmethod
    def unavailable_reason(cls) -> str:
        return "backend 'fast-downward' needs the up-fast-downward package (pip install up-fast-downward)"

    def solve(self, program: Program, limits: Limits) -> Outcome:
        return solve_program(program, limits, run_fast_downward, self.name)
