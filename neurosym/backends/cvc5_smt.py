"""cvc5 on SMT-LIB 2 scripts, through cvc5's own InputParser (the `cvc5` Python package), fresh per script."""

from __future__ import annotations

import importlib.util

from neurosym.backends.base import Backend
from neurosym.backends.smt_script import ScriptSolver, SolverRejected, run_script
from neurosym.lang.base import Program
from neurosym.problem import Limits
from neurosym.result import Outcome


class Cvc5Script(ScriptSolver):
    name = "cvc5"

    def __init__(self) -> None:
        import cvc5

        self.cvc5 = cvc5
        self.terms = cvc5.TermManager()
        self.solver = cvc5.Solver(self.terms)
        self.solver.setOption("produce-models", "true")
        self.solver.setOption("produce-unsat-cores", "true")
        self.symbols = cvc5.SymbolManager(self.terms)
        self.parser = cvc5.InputParser(self.solver, self.symbols)
        self.parser.setIncrementalStringInput(cvc5.InputLanguage.SMT_LIB_2_6, "script")

    def execute(self, text: str) -> str:
        try:
            self.parser.appendIncrementalStringInput(text)
            command = self.parser.nextCommand()
            if command.isNull():
                return ""
            return command.invoke(self.solver, self.symbols)
        except RuntimeError as exc:
            raise SolverRejected(str(exc)) from None

    def set_timeout(self, milliseconds: int) -> None:
        self.solver.setOption("tlimit-per", str(milliseconds))

    def reason_unknown(self) -> str:
        try:
            return self.execute("(get-info :reason-unknown)").strip()
        except SolverRejected:
            return ""


class Cvc5SmtBackend(Backend):
    name = "cvc5"
    languages = ("smt",)

    @classmethod
    def available(cls) -> bool:
        return importlib.util.find_spec("cvc5") is not None

    @classmethod
    def unavailable_reason(cls) -> str:
        return "backend 'cvc5' needs the cvc5 Python package (pip install cvc5)"

    def solve(self, program: Program, limits: Limits) -> Outcome:
        solver = Cvc5Script()
        return run_script(program.fields["script"], solver, limits, solver.reason_unknown)
