"""Z3 decides premises ⊢ conclusion as true / false / uncertain, with a certificate for each.

Two satisfiability checks over one uninterpreted sort: premises ∧ ¬conclusion (unsat: the conclusion
follows) and premises ∧ conclusion (unsat: its negation follows). Both satisfiable: `uncertain`, with a
countermodel for each side. Z3's `unknown` on a side that matters is status `unknown`, never a guess.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

import z3

from neurosym.backends import z3_kk
from neurosym.backends.base import Backend
from neurosym.lang.base import Program
from neurosym.lang.fol import (
    Atom,
    Connective,
    Const,
    Equal,
    Formula,
    Not,
    ParsedProblem,
    Quantified,
    Term,
    balanced,
    implication_chain,
    parse_program,
)
from neurosym.problem import Limits
from neurosym.result import ErrorKind, NeurosymError, Outcome, Status

MAX_MODEL_ROWS = 200  # countermodel tuples printed per predicate before eliding


class Z3Translator:
    """Builds Z3 terms for one problem; a fresh translator (and Z3 context) per problem: no shared state."""

    def __init__(self, parsed: ParsedProblem, context: z3.Context):
        self.ctx = context
        self.sort = z3.DeclareSort("Object", context)
        sig = parsed.signature
        self.predicates = {name: z3.Function(name, *([self.sort] * arity), z3.BoolSort(context))
                           if arity else z3.Bool(name, context) for name, arity in sig.predicates.items()}
        self.functions = {name: z3.Function(name, *([self.sort] * arity), self.sort)
                          for name, arity in sig.functions.items()}
        self.constants = {name: z3.Const(name, self.sort) for name in sorted(sig.constants)}

    def term(self, term: Term, env: dict[str, z3.ExprRef]) -> z3.ExprRef:
        if term.args:
            return self.functions[term.name](*(self.term(a, env) for a in term.args))
        if term.name in env:
            return env[term.name]
        return self.constants[term.name]

    def formula(self, formula: Formula, env: dict[str, z3.ExprRef] | None = None) -> z3.BoolRef:
        env = env or {}
        ctx = self.ctx
        if isinstance(formula, Atom):
            symbol = self.predicates[formula.predicate]
            return symbol(*(self.term(a, env) for a in formula.args)) if formula.args else symbol
        if isinstance(formula, Equal):
            return self.term(formula.left, env) == self.term(formula.right, env)
        if isinstance(formula, Const):
            return z3.BoolVal(formula.value, ctx)
        if isinstance(formula, Not):
            return z3.Not(self.formula(formula.body, env), ctx)
        if isinstance(formula, Connective):
            if formula.op == "implies":  # A1 → (A2 → … → C) is (A1 ∧ A2 ∧ …) → C: flat, however long
                antecedents, consequent = implication_chain(formula)
                premise = [self.formula(a, env) for a in antecedents]
                return z3.Implies(premise[0] if len(premise) == 1 else z3.And(*premise),
                                  self.formula(consequent, env), ctx)
            parts = [self.formula(p, env) for p in formula.parts]
            if formula.op == "and":
                return z3.And(*parts)
            if formula.op == "or":
                return z3.Or(*parts)
            if formula.op == "xor":  # a chain of ⊕ is parity; ⊕ is associative, so a balanced tree
                return balanced(parts, lambda a, b: z3.Xor(a, b, ctx))
            if formula.op == "iff":  # ↔ is associative too: ((a ↔ b) ↔ c) = (a ↔ (b ↔ c))
                return balanced(parts, lambda a, b: a == b)
        if isinstance(formula, Quantified):
            bound = [z3.Const(f"{v}!{id(formula)}", self.sort) for v in formula.variables]
            inner = dict(env)
            inner.update(zip(formula.variables, bound, strict=True))
            body = self.formula(formula.body, inner)
            return z3.ForAll(bound, body) if formula.kind == "forall" else z3.Exists(bound, body)
        raise NeurosymError(ErrorKind.INTERNAL, f"no Z3 translation for {type(formula).__name__}")


def describe_model(model: z3.ModelRef, translator: Z3Translator) -> dict[str, Any]:
    """A countermodel as plain data: the domain, what each constant names, where each predicate holds."""
    universe = model.get_universe(translator.sort) or []
    names = {str(element): f"e{i}" for i, element in enumerate(universe)}

    def show(value: z3.ExprRef) -> str:
        return names.get(str(value), str(value))

    described: dict[str, Any] = {"domain": [names[str(e)] for e in universe]}
    described["constants"] = {name: show(model.eval(c, model_completion=True))
                              for name, c in translator.constants.items()}
    holds: dict[str, Any] = {}
    for name, symbol in translator.predicates.items():
        if isinstance(symbol, z3.BoolRef):
            holds[name] = z3.is_true(model.eval(symbol, model_completion=True))
            continue
        rows = []
        for args in itertools.product(universe, repeat=symbol.arity()):
            if z3.is_true(model.eval(symbol(*args), model_completion=True)):
                rows.append([show(a) for a in args])
                if len(rows) >= MAX_MODEL_ROWS:
                    rows.append(["..."])
                    break
        holds[name] = rows
    described["predicates"] = holds
    return described


class Z3Backend(Backend):
    name = "z3"
    languages = ("fol", "kk")

    def solve(self, program: Program, limits: Limits) -> Outcome:
        if program.language == "kk":
            return z3_kk.solve(program, limits)
        return self._solve_fol(program, limits)

    def _solve_fol(self, program: Program, limits: Limits) -> Outcome:
        started = time.perf_counter()
        parsed = parse_program(program)
        parse_seconds = time.perf_counter() - started
        context = z3.Context()
        translator = Z3Translator(parsed, context)
        premises = [translator.formula(p) for p in parsed.premises]
        conclusion = translator.formula(parsed.conclusion)
        deadline = time.monotonic() + limits.seconds

        def check(goal: z3.BoolRef) -> tuple[z3.CheckSatResult, z3.Solver, list[z3.BoolRef]]:
            solver = z3.Solver(ctx=context)
            remaining_ms = max(1, int((deadline - time.monotonic()) * 1000))
            solver.set("timeout", remaining_ms)
            solver.set("unsat_core", True)
            markers = [z3.Bool(f"premise {i + 1}", context) for i in range(len(premises))]
            for marker, premise in zip(markers, premises, strict=True):
                solver.assert_and_track(premise, marker)
            solver.add(goal)
            return solver.check(), solver, markers

        solving = time.perf_counter()
        refute, refute_solver, markers = check(z3.Not(conclusion, context))  # unsat: conclusion follows
        prove_neg, prove_neg_solver, _ = check(conclusion)  # unsat: its negation follows
        timings = {"parse": parse_seconds, "z3": time.perf_counter() - solving}

        def used(solver: z3.Solver) -> list[int]:
            core = {str(m) for m in solver.unsat_core()}
            return [i + 1 for i, m in enumerate(markers) if str(m) in core]

        if refute == z3.unsat and prove_neg == z3.unsat:
            consistency = z3.Solver(ctx=context)
            for marker, premise in zip(markers, premises, strict=True):
                consistency.assert_and_track(premise, marker)
            consistency.check()
            return Outcome(Status.SOLVED, "inconsistent",
                           {"explanation": "the premises contradict each other, so everything follows",
                            "premises_used": used(consistency)}, timings=timings)
        if refute == z3.unsat:
            return Outcome(Status.SOLVED, "true", {"premises_used": used(refute_solver)}, timings=timings)
        if prove_neg == z3.unsat:
            return Outcome(Status.SOLVED, "false", {"premises_used": used(prove_neg_solver)}, timings=timings)
        if refute == z3.sat and prove_neg == z3.sat:
            certificate = {
                "countermodel_conclusion_false": describe_model(refute_solver.model(), translator),
                "countermodel_conclusion_true": describe_model(prove_neg_solver.model(), translator),
            }
            return Outcome(Status.SOLVED, "uncertain", certificate, timings=timings)
        reasons = {str(s.reason_unknown()) for s, r in ((refute_solver, refute), (prove_neg_solver, prove_neg))
                   if r == z3.unknown}
        timed_out = time.monotonic() >= deadline or any("timeout" in r or "canceled" in r for r in reasons)
        status = Status.TIMEOUT if timed_out else Status.UNKNOWN
        return Outcome(status, None, {"z3_reason": sorted(reasons)}, timings=timings)
