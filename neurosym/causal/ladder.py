"""Answers to graph queries and estimand queries (the rungs of Pearl's ladder over a stated graph).

Graph queries answer yes/no (or a set of names) with the path that decides them; estimand queries
answer a number, or yes/no when compared with a threshold, with the estimand and the terms read as the
certificate. A quantity the stated probabilities do not determine is status unknown, naming what is
missing; an interval that straddles the threshold is unknown too, never a guess.
"""

from __future__ import annotations

import operator
from fractions import Fraction
from typing import Any

import networkx as nx

from neurosym.causal import graph as g
from neurosym.causal.estimands import Store, Unidentified, estimate
from neurosym.causal.model import Query
from neurosym.result import Status

COMPARE = {">": operator.gt, "<": operator.lt, ">=": operator.ge, "<=": operator.le, "==": operator.eq,
           "!=": operator.ne}


def answer_graph_query(graph: nx.DiGraph, query: Query, store: Store | None = None
                       ) -> tuple[Status, Any, dict[str, Any]]:
    """Status, answer and certificate of a graph or estimand query.

    >>> from neurosym.lang.scm import parse_program
    >>> p = parse_program("graph Z -> X, Z -> Y, X -> Y", "query dsep X, Y given Z")
    >>> answer_graph_query(p.graph, p.queries[0])[1:]
    ('no', {'kind': 'dsep', 'query': 'dsep X, Y given Z', 'open_path': 'X -> Y'})
    """
    base: dict[str, Any] = {"kind": query.kind, "query": query.describe()}
    names = query.names
    if query.kind == "dsep":
        given = query.sets[0] if query.sets else []
        path = g.open_path(graph, names[0], names[1], given)
        if path is None:
            return Status.SOLVED, "yes", {**base, "reason": "every path is blocked"}
        return Status.SOLVED, "no", {**base, "open_path": g.show_path(graph, path)}
    if query.kind in {"backdoor", "frontdoor"}:
        return _adjustment(graph, query, base)
    if query.kind in {"ancestors", "descendants"}:
        found = nx.ancestors(graph, names[0]) if query.kind == "ancestors" else nx.descendants(graph, names[0])
        return Status.SOLVED, sorted(found), base
    if query.kind == "affects":
        path = g.directed_path(graph, names[0], names[1])
        affects = path is not None
        answer = "yes" if affects != query.negated else "no"
        if path:
            return Status.SOLVED, answer, {**base, "directed_path": g.show_path(graph, path)}
        return Status.SOLVED, answer, {**base, "reason": f"no directed path from {names[0]} to {names[1]}"}
    return _estimand(graph, query, store or Store(graph), base)


def _adjustment(graph: nx.DiGraph, query: Query, base: dict[str, Any]) -> tuple[Status, Any, dict[str, Any]]:
    x, y = query.names
    check = g.backdoor_path if query.kind == "backdoor" else g.frontdoor_problem
    if not query.sets:
        found = (g.backdoor_sets if query.kind == "backdoor" else g.frontdoor_sets)(graph, x, y)
        if not found:
            return Status.SOLVED, "none", {**base, "reason": f"no {query.kind} set exists"}
        return Status.SOLVED, sorted(found[0]), {**base, "all": [sorted(s) for s in found]}
    verdicts = []
    for candidate in query.sets:
        reason, path = check(graph, x, y, candidate)
        verdict: dict[str, Any] = {"set": candidate, "valid": not reason}
        if reason:
            verdict["reason"] = reason
        if path:
            verdict["path"] = g.show_path(graph, path)
        verdicts.append(verdict)
    if len(verdicts) == 1:
        return Status.SOLVED, "yes" if verdicts[0]["valid"] else "no", {**base, **verdicts[0]}
    # "A over B": A is valid, and B is not, or B only adds variables A shows are not needed
    a, b = set(query.sets[0]), set(query.sets[1])
    better = verdicts[0]["valid"] and (not verdicts[1]["valid"] or a < b)
    return Status.SOLVED, "yes" if better else "no", {**base, "candidates": verdicts}


def _estimand(graph: nx.DiGraph, query: Query, store: Store, base: dict[str, Any]
              ) -> tuple[Status, Any, dict[str, Any]]:
    names = query.names
    x, y = (names[0], names[1]) if len(names) == 2 else ("", names[0])
    try:
        result = estimate(store, query.quantity, x, y, treated=query.bits.get(x, 1),
                          mediators=tuple(query.via), given=query.bits)
    except Unidentified as exc:
        return Status.UNKNOWN, None, {**base, "reason": str(exc)}
    certificate = {**base, **result.to_dict()}
    value = result.value
    if query.threshold is None:
        if not value.exact:
            return Status.UNKNOWN, None, {**certificate, "reason": "only bounds follow from the statements"}
        return Status.SOLVED, float(value.low), certificate
    op, bound = query.threshold
    compare = COMPARE[op]
    low, high = compare(value.low, bound), compare(value.high, bound)
    if low != high and op not in {"==", "!="}:
        return Status.UNKNOWN, None, {**certificate, "reason": f"the interval straddles {bound}"}
    if not value.exact and op in {"==", "!="}:
        return Status.UNKNOWN, None, {**certificate, "reason": "only bounds follow from the statements"}
    return Status.SOLVED, "yes" if low else "no", certificate


def store_from(graph: nx.DiGraph, known: list[Any]) -> Store:
    """The store of a program's stated probabilities (correlations are recorded, not used as terms)."""
    store = Store(graph)
    for fact in known:
        if fact.corr is None:
            store.state(fact.target, fact.given, Fraction(fact.value))
    return store
