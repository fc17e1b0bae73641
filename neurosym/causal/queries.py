"""Interventions, deterministic counterfactuals and probabilistic queries, all by exact enumeration.

Deterministic queries (`value`): exogenous variables with a context value are fixed; those without one
range over their prior's support (or their domain). Abduction keeps the contexts whose factual world
satisfies the evidence; action applies do(); prediction evaluates the target. One value across every
kept context is the answer; several values mean the question is not determined by what is given, which
is status `unknown` with a context for each value (never a guess). Evidence that no context satisfies
contradicts the equations: an INPUT error that says what the equations give instead.

Probabilistic queries (`prob`, `pn`, `ps`, `pns`) weight contexts by the independent priors, exactly (as
fractions), and answer a float; evidence of probability zero is an INPUT error.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from neurosym.causal.model import (
    Const,
    Event,
    Expr,
    Model,
    Op,
    Query,
    Ref,
    Value,
    evaluate,
    format_assignment,
    show,
    show_value,
)
from neurosym.result import ErrorKind, NeurosymError, Status

MAX_CONTEXTS = 1_000_000  # contexts one query may enumerate


def _check_count(sizes: dict[str, int], what: str) -> None:
    total = math.prod(sizes.values()) if sizes else 1
    if total > MAX_CONTEXTS:
        raise NeurosymError(
            ErrorKind.INPUT,
            f"{what} would enumerate {total} contexts over {', '.join(sizes)}; the limit is {MAX_CONTEXTS}",
        )


def deterministic_contexts(model: Model) -> Iterator[dict[str, Value]]:
    """Every context the given context values allow: free exogenous variables range over their support."""
    fixed = {n: model.variables[n].context for n in model.exogenous if model.variables[n].context is not None}
    free = [n for n in model.exogenous if n not in fixed]
    supports = [tuple(model.variables[n].prior or model.variables[n].domain.values()) for n in free]
    _check_count({n: len(s) for n, s in zip(free, supports, strict=True)}, "the query")
    for combo in itertools.product(*supports):
        yield {n: (fixed[n] if n in fixed else combo[free.index(n)]) for n in model.exogenous}


def weighted_contexts(model: Model) -> Iterator[tuple[dict[str, Value], Fraction]]:
    """Every context with its prior probability; a variable with neither prior nor context is an error."""
    supports: dict[str, list[tuple[Value, Fraction]]] = {}
    for name in model.exogenous:
        var = model.variables[name]
        if var.prior is not None:
            supports[name] = list(var.prior.items())
        elif var.context is not None:
            supports[name] = [(var.context, Fraction(1))]
        else:
            raise NeurosymError(
                ErrorKind.TYPE,
                f"{name} has neither a prior nor a context value, so probabilities are undefined",
                var.pos.line,
                var.pos.column,
            )
    _check_count({n: len(s) for n, s in supports.items()}, "the query")
    for combo in itertools.product(*supports.values()):
        weight = math.prod((p for _, p in combo), start=Fraction(1))
        yield dict(zip(supports, (v for v, _ in combo), strict=True)), weight


def _do(events: list[Event]) -> dict[str, Value]:
    return {e.name: e.value for e in events}


def _conjuncts(expr: Expr) -> list[Expr]:
    if isinstance(expr, Op) and expr.op == "and":
        return [part for arg in expr.args for part in _conjuncts(arg)]
    return [expr]


def _contradiction(model: Model, evidence: Expr, query: Query) -> NeurosymError:
    """The error for evidence no allowed context satisfies, saying which observation breaks it and what
    the equations give there instead (given the observations before it)."""
    parts = _conjuncts(evidence)
    detail = ""
    for index in range(len(parts)):
        earlier = parts[:index]
        witness = next(
            (
                model.world(c)
                for c in deterministic_contexts(model)
                if all(evaluate(p, model.world(c)) for p in earlier)
            ),
            None,
        )
        if witness is None:
            break
        if not any(
            all(evaluate(p, w) for p in parts[: index + 1])
            for w in (model.world(c) for c in deterministic_contexts(model))
        ):
            given = f"with {' and '.join(show(p) for p in earlier)}, " if earlier else ""
            shown = format_assignment({r.name: witness[r.name] for r in _refs_in(parts[index])})
            detail = f"; {given}the equations give {shown}, not '{show(parts[index])}'"
            break
    return NeurosymError(
        ErrorKind.INPUT,
        f"the evidence '{show(evidence)}' contradicts the model: no context allowed by the given context "
        f"values satisfies it{detail}",
        query.pos.line,
        query.pos.column,
    )


def _refs_in(expr: Expr) -> list[Ref]:
    seen: dict[str, Ref] = {}
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Ref):
            seen.setdefault(node.name, node)
        elif isinstance(node, Op):
            stack.extend(node.args)
    return sorted(seen.values(), key=lambda r: r.name)


def value_query(model: Model, query: Query) -> tuple[Status, Any, dict[str, Any]]:
    """Prediction, intervention or counterfactual (abduction, action, prediction) in the given context.

    Examples
    --------
    >>> from neurosym.lang.scm import parse_program
    >>> chain = parse_program("exogenous U : bool = true  endogenous X := U  endogenous Y := X",
    ...                       "query value Y do(X = false)")
    >>> status, answer, certificate = value_query(chain.model, chain.queries[0])
    >>> answer, certificate["derivation"]
    (False, ['X = false (intervention)', 'Y = false (by Y := X)'])
    """
    do = _do(query.do)
    target = query.target
    assert target is not None
    by_value: dict[Value, list[tuple[dict, dict, dict]]] = {}
    kept = 0
    for context in deterministic_contexts(model):
        factual = model.world(context)
        if query.evidence is not None and not evaluate(query.evidence, factual):
            continue
        kept += 1
        world = model.world(context, do) if do else factual
        by_value.setdefault(evaluate(target, world), []).append((context, factual, world))
    if not by_value:
        raise _contradiction(model, query.evidence or Const(True), query)
    kind = "counterfactual" if do and query.evidence is not None else "intervention" if do else "prediction"
    if len(by_value) > 1:
        return (
            Status.UNKNOWN,
            None,
            {
                "kind": kind,
                "query": query.describe(),
                "reason": "the answer depends on exogenous values neither given nor fixed by the evidence",
                "contexts": kept,
                "values": [{"value": v, "context": worlds[0][0]} for v, worlds in by_value.items()],
            },
        )
    ((value, worlds),) = by_value.items()
    context, factual, world = worlds[0]
    certificate: dict[str, Any] = {"kind": kind, "query": query.describe(), "contexts": kept}
    if kept == 1:
        certificate["context"] = context
        certificate["factual_world"] = factual
        if do:
            certificate["counterfactual_world"] = world
        certificate["derivation"] = model.derivation(world, do)
    else:
        certificate["note"] = f"the same value in all {kept} contexts consistent with the evidence"
        certificate["example_context"] = context
    return Status.SOLVED, value, certificate


def probability(model: Model, outcome: Any, evidence: Any = None) -> tuple[Fraction, Fraction]:
    """(P(outcome | evidence), P(evidence)), where both are callables context, factual world -> bool."""
    joint = total = Fraction(0)
    for context, weight in weighted_contexts(model):
        factual = model.world(context)
        if evidence is not None and not evidence(context, factual):
            continue
        total += weight
        if outcome(context, factual):
            joint += weight
    if total == 0:
        return Fraction(0), total
    return joint / total, total


def prob_query(model: Model, query: Query) -> tuple[Status, Any, dict[str, Any]]:
    """P(target under do | evidence in the factual world), exactly.

    Examples
    --------
    >>> from neurosym.lang.scm import parse_program
    >>> coin = parse_program("exogenous U : bool ~ {true: 1/4, false: 3/4}  endogenous Y := not U",
    ...                      "query prob Y = true")
    >>> status, answer, certificate = prob_query(coin.model, coin.queries[0])
    >>> answer, certificate["exact"]
    (0.75, '3/4')
    """
    do = _do(query.do)
    target, given = query.target, query.evidence

    def outcome(context: dict, factual: dict) -> bool:
        world = model.world(context, do) if do else factual
        return bool(evaluate(target, world))  # type: ignore[arg-type]

    evidence = None if given is None else (lambda _c, factual: bool(evaluate(given, factual)))
    value, p_evidence = probability(model, outcome, evidence)
    if p_evidence == 0:
        raise NeurosymError(
            ErrorKind.INPUT,
            f"the evidence '{show(given)}' has probability 0 under the priors"
            if given is not None
            else "the priors give no context",
            query.pos.line,
            query.pos.column,
        )
    return (
        Status.SOLVED,
        float(value),
        {
            "kind": "probability",
            "query": query.describe(),
            "exact": str(value),
            "p_evidence": str(p_evidence),
        },
    )


def pn_query(model: Model, query: Query) -> tuple[Status, Any, dict[str, Any]]:
    """Probabilities of necessity, sufficiency, or both (Pearl, Causality ch. 9) for Boolean X and Y.

    Examples
    --------
    >>> from neurosym.lang.scm import parse_program
    >>> model = parse_program("exogenous U : bool ~ {true: 1/2, false: 1/2}  endogenous X := U  "
    ...                       "endogenous Y := X", "query pns(X = true, Y = true)")
    >>> pn_query(model.model, model.queries[0])[1]  # Y follows X exactly: X is necessary and sufficient
    1.0
    """
    x_event, y_event = query.events
    x_name, x, y_name, y = x_event.name, x_event.value, y_event.name, y_event.value

    def y_under(context: dict, value: Value) -> Value:
        return model.world(context, {x_name: value})[y_name]

    def factual_is(xv: Value, yv: Value) -> Any:
        return lambda _c, factual: factual[x_name] == xv and factual[y_name] == yv

    if query.kind == "pn":  # P(Y_{x'} = y' | X = x, Y = y)
        value, p_evidence = probability(model, lambda c, _f: y_under(c, not x) == (not y), factual_is(x, y))
        definition = (
            f"P({y_name}_{{{x_name}={show_value(not x)}}} = {show_value(not y)} | {x_event}, {y_event})"
        )
    elif query.kind == "ps":  # P(Y_x = y | X = x', Y = y')
        value, p_evidence = probability(model, lambda c, _f: y_under(c, x) == y, factual_is(not x, not y))
        definition = (
            f"P({y_name}_{{{x_event}}} = {show_value(y)} | {x_name} = {show_value(not x)}, "
            f"{y_name} = {show_value(not y)})"
        )
    else:  # P(Y_x = y, Y_{x'} = y')
        value, p_evidence = probability(
            model, lambda c, _f: y_under(c, x) == y and y_under(c, not x) == (not y)
        )
        definition = (
            f"P({y_name}_{{{x_event}}} = {show_value(y)}, {y_name}_{{{x_name}={show_value(not x)}}} = "
            f"{show_value(not y)})"
        )
    if p_evidence == 0:
        raise NeurosymError(
            ErrorKind.INPUT,
            f"{query.kind} conditions on an event of probability 0: {definition}",
            query.pos.line,
            query.pos.column,
        )
    return (
        Status.SOLVED,
        float(value),
        {"kind": query.kind, "definition": definition, "exact": str(value), "p_evidence": str(p_evidence)},
    )
