"""Decide a Lean statement without Lean: hypotheses ⊢ goal translated exactly to Z3, then SymPy.

Z3 gets hypotheses ∧ ¬goal. `unsat` proves the statement; a model is a candidate countermodel, reported as
`refuted` only after `lean_eval` evaluates the statement on it exactly and finds every hypothesis true and
the goal false. The translation is exact or absent: ℕ is an integer ≥ 0 with truncated subtraction, ÷ and %
follow Lean (Euclidean, x / 0 = 0, x % 0 = x), casts are the exact embeddings, √x is a fresh s ≥ 0 with
s² = x (0 for x < 0), ⌊x⌋ is Z3's to_int, bounded sums and products are unrolled. What Z3 could only
approximate (sin, log, exp, π, real powers, unbounded sums) raises `Inexact` and that translation is not
used for any verdict. SymPy then tries what it can settle exactly: closed statements (no variables and no
hypotheses), with radicals and logarithms, and polynomial identities.

A function defined by a hypothesis `∀ x, f x = e` is substituted by `e` before translating, so the
countermodel gives f as that expression and that hypothesis holds by construction.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

import z3

from neurosym.backends.base import Backend
from neurosym.lang.base import Program
from neurosym.lang.lean import COMPARISONS, Node, Statement, opaque_parts, parse_program, resolve, show
from neurosym.lang.lean_eval import FunctionValue, NotExact, check_countermodel, lean_mod, trunc_div
from neurosym.problem import Limits
from neurosym.result import Outcome, Status

MAX_UNROLL = 5000  # terms of a sum or product unrolled into Z3
MAX_POWER_BITS = 4096  # constant powers folded only up to this size
MAX_EXPONENT = 64  # x ^ n with symbolic x expanded only up to this n
SYMPY_SECONDS = 10.0


class Inexact(Exception):
    """Z3 would only approximate this construct: no verdict may rest on the translation."""


class Untranslatable(Exception):
    """Exact in principle but not translated here (symbolic gcd, ...)."""


# ------------------------------------------------------------------------------------- definitions


def _definition(hypothesis: Node, functions: set[str]) -> tuple[str, tuple[str, ...], Node] | None:
    """`∀ x y, f x y = e` with f a function variable not in e: (f, (x, y), e); else None."""
    params: list[str] = []
    node = hypothesis
    while node.kind == "forall":
        params.append(node.value[0])
        node = node.args[0]
    if node.kind != "rel" or node.value != "=":
        return None
    lhs, rhs = node.args
    if lhs.kind != "apply" or lhs.args[0].value not in functions:
        return None
    names = [a.value if a.kind == "var" else None for a in lhs.args[1:]]
    if names != params or len(set(params)) != len(params):
        return None
    name = lhs.args[0].value
    if any(n.kind == "var" and n.value == name for n in _walk(rhs)):
        return None
    return name, tuple(params), rhs


def _walk(node: Node) -> list[Node]:
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(a for a in n.args if isinstance(a, Node))
    return out


def _substitute(node: Node, mapping: dict[str, Node]) -> Node:
    """Replace variables by nodes (capture is impossible: Lean binder names shadow, and we rename none)."""
    if node.kind == "var" and node.value in mapping:
        return mapping[node.value]
    if not node.args:
        return node
    bound = set()
    if node.kind in ("forall", "exists", "exists1", "lambda"):
        bound = {node.value[0]}
    elif node.kind == "bigop":
        bound = {node.value[1]}
    inner = {k: v for k, v in mapping.items() if k not in bound}
    return Node(node.kind, tuple(_substitute(a, inner) if isinstance(a, Node) else a for a in node.args),
                node.value, node.line, node.column, node.ty)


def _expand_definitions(node: Node, definitions: dict[str, tuple[tuple[str, ...], Node]]) -> Node:
    if node.kind == "apply" and node.args[0].value in definitions:
        params, body = definitions[node.args[0].value]
        args = [_expand_definitions(a, definitions) for a in node.args[1:]]
        return _substitute(body, dict(zip(params, args, strict=True)))
    if not node.args:
        return node
    return Node(node.kind, tuple(_expand_definitions(a, definitions) if isinstance(a, Node) else a
                                 for a in node.args), node.value, node.line, node.column, node.ty)


# ------------------------------------------------------------------------------------------- Z3


class Translator:
    """Typed Lean nodes -> Z3 terms in one fresh context. Complex numbers are (re, im) pairs of reals."""

    def __init__(self, ctx: z3.Context):
        self.ctx = ctx
        self.aux: list[z3.BoolRef] = []  # side conditions of the fresh symbols of the current scope
        self.aux_vars: list[z3.ExprRef] = []
        self.fresh = 0

    def sort(self, ty: Any) -> z3.SortRef:
        ty = resolve(ty)
        if ty in ("N", "Z"):
            return z3.IntSort(self.ctx)
        if ty in ("Q", "R"):
            return z3.RealSort(self.ctx)
        raise Untranslatable(f"values of type {ty}")

    def symbol(self, name: str, ty: Any) -> Any:
        ty = resolve(ty)
        if ty == "C":
            return (z3.Real(f"{name}.re", self.ctx), z3.Real(f"{name}.im", self.ctx))
        if isinstance(ty, tuple) and ty[0] == "fun":
            if resolve(ty[2]) == "C" or any(resolve(p) == "C" for p in ty[1]):
                raise Untranslatable("functions over ℂ")
            return z3.Function(name, *[self.sort(p) for p in ty[1]], self.sort(ty[2]))
        return z3.Const(name, self.sort(ty))

    def domain(self, symbol: Any, ty: Any) -> list[z3.BoolRef]:
        """What the type says of a symbol: ℕ is ≥ 0 (for functions into ℕ, on every argument)."""
        ty = resolve(ty)
        if ty == "N":
            return [symbol >= 0]
        if isinstance(ty, tuple) and ty[0] == "fun" and resolve(ty[2]) == "N":
            args = [z3.Const(f"_a{i}", self.sort(p)) for i, p in enumerate(ty[1])]
            return [z3.ForAll(args, symbol(*args) >= 0)]
        return []

    def new_aux(self, sort: z3.SortRef) -> z3.ExprRef:
        self.fresh += 1
        var = z3.Const(f"_aux{self.fresh}", sort)
        self.aux_vars.append(var)
        return var

    # ----------------------------------------------------------------------------------- formulas
    def prop(self, node: Node, env: dict[str, Any]) -> z3.BoolRef:
        k = node.kind
        if k == "and":
            return z3.And(self.prop(node.args[0], env), self.prop(node.args[1], env))
        if k == "or":
            return z3.Or(self.prop(node.args[0], env), self.prop(node.args[1], env))
        if k == "imp":
            return z3.Implies(self.prop(node.args[0], env), self.prop(node.args[1], env))
        if k == "iff":
            return self.prop(node.args[0], env) == self.prop(node.args[1], env)
        if k == "not":
            return z3.Not(self.prop(node.args[0], env))
        if k in ("forall", "exists", "exists1"):
            return self.quantifier(node, env)
        if k == "rel":
            return self.relation(node, env)
        if k == "modeq":
            a, b, n = (self.term(x, env) for x in node.args)
            return self.mod(a, n) == self.mod(b, n)
        if k == "call":
            return self.predicate(node, env)
        raise Untranslatable(f"the proposition {show(node)}")

    def quantifier(self, node: Node, env: dict[str, Any]) -> z3.BoolRef:
        name, ty = node.value
        if resolve(ty) == "Q":
            raise Untranslatable("a quantifier over ℚ (ℝ would change its meaning)")
        if resolve(ty) == "C":
            raise Untranslatable("a quantifier over ℂ")
        if isinstance(resolve(ty), tuple):
            raise Untranslatable("a quantifier over functions (higher order)")
        self.fresh += 1
        var = self.symbol(f"{name}!{self.fresh}", ty)
        saved_aux, saved_vars = self.aux, self.aux_vars
        self.aux, self.aux_vars = [], []
        try:
            body = self.prop(node.args[0], {**env, name: var})
            local, local_vars = self.aux, self.aux_vars
        finally:
            self.aux, self.aux_vars = saved_aux, saved_vars
        guard = self.domain(var, ty)
        if node.kind == "forall":
            inner = z3.Implies(z3.And(*local), body) if local else body
            inner = z3.ForAll(local_vars, inner) if local_vars else inner
            return z3.ForAll([var], z3.Implies(guard[0], inner) if guard else inner)
        inner = z3.And(*local, body) if local else body
        inner = z3.Exists(local_vars, inner) if local_vars else inner
        if node.kind == "exists":
            return z3.Exists([var], z3.And(*guard, inner))
        # ∃! x, P x: some x with P x, and every y with P y is x
        other = self.symbol(f"{name}!{self.fresh}b", ty)
        again = self.prop(node.args[0], {**env, name: other})
        if self.aux_vars:
            raise Untranslatable("∃! over a body with radicals")
        unique = z3.ForAll([other], z3.Implies(z3.And(*self.domain(other, ty), again), other == var))
        return z3.Exists([var], z3.And(*guard, inner, unique))

    def relation(self, node: Node, env: dict[str, Any]) -> z3.BoolRef:
        op = node.value
        if op in ("∈", "∉"):
            element = self.term(node.args[0], env)
            items = self.finset(node.args[1], env)
            inside = z3.Or(*[z3.And(cond, element == value) for value, cond in items]) if items else \
                z3.BoolVal(False, self.ctx)
            return inside if op == "∈" else z3.Not(inside)
        a, b = self.term(node.args[0], env), self.term(node.args[1], env)
        if isinstance(a, tuple) or isinstance(b, tuple):
            a, b = self.as_complex(a), self.as_complex(b)
            if op == "=":
                return z3.And(a[0] == b[0], a[1] == b[1])
            if op == "≠":
                return z3.Or(a[0] != b[0], a[1] != b[1])
            raise Untranslatable(f"the relation {op} on ℂ")
        if op in COMPARISONS:
            return COMPARISONS[op](a, b)
        if op == "∣":
            if resolve(node.args[0].ty) not in ("N", "Z"):
                raise Untranslatable("∣ outside ℕ and ℤ")
            return z3.If(a == 0, b == 0, self.mod(b, a) == 0)
        raise Untranslatable(f"the relation {op}")

    def predicate(self, node: Node, env: dict[str, Any]) -> z3.BoolRef:
        name = node.value
        x = self.term(node.args[0], env)
        if name == "Nat.Prime":
            value = _int_value(x)
            if value is not None:
                return z3.BoolVal(_is_prime(value), self.ctx)
            d = z3.Int(f"_d{self.fresh}", self.ctx)
            self.fresh += 1
            return z3.And(x >= 2, z3.ForAll([d], z3.Implies(z3.And(d >= 2, d < x), x % d != 0)))
        if name in ("Even", "Odd"):
            if resolve(node.args[0].ty) not in ("N", "Z"):
                raise Untranslatable(f"{name} outside ℕ and ℤ")
            return self.mod(x, z3.IntVal(2, self.ctx)) == (0 if name == "Even" else 1)
        raise Untranslatable(f"the predicate {name}")

    # ----------------------------------------------------------------------------------------- terms
    def term(self, node: Node, env: dict[str, Any]) -> Any:
        k, ty = node.kind, resolve(node.ty)
        if k == "num":
            value = Fraction(node.value)
            if ty == "C":
                return (z3.RealVal(value, self.ctx), z3.RealVal(0, self.ctx))
            if ty in ("N", "Z"):
                if value.denominator != 1:
                    raise Untranslatable(f"the non-integer numeral {value} in {ty}")
                return z3.IntVal(int(value), self.ctx)
            if ty in ("Q", "R"):
                return z3.RealVal(value, self.ctx)
            raise Untranslatable(f"numerals of type {ty}")
        if k == "var":
            if node.value not in env:
                raise Untranslatable(f"the variable {node.value}")
            return env[node.value]
        if k == "const":
            if node.value == "Complex.I":
                return (z3.RealVal(0, self.ctx), z3.RealVal(1, self.ctx))
            raise Inexact(f"{node.value} is transcendental")
        if k == "cast":
            return self.cast(self.term(node.args[0], env), resolve(node.args[0].ty), ty)
        if k == "neg":
            value = self.term(node.args[0], env)
            if isinstance(value, tuple):
                return (-value[0], -value[1])
            return z3.IntVal(0, self.ctx) if ty == "N" else -value
        if k == "bin":
            return self.binary(node, env)
        if k == "apply":
            function = self.term(node.args[0], env)
            args = [self.term(a, env) for a in node.args[1:]]
            return function(*args)
        if k == "call":
            return self.call(node, env)
        if k == "bigop":
            return self.bigop(node, env)
        raise Untranslatable(f"the term {show(node)}")

    def cast(self, value: Any, source: Any, target: Any) -> Any:
        if target == "C":
            real = value if source in ("Q", "R") else z3.ToReal(value)
            return (real, z3.RealVal(0, self.ctx))
        if target in ("Q", "R") and source in ("N", "Z"):
            return z3.ToReal(value)
        if target in ("N", "Z", "Q", "R") and source in ("N", "Z", "Q", "R"):
            return value
        raise Untranslatable(f"the cast from {source} to {target}")

    @staticmethod
    def as_complex(value: Any) -> tuple[Any, Any]:
        if isinstance(value, tuple):
            return value
        return (value, z3.RealVal(0, value.ctx))

    def mod(self, a: Any, b: Any) -> Any:
        return z3.If(b == 0, a, a % b)

    def binary(self, node: Node, env: dict[str, Any]) -> Any:
        op, ty = node.value, resolve(node.ty)
        if op == "^":
            return self.power(node, env)
        a, b = self.term(node.args[0], env), self.term(node.args[1], env)
        if ty == "C":
            return self.complex_binary(op, self.as_complex(a), self.as_complex(b))
        if op == "+":
            return a + b
        if op == "*":
            return a * b
        if op == "-":
            return z3.If(a >= b, a - b, 0) if ty == "N" else a - b
        if op == "/":
            if ty in ("N", "Z"):
                return z3.If(b == 0, 0, a / b)  # Z3's integer division is Euclidean, as Lean's
            return z3.If(b == 0, z3.RealVal(0, self.ctx), a / b)
        if op == "%":
            if ty not in ("N", "Z"):
                raise Untranslatable("% outside ℕ and ℤ")
            return self.mod(a, b)
        raise Untranslatable(f"the operator {op}")

    def complex_binary(self, op: str, a: tuple[Any, Any], b: tuple[Any, Any]) -> tuple[Any, Any]:
        (p, q), (r, s) = a, b
        if op == "+":
            return (p + r, q + s)
        if op == "-":
            return (p - r, q - s)
        if op == "*":
            return (p * r - q * s, p * s + q * r)
        if op == "/":
            norm = r * r + s * s
            zero = z3.RealVal(0, self.ctx)
            return (z3.If(norm == 0, zero, (p * r + q * s) / norm), z3.If(norm == 0, zero, (q * r - p * s) / norm))
        raise Untranslatable(f"the operator {op} on ℂ")

    def power(self, node: Node, env: dict[str, Any]) -> Any:
        base_node, exponent_node = node.args
        ety = resolve(exponent_node.ty)
        exponent = self.term(exponent_node, env)
        n = _int_value(exponent) if not isinstance(exponent, tuple) else None
        if ety in ("Q", "R"):
            rational = _rational_value(exponent)
            if rational is None or rational.denominator != 1:
                raise Inexact("a real power x ^ y with a non-integer exponent")
            n = int(rational)
        if n is None:
            raise Untranslatable("a power with a symbolic exponent")
        base = self.term(base_node, env)
        ty = resolve(node.ty)
        if isinstance(base, tuple):
            if not 0 <= n <= MAX_EXPONENT:
                raise Untranslatable(f"a complex power with exponent {n}")
            result = (z3.RealVal(1, self.ctx), z3.RealVal(0, self.ctx))
            for _ in range(n):
                result = self.complex_binary("*", result, base)
            return result
        constant = _rational_value(base)
        if constant is not None:
            bits = abs(n) * max(abs(constant.numerator).bit_length(), constant.denominator.bit_length())
            if bits > MAX_POWER_BITS:
                raise Untranslatable(f"a power of about {bits} bits")
            value = Fraction(0) if n < 0 and constant == 0 else constant ** n
            return z3.IntVal(int(value), self.ctx) if ty in ("N", "Z") else z3.RealVal(value, self.ctx)
        if abs(n) > MAX_EXPONENT:
            raise Untranslatable(f"x ^ {n} with a symbolic base")
        result = z3.IntVal(1, self.ctx) if ty in ("N", "Z") else z3.RealVal(1, self.ctx)
        for _ in range(abs(n)):
            result = result * base
        if n < 0:
            return z3.If(base == 0, z3.RealVal(0, self.ctx), 1 / result)
        return result

    def call(self, node: Node, env: dict[str, Any]) -> Any:
        name, _ty = node.value, resolve(node.ty)
        if name in ("Finset.card",):
            return z3.Sum([z3.If(cond, 1, 0) for _, cond in self.finset(node.args[0], env)] or
                          [z3.IntVal(0, self.ctx)])
        args = [self.term(a, env) for a in node.args]
        x = args[0] if args else None
        aty = resolve(node.args[0].ty) if node.args else None
        if name == "abs":
            if isinstance(x, tuple):
                raise Inexact("the modulus of a complex number")
            return z3.If(x >= 0, x, -x)
        if name == "Real.sqrt":
            value = _rational_value(x)
            if value is not None and value >= 0:
                root = _exact_sqrt(value)
                if root is not None:
                    return z3.RealVal(root, self.ctx)
            s = self.new_aux(z3.RealSort(self.ctx))
            self.aux.append(z3.If(x < 0, s == 0, z3.And(s >= 0, s * s == x)))
            return s
        if name in ("Int.floor", "Nat.floor", "Int.ceil", "Nat.ceil"):
            if aty in ("N", "Z"):
                floor = x
            elif name.endswith("floor"):
                floor = z3.ToInt(x)
            else:
                floor = -z3.ToInt(-x)
            return z3.If(floor < 0, 0, floor) if name.startswith("Nat") else floor
        if name == "Int.natAbs":
            return z3.If(x >= 0, x, -x)
        if name == "Int.toNat":
            return z3.If(x >= 0, x, 0)
        if name == "Nat.sqrt":
            value = _int_value(x)
            if value is not None:
                return z3.IntVal(math.isqrt(value), self.ctx)
            r = self.new_aux(z3.IntSort(self.ctx))
            self.aux.append(z3.And(r >= 0, r * r <= x, x < (r + 1) * (r + 1)))
            return r
        if name in ("Real.log", "Real.exp", "Real.logb", "Real.sin", "Real.cos", "Real.tan", "Real.arctan"):
            raise Inexact(f"{name} is transcendental")
        constants = [_int_value(a) for a in args]
        if name in ("Nat.factorial", "Nat.gcd", "Nat.lcm", "Int.gcd", "Nat.choose") and None not in constants:
            if name == "Nat.factorial":
                if constants[0] > 2000:
                    raise Untranslatable(f"{constants[0]}! is too large")
                return z3.IntVal(math.factorial(constants[0]), self.ctx)
            function = {"Nat.gcd": math.gcd, "Int.gcd": math.gcd, "Nat.lcm": math.lcm, "Nat.choose": math.comb}[name]
            return z3.IntVal(function(*constants), self.ctx)
        if name in ("Rat.num", "Rat.den"):
            value = _rational_value(x)
            if value is None:
                raise Untranslatable(f"{name} of a symbolic rational")
            return z3.IntVal(value.numerator if name == "Rat.num" else value.denominator, self.ctx)
        raise Untranslatable(f"{name} of a symbolic argument" if args else name)

    def finset(self, node: Node, env: dict[str, Any]) -> list[tuple[Any, z3.BoolRef]]:
        """A Finset with constant bounds as (element, condition) pairs; at most MAX_UNROLL of them."""
        true = z3.BoolVal(True, self.ctx)
        if node.kind == "call" and node.value == "Finset.filter":
            lam, domain = node.args
            var = lam.value[0]
            out = []
            for value, cond in self.finset(domain, env):
                keep = z3.simplify(self.prop(lam.args[0], {**env, var: value}))
                if z3.is_false(keep):
                    continue
                out.append((value, cond if z3.is_true(keep) else z3.And(cond, keep)))
            return out
        if node.kind == "call" and node.value in ("Finset.range", "Finset.Icc", "Finset.Ico", "Finset.Ioc",
                                                  "Finset.Ioo", "Nat.divisors", "Nat.properDivisors"):
            bounds = [z3.simplify(self.term(a, env)) for a in node.args]
            values = [_rational_value(b) for b in bounds]
            if None in values:
                raise Inexact(f"{node.value} with a symbolic bound (an unbounded sum)")
            if node.value in ("Nat.divisors", "Nat.properDivisors"):
                n = int(values[0])
                if n > 10**7:
                    raise Untranslatable("the divisors of a large number")
                found = [d for d in range(1, n + 1) if n % d == 0] if n else []
                found = found[:-1] if node.value == "Nat.properDivisors" else found
                return [(z3.IntVal(d, self.ctx), true) for d in found]
            if node.value == "Finset.range":
                low, high = 0, int(values[0]) - 1
            else:
                low, high = math.ceil(values[0]), math.floor(values[1])
                if node.value in ("Finset.Ioc", "Finset.Ioo"):
                    low = math.floor(values[0]) + 1
                if node.value in ("Finset.Ico", "Finset.Ioo"):
                    high = math.ceil(values[1]) - 1
            if high - low + 1 > MAX_UNROLL:
                raise Untranslatable(f"a range of {high - low + 1} elements (the unroll limit is {MAX_UNROLL})")
            make = z3.IntVal if resolve(node.ty)[1] in ("N", "Z") else z3.RealVal
            return [(make(i, self.ctx), true) for i in range(low, high + 1)]
        raise Untranslatable(f"the finite set {show(node)}")

    def bigop(self, node: Node, env: dict[str, Any]) -> Any:
        op, var, _ = node.value
        domain, body = node.args
        terms = []
        for value, cond in self.finset(domain, env):
            term = self.term(body, {**env, var: value})
            if isinstance(term, tuple):
                raise Untranslatable("a complex sum")
            unit = 0 if op == "sum" else 1
            terms.append(term if z3.is_true(cond) else z3.If(cond, term, unit))
        ty = resolve(node.ty)
        zero = z3.IntVal(0, self.ctx) if ty in ("N", "Z") else z3.RealVal(0, self.ctx)
        if not terms:
            return zero if op == "sum" else zero + 1
        if op == "sum":
            return z3.Sum(terms)
        return z3.Product(terms)


def _int_value(term: Any) -> int | None:
    value = _rational_value(term)
    return int(value) if value is not None and value.denominator == 1 else None


def _rational_value(term: Any) -> Fraction | None:
    if isinstance(term, tuple):
        return None
    simple = z3.simplify(term)
    if z3.is_int_value(simple):
        return Fraction(simple.as_long())
    if z3.is_rational_value(simple):
        return Fraction(simple.numerator_as_long(), simple.denominator_as_long())
    return None


def _exact_sqrt(value: Fraction) -> Fraction | None:
    n, d = math.isqrt(value.numerator), math.isqrt(value.denominator)
    return Fraction(n, d) if n * n == value.numerator and d * d == value.denominator else None


def _is_prime(n: int) -> bool:
    import sympy

    return bool(sympy.isprime(n))


# ------------------------------------------------------------------------------------------ SymPy


@contextmanager
def _deadline(seconds: float):
    """Interrupt pure-Python work (SymPy) after `seconds` when running in a main thread; else no-op."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError("SymPy ran past its time limit")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.01))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class SympyTranslator:
    """Closed or polynomial Lean terms -> SymPy, exactly; None-raising (Untranslatable) when it cannot."""

    def __init__(self) -> None:
        import sympy

        self.sp = sympy
        self.symbols: dict[str, Any] = {}

    def term(self, node: Node, env: dict[str, Any]) -> Any:
        sp, k, ty = self.sp, node.kind, resolve(node.ty)
        if k == "num":
            return sp.Rational(node.value.numerator, node.value.denominator)
        if k == "var":
            if node.value in env:
                return env[node.value]
            if not isinstance(ty, str) or ty not in ("R", "C"):
                raise Untranslatable("a variable outside ℝ and ℂ")
            return self.symbols.setdefault(node.value, sp.Symbol(node.value, real=ty == "R"))
        if k == "const":
            return {"Real.pi": sp.pi, "Complex.I": sp.I}[node.value]
        if k == "cast":
            return self.term(node.args[0], env)
        if k == "neg":
            if ty == "N":
                raise Untranslatable("ℕ negation")
            return -self.term(node.args[0], env)
        if k == "bin":
            a, b = self.term(node.args[0], env), self.term(node.args[1], env)
            op = node.value
            if ty in ("N", "Z") and op in ("-", "/", "%"):
                if not (a.is_Integer and b.is_Integer):
                    raise Untranslatable("integer - / % of symbolic terms")
                ia, ib = Fraction(int(a)), Fraction(int(b))
                if op == "-":
                    return sp.Integer(int(max(ia - ib, Fraction(0)) if ty == "N" else ia - ib))
                return sp.Integer(int(trunc_div(ia, ib, ty) if op == "/" else lean_mod(ia, ib)))
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            if op == "/":
                if b.is_zero:
                    return sp.Integer(0)
                if b.is_zero is None:
                    raise Untranslatable("a division by a term that may be zero")
                return a / b
            if op == "^":
                if not b.is_Rational:
                    raise Untranslatable("a symbolic exponent")
                if not b.is_Integer and not a.is_positive:
                    raise Untranslatable("a fractional power of a base not known positive")
                if b.is_Integer and abs(int(b)) > 10_000:
                    raise Untranslatable("a huge exponent")
                if b.is_negative and a.is_zero:
                    return sp.Integer(0)
                if b.is_negative and a.is_zero is None:
                    raise Untranslatable("a negative power of a term that may be zero")
                return a**b
            raise Untranslatable(f"the operator {op}")
        if k == "call":
            return self.call(node, env)
        if k == "bigop":
            return self.bigop(node, env)
        raise Untranslatable(f"the term {show(node)}")

    def call(self, node: Node, env: dict[str, Any]) -> Any:
        sp, name = self.sp, node.value
        args = [self.term(a, env) for a in node.args]
        x = args[0] if args else None
        closed = all(not a.free_symbols for a in args)
        if name == "Real.sqrt":
            if x.is_negative:
                return sp.Integer(0)
            if not x.is_nonnegative:
                raise Untranslatable("√ of a term not known non-negative")
            return sp.sqrt(x)
        if name == "abs" and x.is_real:
            return sp.Abs(x)
        if name in ("Real.log", "Real.logb") and closed:
            if name == "Real.log":
                if not x.is_positive:
                    raise Untranslatable("log of a term not known positive")
                return sp.log(x)
            base, value = args
            if not (base.is_positive and value.is_positive and (base - 1).is_nonzero):
                raise Untranslatable("logb outside positive arguments")
            return sp.log(value) / sp.log(base)
        if name == "Real.exp":
            return sp.exp(x)
        if name in ("Int.floor", "Int.ceil", "Nat.floor") and closed and x.is_real:
            value = sp.floor(x) if name != "Int.ceil" else sp.ceiling(x)
            if not value.is_Integer:
                raise Untranslatable("a floor SymPy cannot settle")
            return sp.Max(value, 0) if name == "Nat.floor" else value
        if name == "Nat.factorial" and closed and x.is_Integer and x <= 2000:
            return sp.factorial(x)
        if name in ("Nat.gcd", "Nat.lcm") and closed:
            return sp.gcd(*args) if name == "Nat.gcd" else sp.lcm(*args)
        raise Untranslatable(f"{name} in SymPy")

    def bigop(self, node: Node, env: dict[str, Any]) -> Any:
        sp = self.sp
        op, var, _ = node.value
        domain, body = node.args
        if domain.kind != "call" or domain.value not in ("Finset.range", "Finset.Icc"):
            raise Untranslatable("a sum over this domain in SymPy")
        bounds = [self.term(a, env) for a in domain.args]
        if not all(b.is_Integer for b in bounds):
            raise Untranslatable("a symbolic sum")
        low, high = (0, int(bounds[0]) - 1) if domain.value == "Finset.range" else (int(bounds[0]), int(bounds[1]))
        if high - low + 1 > MAX_UNROLL:
            raise Untranslatable("too many terms")
        terms = [self.term(body, {**env, var: sp.Integer(i)}) for i in range(low, high + 1)]
        return sp.Add(*terms) if op == "sum" else sp.Mul(*terms)

    def prop(self, node: Node) -> bool | None:
        """True / False when SymPy settles the proposition exactly, None when it cannot."""
        k = node.kind
        if k == "and":
            a, b = self.prop(node.args[0]), self.prop(node.args[1])
            return False if False in (a, b) else (True if a and b else None)
        if k == "or":
            a, b = self.prop(node.args[0]), self.prop(node.args[1])
            return True if True in (a, b) else (False if a is False and b is False else None)
        if k == "not":
            a = self.prop(node.args[0])
            return None if a is None else not a
        if k != "rel" or node.value not in COMPARISONS:
            raise Untranslatable(f"the proposition {show(node)} in SymPy")
        difference = self.sp.simplify(self.term(node.args[0], {}) - self.term(node.args[1], {}))
        difference = self.sp.nsimplify(difference) if difference.free_symbols else difference
        op = node.value
        if difference == 0:
            zero = True
        elif difference.free_symbols:
            if op == "=" and self.sp.expand(difference) == 0:
                return True
            raise Untranslatable("a non-identity with free variables")
        else:
            zero = difference.is_zero
        if zero is None:
            return None
        if op in ("=", "≠"):
            return zero if op == "=" else not zero
        positive = False if zero else difference.is_positive
        if positive is None:
            return None
        negative = not zero and not positive
        return {"<": negative, "≤": negative or zero, ">": positive, "≥": positive or zero}[op]


def sympy_decide(statement: Statement, seconds: float) -> tuple[str, str] | None:
    """('proved' | 'refuted', how) for a statement SymPy settles exactly, else None.

    Only statements without hypotheses: closed ones (numbers, radicals, logarithms) and identities whose
    variables range over ℝ or ℂ with no division by a term that may vanish.
    """
    if statement.hypotheses:
        return None
    translator = SympyTranslator()
    try:
        with _deadline(seconds):
            verdict = translator.prop(statement.goal)
    except (Untranslatable, TimeoutError, TypeError, ValueError, AttributeError, RecursionError):
        return None
    if verdict is None:
        return None
    if verdict is False and translator.symbols:
        return None  # a false identity with variables still needs a checked countermodel: Z3's job
    return ("proved" if verdict else "refuted"), "SymPy exact simplification"


# ------------------------------------------------------------------------------------------ backend


class LeanArithBackend(Backend):
    """Lean statements decided by Z3 (exact translation) and SymPy, without a Lean toolchain."""

    name = "lean-arith"
    languages = ("lean",)

    def solve(self, program: Program, limits: Limits) -> Outcome:
        started = time.perf_counter()
        statement = parse_program(program)
        return decide(statement, limits.seconds, started)


def decide(statement: Statement, seconds: float, started: float | None = None) -> Outcome:
    """Prove, refute (with a checked countermodel) or give up on one elaborated statement."""
    started = started if started is not None else time.perf_counter()
    timings: dict[str, float] = {}
    opaque = sorted({str(n.value) for n in [*opaque_parts(statement.goal),
                                             *(p for _, h in statement.hypotheses for p in opaque_parts(h))]})
    if opaque:
        return Outcome(Status.UNKNOWN, certificate={"reason": f"not modelled here: {', '.join(opaque)}"})
    functions = {name for name, ty in statement.variables if isinstance(ty, tuple) and ty[0] == "fun"}
    definitions: dict[str, tuple[tuple[str, ...], Node]] = {}
    defining: set[int] = set()
    for index, (_, hypothesis) in enumerate(statement.hypotheses):
        found = _definition(hypothesis, functions - set(definitions))
        if found:
            definitions[found[0]] = (found[1], found[2])
            defining.add(index)
    hypotheses = [(name, _expand_definitions(h, definitions)) for i, (name, h) in enumerate(statement.hypotheses)
                  if i not in defining]
    goal = _expand_definitions(statement.goal, definitions)
    reduced = Statement(statement.name, statement.variables, hypotheses, goal)

    reasons: list[str] = []
    z3_outcome = _z3_decide(statement, reduced, definitions, defining, seconds * 0.6, reasons)
    timings["z3"] = time.perf_counter() - started
    if z3_outcome is not None:
        z3_outcome.timings.update(timings)
        return z3_outcome
    left = max(1.0, seconds - (time.perf_counter() - started)) * 0.8
    settled = sympy_decide(reduced, min(SYMPY_SECONDS, left))
    timings["sympy"] = time.perf_counter() - started - timings["z3"]
    if settled is not None:
        verdict, how = settled
        certificate = {"engine": "sympy", "method": how}
        return Outcome(Status.SOLVED, answer=verdict, certificate=certificate, timings=timings)
    return Outcome(Status.UNKNOWN, certificate={"reason": "; ".join(reasons) or "no engine settled it"},
                   timings=timings)


def _z3_decide(original: Statement, reduced: Statement, definitions: dict[str, tuple[tuple[str, ...], Node]],
               defining: set[int], seconds: float, reasons: list[str]) -> Outcome | None:
    ctx = z3.Context()
    translator = Translator(ctx)
    env: dict[str, Any] = {}
    constraints: list[z3.BoolRef] = []
    try:
        for name, ty in reduced.variables:
            if name in definitions:
                continue
            symbol = translator.symbol(name, ty)
            env[name] = symbol
            constraints.extend(translator.domain(symbol, ty))
        for _, hypothesis in reduced.hypotheses:
            constraints.append(translator.prop(hypothesis, env))
        negated_goal = z3.Not(translator.prop(reduced.goal, env))
    except Inexact as exc:
        reasons.append(f"Z3 would only approximate this statement ({exc}); no verdict rests on it")
        return None
    except Untranslatable as exc:
        reasons.append(f"not translated to Z3: {exc}")
        return None
    except z3.Z3Exception as exc:
        reasons.append(f"not translated to Z3: {exc}")
        return None
    solver = z3.Solver(ctx=ctx)
    solver.set("timeout", max(1, int(seconds * 1000)))
    solver.add(*constraints, *translator.aux, negated_goal)
    verdict = solver.check()
    if verdict == z3.unsat:
        return Outcome(Status.SOLVED, answer="proved",
                       certificate={"engine": "z3", "method": "hypotheses ∧ ¬goal is unsatisfiable",
                                    "definitions_used": sorted(definitions)})
    if verdict == z3.unknown:
        reasons.append(f"Z3: {solver.reason_unknown()}")
        return None
    model = solver.model()
    values, shown = _countermodel(model, original, env, definitions)
    if values is None:
        reasons.append("Z3 found a model whose values are not all rational; it was not checked, so not reported")
        return None
    try:
        hypotheses_hold, goal_holds = check_countermodel(original, values, frozenset(defining))
    except NotExact as exc:
        reasons.append(f"Z3 found a model that exact evaluation could not check ({exc})")
        return None
    if not hypotheses_hold or goal_holds:
        reasons.append("Z3's model did not survive exact evaluation; not reported")
        return None
    return Outcome(Status.SOLVED, answer="refuted",
                   certificate={"engine": "z3", "countermodel": shown,
                                "checked": "every hypothesis true and the goal false by exact evaluation",
                                "defined_by_hypothesis": sorted(definitions)})


def _countermodel(model: z3.ModelRef, statement: Statement, env: dict[str, Any],
                  definitions: dict[str, tuple[tuple[str, ...], Node]]) -> tuple[dict[str, Any] | None, dict]:
    values: dict[str, Any] = {}
    shown: dict[str, Any] = {}
    for name, ty in statement.variables:
        if name in definitions:
            params, body = definitions[name]
            values[name] = FunctionValue(params=params, body=body)
            shown[name] = f"fun {' '.join(params)} => {show(body)}"
            continue
        symbol = env[name]
        if isinstance(symbol, tuple):
            parts = [_model_value(model, s) for s in symbol]
            if None in parts:
                return None, {}
            values[name] = tuple(parts)
            shown[name] = f"{parts[0]} + {parts[1]}i"
            continue
        if isinstance(symbol, z3.FuncDeclRef):
            interpretation = model[symbol]
            table: dict[tuple[Fraction, ...], Any] = {}
            default: Any = Fraction(0)
            if interpretation is not None:
                for i in range(interpretation.num_entries()):
                    entry = interpretation.entry(i)
                    key = tuple(_model_value(model, entry.arg_value(j)) for j in range(entry.num_args()))
                    value = _model_value(model, entry.value())
                    if None in key or value is None:
                        return None, {}
                    table[key] = value
                default = _model_value(model, interpretation.else_value())
                if default is None:
                    return None, {}
            if resolve(ty[2]) == "N":
                default = max(default, Fraction(0))
            values[name] = FunctionValue(table=table, default=default)
            shown[name] = {**{", ".join(str(k) for k in key): str(v) for key, v in table.items()}, "else": str(default)}
            continue
        value = _model_value(model, symbol)
        if value is None:
            return None, {}
        values[name] = value
        shown[name] = str(value)
    return values, shown


def _model_value(model: z3.ModelRef, term: Any) -> Fraction | None:
    value = model.eval(term, model_completion=True)
    if z3.is_int_value(value):
        return Fraction(value.as_long())
    if z3.is_rational_value(value):
        return Fraction(value.numerator_as_long(), value.denominator_as_long())
    return None
