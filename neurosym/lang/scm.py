"""Structural causal models as a problem language: grammars/scm.lark parsed into a checked causal Model
and its Queries (neurosym.causal holds the model types and the algorithms).

A problem has the fields `model` (SCM source) and optional `query`. Queries may sit in the model source or
in the `query` field (a string or a list of strings, same syntax; see docs/causal.md). Errors carry line
and column: a syntax error says what was expected, an undeclared name points at the name, a cycle names
its variables. Answers: values (Booleans as true/false), "yes"/"no" for actual-causality verdicts, and
floats for probabilities; expected answers match with yes = true, no = false, and floats within 1e-6.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import lark
import networkx as nx
from lark import Token, Transformer, v_args

from neurosym.causal.model import (
    BOOL,
    GRAPH_KINDS,
    MAX_DOMAIN,
    Const,
    Domain,
    Event,
    Expr,
    Model,
    Op,
    Pos,
    Query,
    Ref,
    Value,
    Variable,
    refs,
    show_value,
)
from neurosym.lang.base import Language, Program, require_field
from neurosym.lang.syntax import parse_located
from neurosym.problem import Problem
from neurosym.resources import grammar_text
from neurosym.result import ErrorKind, NeurosymError


@dataclass
class Known:
    """A stated probability p(target | given) = value, or (corr) a correlation of two variables."""

    target: dict[str, int]
    given: dict[str, int]
    value: Fraction
    pos: Pos
    corr: tuple[str, str] | None = None


@dataclass
class ScmProgram:
    """A parsed SCM source: the checked model (None for a bare graph), the causal graph (the equations'
    or the stated one), the stated probabilities, and the queries."""

    model: Model | None
    queries: list[Query]
    graph: nx.DiGraph = field(default_factory=nx.DiGraph)
    known: list[Known] = field(default_factory=list)


def _pos(meta: Any) -> Pos:
    return Pos(getattr(meta, "line", None), getattr(meta, "column", None))


def _token_pos(token: Token) -> Pos:
    return Pos(token.line, token.column)


@v_args(meta=True)
class _Build(Transformer):
    """Lark tree -> variables and queries (names are resolved later, against the whole model)."""

    def start(self, meta: Any, items: list[Any]) -> list[Any]:
        return items

    # ---- declarations

    def exo_decl(self, meta: Any, children: list[Any]) -> Variable:
        name, domain, *rest = children
        var = Variable(str(name), domain, exogenous=True, pos=_token_pos(name))
        for part in rest:
            if part[0] == "context":
                var.context = part[1]
            else:
                var.prior = part[1]
        return var

    def endo_decl(self, meta: Any, children: list[Any]) -> Variable:
        name, *rest = children
        domain = rest[0] if len(rest) == 2 else BOOL
        return Variable(str(name), domain, exogenous=False, equation=rest[-1], pos=_token_pos(name))

    def domain_spec(self, meta: Any, children: list[Any]) -> Domain:
        return children[0]

    def context(self, meta: Any, children: list[Any]) -> tuple[str, Value]:
        return ("context", children[0])

    def prior(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("prior", children[0])

    def dist_table(self, meta: Any, children: list[Any]) -> list[tuple[Value, Fraction, Pos]]:
        return children

    def dist_bernoulli(self, meta: Any, children: list[Any]) -> list[tuple[Value, Fraction, Pos]]:
        p = _probability(children[0])
        return [(True, p, _token_pos(children[0])), (False, 1 - p, _token_pos(children[0]))]

    def dist_entry(self, meta: Any, children: list[Any]) -> tuple[Value, Fraction, Pos]:
        return (children[0], _probability(children[1]), _pos(meta))

    def bool_domain(self, meta: Any, children: list[Any]) -> Domain:
        return BOOL

    def range_domain(self, meta: Any, children: list[Any]) -> Domain:
        low, high = int(children[0]), int(children[1])
        if high < low:
            raise NeurosymError(ErrorKind.TYPE, f"empty domain {low}..{high}", meta.line, meta.column)
        if high - low + 1 > MAX_DOMAIN:
            raise NeurosymError(
                ErrorKind.INPUT,
                f"domain {low}..{high} has {high - low + 1} values; the limit is {MAX_DOMAIN}",
                meta.line,
                meta.column,
            )
        return Domain("int", low, high)

    def enum_domain(self, meta: Any, children: list[Any]) -> Domain:
        symbols = tuple(str(c) for c in children)
        if len(set(symbols)) != len(symbols):
            raise NeurosymError(ErrorKind.TYPE, "an enumeration lists a symbol twice", meta.line, meta.column)
        if len(symbols) > MAX_DOMAIN:
            raise NeurosymError(
                ErrorKind.INPUT,
                f"domain has {len(symbols)} values; the limit is {MAX_DOMAIN}",
                meta.line,
                meta.column,
            )
        return Domain("enum", symbols=symbols)

    # ---- values

    def true(self, meta: Any, children: list[Any]) -> Value:
        return True

    def false(self, meta: Any, children: list[Any]) -> Value:
        return False

    def int_value(self, meta: Any, children: list[Any]) -> Value:
        return int(children[0])

    def sym_value(self, meta: Any, children: list[Any]) -> Value:
        return str(children[0])

    # ---- queries

    def value_query(self, meta: Any, children: list[Any]) -> Query:
        return self._query("value", meta, children)

    def prob_query(self, meta: Any, children: list[Any]) -> Query:
        return self._query("prob", meta, children)

    @staticmethod
    def _query(kind: str, meta: Any, children: list[Any]) -> Query:
        query = Query(kind, target=children[0], pos=_pos(meta))
        for part in children[1:]:
            if part[0] == "do":
                query.do = part[1]
            else:
                query.evidence = part[1]
        return query

    def pn_query(self, meta: Any, children: list[Any]) -> Query:
        return Query(children[0], events=[children[1], children[2]], pos=_pos(meta))

    def ac_query(self, meta: Any, children: list[Any]) -> Query:
        return Query(children[0], target=children[2], events=children[1], pos=_pos(meta))

    # ---- graphs, stated probabilities, graph and estimand queries

    def graph_decl(self, meta: Any, children: list[Any]) -> tuple[str, list[tuple[str, str]], Pos]:
        return ("graph", children, _pos(meta))

    def edge(self, meta: Any, children: list[Any]) -> tuple[str, str]:
        return (str(children[0]), str(children[1]))

    def bits(self, meta: Any, children: list[Any]) -> dict[str, int]:
        out: dict[str, int] = {}
        for name, value, pos in children:
            if name in out:
                raise NeurosymError(ErrorKind.TYPE, f"{name} is set twice", pos.line, pos.column)
            out[name] = value
        return out

    def bit(self, meta: Any, children: list[Any]) -> tuple[str, int, Pos]:
        value = int(children[1])
        if value not in (0, 1):
            raise NeurosymError(ErrorKind.TYPE, f"{children[0]} = {value}: stated variables are 0 or 1",
                                children[1].line, children[1].column)
        return (str(children[0]), value, _token_pos(children[0]))

    def known_prob(self, meta: Any, children: list[Any]) -> Known:
        given = children[1] if len(children) == 3 else {}
        clash = set(children[0]) & set(given)
        if clash:
            raise NeurosymError(ErrorKind.TYPE, f"{sorted(clash)[0]} is both asked and given",
                                meta.line, meta.column)
        return Known(children[0], given, _probability(children[-1]), _pos(meta))

    def known_corr(self, meta: Any, children: list[Any]) -> Known:
        given = children[2] if len(children) == 4 else {}
        value = Fraction(str(children[-1]))
        if not -1 <= value <= 1:
            raise NeurosymError(ErrorKind.TYPE, f"correlation {value} is not between -1 and 1",
                                meta.line, meta.column)
        return Known({}, given, value, _pos(meta), corr=(str(children[0]), str(children[1])))

    def nameset(self, meta: Any, children: list[Any]) -> list[str]:
        return [str(c) for c in children]

    def dsep_query(self, meta: Any, children: list[Any]) -> Query:
        names = [str(c) for c in children]
        return Query("dsep", names=names[:2], sets=[names[2:]] if len(names) > 2 else None, pos=_pos(meta))

    def backdoor_query(self, meta: Any, children: list[Any]) -> Query:
        return Query("backdoor", names=[str(children[0]), str(children[1])], sets=children[2:] or None,
                     pos=_pos(meta))

    def frontdoor_query(self, meta: Any, children: list[Any]) -> Query:
        return Query("frontdoor", names=[str(children[0]), str(children[1])], sets=children[2:] or None,
                     pos=_pos(meta))

    def ancestors_query(self, meta: Any, children: list[Any]) -> Query:
        return Query("ancestors", names=[str(children[0])], pos=_pos(meta))

    def descendants_query(self, meta: Any, children: list[Any]) -> Query:
        return Query("descendants", names=[str(children[0])], pos=_pos(meta))

    def affects_query(self, meta: Any, children: list[Any]) -> Query:
        return Query("affects", names=[str(children[0]), str(children[1])], pos=_pos(meta))

    def not_affects_query(self, meta: Any, children: list[Any]) -> Query:
        return Query("affects", names=[str(children[0]), str(children[1])], negated=True, pos=_pos(meta))

    def estimand_query(self, meta: Any, children: list[Any]) -> Query:
        quantity, *rest = children
        query = Query("estimand", quantity=quantity, pos=_pos(meta))
        for part in rest:
            if isinstance(part, Token):
                query.names.append(str(part))
            elif isinstance(part, dict):
                query.bits = part
            elif isinstance(part, tuple):
                query.threshold = part
        if query.quantity in {"nde", "nie"}:
            query.via = query.names[2:]
            query.names = query.names[:2]
        arity = 1 if quantity == "p" else 2
        if len(query.names) != arity or (quantity in {"nde", "nie"}) != bool(query.via):
            raise NeurosymError(ErrorKind.TYPE, f"{quantity} takes {'one variable' if arity == 1 else 'X, Y'}"
                                + (" via mediators" if quantity in {"nde", "nie"} else ""), meta.line, meta.column)
        if (quantity in {"ett", "exp_away"}) != bool(query.bits):
            need = "needs" if quantity in {"ett", "exp_away"} else "takes no"
            raise NeurosymError(ErrorKind.TYPE, f"{quantity} {need} '| V = v'", meta.line, meta.column)
        return query

    def threshold(self, meta: Any, children: list[Any]) -> tuple[str, Fraction]:
        op = "==" if str(children[0]) == "=" else str(children[0])
        return (op, Fraction(str(children[1])))

    def q_p(self, meta: Any, children: list[Any]) -> str:
        return "p"

    def q_assoc(self, meta: Any, children: list[Any]) -> str:
        return "assoc"

    def q_ate(self, meta: Any, children: list[Any]) -> str:
        return "ate"

    def q_ett(self, meta: Any, children: list[Any]) -> str:
        return "ett"

    def q_nde(self, meta: Any, children: list[Any]) -> str:
        return "nde"

    def q_nie(self, meta: Any, children: list[Any]) -> str:
        return "nie"

    def q_exp_away(self, meta: Any, children: list[Any]) -> str:
        return "exp_away"

    def pn(self, meta: Any, children: list[Any]) -> str:
        return "pn"

    def ps(self, meta: Any, children: list[Any]) -> str:
        return "ps"

    def pns(self, meta: Any, children: list[Any]) -> str:
        return "pns"

    def cause(self, meta: Any, children: list[Any]) -> str:
        return "cause"

    def but_for(self, meta: Any, children: list[Any]) -> str:
        return "but_for"

    def sufficient(self, meta: Any, children: list[Any]) -> str:
        return "sufficient"

    def responsibility(self, meta: Any, children: list[Any]) -> str:
        return "responsibility"

    def intervention(self, meta: Any, children: list[Any]) -> tuple[str, list[Event]]:
        return ("do", children)

    def evidence(self, meta: Any, children: list[Any]) -> tuple[str, Expr]:
        return ("given", children[0])

    def events(self, meta: Any, children: list[Any]) -> list[Event]:
        return children

    def event(self, meta: Any, children: list[Any]) -> Event:
        return Event(str(children[0]), children[1], _token_pos(children[0]))

    # ---- expressions

    def ite(self, meta: Any, children: list[Any]) -> Expr:
        return Op("ite", tuple(children), _pos(meta))

    def or_(self, meta: Any, children: list[Any]) -> Expr:
        return Op("or", tuple(children), _pos(meta))

    def and_(self, meta: Any, children: list[Any]) -> Expr:
        return Op("and", tuple(children), _pos(meta))

    def not_(self, meta: Any, children: list[Any]) -> Expr:
        return Op("not", (children[0],), _pos(meta))

    def compare(self, meta: Any, children: list[Any]) -> Expr:
        op = "==" if str(children[1]) == "=" else str(children[1])
        return Op(op, (children[0], children[2]), _token_pos(children[1]))

    def arith(self, meta: Any, children: list[Any]) -> Expr:
        return Op(str(children[1]), (children[0], children[2]), _token_pos(children[1]))

    def negate(self, meta: Any, children: list[Any]) -> Expr:
        return Op("neg", (children[0],), _pos(meta))

    def ref(self, meta: Any, children: list[Any]) -> Expr:
        return Ref(str(children[0]), _token_pos(children[0]))

    def int_lit(self, meta: Any, children: list[Any]) -> Expr:
        return Const(int(children[0]))

    def true_lit(self, meta: Any, children: list[Any]) -> Expr:
        return Const(True)

    def false_lit(self, meta: Any, children: list[Any]) -> Expr:
        return Const(False)

    def call(self, meta: Any, children: list[Any]) -> Expr:
        func, *args = children
        if func in {"abs"} and len(args) != 1:
            raise NeurosymError(ErrorKind.TYPE, "abs takes one argument", meta.line, meta.column)
        return Op(func, tuple(args), _pos(meta))

    def count(self, meta: Any, children: list[Any]) -> str:
        return "count"

    def min(self, meta: Any, children: list[Any]) -> str:
        return "min"

    def max(self, meta: Any, children: list[Any]) -> str:
        return "max"

    def abs(self, meta: Any, children: list[Any]) -> str:
        return "abs"


def _probability(token: Token) -> Fraction:
    text = str(token)
    if "/" in text:
        num, den = text.split("/")
        if int(den) == 0:
            raise NeurosymError(
                ErrorKind.TYPE, f"probability {text} divides by zero", token.line, token.column
            )
        value = Fraction(int(num.split(".")[0]) if "." not in num else Fraction(num), int(den))
    else:
        value = Fraction(text)
    if not 0 <= value <= 1:
        raise NeurosymError(
            ErrorKind.TYPE, f"probability {text} is not between 0 and 1", token.line, token.column
        )
    return value


# ------------------------------------------------------------------------------------------------ parsing


SCM_COMMENT = r"#[^\n]*"


@cache
def _parser() -> lark.Lark:
    return lark.Lark(grammar_text("scm"), parser="lalr", start="start", propagate_positions=True)


def parse_items(text: str, what: str = "model") -> list[Any]:
    """Variables and queries in SCM source; NeurosymError(SYNTAX) with line:column and what was expected."""
    tree = parse_located(_parser(), text, what, comment=SCM_COMMENT)
    try:
        return _Build().transform(tree)
    except lark.exceptions.VisitError as exc:
        if isinstance(exc.orig_exc, NeurosymError):
            raise exc.orig_exc from None
        raise


def parse_program(model_text: str, query_text: str | None = None) -> ScmProgram:
    """The checked model and every query (those in the model source first, then the query field's).

    Examples
    --------
    >>> program = parse_program("exogenous U : bool = true  endogenous X := U", "query value X")
    >>> program.model.endogenous, [query.describe() for query in program.queries]
    (['X'], ['value X'])
    >>> parse_program("endogenous X := Y")
    Traceback (most recent call last):
    ...
    neurosym.result.NeurosymError: the equation of X mentions 'Y', which is not declared
    """
    items = parse_items(model_text, "model")
    variables = [i for i in items if isinstance(i, Variable)]
    queries = [i for i in items if isinstance(i, Query)]
    known = [i for i in items if isinstance(i, Known)]
    graphs = [i for i in items if isinstance(i, tuple) and i[0] == "graph"]
    if query_text:
        extra = parse_items(query_text, "query")
        stray = next((i for i in extra if isinstance(i, Variable)), None)
        if stray is not None:
            raise NeurosymError(
                ErrorKind.SYNTAX,
                f"query field: declaration of {stray.name!r}; declarations belong in the model",
                stray.pos.line,
                stray.pos.column,
            )
        queries.extend(extra)
    if not variables and not graphs:
        raise NeurosymError(ErrorKind.INPUT, "the model declares no variables", 1, 1)
    if variables and (graphs or known):
        pos = graphs[0][2] if graphs else known[0].pos
        raise NeurosymError(ErrorKind.INPUT, "a model has either equations or a stated graph with known "
                            "probabilities, not both", pos.line, pos.column)
    if variables:
        model: Model | None = build_model(variables)
        graph = model.graph  # type: ignore[union-attr]
    else:
        model, graph = None, _stated_graph(graphs)
    for query in queries:
        if query.kind in GRAPH_KINDS:
            _check_graph_query(graph, query, model)
        elif model is None:
            raise NeurosymError(ErrorKind.INPUT, f"'{query.describe()}' needs equations; the model states only "
                                "a graph", query.pos.line, query.pos.column)
        else:
            check_query(model, query)
    for fact in known:
        for name in [*fact.target, *fact.given, *(fact.corr or ())]:
            _node(graph, name, fact.pos, "the statement")
    return ScmProgram(model, queries, graph, known)


def _stated_graph(graphs: list[tuple[str, list[tuple[str, str]], Pos]]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for _, edges, pos in graphs:
        for a, b in edges:
            if a == b:
                raise NeurosymError(ErrorKind.TYPE, f"edge {a} -> {a} is a loop", pos.line, pos.column)
            graph.add_edge(a, b)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return graph
    names = [edge[0] for edge in cycle] + [cycle[0][0]]
    pos = graphs[0][2]
    raise NeurosymError(ErrorKind.TYPE, f"the graph is cyclic: {' -> '.join(names)}", pos.line, pos.column)


def _node(graph: nx.DiGraph, name: str, pos: Pos, what: str) -> str:
    if name not in graph:
        raise NeurosymError(ErrorKind.TYPE, f"{what} names {name!r}, which is not a variable of the graph",
                            pos.line, pos.column)
    return name


def _check_graph_query(graph: nx.DiGraph, query: Query, model: Model | None) -> None:
    for name in [*query.names, *(n for s in query.sets or [] for n in s), *query.bits, *query.via]:
        _node(graph, name, query.pos, "the query")
    if query.kind == "estimand" and model is not None:
        raise NeurosymError(ErrorKind.UNSUPPORTED, "estimands are read from known probabilities over a stated "
                            "graph; with equations ask 'query prob ...'", query.pos.line, query.pos.column)


def build_model(variables: list[Variable]) -> Model:
    names = {v.name for v in variables}
    symbols = {s for v in variables if v.domain.kind == "enum" for s in v.domain.symbols}
    clash = names & symbols
    if clash:
        name = sorted(clash)[0]
        var = next(v for v in variables if v.name == name)
        raise NeurosymError(
            ErrorKind.TYPE,
            f"{name!r} is both a variable and an enumeration symbol",
            var.pos.line,
            var.pos.column,
        )
    for var in variables:
        if var.equation is not None:
            for ref in refs(var.equation):
                if ref.name not in names and ref.name not in symbols:
                    raise NeurosymError(
                        ErrorKind.TYPE,
                        f"the equation of {var.name} mentions {ref.name!r}, which is not declared",
                        ref.pos.line,
                        ref.pos.column,
                    )
    shell = Model({v.name: v for v in variables})
    for var in variables:
        if var.equation is not None:
            var.equation = shell.resolve(var.equation)
        if var.context is not None:
            var.context = _check_value(var, var.context, var.pos, "context value")
        if var.prior is not None:
            var.prior = _check_prior(var, var.prior)  # type: ignore[arg-type]
    return Model.build(variables)


def _check_value(var: Variable, value: Value, pos: Pos, what: str) -> Value:
    if value not in var.domain:
        raise NeurosymError(
            ErrorKind.TYPE,
            f"{what} {show_value(value)} of {var.name} is not in its domain {var.domain}",
            pos.line,
            pos.column,
        )
    return value


def _check_prior(var: Variable, entries: list[tuple[Value, Fraction, Pos]]) -> dict[Value, Fraction]:
    prior: dict[Value, Fraction] = {}
    for value, p, pos in entries:
        _check_value(var, value, pos, "prior value")
        if value in prior:
            raise NeurosymError(
                ErrorKind.TYPE,
                f"the prior of {var.name} lists {show_value(value)} twice",
                pos.line,
                pos.column,
            )
        prior[value] = p
    total = sum(prior.values())
    if total != 1:
        raise NeurosymError(
            ErrorKind.TYPE,
            f"the prior of {var.name} sums to {float(total):g}, not 1",
            var.pos.line,
            var.pos.column,
        )
    return {v: p for v, p in prior.items() if p > 0}


def check_query(model: Model, query: Query) -> None:
    """Resolve and type-check a query against the model (unknown variables are errors with positions)."""
    for event in [*query.do, *query.events]:
        var = model.variable(event.name, event.pos)
        _check_value(var, event.value, event.pos, "value")
    for where in ("target", "evidence"):
        expr = getattr(query, where)
        if expr is None:
            continue
        for ref in refs(expr):
            if ref.name not in model.variables and ref.name not in model.symbol_names():
                raise NeurosymError(
                    ErrorKind.TYPE,
                    f"the query names {ref.name!r}, which is not a variable of the model",
                    ref.pos.line,
                    ref.pos.column,
                )
        expr = model.resolve(expr)
        setattr(query, where, expr)
        if where == "evidence" or query.kind not in {"value"}:
            expr_type = model.type_of(expr)
            if expr_type != "bool":
                raise NeurosymError(
                    ErrorKind.TYPE,
                    f"the query's {'evidence' if where == 'evidence' else 'formula'}"
                    f" must be Boolean, got {expr_type}",
                    query.pos.line,
                    query.pos.column,
                )
        else:
            model.type_of(expr)
    names = [e.name for e in [*query.do]] + [
        e.name for e in query.events if query.kind not in {"pn", "ps", "pns"}
    ]
    if len(set(names)) != len(names):
        raise NeurosymError(
            ErrorKind.TYPE, "the query sets one variable twice", query.pos.line, query.pos.column
        )
    if query.kind in {"cause", "but_for", "sufficient", "responsibility"}:
        for event in query.events:
            if model.variables[event.name].exogenous:
                raise NeurosymError(
                    ErrorKind.TYPE,
                    f"{event.name} is exogenous; actual causes are endogenous",
                    event.pos.line,
                    event.pos.column,
                )
        if query.kind == "responsibility" and len(query.events) != 1:
            raise NeurosymError(
                ErrorKind.TYPE, "responsibility is asked of one event X = x", query.pos.line, query.pos.column
            )
    if query.kind in {"pn", "ps", "pns"}:
        for event in query.events:
            if model.variables[event.name].domain.kind != "bool":
                raise NeurosymError(
                    ErrorKind.UNSUPPORTED,
                    f"{query.kind} is defined here for Boolean variables; "
                    f"{event.name} is {model.variables[event.name].domain}",
                    event.pos.line,
                    event.pos.column,
                )


# ----------------------------------------------------------------------------------------------- language

FLOAT_TOLERANCE = 1e-6
WORDS = {"yes": "true", "no": "false"}


def with_reading(problem: Problem) -> Problem:
    """The problem as its `reading` option reads it. Text that admits more than one formal reading (a
    dataset's own convention beside the textbook one) carries each in the field `readings`, a mapping
    {name: {model, query}} whose entries replace the problem's own; without the option the problem's own
    model and query stand. A reading the problem does not have is an INPUT error naming the ones it has.

    >>> p = Problem(id="p", language="scm", formal={"model": "exogenous A : bool", "query": "query value A",
    ...             "readings": {"strict": {"query": "query value not A"}}}, options={"reading": "strict"})
    >>> with_reading(p).formal
    {'model': 'exogenous A : bool', 'query': 'query value not A'}
    """
    readings = problem.formal.get("readings")
    formal = {k: v for k, v in problem.formal.items() if k != "readings"}
    if readings is not None and not (isinstance(readings, dict) and all(
            isinstance(r, dict) and set(r) <= {"model", "query"} for r in readings.values())):
        raise NeurosymError(ErrorKind.INPUT, f"problem {problem.id!r}: field 'readings' must map each reading's "
                                             "name to its {model, query}")
    chosen = problem.options.get("reading")
    if chosen is None:
        return replace(problem, formal=formal)
    if not readings or chosen not in readings:
        has = ", ".join(sorted(readings or {})) or "none"
        raise NeurosymError(ErrorKind.INPUT, f"problem {problem.id!r} has no reading {chosen!r} (readings: {has})")
    return replace(problem, formal={**formal, **readings[chosen]})


class ScmLanguage(Language):
    name = "scm"
    suffixes = (".scm",)

    def program_from_problem(self, problem: Problem) -> Program:
        problem = with_reading(problem)
        fields: dict[str, Any] = {"model": require_field(problem, "model")}
        if problem.formal.get("query") is not None:
            query = require_field(problem, "query", (str, list))
            fields["query"] = query if isinstance(query, str) else "\n".join(str(q) for q in query)
        unknown = set(problem.formal) - {"model", "query"}
        if unknown:
            raise NeurosymError(
                ErrorKind.INPUT,
                f"problem {problem.id!r}: unknown scm field(s) "
                f"{', '.join(sorted(unknown))} (expected model, query)",
            )
        return Program("scm", fields)

    def check(self, program: Program) -> dict[str, Any]:
        parsed = parse_program(program.fields["model"], program.fields.get("query"))
        model = parsed.model
        if model is None:
            return {"graph_nodes": parsed.graph.number_of_nodes(), "known": len(parsed.known),
                    "queries": len(parsed.queries)}
        return {
            "exogenous": len(model.exogenous),
            "endogenous": len(model.endogenous),
            "queries": len(parsed.queries),
        }

    def problem_from_bare_file(self, text: str, path: Path) -> Problem:
        return Problem(id=path.stem, language="scm", formal={"model": text}, source=str(path))

    def normalize_answer(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.normalize_answer(v) for v in value]
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            text = value.strip().lower()
            return WORDS.get(text, text)
        return value

    def answers_match(self, answer: Any, expected: Any) -> bool:
        a, e = self.normalize_answer(answer), self.normalize_answer(expected)
        if isinstance(a, list) and isinstance(e, list):
            return len(a) == len(e) and all(self.answers_match(x, y) for x, y in zip(a, e, strict=True))
        if _is_number(a) and _is_number(e):
            return abs(float(a) - float(e)) <= FLOAT_TOLERANCE
        return a == e


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


LANGUAGE = ScmLanguage()
