"""Z3 on SMT-LIB 2 scripts, through Z3's own SMT-LIB interpreter (one fresh context per script)."""

from __future__ import annotations

import re

import z3

from neurosym.backends.base import Backend
from neurosym.backends.smt_script import ScriptSolver, SolverRejected, run_script
from neurosym.lang.base import Program
from neurosym.problem import Limits
from neurosym.result import Outcome

Z3_ERROR = re.compile(r'\(error "(?:line \d+ column \d+: )?(.*)"\)', re.DOTALL)


class Z3Script(ScriptSolver):
    name = "z3"

    def __init__(self) -> None:
        self.context = z3.Context()
        self.execute("(set-option :produce-models true)")
        self.execute("(set-option :produce-unsat-cores true)")

    def execute(self, text: str) -> str:
        try:
            output = z3.Z3_eval_smtlib2_string(self.context.ref(), text)
        except z3.Z3Exception as exc:
            raw = exc.value.decode() if isinstance(exc.value, bytes) else str(exc.value)
            match = Z3_ERROR.search(raw)
            raise SolverRejected(match.group(1) if match else raw.strip()) from None
        if output.startswith("(error"):
            match = Z3_ERROR.search(output)
            raise SolverRejected(match.group(1) if match else output.strip())
        return output

    def set_timeout(self, milliseconds: int) -> None:
        self.execute(f"(set-option :timeout {milliseconds})")

    def reason_unknown(self) -> str:
        try:
            return self.execute("(get-info :reason-unknown)").strip()
        except SolverRejected:
            return ""


class Z3SmtBackend(Backend):
    name = "z3-smt"
    languages = ("smt",)

    def solve(self, program: Program, limits: Limits) -> Outcome:
        solver = Z3Script()
        return run_script(program.fields["script"], solver, limits, solver.reason_unknown)
