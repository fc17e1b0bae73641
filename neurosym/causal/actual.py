"""Actual causality after Halpern and Pearl, modified definition (Halpern 2015; Halpern 2016, Actual
Causality).

X⃗ = x⃗ is an actual cause of φ in (M, u) when
  AC1  (M, u) ⊨ X⃗ = x⃗ and (M, u) ⊨ φ;
  AC2  there are a set W⃗ of endogenous variables outside X⃗ and a setting x⃗' of X⃗ such that, with W⃗ held
       at its actual values w⃗*, (M, u) ⊨ [X⃗ ← x⃗', W⃗ ← w⃗*] ¬φ;
  AC3  no strict subset of X⃗ satisfies AC1 and AC2.
The witness is (W⃗, w⃗*, x⃗'). Two implementations answer every question: `Enumerator` tries contingencies
in order of size (the reference, exponential), `Z3Search` encodes the same search for Z3 (a Boolean
selector per variable for "in X⃗" and "in W⃗", the counterfactual value of every variable as a constant
tied to its equation), so large models answer quickly.

A reduction used by both: if AC2 holds for X⃗ only with a setting x⃗' that keeps some X_i at its actual
value, then X⃗ minus those X_i satisfies AC2 (move them into W⃗), so X⃗ fails AC3. Causes therefore
need only settings that change every X_i; AC2 alone (reported when AC3 fails) is searched in full.

Also here: but-for causes (W⃗ empty), sufficient causes (Halpern 2016, Def. 2.6.1: SC1 AC1, SC2 some
conjunct is part of an actual cause, SC3 [X⃗ ← x⃗]φ in every context, SC4 minimality) and the degree of
responsibility (Chockler and Halpern 2004, as Halpern 2016 Def. 6.1.1 states it for the modified
definition: 1/k for the least k = |X⃗| + |W⃗| over causes X⃗ = x⃗ containing X = x and their witnesses;
0 when X = x is part of no cause).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import z3

from neurosym.causal.model import Expr, Model, Value, evaluate, show_value
from neurosym.result import ErrorKind, NeurosymError

# ---------------------------------------------------------------------------------------------- verdicts


class GaveUp(TimeoutError):
    """The search ran past its deadline (or Z3 answered unknown): no verdict, which is not a 'no'."""


@dataclass
class Witness:
    """(W⃗, w⃗*, x⃗'): W⃗ held at its actual values w⃗*, X⃗ set to x⃗', and φ fails."""

    w: dict[str, Value]
    x_prime: dict[str, Value]

    def to_dict(self) -> dict[str, Any]:
        return {"W": self.w, "x_prime": self.x_prime}


@dataclass
class Verdict:
    """Is X⃗ = x⃗ an actual cause of φ, which clause decided it, and the evidence for the answer."""

    is_cause: bool
    reason: str
    witness: Witness | None = None  # the AC2 witness (also when AC3 fails)
    smaller: dict[str, Value] | None = None  # a strict subset satisfying AC2 when AC3 fails
    smaller_witness: Witness | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"is_cause": self.is_cause, "reason": self.reason}
        if self.witness:
            out["witness"] = self.witness.to_dict()
        if self.smaller is not None:
            out["smaller_cause"] = self.smaller
            out["smaller_witness"] = self.smaller_witness.to_dict() if self.smaller_witness else None
        return out


@dataclass
class Responsibility:
    degree: Fraction
    cause: dict[str, Value] | None = None
    witness: Witness | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "degree": str(self.degree),
            "cause": self.cause,
            "witness": self.witness.to_dict() if self.witness else None,
        }


@dataclass
class Sufficiency:
    is_sufficient: bool
    reason: str
    counter_context: dict[str, Value] | None = None
    part_of_cause: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"is_sufficient": self.is_sufficient, "reason": self.reason}
        if self.counter_context is not None:
            out["counter_context"] = self.counter_context
        if self.part_of_cause:
            out["part_of_cause"] = self.part_of_cause
        return out


def actual_context(model: Model) -> dict[str, Value]:
    """The context actual causality is judged in: every exogenous variable needs its context value.

    >>> from neurosym.lang.scm import parse_program
    >>> actual_context(parse_program("exogenous U : bool = true  endogenous X := U").model)
    {'U': True}
    """
    context = model.actual_context()
    if context is None:
        missing = [n for n in model.exogenous if model.variables[n].context is None]
        var = model.variables[missing[0]]
        raise NeurosymError(
            ErrorKind.TYPE,
            f"actual causality is judged in one context, but {', '.join(missing)} has no context value",
            var.pos.line,
            var.pos.column,
        )
    return context


def _ac1(actual: Mapping[str, Value], cause: Mapping[str, Value], phi: Expr) -> str | None:
    wrong = [f"{n} is {show_value(actual[n])}" for n, v in cause.items() if actual[n] != v]
    if wrong:
        return f"AC1 fails: {', '.join(wrong)} in the actual world"
    if not evaluate(phi, actual):
        return "AC1 fails: φ is false in the actual world"
    return None


def _subsets(names: list[str], strict: bool = True) -> Iterator[tuple[str, ...]]:
    top = len(names) - 1 if strict else len(names)
    for size in range(1, top + 1):
        yield from itertools.combinations(names, size)


class _Search:
    """What both implementations share: the clause logic over one AC2 oracle."""

    def __init__(
        self,
        model: Model,
        phi: Expr,
        context: Mapping[str, Value] | None = None,
        deadline: float | None = None,
    ):
        self.model = model
        self.phi = phi
        self.context = dict(context) if context is not None else actual_context(model)
        self.actual = model.world(self.context)
        self.deadline = deadline  # time.monotonic() value after which the enumerator gives up

    def ac2(self, cause: Mapping[str, Value], change_all: bool) -> Witness | None:
        raise NotImplementedError

    def smaller_ac2(self, cause: Mapping[str, Value]) -> tuple[dict[str, Value], Witness] | None:
        """A strict non-empty subset of the cause that satisfies AC2 (changing all of it), if any."""
        raise NotImplementedError

    def is_cause(self, cause: Mapping[str, Value]) -> Verdict:
        cause = dict(cause)
        failed = _ac1(self.actual, cause, self.phi)
        if failed:
            return Verdict(False, failed)
        witness = self.ac2(cause, change_all=True)
        partial = False
        if witness is None:
            witness = self.ac2(cause, change_all=False) if len(cause) > 1 else None
            if witness is None:
                return Verdict(False, "AC2 fails: no contingency W and setting x' make φ false")
            partial = True  # AC2 holds only keeping some X_i actual, so a strict subset satisfies it
        smaller = self.smaller_ac2(cause)
        if partial and smaller is None:
            raise AssertionError(f"AC2 holds for {cause} only with a partial change, yet no subset does")
        if smaller is not None:
            return Verdict(False, "AC3 fails: a strict subset satisfies AC2", witness, smaller[0], smaller[1])
        return Verdict(True, "AC1, AC2 and AC3 hold", witness)

    def but_for(self, cause: Mapping[str, Value]) -> Verdict:
        """But-for: had X⃗ been otherwise (nothing held fixed), φ would have been false."""
        failed = _ac1(self.actual, cause, self.phi)
        if failed:
            return Verdict(False, failed)
        names = list(cause)
        for setting in itertools.product(*(self.model.variables[n].domain.values() for n in names)):
            x_prime = dict(zip(names, setting, strict=True))
            if x_prime == dict(cause):
                continue
            if not evaluate(self.phi, self.model.world(self.context, x_prime)):
                return Verdict(True, "φ is false when the cause is changed", Witness({}, x_prime))
        return Verdict(False, "φ holds under every other setting of the cause")

    def responsibility(self, name: str, value: Value) -> Responsibility:
        raise NotImplementedError

    def sufficient(self, cause: Mapping[str, Value], method_for_sc3: str = "z3") -> Sufficiency:
        cause = dict(cause)
        failed = _ac1(self.actual, cause, self.phi)
        if failed:
            return Sufficiency(False, "SC1 " + failed[4:])
        parts = {n: self.responsibility(n, v) for n, v in cause.items()}
        if all(r.degree == 0 for r in parts.values()):
            return Sufficiency(False, "SC2 fails: no conjunct is part of an actual cause")
        counter = self.sc3_counter_context(cause)
        if counter is not None:
            return Sufficiency(False, "SC3 fails: in some context φ is false under the intervention", counter)
        for subset in _subsets(list(cause)):
            sub = {n: cause[n] for n in subset}
            if any(parts[n].degree > 0 for n in sub) and self.sc3_counter_context(sub) is None:
                return Sufficiency(False, f"SC4 fails: {sub} is already sufficient")
        return Sufficiency(
            True, "SC1-SC4 hold", part_of_cause={n: r.to_dict() for n, r in parts.items() if r.degree > 0}
        )

    def sc3_counter_context(self, cause: Mapping[str, Value]) -> dict[str, Value] | None:
        raise NotImplementedError


# ---------------------------------------------------------------------------------------------- enumeration


class Enumerator(_Search):
    """The reference: contingencies W⃗ by increasing size, every setting x⃗'. Exponential; small models only.

    Examples
    --------
    >>> from neurosym.lang.scm import parse_program
    >>> rocks = parse_program("exogenous US : bool = true  exogenous UB : bool = true  "
    ...                       "endogenous ST := US  endogenous BT := UB  endogenous SH := ST  "
    ...                       "endogenous BH := BT and not SH  endogenous BS := SH or BH",
    ...                       "query cause ST = true -> BS")
    >>> Enumerator(rocks.model, rocks.queries[0].target).is_cause({"ST": True}).is_cause
    True
    """

    def _settings(
        self, names: list[str], cause: Mapping[str, Value], change_all: bool
    ) -> list[dict[str, Value]]:
        domains = [
            [v for v in self.model.variables[n].domain.values() if not change_all or v != cause[n]]
            for n in names
        ]
        out = [dict(zip(names, s, strict=True)) for s in itertools.product(*domains)]
        return [s for s in out if s != dict(cause)]

    def ac2(self, cause: Mapping[str, Value], change_all: bool) -> Witness | None:
        names = list(cause)
        settings = self._settings(names, cause, change_all)
        others = [v for v in self.model.order if v not in cause]
        for size in range(len(others) + 1):
            for w_names in itertools.combinations(others, size):
                witness = self._try(w_names, settings)
                if witness:
                    return witness
        return None

    def _try(self, w_names: tuple[str, ...], settings: list[dict[str, Value]]) -> Witness | None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise GaveUp("the enumeration ran past its deadline")
        held = {w: self.actual[w] for w in w_names}
        for x_prime in settings:
            if not evaluate(self.phi, self.model.world(self.context, {**held, **x_prime})):
                return Witness(held, x_prime)
        return None

    def smaller_ac2(self, cause: Mapping[str, Value]) -> tuple[dict[str, Value], Witness] | None:
        for subset in _subsets(list(cause)):
            sub = {n: cause[n] for n in subset}
            witness = self.ac2(sub, change_all=True)
            if witness:
                return sub, witness
        return None

    def responsibility(self, name: str, value: Value) -> Responsibility:
        if _ac1(self.actual, {name: value}, self.phi):
            return Responsibility(Fraction(0))
        others = [v for v in self.model.order if v != name]
        not_minimal: list[set[str]] = []  # sets satisfying AC2: every strict superset fails AC3
        for k in range(1, len(self.model.order) + 1):
            for size in range(1, k + 1):
                for rest in itertools.combinations(others, size - 1):
                    cause = {name: value, **{r: self.actual[r] for r in rest}}
                    if any(core < cause.keys() for core in not_minimal):
                        continue
                    settings = self._settings(list(cause), cause, change_all=True)
                    remaining = [v for v in others if v not in rest]
                    for w_names in itertools.combinations(remaining, k - size):
                        witness = self._try(w_names, settings)
                        if witness is None:
                            continue
                        smaller = self.smaller_ac2(cause)
                        if smaller is None:
                            return Responsibility(Fraction(1, k), cause, witness)
                        not_minimal.append(set(smaller[0]))
                        break
        return Responsibility(Fraction(0))

    def sc3_counter_context(self, cause: Mapping[str, Value]) -> dict[str, Value] | None:
        names = self.model.exogenous
        for combo in itertools.product(*(self.model.variables[n].domain.values() for n in names)):
            context = dict(zip(names, combo, strict=True))
            if not evaluate(self.phi, self.model.world(context, cause)):
                return context
        return None


# ------------------------------------------------------------------------------------------------- Z3


class Z3Search(_Search):
    """The same questions as SAT/optimization problems for Z3; exact, and fast on 100-variable models.

    Examples
    --------
    >>> from neurosym.lang.scm import parse_program
    >>> rocks = parse_program("exogenous US : bool = true  exogenous UB : bool = true  "
    ...                       "endogenous ST := US  endogenous BT := UB  endogenous SH := ST  "
    ...                       "endogenous BH := BT and not SH  endogenous BS := SH or BH",
    ...                       "query cause ST = true -> BS")
    >>> search = Z3Search(rocks.model, rocks.queries[0].target)
    >>> search.is_cause({"ST": True}).is_cause, search.is_cause({"BT": True}).is_cause
    (True, False)
    >>> search.but_for({"ST": True}).is_cause  # Billy's rock would have done it
    False
    >>> search.responsibility("ST", True).degree
    Fraction(1, 2)

    Deviation, documented: a contingency in which an equation leaves its declared domain (or divides by
    zero) is an error for the enumerator, while Z3 simply does not choose it.
    """

    def __init__(
        self,
        model: Model,
        phi: Expr,
        context: Mapping[str, Value] | None = None,
        deadline: float | None = None,
    ):
        super().__init__(model, phi, context, deadline)
        self.ctx = z3.Context()
        self.symbols = {s: i for i, s in enumerate(sorted(model.symbol_names()))}

    # ---- translation

    def value(self, value: Value) -> z3.ExprRef:
        if isinstance(value, bool):
            return z3.BoolVal(value, self.ctx)
        if isinstance(value, int):
            return z3.IntVal(value, self.ctx)
        return z3.IntVal(self.symbols[value], self.ctx)

    def fresh(self, name: str, like: str) -> z3.ExprRef:
        domain = self.model.variables[like].domain
        return z3.Bool(name, self.ctx) if domain.kind == "bool" else z3.Int(name, self.ctx)

    def in_domain(self, term: z3.ExprRef, name: str) -> z3.BoolRef:
        domain = self.model.variables[name].domain
        if domain.kind == "bool":
            return z3.BoolVal(True, self.ctx)
        low, high = (domain.low, domain.high) if domain.kind == "int" else (0, len(self.symbols) - 1)
        if domain.kind == "enum":
            return z3.Or([term == self.symbols[s] for s in domain.symbols])
        return z3.And(term >= low, term <= high)

    def term(self, expr: Expr, env: Mapping[str, z3.ExprRef]) -> z3.ExprRef:
        from neurosym.causal.model import Const, Ref

        if isinstance(expr, Const):
            return self.value(expr.value)
        if isinstance(expr, Ref):
            return env[expr.name]
        args = [self.term(a, env) for a in expr.args]
        op = expr.op
        if op == "and":
            return z3.And(args)
        if op == "or":
            return z3.Or(args)
        if op == "not":
            return z3.Not(args[0])
        if op == "ite":
            return z3.If(args[0], args[1], args[2])
        if op == "neg":
            return -args[0]
        if op == "count":
            return z3.Sum([z3.If(a, z3.IntVal(1, self.ctx), z3.IntVal(0, self.ctx)) for a in args])
        if op in {"min", "max"}:
            best = args[0]
            for a in args[1:]:
                best = z3.If(a < best, a, best) if op == "min" else z3.If(a > best, a, best)
            return best
        if op == "abs":
            return z3.If(args[0] < 0, -args[0], args[0])
        a, b = args
        table = {
            "+": lambda: a + b,
            "-": lambda: a - b,
            "*": lambda: a * b,
            "/": lambda: a / b,
            "%": lambda: a % b,
            "==": lambda: a == b,
            "!=": lambda: a != b,
            "<": lambda: a < b,
            "<=": lambda: a <= b,
            ">": lambda: a > b,
            ">=": lambda: a >= b,
        }
        return table[op]()

    # ---- the encoding

    def _encode(
        self, pool: list[str], change_all: bool, free_context: bool = False, optimize: bool = False
    ) -> tuple[Any, dict, dict, dict, dict]:
        """A solver holding: counterfactual world under [X⃗ ← x⃗', W⃗ ← w⃗*] with X⃗ ⊆ pool chosen by selectors.

        Returns the solver, the X and W selectors, x⃗' constants and the environment of world terms.
        """
        solver = z3.Optimize(ctx=self.ctx) if optimize else z3.Solver(ctx=self.ctx)
        if self.deadline is not None:
            solver.set("timeout", max(1, int((self.deadline - time.monotonic()) * 1000)))
        sx = {v: z3.Bool(f"inX!{v}", self.ctx) for v in pool}
        sw = {v: z3.Bool(f"inW!{v}", self.ctx) for v in self.model.order}
        xp = {v: self.fresh(f"xp!{v}", v) for v in pool}
        env: dict[str, z3.ExprRef] = {}
        for name in self.model.exogenous:
            if free_context:
                env[name] = self.fresh(f"u!{name}", name)
                solver.add(self.in_domain(env[name], name))
            else:
                env[name] = self.value(self.context[name])
        for v in pool:
            solver.add(self.in_domain(xp[v], v))
            if change_all:
                solver.add(z3.Implies(sx[v], xp[v] != self.value(self.actual[v])))
        for name in self.model.order:
            equation = self.term(self.model.variables[name].equation, env)  # type: ignore[arg-type]
            held = z3.If(sw[name], self.value(self.actual[name]), equation)
            if name in sx:
                solver.add(z3.Not(z3.And(sx[name], sw[name])))
                held = z3.If(sx[name], xp[name], held)
            cf = self.fresh(f"cf!{name}", name)
            solver.add(cf == held)
            solver.add(self.in_domain(cf, name))
            env[name] = cf
        return solver, sx, sw, xp, env

    def _check(self, solver: Any) -> bool:
        verdict = solver.check()
        if verdict == z3.unknown:
            raise GaveUp(f"Z3 gave up: {solver.reason_unknown()}")
        return verdict == z3.sat

    def _read(self, model: z3.ModelRef, sx: dict, sw: dict, xp: dict) -> tuple[dict[str, Value], Witness]:
        chosen = [v for v in sx if z3.is_true(model.eval(sx[v], model_completion=True))]
        held = {v: self.actual[v] for v in sw if z3.is_true(model.eval(sw[v], model_completion=True))}
        return {v: self.actual[v] for v in chosen}, Witness(
            held, {v: self._py(model.eval(xp[v], True), v) for v in chosen}
        )

    def _py(self, term: z3.ExprRef, name: str) -> Value:
        domain = self.model.variables[name].domain
        if domain.kind == "bool":
            return z3.is_true(term)
        number = term.as_long()
        if domain.kind == "enum":
            return next(s for s, i in self.symbols.items() if i == number)
        return number

    @staticmethod
    def _count(selectors: dict) -> z3.ArithRef:
        ctx = next(iter(selectors.values())).ctx if selectors else None
        return z3.Sum([z3.If(s, z3.IntVal(1, ctx), z3.IntVal(0, ctx)) for s in selectors.values()])

    def ac2(self, cause: Mapping[str, Value], change_all: bool) -> Witness | None:
        solver, sx, sw, xp, env = self._encode(list(cause), change_all, optimize=True)
        for s in sx.values():
            solver.add(s)
        if not change_all:
            solver.add(z3.Or([xp[v] != self.value(cause[v]) for v in cause]))
        solver.add(z3.Not(self.term(self.phi, env)))
        if sw:
            solver.minimize(self._count(sw))
        if not self._check(solver):
            return None
        _, witness = self._read(solver.model(), sx, sw, xp)
        if not change_all:
            witness.x_prime = {v: self._py(solver.model().eval(xp[v], True), v) for v in cause}
        return witness

    def smaller_ac2(self, cause: Mapping[str, Value]) -> tuple[dict[str, Value], Witness] | None:
        if len(cause) < 2:
            return None
        solver, sx, sw, xp, env = self._encode(list(cause), change_all=True)
        solver.add(z3.Or(list(sx.values())))
        solver.add(z3.Not(z3.And(list(sx.values()))))
        solver.add(z3.Not(self.term(self.phi, env)))
        if not self._check(solver):
            return None
        return self._read(solver.model(), sx, sw, xp)

    def responsibility(self, name: str, value: Value) -> Responsibility:
        if _ac1(self.actual, {name: value}, self.phi):
            return Responsibility(Fraction(0))
        solver, sx, sw, xp, env = self._encode(list(self.model.order), change_all=True, optimize=True)
        solver.add(sx[name])
        solver.add(z3.Not(self.term(self.phi, env)))
        solver.minimize(self._count(sx) + self._count(sw))
        while self._check(solver):
            cause, witness = self._read(solver.model(), sx, sw, xp)
            smaller = self.smaller_ac2(cause)
            if smaller is None:
                return Responsibility(Fraction(1, len(cause) + len(witness.w)), cause, witness)
            core = smaller[0]  # it satisfies AC2, so every strict superset of it fails AC3
            outside = [sx[v] for v in sx if v not in core]
            solver.add(z3.Not(z3.And(z3.And([sx[v] for v in core]), z3.Or(outside))))
        return Responsibility(Fraction(0))

    def sc3_counter_context(self, cause: Mapping[str, Value]) -> dict[str, Value] | None:
        solver = z3.Solver(ctx=self.ctx)
        env: dict[str, z3.ExprRef] = {}
        for exo in self.model.exogenous:
            env[exo] = self.fresh(f"u!{exo}", exo)
            solver.add(self.in_domain(env[exo], exo))
        for v in self.model.order:
            term = self.value(cause[v]) if v in cause else self.term(self.model.variables[v].equation, env)  # type: ignore[arg-type]
            env[v] = self.fresh(f"v!{v}", v)
            solver.add(env[v] == term, self.in_domain(env[v], v))
        solver.add(z3.Not(self.term(self.phi, env)))
        if not self._check(solver):
            return None
        model = solver.model()
        return {exo: self._py(model.eval(env[exo], True), exo) for exo in self.model.exogenous}


SEARCHES = {"z3": Z3Search, "enumerate": Enumerator}


def searcher(
    method: str,
    model: Model,
    phi: Expr,
    context: Mapping[str, Value] | None = None,
    deadline: float | None = None,
) -> _Search:
    if method not in SEARCHES:
        raise NeurosymError(
            ErrorKind.INPUT, f"unknown actual-causality method {method!r} (known: z3, enumerate)"
        )
    return SEARCHES[method](model, phi, context, deadline)
