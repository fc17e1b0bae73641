"""Evaluate an elaborated Lean statement on concrete values, exactly (Fractions; no floats, no eval).

This is how a countermodel is checked: the hypotheses must all evaluate to True and the goal to False under
Lean's own conventions (ℕ subtraction truncates, x / 0 = 0, integer division and % are Euclidean, casts are
exact). Anything that has no exact rational value (√2, π, log 3) or needs an infinite search (∀ over ℝ)
raises `NotExact`; a refutation that cannot be checked this way is not reported.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from neurosym.lang.lean import COMPARISONS, Node, Statement, resolve

MAX_TERMS = 100_000  # terms of a sum or elements of a domain evaluated before giving up
MAX_BITS = 100_000  # size of an integer power evaluated before giving up


class NotExact(Exception):
    """The value cannot be computed exactly here (irrational, transcendental, infinite, or too large)."""


@dataclass
class FunctionValue:
    """A function in a countermodel: a finite table and a default, or a definition (an expression)."""

    table: dict[tuple[Fraction, ...], Any] = field(default_factory=dict)
    default: Any = Fraction(0)
    params: tuple[str, ...] = ()
    body: Node | None = None


Value = Any  # Fraction | bool | complex pair | FunctionValue | list (a Finset)


def _isqrt_fraction(x: Fraction) -> Fraction | None:
    if x < 0:
        return Fraction(0)
    n, d = math.isqrt(x.numerator), math.isqrt(x.denominator)
    if n * n == x.numerator and d * d == x.denominator:
        return Fraction(n, d)
    return None


def trunc_div(a: Fraction, b: Fraction, ty: str) -> Fraction:
    if b == 0:
        return Fraction(0)
    if ty in ("N", "Z"):
        q = math.floor(a / b) if b > 0 else -math.floor(a / -b)
        # Lean's Int `/` is Euclidean: a = b * q + r with 0 ≤ r < |b|
        r = a - b * q
        if r < 0:
            q += -1 if b > 0 else 1
        return Fraction(q)
    return a / b


def lean_mod(a: Fraction, b: Fraction) -> Fraction:
    if b == 0:
        return a
    return a - b * trunc_div(a, b, "Z")


class Evaluator:
    def __init__(self, values: dict[str, Value]):
        self.env = dict(values)

    def eval(self, node: Node) -> Value:
        method: Callable[[Node], Value] | None = getattr(self, "_" + node.kind, None)
        if method is None:
            raise NotExact(f"no exact evaluation of {node.kind}")
        return method(node)

    # ------------------------------------------------------------------------------------ logic
    def _true(self, node: Node) -> bool:
        return True

    def _false(self, node: Node) -> bool:
        return False

    def _and(self, node: Node) -> bool:
        return bool(self.eval(node.args[0])) and bool(self.eval(node.args[1]))

    def _or(self, node: Node) -> bool:
        return bool(self.eval(node.args[0])) or bool(self.eval(node.args[1]))

    def _imp(self, node: Node) -> bool:
        return (not self.eval(node.args[0])) or bool(self.eval(node.args[1]))

    def _iff(self, node: Node) -> bool:
        return bool(self.eval(node.args[0])) == bool(self.eval(node.args[1]))

    def _not(self, node: Node) -> bool:
        return not self.eval(node.args[0])

    def _forall(self, node: Node) -> bool:
        raise NotExact("a quantifier over an infinite type")

    _exists = _exists1 = _forall

    def _rel(self, node: Node) -> bool:
        op = node.value
        if op in ("∈", "∉"):
            element, domain = self.eval(node.args[0]), self.eval(node.args[1])
            inside = element in domain
            return inside if op == "∈" else not inside
        a, b = self.eval(node.args[0]), self.eval(node.args[1])
        if isinstance(a, tuple) or isinstance(b, tuple):
            a, b = _as_complex(a), _as_complex(b)
            if op == "=":
                return a == b
            if op == "≠":
                return a != b
            raise NotExact("an order on ℂ")
        if op in COMPARISONS:
            return COMPARISONS[op](a, b)
        if op == "∣":
            return b == 0 if a == 0 else (b / a).denominator == 1
        raise NotExact(f"the relation {op}")

    def _modeq(self, node: Node) -> bool:
        a, b, n = (self.eval(x) for x in node.args)
        return lean_mod(a, n) == lean_mod(b, n)

    # ------------------------------------------------------------------------------------ terms
    def _num(self, node: Node) -> Value:
        if resolve(node.ty) == "C":
            return (Fraction(node.value), Fraction(0))
        return Fraction(node.value)

    def _var(self, node: Node) -> Value:
        if node.value not in self.env:
            raise NotExact(f"no value for {node.value}")
        return self.env[node.value]

    def _const(self, node: Node) -> Value:
        if node.value == "Complex.I":
            return (Fraction(0), Fraction(1))
        raise NotExact(f"{node.value} is not rational")

    def _cast(self, node: Node) -> Value:
        value = self.eval(node.args[0])
        return (value, Fraction(0)) if resolve(node.ty) == "C" and not isinstance(value, tuple) else value

    def _neg(self, node: Node) -> Value:
        value = self.eval(node.args[0])
        if isinstance(value, tuple):
            return (-value[0], -value[1])
        if resolve(node.ty) == "N":
            return Fraction(0)
        return -value

    def _bin(self, node: Node) -> Value:
        op, ty = node.value, resolve(node.ty)
        a, b = self.eval(node.args[0]), self.eval(node.args[1])
        if ty == "C":
            return _complex_bin(op, _as_complex(a), b if op == "^" else _as_complex(b))
        if op == "+":
            return a + b
        if op == "-":
            return max(a - b, Fraction(0)) if ty == "N" else a - b
        if op == "*":
            return a * b
        if op == "/":
            return trunc_div(a, b, ty)
        if op == "%":
            return lean_mod(a, b)
        if op == "^":
            return _power(a, b, resolve(node.args[1].ty))
        raise NotExact(f"the operator {op}")

    def _apply(self, node: Node) -> Value:
        function = self.eval(node.args[0])
        args = tuple(self.eval(a) for a in node.args[1:])
        if not isinstance(function, FunctionValue):
            raise NotExact("applying a non-function")
        if function.body is not None:
            inner = Evaluator({**self.env, **dict(zip(function.params, args, strict=True))})
            return inner.eval(function.body)
        return function.table.get(args, function.default)

    def _call(self, node: Node) -> Value:
        name = node.value
        if name == "Finset.filter":
            lam, domain = node.args
            items = self.eval(domain)
            var = lam.value[0]
            return [x for x in items if Evaluator({**self.env, var: x}).eval(lam.args[0])]
        args = [self.eval(a) for a in node.args]
        x = args[0] if args else None
        if name == "abs":
            return abs(x)
        if name == "Real.sqrt":
            root = _isqrt_fraction(x)
            if root is None:
                raise NotExact(f"√{x} is irrational")
            return root
        if name == "Int.floor":
            return Fraction(math.floor(x))
        if name == "Int.ceil":
            return Fraction(math.ceil(x))
        if name == "Nat.floor":
            return Fraction(max(math.floor(x), 0))
        if name == "Nat.ceil":
            return Fraction(max(math.ceil(x), 0))
        if name in ("Int.natAbs",):
            return abs(x)
        if name == "Int.toNat":
            return max(x, Fraction(0))
        if name == "Nat.factorial":
            if x > 5000:
                raise NotExact("a factorial too large to compute")
            return Fraction(math.factorial(int(x)))
        if name in ("Nat.gcd", "Int.gcd"):
            return Fraction(math.gcd(int(args[0]), int(args[1])))
        if name == "Nat.lcm":
            return Fraction(math.lcm(int(args[0]), int(args[1])))
        if name == "Nat.choose":
            return Fraction(math.comb(int(args[0]), int(args[1])))
        if name == "Nat.sqrt":
            return Fraction(math.isqrt(int(x)))
        if name == "Nat.Prime":
            n = int(x)
            return n >= 2 and all(n % d for d in range(2, math.isqrt(n) + 1)) if n < 10**12 else _big_prime(n)
        if name == "Even":
            return lean_mod(x, Fraction(2)) == 0
        if name == "Odd":
            return lean_mod(x, Fraction(2)) == 1
        if name == "Finset.range":
            return _interval(Fraction(0), x - 1)
        if name in ("Finset.Icc", "Finset.Ico", "Finset.Ioc", "Finset.Ioo"):
            low, high = args
            low = low + 1 if name in ("Finset.Ioc", "Finset.Ioo") else low
            high = high - 1 if name in ("Finset.Ico", "Finset.Ioo") else high
            return _interval(Fraction(math.ceil(low)), Fraction(math.floor(high)))
        if name == "Finset.card":
            return Fraction(len(x))
        if name in ("Nat.divisors", "Nat.properDivisors"):
            n = int(x)
            if n > 10**7:
                raise NotExact("divisors of a large number")
            found = [Fraction(d) for d in range(1, n + 1) if n % d == 0] if n else []
            return found[:-1] if name == "Nat.properDivisors" else found
        if name == "Rat.num":
            return Fraction(x.numerator)
        if name == "Rat.den":
            return Fraction(x.denominator)
        raise NotExact(f"{name} has no exact rational value here")

    def _bigop(self, node: Node) -> Value:
        op, var, _ = node.value
        items = self.eval(node.args[0])
        total: Value = Fraction(0) if op == "sum" else Fraction(1)
        if resolve(node.ty) == "C":
            total = (total, Fraction(0))
        for item in items:
            term = Evaluator({**self.env, var: item}).eval(node.args[1])
            if isinstance(total, tuple):
                total = _complex_bin("+" if op == "sum" else "*", total, _as_complex(term))
            else:
                total = total + term if op == "sum" else total * term
        return total


def _big_prime(n: int) -> bool:
    import sympy

    return bool(sympy.isprime(n))


def _interval(low: Fraction, high: Fraction) -> list[Fraction]:
    if high - low + 1 > MAX_TERMS:
        raise NotExact(f"a range of {high - low + 1} elements")
    return [Fraction(i) for i in range(int(low), int(high) + 1)]


def _power(a: Fraction, b: Any, exponent_type: Any) -> Fraction:
    if isinstance(b, tuple) or b.denominator != 1:
        raise NotExact("a real power with a non-integer exponent")
    n = int(b)
    if abs(n) * max(abs(a.numerator).bit_length(), a.denominator.bit_length()) > MAX_BITS:
        raise NotExact("a power too large to compute")
    if n >= 0:
        return a**n
    return Fraction(0) if a == 0 else a**n


def _as_complex(value: Any) -> tuple[Fraction, Fraction]:
    return value if isinstance(value, tuple) else (value, Fraction(0))


def _complex_bin(op: str, a: tuple[Fraction, Fraction], b: Any) -> tuple[Fraction, Fraction]:
    (p, q) = a
    if op == "^":
        if isinstance(b, tuple) or b.denominator != 1 or b < 0 or b > 10_000:
            raise NotExact("a complex power outside small natural exponents")
        result = (Fraction(1), Fraction(0))
        for _ in range(int(b)):
            result = _complex_bin("*", result, a)
        return result
    (r, s) = b
    if op == "+":
        return (p + r, q + s)
    if op == "-":
        return (p - r, q - s)
    if op == "*":
        return (p * r - q * s, p * s + q * r)
    if op == "/":
        norm = r * r + s * s
        if norm == 0:
            return (Fraction(0), Fraction(0))
        return ((p * r + q * s) / norm, (q * r - p * s) / norm)
    raise NotExact(f"the operator {op} on ℂ")


def check_countermodel(statement: Statement, values: dict[str, Value],
                       definitions: frozenset[int] = frozenset()) -> tuple[bool, bool]:
    """(every hypothesis holds, the goal holds) on `values`; NotExact if either cannot be computed.

    `definitions` holds the indices of the hypotheses that define a function by an equation (`∀ x, f x = e x`) and that
    the countermodel satisfies by construction, since it gives that function as exactly that expression.
    """
    evaluator = Evaluator(values)
    hypotheses = all(index in definitions or evaluator.eval(h)
                     for index, (_, h) in enumerate(statement.hypotheses))
    return hypotheses, bool(evaluator.eval(statement.goal))
