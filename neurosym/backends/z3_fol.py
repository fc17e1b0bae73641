"""Z3 decides premises ⊢ conclusion as true / false / uncertain, with a certificate for each.

Two satisfiability checks over one uninterpreted sort: premises ∧ ¬conclusion (unsat: the conclusion
follows) and premises ∧ conclusion (unsat: its negation follows). Both satisfiable: `uncertain`, with a
countermodel for each side. Z3's `unknown` on a side that matters is status `unknown`, never a guess.
"""

from __future__ import annotations

import itertools
import os
import time
from typing import Any, NamedTuple

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
    """Builds Z3 terms for one problem: a fresh translator per problem, in the worker's Z3 context."""

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


def _truth_table(model: z3.ModelRef, symbol: z3.FuncDeclRef, universe: list[z3.ExprRef], names: set[str]
                 ) -> tuple[dict[tuple[str, ...], bool], bool] | None:
    """A predicate's interpretation read once from the model (its listed entries and a constant default),
    instead of one model evaluation per tuple of the domain; None when the default is not a constant, so
    the caller evaluates tuple by tuple. Same answers as model.eval with model completion."""
    interpretation = model[symbol]
    if interpretation is None:  # not in the model: completion gives every tuple the same value
        first = tuple(universe[:1]) * symbol.arity()
        return ({}, z3.is_true(model.eval(symbol(*first), model_completion=True))) if universe else None
    if not isinstance(interpretation, z3.FuncInterp):
        return None
    try:
        default = interpretation.else_value()
    except z3.Z3Exception:  # no default: only the listed entries, as when the model is partial
        return None
    if default is None or not (z3.is_true(default) or z3.is_false(default)):
        return None
    entries = {}
    for i in range(interpretation.num_entries()):
        entry = interpretation.entry(i)
        key = tuple(str(entry.arg_value(j)) for j in range(entry.num_args()))
        value = entry.value()
        if not set(key) <= names or not (z3.is_true(value) or z3.is_false(value)):
            return None
        entries.setdefault(key, z3.is_true(value))  # the first entry for a tuple is the one that applies
    return entries, z3.is_true(default)


def describe_model(model: z3.ModelRef, translator: Z3Translator) -> dict[str, Any]:
    """A countermodel as plain data: the domain, what each constant names, where each predicate holds."""
    universe = model.get_universe(translator.sort) or []
    labels = [str(element) for element in universe]  # printing a Z3 term is slow: once per element
    names = {label: f"e{i}" for i, label in enumerate(labels)}
    known = set(labels)

    def show(value: z3.ExprRef) -> str:
        return names.get(str(value), str(value))

    described: dict[str, Any] = {"domain": [names[label] for label in labels]}
    described["constants"] = {name: show(model.eval(c, model_completion=True))
                              for name, c in translator.constants.items()}
    holds: dict[str, Any] = {}
    for name, symbol in translator.predicates.items():
        if isinstance(symbol, z3.BoolRef):
            holds[name] = z3.is_true(model.eval(symbol, model_completion=True))
            continue
        table = _truth_table(model, symbol, universe, known)
        rows = []
        for picks in itertools.product(range(len(universe)), repeat=symbol.arity()):
            if table is not None:
                entries, default = table
                holds_here = entries.get(tuple(labels[i] for i in picks), default)
            else:
                holds_here = z3.is_true(model.eval(symbol(*(universe[i] for i in picks)), model_completion=True))
            if holds_here:
                rows.append([names[labels[i]] for i in picks])
                if len(rows) >= MAX_MODEL_ROWS:
                    rows.append(["..."])
                    break
        holds[name] = rows
    described["predicates"] = holds
    return described


# One Z3 context and one solver per worker, reused across problems: making either costs several times what
# solving a trivial problem does. Each problem runs inside its own push/pop scope of that solver, and each
# of its two checks inside a nested one, so no assertion, lemma or model crosses problems; declarations
# that share a name but not a signature (P/1 here, P/2 there) are distinct in Z3. The pair is replaced
# after CONTEXT_REUSES problems (to bound what the context interns), after a check that gave up (so no
# search state that led to `unknown` is carried on), and after any failure inside it.
CONTEXT_REUSES = 10_000
# The old per-problem path (a fresh context and a fresh solver for each of the two checks), kept for
# benchmarks/hot_path.py: NEUROSYM_Z3_FRESH_CONTEXT=1 in the environment the workers start with.
FRESH_CONTEXT = os.environ.get("NEUROSYM_Z3_FRESH_CONTEXT") == "1"

_session: tuple[z3.Context, z3.Solver] | None = None
_session_uses = 0


def worker_session() -> tuple[z3.Context, z3.Solver | None]:
    """The worker's Z3 context and reusable solver (a fresh context and no solver in the old mode)."""
    global _session, _session_uses
    if FRESH_CONTEXT:
        return z3.Context(), None
    if _session is None or _session_uses >= CONTEXT_REUSES:
        context = z3.Context()
        solver = z3.Solver(ctx=context)
        solver.set("unsat_core", True)
        _session, _session_uses = (context, solver), 0
    _session_uses += 1
    return _session


def _drop_session() -> None:
    global _session
    _session = None


class _Check(NamedTuple):
    """One satisfiability check, read before its scope is popped."""

    verdict: z3.CheckSatResult
    core: list[int]  # premises in the unsat core (1-based), when unsat
    model: z3.ModelRef | None  # when sat
    reason: str  # Z3's reason, when unknown


class Z3Backend(Backend):
    name = "z3"
    languages = ("fol", "kk")

    def solve(self, program: Program, limits: Limits) -> Outcome:
        if program.language == "kk":
            return z3_kk.solve(program, limits)
        started = time.perf_counter()
        parsed = parse_program(program)
        outcome = self._decide(parsed, limits, started)
        outcome.certificate = {**(outcome.certificate or {}), **parsed.reading()}
        return outcome

    def _decide(self, parsed: ParsedProblem, limits: Limits, started: float) -> Outcome:
        """Both checks in this worker's Z3 session, inside a scope that is popped after the problem."""
        parse_seconds = time.perf_counter() - started
        context, solver = worker_session()
        if solver is not None:
            solver.push()
        try:
            outcome = self._solve_fol(parsed, context, solver, limits)
        except BaseException:
            _drop_session()  # a session that saw an error (out of memory, say) is not trusted again
            raise
        finally:
            if solver is not None and _session is not None:
                solver.pop()
        if outcome.status != Status.SOLVED:
            _drop_session()
        outcome.timings["parse"] = parse_seconds
        return outcome

    def _solve_fol(self, parsed: ParsedProblem, context: z3.Context, shared: z3.Solver | None,
                   limits: Limits) -> Outcome:
        translating = time.perf_counter()
        translator = Z3Translator(parsed, context)
        premises = [translator.formula(p) for p in parsed.premises]
        conclusion = translator.formula(parsed.conclusion)
        markers = [z3.Bool(f"premise {i + 1}", context) for i in range(len(premises))]
        deadline = time.monotonic() + limits.seconds

        def tracked(solver: z3.Solver) -> z3.Solver:
            for marker, premise in zip(markers, premises, strict=True):
                solver.assert_and_track(premise, marker)
            return solver

        if shared is not None:
            tracked(shared)
        translate_seconds = time.perf_counter() - translating
        timeout_set: dict[z3.Solver, int] = {}

        def check(goal: z3.BoolRef | None) -> _Check:
            if shared is None:
                solver = z3.Solver(ctx=context)
                solver.set("unsat_core", True)
                tracked(solver)
            else:
                solver = shared
            # The time left, as Z3's own limit; setting a parameter costs as much as a trivial check, so
            # a check that follows a quick one keeps the limit already set (at most 10 ms more).
            remaining_ms = max(1, int((deadline - time.monotonic()) * 1000))
            if timeout_set.get(solver, remaining_ms + 11) - remaining_ms > 10:
                solver.set("timeout", remaining_ms)
                timeout_set[solver] = remaining_ms
            solver.push()
            if goal is not None:
                solver.add(goal)
            verdict = solver.check()
            core: list[int] = []
            if verdict == z3.unsat:
                names = {str(m) for m in solver.unsat_core()}
                core = [i + 1 for i, m in enumerate(markers) if str(m) in names]
            model = solver.model() if verdict == z3.sat else None
            reason = str(solver.reason_unknown()) if verdict == z3.unknown else ""
            solver.pop()
            return _Check(verdict, core, model, reason)

        solving = time.perf_counter()
        refute = check(z3.Not(conclusion, context))  # unsat: the conclusion follows
        prove_neg = check(conclusion)  # unsat: its negation follows
        timings = {"translate": translate_seconds, "z3": time.perf_counter() - solving}

        if refute.verdict == z3.unsat and prove_neg.verdict == z3.unsat:
            return Outcome(Status.SOLVED, "inconsistent",
                           {"explanation": "the premises contradict each other, so everything follows",
                            "premises_used": check(None).core}, timings=timings)
        if refute.verdict == z3.unsat:
            return Outcome(Status.SOLVED, "true", {"premises_used": refute.core}, timings=timings)
        if prove_neg.verdict == z3.unsat:
            return Outcome(Status.SOLVED, "false", {"premises_used": prove_neg.core}, timings=timings)
        if refute.model is not None and prove_neg.model is not None:
            certificate = {
                "countermodel_conclusion_false": describe_model(refute.model, translator),
                "countermodel_conclusion_true": describe_model(prove_neg.model, translator),
            }
            return Outcome(Status.SOLVED, "uncertain", certificate, timings=timings)
        reasons = {c.reason for c in (refute, prove_neg) if c.verdict == z3.unknown}
        timed_out = time.monotonic() >= deadline or any("timeout" in r or "canceled" in r for r in reasons)
        status = Status.TIMEOUT if timed_out else Status.UNKNOWN
        return Outcome(status, None, {"z3_reason": sorted(reasons)}, timings=timings)
