"""Logic-LM constraint programs on Z3: each variable an integer confined to its domain; an option is
chosen when the constraints are satisfiable and the option holds in every solution (unsat with its
negation), which is what Logic-LM's executor checks by enumerating every solution.
"""

from __future__ import annotations

import time
from typing import Any

import lark
import z3

from neurosym.lang.base import Program
from neurosym.lang.csp import CspProgram, parse_program
from neurosym.problem import Limits
from neurosym.result import ErrorKind, NeurosymError, Outcome, Status

COMPARE = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
           "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


class _Translator:
    def __init__(self, parsed: CspProgram, ctx: z3.Context):
        self.ctx = ctx
        symbols = sorted({v for var in parsed.variables.values() for v in var.values if isinstance(v, str)})
        self.codes = {name: i for i, name in enumerate(symbols)}  # a named value is a distinct code
        self.vars = {name: z3.Int(name, ctx) for name in parsed.variables}
        self.domains = [z3.Or([self.vars[name] == self.code(v) for v in var.values])
                        for name, var in parsed.variables.items()]

    def code(self, value: int | str) -> int:
        return value if isinstance(value, int) else self.codes[value]

    def expr(self, tree: Any) -> z3.ExprRef:
        if isinstance(tree, lark.Token):
            raise NeurosymError(ErrorKind.INTERNAL, f"unexpected token {tree!r}")
        kind, kids = tree.data, tree.children
        if kind == "var":
            name = str(kids[0])
            return self.vars[name] if name in self.vars else z3.IntVal(self.codes[name], self.ctx)
        if kind == "num":
            return z3.IntVal(int(kids[0]), self.ctx)
        if kind == "neg":
            return -self.expr(kids[0])
        if kind == "abs_":
            inner = self.expr(kids[0])
            return z3.If(inner >= 0, inner, -inner)
        if kind == "not_":
            return z3.Not(self.expr(kids[0]))
        if kind in ("and_", "or_"):
            parts = [self.expr(k) for k in kids]
            return parts[0] if len(parts) == 1 else (z3.And(parts) if kind == "and_" else z3.Or(parts))
        if kind == "all_different":
            return z3.Distinct([self.vars[str(k)] for k in kids])
        if kind == "comparison":  # a < b <= c means a < b and b <= c, as in Python
            terms = [self.expr(k) for k in kids[0::2]]
            ops = [str(k) for k in kids[1::2]]
            return z3.And([COMPARE[op](terms[i], terms[i + 1]) for i, op in enumerate(ops)])
        if kind in ("sum", "product"):
            result = self.expr(kids[0])
            for op, operand in zip(kids[1::2], kids[2::2], strict=True):
                right = self.expr(operand)
                result = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
                          "//": lambda a, b: a / b, "%": lambda a, b: a % b}[str(op)](result, right)
            return result
        raise NeurosymError(ErrorKind.INTERNAL, f"no Z3 translation for {kind}")


def solve(program: Program, limits: Limits) -> Outcome:
    started = time.perf_counter()
    parsed = parse_program(program.fields["program"])
    parse_seconds = time.perf_counter() - started
    ctx = z3.Context()
    translator = _Translator(parsed, ctx)
    solver = z3.Solver(ctx=ctx)
    solver.set("timeout", max(1, int(limits.seconds * 1000)))
    solver.add(translator.domains)
    for statement in parsed.constraints:
        solver.add(translator.expr(statement.tree))
    verdict = solver.check()
    if verdict == z3.unknown:
        return Outcome(Status.UNKNOWN, certificate={"reason_unknown": solver.reason_unknown()})
    if verdict == z3.unsat:
        return Outcome(Status.SOLVED, answer="none", timings={"parse": parse_seconds},
                       certificate={"note": "the constraints have no solution, so no option holds in all of them"})
    model = solver.model()
    solution = {name: model.eval(var, model_completion=True).as_long() for name, var in translator.vars.items()}
    holds: dict[str, bool] = {}
    for option in parsed.options:
        solver.push()
        solver.add(z3.Not(translator.expr(option.tree)))
        result = solver.check()
        solver.pop()
        if result == z3.unknown:
            return Outcome(Status.UNKNOWN, certificate={"reason_unknown": solver.reason_unknown()})
        holds[option.label] = result == z3.unsat
    chosen = [label for label, held in holds.items() if held]
    answer = ",".join(chosen) if chosen else "none"
    certificate: dict[str, Any] = {"solution": solution, "holds_in_every_solution": holds}
    if len(chosen) > 1:
        certificate["note"] = "several options hold in every solution"
    return Outcome(Status.SOLVED, answer=answer, certificate=certificate, timings={"parse": parse_seconds})
