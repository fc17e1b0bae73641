"""Structural causal models: variables with finite domains, structural equations, and evaluation.

A model is exact: every domain is finite (Boolean, an integer range, or an enumeration of symbols), every
endogenous variable has one equation over other variables, and the graph (a networkx DiGraph, parent ->
child) must be acyclic. A world is a dict from every variable name to its value; `Model.world` computes
the one a context (exogenous values) and an intervention (do) determine. A Query is one question about a
model (a value, a probability, an actual cause, ...); the SCM language (neurosym.lang.scm) builds both.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import networkx as nx

from neurosym.result import ErrorKind, NeurosymError

MAX_DOMAIN = 100_000  # values in one domain; larger ones are refused (enumeration would be hopeless)

Value = bool | int | str

# ------------------------------------------------------------------------------------------------ domains


@dataclass(frozen=True)
class Domain:
    """A finite domain: `bool`, an integer range lo..hi, or an enumeration of symbols."""

    kind: str  # "bool" | "int" | "enum"
    low: int = 0
    high: int = 1
    symbols: tuple[str, ...] = ()

    @property
    def type(self) -> str:
        return {"bool": "bool", "int": "int", "enum": "sym"}[self.kind]

    def __len__(self) -> int:
        if self.kind == "bool":
            return 2
        if self.kind == "int":
            return self.high - self.low + 1
        return len(self.symbols)

    def values(self) -> tuple[Value, ...]:
        if self.kind == "bool":
            return (False, True)
        if self.kind == "int":
            return tuple(range(self.low, self.high + 1))
        return self.symbols

    def __contains__(self, value: object) -> bool:
        if self.kind == "bool":
            return isinstance(value, bool)
        if self.kind == "int":
            return isinstance(value, int) and not isinstance(value, bool) and self.low <= value <= self.high
        return isinstance(value, str) and value in self.symbols

    def __str__(self) -> str:
        if self.kind == "bool":
            return "bool"
        if self.kind == "int":
            return f"{self.low}..{self.high}"
        return "{" + ", ".join(self.symbols) + "}"


BOOL = Domain("bool")

# -------------------------------------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Pos:
    line: int | None = None
    column: int | None = None


NO_POS = Pos()


@dataclass(frozen=True)
class Const:
    value: Value


@dataclass(frozen=True)
class Ref:
    name: str
    pos: Pos = NO_POS


@dataclass(frozen=True)
class Op:
    """An operator application: not, neg, and, or, + - * / %, comparisons, ite, count, min, max, abs."""

    op: str
    args: tuple[Expr, ...]
    pos: Pos = NO_POS


Expr = Const | Ref | Op

BOOL_OPS = {"not", "and", "or"}
ARITH_OPS = {"+", "-", "*", "/", "%"}
ORDER_OPS = {"<", "<=", ">", ">="}
EQ_OPS = {"==", "!="}


def refs(expr: Expr) -> Iterator[Ref]:
    """Every variable reference in an expression (iterative).

    >>> sorted(ref.name for ref in refs(Op("and", (Ref("B"), Op("not", (Ref("A"),))))))
    ['A', 'B']
    """
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Ref):
            yield node
        elif isinstance(node, Op):
            stack.extend(node.args)


def show(expr: Expr) -> str:
    """Source-like text of an expression, fully parenthesized where it matters.

    >>> show(Op("and", (Ref("B"), Op("not", (Ref("A"),)))))
    'B and (not A)'
    """
    if isinstance(expr, Const):
        return show_value(expr.value)
    if isinstance(expr, Ref):
        return expr.name
    args = [show(a) for a in expr.args]
    if expr.op == "not":
        return f"not {_paren(expr.args[0], args[0])}"
    if expr.op == "neg":
        return f"-{_paren(expr.args[0], args[0])}"
    if expr.op == "ite":
        return f"(if {args[0]} then {args[1]} else {args[2]})"
    if expr.op in {"count", "min", "max", "abs"}:
        return f"{expr.op}({', '.join(args)})"
    return f" {expr.op} ".join(_paren(a, s) for a, s in zip(expr.args, args, strict=True))


def _paren(expr: Expr, text: str) -> str:
    return (
        f"({text})" if isinstance(expr, Op) and expr.op not in {"count", "min", "max", "abs", "ite"} else text
    )


def show_value(value: Value) -> str:
    """A value as the SCM language writes it.

    >>> show_value(True), show_value(3), show_value("red")
    ('true', '3', 'red')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def euclid_div(a: int, b: int) -> int:
    """Integer division as SMT-LIB defines it (the remainder is never negative), so Z3 agrees.

    >>> euclid_div(7, 2), euclid_div(-7, 2), euclid_div(-7, -2)
    (3, -4, 4)
    """
    q = a // b
    if a - b * q < 0:  # only when b < 0 and the floor remainder is negative
        q += 1
    return q


def _arith(op: str, a: int, b: int) -> int:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        raise ZeroDivisionError
    q = euclid_div(a, b)
    return q if op == "/" else a - b * q


def _compare(op: str, a: Any, b: Any) -> bool:
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def evaluate(expr: Expr, env: Mapping[str, Value]) -> Value:
    """The value of an expression in a world; ZeroDivisionError on division by zero.

    >>> evaluate(Op("and", (Ref("B"), Op("not", (Ref("A"),)))), {"A": False, "B": True})
    True
    """
    if isinstance(expr, Const):
        return expr.value
    if isinstance(expr, Ref):
        return env[expr.name]
    op, args = expr.op, expr.args
    if op == "and":
        return all(evaluate(a, env) for a in args)
    if op == "or":
        return any(evaluate(a, env) for a in args)
    if op == "not":
        return not evaluate(args[0], env)
    if op == "ite":
        return evaluate(args[1], env) if evaluate(args[0], env) else evaluate(args[2], env)
    values = [evaluate(a, env) for a in args]
    if op == "neg":
        return -values[0]
    if op in ARITH_OPS:
        return _arith(op, values[0], values[1])
    if op in ORDER_OPS or op in EQ_OPS:
        return _compare(op, values[0], values[1])
    if op == "count":
        return sum(bool(v) for v in values)
    if op == "min":
        return min(values)
    if op == "max":
        return max(values)
    if op == "abs":
        return abs(values[0])
    raise ValueError(f"unknown operator {op!r}")


# ---------------------------------------------------------------------------------------------- the model


@dataclass
class Variable:
    name: str
    domain: Domain
    exogenous: bool
    equation: Expr | None = None  # endogenous only
    context: Value | None = None  # exogenous only: its actual value, if given
    prior: dict[Value, Fraction] | None = None  # exogenous only: an independent discrete distribution
    pos: Pos = NO_POS


@dataclass
class Model:
    """An acyclic structural causal model; build it with `Model.build` so it is checked."""

    variables: dict[str, Variable]
    graph: nx.DiGraph = field(default_factory=nx.DiGraph)
    order: list[str] = field(default_factory=list)  # endogenous variables, parents first
    exogenous: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, variables: list[Variable]) -> Model:
        """Check names, references, types and acyclicity; NeurosymError with line:column otherwise."""
        table: dict[str, Variable] = {}
        for var in variables:
            if var.name in table:
                first = table[var.name].pos
                raise NeurosymError(
                    ErrorKind.TYPE,
                    f"variable {var.name!r} is declared twice (first on line {first.line})",
                    var.pos.line,
                    var.pos.column,
                )
            table[var.name] = var
        model = cls(table, exogenous=[n for n, v in table.items() if v.exogenous])
        graph = model.graph
        graph.add_nodes_from(table)
        for var in variables:
            if var.equation is None:
                continue
            for ref in refs(var.equation):
                if ref.name in table:
                    graph.add_edge(ref.name, var.name)
            expr_type = model.type_of(var.equation)
            if expr_type != var.domain.type:
                raise NeurosymError(
                    ErrorKind.TYPE,
                    f"the equation of {var.name} has type {expr_type}, but "
                    f"{var.name} is declared {var.domain}",
                    var.pos.line,
                    var.pos.column,
                )
        try:
            cycle = nx.find_cycle(graph)
        except nx.NetworkXNoCycle:
            cycle = None
        if cycle:
            names = [edge[0] for edge in cycle] + [cycle[0][0]]
            first = table[cycle[0][1]].pos
            raise NeurosymError(
                ErrorKind.TYPE, f"the model is cyclic: {' -> '.join(names)}", first.line, first.column
            )
        model.order = [n for n in nx.topological_sort(graph) if not table[n].exogenous]
        return model

    # ---- names and types

    @property
    def endogenous(self) -> list[str]:
        return [n for n, v in self.variables.items() if not v.exogenous]

    def symbol_names(self) -> set[str]:
        return {s for v in self.variables.values() if v.domain.kind == "enum" for s in v.domain.symbols}

    def resolve(self, expr: Expr) -> Expr:
        """Turn references to enumeration symbols into constants; an unknown name is an error."""
        if isinstance(expr, Ref):
            if expr.name in self.variables:
                return expr
            if expr.name in self.symbol_names():
                return Const(expr.name)
            raise NeurosymError(
                ErrorKind.TYPE, f"undeclared variable {expr.name!r}", expr.pos.line, expr.pos.column
            )
        if isinstance(expr, Op):
            return Op(expr.op, tuple(self.resolve(a) for a in expr.args), expr.pos)
        return expr

    def variable(self, name: str, pos: Pos = NO_POS, what: str = "query") -> Variable:
        if name not in self.variables:
            raise NeurosymError(
                ErrorKind.TYPE,
                f"the {what} names {name!r}, which is not a variable of the model",
                pos.line,
                pos.column,
            )
        return self.variables[name]

    def type_of(self, expr: Expr) -> str:
        """bool, int or sym; NeurosymError(TYPE) with line:column on a mismatch."""
        if isinstance(expr, Const):
            return "bool" if isinstance(expr.value, bool) else "int" if isinstance(expr.value, int) else "sym"
        if isinstance(expr, Ref):
            return self.variables[expr.name].domain.type
        types = [self.type_of(a) for a in expr.args]
        op = expr.op

        def need(kind: str, what: str) -> None:
            for arg_type in types if op != "ite" else types[:1]:
                if arg_type != kind:
                    raise NeurosymError(
                        ErrorKind.TYPE,
                        f"{what} needs {kind} operands, got {arg_type}",
                        expr.pos.line,
                        expr.pos.column,
                    )

        if op in BOOL_OPS:
            need("bool", f"'{op}'")
            return "bool"
        if op in ARITH_OPS or op in {"neg", "min", "max", "abs"}:
            need("int", f"'{op}'")
            return "int"
        if op in ORDER_OPS:
            need("int", f"'{op}'")
            return "bool"
        if op == "count":
            need("bool", "count")
            return "int"
        if op in EQ_OPS:
            if types[0] != types[1]:
                raise NeurosymError(
                    ErrorKind.TYPE,
                    f"'{op}' compares {types[0]} with {types[1]}",
                    expr.pos.line,
                    expr.pos.column,
                )
            return "bool"
        if op == "ite":
            need("bool", "the condition of if-then-else")
            if types[1] != types[2]:
                raise NeurosymError(
                    ErrorKind.TYPE,
                    f"the branches of if-then-else have types {types[1]} and {types[2]}",
                    expr.pos.line,
                    expr.pos.column,
                )
            return types[1]
        raise NeurosymError(ErrorKind.TYPE, f"unknown operator {op!r}", expr.pos.line, expr.pos.column)

    # ---- worlds

    def world(self, context: Mapping[str, Value], do: Mapping[str, Value] | None = None) -> dict[str, Value]:
        """Every variable's value in a context under an intervention (do overrides equations).

        Examples
        --------
        >>> from neurosym.lang.scm import parse_program
        >>> rocks = parse_program("exogenous US : bool = true  exogenous UB : bool = true  "
        ...                       "endogenous ST := US  endogenous BT := UB  endogenous SH := ST  "
        ...                       "endogenous BH := BT and not SH  endogenous BS := SH or BH",
        ...                       "query cause ST = true -> BS")
        >>> model = rocks.model
        >>> model.world({"US": True, "UB": True})["BH"]
        False
        >>> model.world({"US": True, "UB": True}, do={"ST": False})["BH"]  # Billy's rock hits instead
        True
        """
        do = do or {}
        env: dict[str, Value] = {n: do.get(n, context[n]) for n in self.exogenous}
        for name in self.order:
            if name in do:
                env[name] = do[name]
                continue
            var = self.variables[name]
            try:
                value = evaluate(var.equation, env)  # type: ignore[arg-type]
            except ZeroDivisionError:
                raise NeurosymError(
                    ErrorKind.TYPE,
                    f"the equation of {name} divides by zero in context {format_assignment(context)}",
                    var.pos.line,
                    var.pos.column,
                ) from None
            if value not in var.domain:
                raise NeurosymError(
                    ErrorKind.TYPE,
                    f"the equation of {name} gives {show_value(value)}, outside "
                    f"its domain {var.domain} (context "
                    f"{format_assignment(context)})",
                    var.pos.line,
                    var.pos.column,
                )
            env[name] = value
        return env

    def derivation(self, world: Mapping[str, Value], do: Mapping[str, Value]) -> list[str]:
        """One line per endogenous variable saying how its value came about: the why of a world."""
        lines = []
        for name in self.order:
            if name in do:
                lines.append(f"{name} = {show_value(world[name])} (intervention)")
            else:
                eq = self.variables[name].equation
                lines.append(f"{name} = {show_value(world[name])} (by {name} := {show(eq)})")  # type: ignore[arg-type]
        return lines

    def actual_context(self) -> dict[str, Value] | None:
        """The context if every exogenous variable has a value given; None otherwise."""
        if any(self.variables[n].context is None for n in self.exogenous):
            return None
        return {n: self.variables[n].context for n in self.exogenous}  # type: ignore[misc]


def format_assignment(values: Mapping[str, Value]) -> str:
    return ", ".join(f"{k}={show_value(v)}" for k, v in values.items()) or "(empty)"


# ------------------------------------------------------------------------------------------------ queries

QUERY_KINDS = ("value", "prob", "pn", "ps", "pns", "cause", "but_for", "sufficient", "responsibility",
               "dsep", "backdoor", "frontdoor", "ancestors", "descendants", "affects", "estimand")
GRAPH_KINDS = {"dsep", "backdoor", "frontdoor", "ancestors", "descendants", "affects", "estimand"}


@dataclass
class Event:
    """A primitive event X = x, as written (the value's type is checked against X's domain)."""

    name: str
    value: Value
    pos: Pos = NO_POS

    def __str__(self) -> str:
        return f"{self.name} = {show_value(self.value)}"


@dataclass
class Query:
    """One question about a model; `kind` is one of QUERY_KINDS."""

    kind: str
    target: Expr | None = None  # value/prob: the expression asked about; actual causality: φ
    do: list[Event] = field(default_factory=list)
    evidence: Expr | None = None
    events: list[Event] = field(default_factory=list)  # cause events; pn/ps/pns: [X = x, Y = y]
    pos: Pos = NO_POS
    # graph queries and estimands: the variables named, the sets, 0/1 settings, a comparison
    names: list[str] = field(default_factory=list)
    sets: list[list[str]] | None = None
    quantity: str = ""
    bits: dict[str, int] = field(default_factory=dict)
    via: list[str] = field(default_factory=list)
    threshold: tuple[str, Fraction] | None = None
    negated: bool = False

    def describe(self) -> str:
        if self.kind in {"value", "prob"}:
            text = f"{self.kind} {show(self.target)}"  # type: ignore[arg-type]
            if self.do:
                text += f" do({', '.join(map(str, self.do))})"
            if self.evidence is not None:
                text += f" given {show(self.evidence)}"
            return text
        if self.kind in {"pn", "ps", "pns"}:
            return f"{self.kind}({self.events[0]}, {self.events[1]})"
        if self.kind in GRAPH_KINDS:
            return describe_graph_query(self)
        return f"{self.kind} {', '.join(map(str, self.events))} -> {show(self.target)}"  # type: ignore[arg-type]


def describe_graph_query(query: Query) -> str:
    """The source form of a graph or estimand query."""
    n = query.names
    sets = ["{" + ", ".join(s) + "}" for s in (query.sets or [])]
    if query.kind == "dsep":
        return f"dsep {n[0]}, {n[1]}" + (f" given {', '.join(query.sets[0])}" if query.sets else "")
    if query.kind in {"backdoor", "frontdoor"}:
        return f"{query.kind} {n[0]} -> {n[1]}" + (f" given {' over '.join(sets)}" if sets else "")
    if query.kind in {"ancestors", "descendants"}:
        return f"{query.kind} {n[0]}"
    if query.kind == "affects":
        return f"{'not ' if query.negated else ''}affects {n[0]} -> {n[1]}"
    inner = ", ".join(n)
    if query.bits:
        inner += " | " + ", ".join(f"{k} = {v}" for k, v in query.bits.items())
    if query.via:
        inner += " via " + ", ".join(query.via)
    text = f"{query.quantity}({inner})"
    if query.threshold:
        text += f" {query.threshold[0]} {query.threshold[1]}"
    return text
