"""Structural causal models as a problem language: grammars/scm.lark parsed into a checked causal Model
and its Queries (neurosym.causal holds the model types and the algorithms).

A problem has the fields `model` (SCM source) and optional `query`. Queries may sit in the model source or
in the `query` field (a string or a list of strings, same syntax; see docs/causal.md). Errors carry line
and column: a syntax error says what was expected, an undeclared name points at the name, a cycle names
its variables. Answers: values (Booleans as true/false), "yes"/"no" for actual-causality verdicts, and
floats for probabilities; expected answers match with yes = true, no = false, and floats within 1e-6.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import lark
from lark import Token, Transformer, v_args

from neurosym.causal.model import (
    BOOL,
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
class ScmProgram:
    """A parsed SCM source: the checked model and its queries."""

    model: Model
    queries: list[Query]


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
    if not variables:
        raise NeurosymError(ErrorKind.INPUT, "the model declares no variables", 1, 1)
    model = build_model(variables)
    for query in queries:
        check_query(model, query)
    return ScmProgram(model, queries)


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


class ScmLanguage(Language):
    name = "scm"
    suffixes = (".scm",)

    def program_from_problem(self, problem: Problem) -> Program:
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
