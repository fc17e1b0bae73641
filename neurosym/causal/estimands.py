"""Causal quantities over Boolean variables from stated probabilities and a causal graph, exactly.

A `Store` holds the probabilities a problem states (P(Y=1 | X=0) = 13/50, joints, marginals) and derives
others by the rules of probability only: complement, independence the graph implies (d-separation),
the definition of conditional probability, the chain rule, total probability and Bayes. Each derived
term counts its steps, so a reading of a text that needs fewer derivations can be preferred.

The estimands (Pearl, Causality; the mediation formula of Pearl 2001):
  p          P(Y = 1)
  assoc      P(Y=1 | X=1) - P(Y=1 | X=0)
  ate        E[Y | do(X=1)] - E[Y | do(X=0)]: backdoor adjustment over the smallest set whose terms are
             stated, else the frontdoor formula, else the instrumental-variable (Wald) ratio
  ett        E[Y_1 - Y_0 | X = t]: backdoor or frontdoor
  nde, nie   natural direct / indirect effect through mediators M (mediation formula with the
             mediator's distribution given the treatment); when every directed path from X to Y passes
             through M, nie is the total effect and nde is 0
  exp_away   P(Y=1 | X=1, C=c) - P(Y=1 | C=c)
When a weight of a convex combination is not stated nor derivable (P(Z = z | X = t) in the ETT, P(X | C)
in explaining away), the value is an interval over all weights: its sign is still exact when all the
combined differences agree. A quantity the statements do not determine raises `Unidentified`, naming
the terms that are missing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction

import networkx as nx

from neurosym.causal import graph as g

Assign = frozenset  # frozenset of (name, value) pairs, value 0 or 1


class Unidentified(ValueError):
    """The stated numbers do not determine the quantity; the message says which terms are missing."""


def term(target: dict[str, int], given: dict[str, int] | None = None) -> str:
    """P(Y=1 | X=0) notation.

    >>> term({"Y": 1}, {"X": 0})
    'P(Y=1 | X=0)'
    """
    text = ", ".join(f"{k}={v}" for k, v in sorted(target.items()))
    if given:
        text += " | " + ", ".join(f"{k}={v}" for k, v in sorted(given.items()))
    return f"P({text})"


@dataclass
class Value:
    """An exact value, or an interval [low, high] when only bounds follow from the statements."""

    low: Fraction
    high: Fraction
    cost: int = 0  # derivation steps used

    @property
    def exact(self) -> bool:
        return self.low == self.high

    def show(self) -> str:
        if self.exact:
            return f"{float(self.low):.4f}"
        return f"[{float(self.low):.4f}, {float(self.high):.4f}]"


@dataclass
class Store:
    """Stated probabilities over Boolean variables, and what the rules of probability derive from them.

    >>> s = Store(nx.DiGraph([("X", "Y")]))
    >>> s.state({"X": 1}, {}, Fraction(1, 2)); s.state({"Y": 1}, {"X": 0}, Fraction(1, 5))
    >>> s.state({"Y": 1}, {"X": 1}, Fraction(3, 5))
    >>> s.get({"Y": 1})
    Fraction(2, 5)
    """

    graph: nx.DiGraph
    facts: dict[tuple[Assign, Assign], Fraction] = field(default_factory=dict)
    _memo: dict[tuple[Assign, Assign], tuple[Fraction, int] | None] = field(default_factory=dict)
    _busy: set[tuple[Assign, Assign]] = field(default_factory=set)

    def state(self, target: dict[str, int], given: dict[str, int], p: Fraction) -> None:
        key = (Assign(target.items()), Assign(given.items()))
        old = self.facts.get(key)
        if old is not None and old != p:
            raise Unidentified(f"{term(target, given)} is stated twice, as {old} and {p}")
        self.facts[key] = p
        self._memo.clear()

    @property
    def names(self) -> set[str]:
        out = set(self.graph.nodes)
        for target, given in self.facts:
            out |= {n for n, _ in target} | {n for n, _ in given}
        return out

    def get(self, target: dict[str, int], given: dict[str, int] | None = None) -> Fraction | None:
        found = self.derive(Assign(target.items()), Assign((given or {}).items()), 4)
        return None if found is None else found[0]

    def cost(self, target: dict[str, int], given: dict[str, int] | None = None) -> tuple[Fraction, int] | None:
        return self.derive(Assign(target.items()), Assign((given or {}).items()), 4)

    def derive(self, target: Assign, given: Assign, depth: int) -> tuple[Fraction, int] | None:
        key = (target, given)
        if key in self.facts:
            return self.facts[key], 0
        if key in self._memo:
            return self._memo[key]
        if depth <= 0 or key in self._busy:
            return None
        self._busy.add(key)
        try:
            found = self._derive(target, given, depth)
        finally:
            self._busy.discard(key)
        if found is not None or depth >= 4:
            self._memo[key] = found
        return found

    def _derive(self, target: Assign, given: Assign, depth: int) -> tuple[Fraction, int] | None:
        tnames = {n for n, _ in target}
        gnames = {n for n, _ in given}
        if tnames & gnames:
            gdict = dict(given)
            if any(gdict.get(n, v) != v for n, v in target):
                return Fraction(0), 0
            rest = Assign((n, v) for n, v in target if n not in gnames)
            return (Fraction(1), 0) if not rest else self.derive(rest, given, depth)
        if not target:
            return Fraction(1), 0
        best: tuple[Fraction, int] | None = None

        def offer(value: Fraction | None, cost: int) -> None:
            nonlocal best
            if value is not None and (best is None or cost < best[1]):
                best = (value, cost)

        if len(target) == 1:  # complement
            ((name, value),) = target
            other = self.derive(Assign({(name, 1 - value)}), given, depth - 1)
            if other is not None:
                offer(1 - other[0], other[1])
            if best is not None and best[1] == 0:
                return best
        # independence the graph implies: drop a conditioning variable d-separated from the target
        for name, _ in sorted(given):
            rest = Assign((n, v) for n, v in given if n != name)
            if all(n in self.graph for n in tnames | gnames) and nx.is_d_separator(
                self.graph, tnames, {name}, {n for n, _ in rest}
            ):
                found = self.derive(target, rest, depth - 1)
                if found is not None:
                    offer(found[0], found[1] + 1)
        # chain rule for a joint target: P(A, B | C) = P(A | B, C) P(B | C)
        if len(target) > 1:
            for name, value in sorted(target):
                rest = Assign((n, v) for n, v in target if n != name)
                first = self.derive(Assign({(name, value)}), given | rest, depth - 1)
                second = self.derive(rest, given, depth - 1) if first is not None else None
                if first is not None and second is not None:
                    offer(first[0] * second[0], first[1] + second[1] + 1)
        # conditional from joint: P(A | B, C) = P(A, B | C) / P(B | C)
        for name, value in sorted(given):
            rest = Assign((n, v) for n, v in given if n != name)
            joint = self.derive(target | {(name, value)}, rest, depth - 1)
            if joint is None:
                continue
            marginal = self.derive(Assign({(name, value)}), rest, depth - 1)
            if marginal is not None and marginal[0] != 0:
                offer(joint[0] / marginal[0], joint[1] + marginal[1] + 1)
        # total probability over one more variable: P(A | C) = sum_b P(A | b, C) P(b | C)
        if len(target) == 1:
            for name in sorted(self.names - tnames - gnames):
                parts = []
                for b in (0, 1):
                    first = self.derive(target, given | {(name, b)}, depth - 1)
                    second = self.derive(Assign({(name, b)}), given, depth - 1) if first else None
                    if first is None or second is None:
                        break
                    parts.append((first, second))
                if len(parts) == 2:
                    offer(sum(a[0] * b[0] for a, b in parts),
                          sum(a[1] + b[1] for a, b in parts) + 1)
        # Bayes: P(A | B, C) = P(B | A, C) P(A | C) / P(B | C)
        if len(target) == 1:
            for name, value in sorted(given):
                rest = Assign((n, v) for n, v in given if n != name)
                likelihood = self.derive(Assign({(name, value)}), rest | target, depth - 1)
                prior = self.derive(target, rest, depth - 1) if likelihood else None
                evidence = self.derive(Assign({(name, value)}), rest, depth - 1) if prior else None
                if likelihood and prior and evidence and evidence[0] != 0:
                    offer(likelihood[0] * prior[0] / evidence[0],
                          likelihood[1] + prior[1] + evidence[1] + 1)
        return best


# ---------------------------------------------------------------------------------------------- estimands


@dataclass
class Estimate:
    """A quantity's value (or interval), the estimand used, and the terms it read."""

    quantity: str
    value: Value
    estimand: str
    terms: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"quantity": self.quantity, "estimand": self.estimand, "terms": self.terms,
                                  "derivations": self.value.cost}
        if self.value.exact:
            out["value"] = float(self.value.low)
            out["exact"] = str(self.value.low)
        else:
            out["interval"] = [float(self.value.low), float(self.value.high)]
        return out


class _Reader:
    """Reads terms from a store, remembering them (for the certificate) and what was missing."""

    def __init__(self, store: Store):
        self.store = store
        self.terms: dict[str, str] = {}
        self.cost = 0
        self.missing: list[str] = []

    def p(self, target: dict[str, int], given: dict[str, int] | None = None) -> Fraction:
        found = self.store.cost(target, given)
        name = term(target, given)
        if found is None:
            self.missing.append(name)
            raise Unidentified(f"{name} is neither stated nor derivable from what is stated")
        self.terms[name] = f"{float(found[0]):.4f}"
        self.cost += found[1]
        return found[0]

    def maybe(self, target: dict[str, int], given: dict[str, int] | None = None) -> Fraction | None:
        try:
            return self.p(target, given)
        except Unidentified:
            self.missing.pop()
            return None


def _attempt(store: Store, attempts: list[tuple[str, object]]) -> tuple[Value, str, _Reader]:
    """The first attempt whose terms are all available (each attempt: estimand text, function)."""
    missing: list[str] = []
    for estimand, fn in attempts:
        reader = _Reader(store)
        try:
            value = fn(reader)  # type: ignore[operator]
        except Unidentified:
            missing.extend(m for m in reader.missing if m not in missing)
            continue
        if not isinstance(value, Value):
            value = Value(value, value)
        value.cost = reader.cost
        return value, estimand, reader
    if not attempts:
        raise Unidentified("no identification formula applies in this graph")
    raise Unidentified("not identified by the stated numbers: missing " + ", ".join(missing))


def _wsum(weights: list[Fraction | None], diffs: list[Fraction]) -> Value:
    """sum_i w_i d_i over a distribution w; an unknown weight makes it the interval [min d, max d]."""
    if all(w is not None for w in weights):
        total = sum((w * d for w, d in zip(weights, diffs, strict=True)), Fraction(0))  # type: ignore[operator]
        return Value(total, total)
    return Value(min(diffs), max(diffs))


def estimate(store: Store, kind: str, x: str, y: str, *, treated: int = 1, mediators: tuple[str, ...] = (),
             given: dict[str, int] | None = None) -> Estimate:
    """One causal quantity from the store's statements and graph.

    >>> s = Store(nx.DiGraph([("Z", "X"), ("Z", "Y"), ("X", "Y")]))
    >>> for z, p in ((0, "1/10"), (1, "1/2")): s.state({"Y": 1}, {"X": 0, "Z": z}, Fraction(p))
    >>> for z, p in ((0, "3/10"), (1, "7/10")): s.state({"Y": 1}, {"X": 1, "Z": z}, Fraction(p))
    >>> s.state({"Z": 1}, {}, Fraction(1, 2))
    >>> e = estimate(s, "ate", "X", "Y")
    >>> e.value.low, e.estimand
    (Fraction(1, 5), 'sum_{Z} P(Z) [P(Y=1 | X=1, Z) - P(Y=1 | X=0, Z)]')
    """
    graph = store.graph
    attempts: list[tuple[str, object]] = []
    if kind == "p":
        attempts = [(f"P({y}=1)", lambda r: r.p({y: 1}))]
    elif kind == "assoc":
        attempts = [(f"P({y}=1 | {x}=1) - P({y}=1 | {x}=0)", lambda r: r.p({y: 1}, {x: 1}) - r.p({y: 1}, {x: 0}))]
    elif kind == "exp_away":
        assert given
        attempts = [(f"P({y}=1 | {x}=1, {_show(given)}) - P({y}=1 | {_show(given)})",
                     lambda r: _explain_away(r, x, y, given))]
    elif kind in {"ate", "ett"}:
        attempts = _effect_attempts(graph, kind, x, y, treated)
    elif kind in {"nde", "nie"}:
        attempts = _mediation_attempts(graph, kind, x, y, mediators)
    else:
        raise ValueError(f"unknown quantity {kind!r}")
    value, estimand, reader = _attempt(store, attempts)
    return Estimate(kind, value, estimand, reader.terms)


def _show(assign: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(assign.items()))


def _explain_away(r: _Reader, x: str, y: str, given: dict[str, int]) -> Value:
    high = r.p({y: 1}, {x: 1, **given})
    low = r.p({y: 1}, {x: 0, **given})
    direct = r.maybe({y: 1}, given)
    if direct is not None:
        return Value(high - direct, high - direct)
    weight = r.maybe({x: 1}, given)
    mix = _wsum([weight, None if weight is None else 1 - weight], [high, low])
    return Value(high - mix.high, high - mix.low)


def _effect_attempts(graph: nx.DiGraph, kind: str, x: str, y: str, treated: int) -> list[tuple[str, object]]:
    attempts: list[tuple[str, object]] = []
    if x not in graph or y not in graph:
        return attempts
    for zs in g.backdoor_sets(graph, x, y):
        z = sorted(zs)

        def adjust(r: _Reader, z: list[str] = z) -> Value:
            weights, diffs = [], []
            for values in itertools.product((0, 1), repeat=len(z)):
                zv = dict(zip(z, values, strict=True))
                diffs.append(r.p({y: 1}, {x: 1, **zv}) - r.p({y: 1}, {x: 0, **zv}))
                weights.append(r.p(zv) if kind == "ate" else r.maybe(zv, {x: treated}))
            return _wsum(weights, diffs)

        if not z:
            attempts.append((f"P({y}=1 | {x}=1) - P({y}=1 | {x}=0)", adjust))
        else:
            zt = ", ".join(z)
            weight = f"P({zt})" if kind == "ate" else f"P({zt} | {x}={treated})"
            attempts.append((f"sum_{{{zt}}} {weight} [P({y}=1 | {x}=1, {zt}) - P({y}=1 | {x}=0, {zt})]", adjust))
    for ms in g.frontdoor_sets(graph, x, y):
        m = sorted(ms)
        mt = ", ".join(m)

        def front(r: _Reader, m: list[str] = m) -> Fraction:
            total = Fraction(0)
            for values in itertools.product((0, 1), repeat=len(m)):
                mv = dict(zip(m, values, strict=True))
                shift = r.p(mv, {x: 1}) - r.p(mv, {x: 0})
                if kind == "ate":
                    outcome = sum((r.p({y: 1}, {x: h, **mv}) * r.p({x: h}) for h in (0, 1)), Fraction(0))
                else:
                    outcome = r.p({y: 1}, {x: treated, **mv})
                total += shift * outcome
            return total

        formula = (f"sum_{{{mt}}} [P({mt} | {x}=1) - P({mt} | {x}=0)] sum_{{{x}'}} P({y}=1 | {x}', {mt}) P({x}')"
                   if kind == "ate" else
                   f"sum_{{{mt}}} P({y}=1 | {x}={treated}, {mt}) [P({mt} | {x}=1) - P({mt} | {x}=0)]")
        attempts.append((formula, front))
    if kind == "ate":
        for z in g.instruments(graph, x, y):
            def wald(r: _Reader, z: str = z) -> Fraction:
                num = r.p({y: 1}, {z: 1}) - r.p({y: 1}, {z: 0})
                den = r.p({x: 1}, {z: 1}) - r.p({x: 1}, {z: 0})
                if den == 0:
                    raise Unidentified(f"the instrument {z} does not move {x}")
                return num / den
            attempts.append((f"[P({y}=1 | {z}=1) - P({y}=1 | {z}=0)] / [P({x}=1 | {z}=1) - P({x}=1 | {z}=0)]"
                             " (instrumental variable)", wald))
    return attempts


def _mediation_attempts(graph: nx.DiGraph, kind: str, x: str, y: str,
                        mediators: tuple[str, ...]) -> list[tuple[str, object]]:
    if x not in graph or y not in graph:
        return []
    cut = graph.copy()
    cut.remove_nodes_from(mediators)
    if not nx.has_path(cut, x, y):  # every causal path runs through the mediators
        if kind == "nie":
            return [(f"{e} (every directed path from {x} to {y} passes through {', '.join(mediators)}: "
                     "NIE = ATE)", fn) for e, fn in _effect_attempts(graph, "ate", x, y, 1)]
        return [("0 (no directed path avoids the mediators)", lambda r: Fraction(0))]
    if len(mediators) != 1:
        return []
    (m,) = mediators

    def nde(r: _Reader) -> Fraction:
        return sum((r.p({m: v}, {x: 0}) * (r.p({y: 1}, {x: 1, m: v}) - r.p({y: 1}, {x: 0, m: v}))
                    for v in (0, 1)), Fraction(0))

    def nie(r: _Reader) -> Fraction:
        return sum((r.p({y: 1}, {x: 0, m: v}) * (r.p({m: v}, {x: 1}) - r.p({m: v}, {x: 0}))
                    for v in (0, 1)), Fraction(0))

    if kind == "nde":
        return [(f"sum_{{{m}}} P({m} | {x}=0) [P({y}=1 | {x}=1, {m}) - P({y}=1 | {x}=0, {m})]", nde)]
    return [(f"sum_{{{m}}} P({y}=1 | {x}=0, {m}) [P({m} | {x}=1) - P({m} | {x}=0)]", nie)]
