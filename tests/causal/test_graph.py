"""Graph queries: d-separation, backdoor and frontdoor sets, directed effects, answered through the SCM
language and the causal backend, with the connecting path as the certificate of a "no"."""

from __future__ import annotations

from fractions import Fraction

import networkx as nx
import pytest

from neurosym.backends.causal import CausalBackend
from neurosym.causal import graph as g
from neurosym.causal.estimands import Store, Unidentified, estimate
from neurosym.lang.base import Program
from neurosym.lang.scm import parse_program
from neurosym.problem import Limits
from neurosym.result import NeurosymError, Status

FRONTDOOR = "graph U -> X, U -> Y, X -> M, M -> Y\n"


def solve(model: str, query: str):
    return CausalBackend().solve(Program("scm", {"model": model, "query": query}), Limits())


def test_d_separation_agrees_with_networkx_and_shows_the_open_path() -> None:
    out = solve(FRONTDOOR, "query dsep X, Y given M")
    assert out.answer == "no" and out.certificate["open_path"] == "X <- U -> Y"
    assert solve(FRONTDOOR, "query dsep X, Y given M, U").answer == "yes"
    graph = nx.DiGraph([("U", "X"), ("U", "Y"), ("X", "M"), ("M", "Y")])
    for given in ([], ["M"], ["U"], ["M", "U"]):
        assert g.d_separated(graph, "X", "Y", given) == (g.open_path(graph, "X", "Y", given) is None)


def test_backdoor_and_frontdoor_sets() -> None:
    out = solve(FRONTDOOR, "query backdoor X -> Y given {}")
    assert out.answer == "no" and out.certificate["path"] == "X <- U -> Y"
    assert solve(FRONTDOOR, "query backdoor X -> Y given {U}").answer == "yes"
    assert solve(FRONTDOOR, "query backdoor X -> Y given {M}").answer == "no"  # a descendant of X
    assert solve(FRONTDOOR, "query backdoor X -> Y given {U} over {}").answer == "yes"
    assert solve(FRONTDOOR, "query frontdoor X -> Y given {M}").answer == "yes"
    assert solve(FRONTDOOR, "query frontdoor X -> Y").answer == ["M"]
    assert solve(FRONTDOOR, "query ancestors Y").answer == ["M", "U", "X"]
    assert solve(FRONTDOOR, "query descendants X").answer == ["M", "Y"]


def test_directed_effect_and_its_negation() -> None:
    collider = "graph X -> C, Y -> C\n"
    out = solve(collider, "query not affects X -> Y")
    assert out.answer == "yes" and "no directed path" in out.certificate["reason"]
    assert solve(collider, "query affects X -> C").answer == "yes"


def test_graph_errors_are_located() -> None:
    with pytest.raises(NeurosymError, match="not a variable of the graph"):
        parse_program("graph X -> Y", "query dsep X, Z")
    with pytest.raises(NeurosymError, match="cyclic"):
        parse_program("graph X -> Y, Y -> X")
    with pytest.raises(NeurosymError, match="needs equations"):
        parse_program("graph X -> Y", "query value Y")


def _frontdoor_store() -> Store:
    store = Store(nx.DiGraph([("U", "X"), ("U", "Y"), ("X", "M"), ("M", "Y")]))
    store.state({"X": 1}, {}, Fraction(1, 2))
    store.state({"M": 1}, {"X": 0}, Fraction(1, 5))
    store.state({"M": 1}, {"X": 1}, Fraction(4, 5))
    for x in (0, 1):
        for m in (0, 1):
            store.state({"Y": 1}, {"X": x, "M": m}, Fraction(1 + m * 5 + x, 10))
    return store


def test_the_frontdoor_formula_by_hand() -> None:
    result = estimate(_frontdoor_store(), "ate", "X", "Y")
    # sum_m [P(m|1) - P(m|0)] sum_x P(Y|x,m) P(x): m=1 weight 3/5, m=0 weight -3/5
    outcome = {m: sum(Fraction(1 + m * 5 + x, 10) * Fraction(1, 2) for x in (0, 1)) for m in (0, 1)}
    assert result.value.low == Fraction(3, 5) * (outcome[1] - outcome[0])
    assert "P(X')" in result.estimand


def test_unidentified_names_what_is_missing() -> None:
    store = Store(nx.DiGraph([("U", "X"), ("U", "Y"), ("X", "Y")]))
    store.state({"Y": 1}, {"X": 1}, Fraction(1, 2))
    with pytest.raises(Unidentified, match="missing"):
        estimate(store, "ate", "X", "Y")
    out = solve("graph U -> X, U -> Y, X -> Y\nknown p(Y = 1 | X = 1) = 0.5\nknown p(Y = 1 | X = 0) = 0.4",
                "query ate(X, Y) > 0")
    assert out.status == Status.UNKNOWN and "P(" in out.certificate["reason"]


def test_ett_sign_is_exact_when_only_bounds_follow() -> None:
    # confounded: P(Z | X=1) is not stated, but both strata's differences are positive
    model = ("graph Z -> X, Z -> Y, X -> Y\nknown p(Z = 1) = 0.5\n"
             "known p(Y = 1 | X = 0, Z = 0) = 0.1\nknown p(Y = 1 | X = 1, Z = 0) = 0.3\n"
             "known p(Y = 1 | X = 0, Z = 1) = 0.6\nknown p(Y = 1 | X = 1, Z = 1) = 0.7\n")
    out = solve(model, "query ett(X, Y | X = 1) > 0")
    assert out.answer == "yes" and out.certificate["interval"] == [pytest.approx(0.1), pytest.approx(0.2)]
    assert solve(model, "query ett(X, Y | X = 1)").status == Status.UNKNOWN
