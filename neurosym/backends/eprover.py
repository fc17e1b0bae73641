"""The E prover over TPTP FOF, run as a limited subprocess: true / false / uncertain or unknown.

Two runs in parallel: conjecture = conclusion (Theorem: true) and conjecture = its negation (Theorem:
false). `uncertain` needs E to show both CounterSatisfiable, which it can only do when saturation
finishes; otherwise the answer is `unknown`. E's verdict comes from its SZS status line, never guessed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from neurosym.backends.base import Backend
from neurosym.lang.base import Program
from neurosym.lang.fol import parse_program
from neurosym.lang.tptp import problem_to_tptp
from neurosym.problem import Limits
from neurosym.result import ErrorInfo, ErrorKind, Outcome, Status
from neurosym.sandbox import subprocess_limits

SZS_STATUS = re.compile(r"^# SZS status (\w+)", re.MULTILINE)
USED_AXIOM = re.compile(r"file\([^,]*, premise_(\d+)\)")
PROVED = {"Theorem", "Unsatisfiable"}
NOT_PROVED = {"CounterSatisfiable", "Satisfiable"}
RESOURCE_OUT = {"ResourceOut", "Timeout", "GaveUp", "Unknown"}
# E's strategy schedule without SInE, so saturation still means CounterSatisfiable. Plain `--auto` picks
# periodic SAT checking on large problems (a flat chain of 5,000 links), which aborts in Debian's build
# ("picosat: compiled without trace support"); the schedule proves those in under a second.
E_MODE = ("--satauto-schedule",)


class EProverBackend(Backend):
    name = "eprover"
    languages = ("fol",)

    @classmethod
    def available(cls) -> bool:
        return shutil.which("eprover") is not None

    @classmethod
    def unavailable_reason(cls) -> str:
        return "the E prover is not installed (Debian package `eprover`; scripts/setup.sh installs it)"

    def solve(self, program: Program, limits: Limits) -> Outcome:
        started = time.perf_counter()
        deadline = time.monotonic() + limits.seconds  # one wall clock for parsing and both runs
        parsed = parse_program(program)
        cpu_seconds = max(1, int(deadline - time.monotonic()))
        with tempfile.TemporaryDirectory(prefix="neurosym-e-") as workdir:
            runs = {}
            for side, negate in (("prove", False), ("refute", True)):
                path = Path(workdir) / f"{side}.p"
                path.write_text(problem_to_tptp(parsed, negate_conclusion=negate), encoding="ascii")
                runs[side] = subprocess.Popen(
                    ["eprover", *E_MODE, "--silent", "--proof-object", f"--cpu-limit={cpu_seconds}",
                     str(path)],
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=workdir,
                    start_new_session=True,  # the schedule forks: kill the group, or its pipes stay open
                    preexec_fn=subprocess_limits(cpu_seconds + 1, limits.memory_mb),
                )
            outputs = {}
            for side, process in runs.items():
                try:
                    out, err = process.communicate(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(process.pid, signal.SIGKILL)
                    out, err = process.communicate()
                    out += "\n# SZS status Timeout (killed at the wall-clock limit)\n"
                outputs[side] = (process.returncode, out, err)
        timings = {"e_prover": time.perf_counter() - started}
        statuses = {side: self._status(out) for side, (_, out, _) in outputs.items()}
        certificate: dict[str, object] = {"szs": statuses, **parsed.reading()}
        if "ContradictoryAxioms" in statuses.values() or all(s in PROVED for s in statuses.values()):
            # E refuted the premises on their own: everything follows, so neither true nor false is the answer
            return Outcome(Status.SOLVED, "inconsistent", certificate, timings=timings)
        for side, answer in (("prove", "true"), ("refute", "false")):
            if statuses[side] in PROVED:
                certificate["premises_used"] = self._used(outputs[side][1])
                return Outcome(Status.SOLVED, answer, certificate, timings=timings)
        if statuses["prove"] in NOT_PROVED and statuses["refute"] in NOT_PROVED:
            return Outcome(Status.SOLVED, "uncertain", certificate, timings=timings)
        if all(s in NOT_PROVED | RESOURCE_OUT for s in statuses.values()):
            timed_out = any(s in {"ResourceOut", "Timeout"} for s in statuses.values())
            return Outcome(Status.TIMEOUT if timed_out else Status.UNKNOWN, None, certificate, timings=timings)
        detail = "; ".join(f"{side}: exit {code}, {err.strip()[-300:] or out.strip()[-300:]}"
                           for side, (code, out, err) in outputs.items())
        return Outcome(Status.ERROR, None, certificate,
                       ErrorInfo(ErrorKind.SOLVER_CRASH, f"E gave no SZS verdict ({detail})"), timings)

    @staticmethod
    def _status(output: str) -> str:
        match = SZS_STATUS.search(output)
        return match.group(1) if match else "None"

    @staticmethod
    def _used(output: str) -> list[int]:
        return sorted({int(n) for n in USED_AXIOM.findall(output)})
