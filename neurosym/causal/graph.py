"""Graph queries on a causal DAG (networkx, parent -> child): d-separation, backdoor and frontdoor
adjustment sets, ancestors and descendants, each with a certificate.

When the answer is "no" the certificate is the path that shows it: an open (d-connecting) path for a
failed d-separation, an open backdoor path for an invalid adjustment set, the directed path that avoids a
candidate frontdoor set. Paths are lists of node names with the arrows between them, e.g.
`X <- V1 -> Y`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import networkx as nx


def show_path(graph: nx.DiGraph, path: list[str]) -> str:
    """`A -> B <- C` for a path given as nodes.

    >>> g = nx.DiGraph([("A", "B"), ("C", "B")])
    >>> show_path(g, ["A", "B", "C"])
    'A -> B <- C'
    """
    out = path[0]
    for a, b in itertools.pairwise(path):
        out += f" -> {b}" if graph.has_edge(a, b) else f" <- {b}"
    return out


def open_path(graph: nx.DiGraph, x: str, y: str, given: Iterable[str] = (),
              first_edge_into_x: bool = False) -> list[str] | None:
    """A path between x and y that `given` does not block (d-connecting), or None if d-separated.

    With `first_edge_into_x`, only paths that start with an arrow into x (backdoor paths) count.

    >>> g = nx.DiGraph([("X", "M"), ("M", "Y"), ("Z", "X"), ("Z", "Y")])
    >>> open_path(g, "X", "Y", ["Z"])
    ['X', 'M', 'Y']
    >>> open_path(g, "X", "Y", ["M", "Z"]) is None
    True
    """
    given = set(given)
    anc_given = set(given)
    for node in given:
        anc_given |= nx.ancestors(graph, node)
    undirected = graph.to_undirected(as_view=True)
    for path in nx.all_simple_paths(undirected, x, y):
        if first_edge_into_x and not graph.has_edge(path[1], x):
            continue
        if _path_open(graph, path, given, anc_given):
            return list(path)
    return None


def _path_open(graph: nx.DiGraph, path: list[str], given: set[str], anc_given: set[str]) -> bool:
    for prev, node, nxt in zip(path, path[1:], path[2:], strict=False):
        collider = graph.has_edge(prev, node) and graph.has_edge(nxt, node)
        if collider and node not in anc_given:
            return False
        if not collider and node in given:
            return False
    return True


def d_separated(graph: nx.DiGraph, x: str, y: str, given: Iterable[str] = ()) -> bool:
    """Are x and y d-separated by `given` (networkx's algorithm)?

    >>> d_separated(nx.DiGraph([("X", "Z"), ("Y", "Z")]), "X", "Y")
    True
    """
    return nx.is_d_separator(graph, {x}, {y}, set(given))


def backdoor_path(graph: nx.DiGraph, x: str, y: str, adjust: Iterable[str]) -> tuple[str, list[str] | None]:
    """Why `adjust` fails the backdoor criterion for x -> y ("" if it satisfies it), and the path.

    >>> g = nx.DiGraph([("Z", "X"), ("Z", "Y"), ("X", "Y")])
    >>> backdoor_path(g, "X", "Y", [])
    ('a backdoor path is open', ['X', 'Z', 'Y'])
    >>> backdoor_path(g, "X", "Y", ["Z"])
    ('', None)
    """
    adjust = set(adjust)
    descendants = nx.descendants(graph, x)
    bad = sorted(adjust & (descendants | {x, y}))
    if bad:
        return f"{', '.join(bad)} is a descendant of {x} (or {x} or {y} itself)", None
    path = open_path(graph, x, y, adjust, first_edge_into_x=True)
    if path is not None:
        return "a backdoor path is open", path
    return "", None


def backdoor_sets(graph: nx.DiGraph, x: str, y: str, candidates: Iterable[str] | None = None) -> list[set[str]]:
    """Every set of candidate nodes that satisfies the backdoor criterion, smallest first.

    >>> g = nx.DiGraph([("Z", "X"), ("Z", "Y"), ("X", "Y")])
    >>> backdoor_sets(g, "X", "Y")
    [{'Z'}]
    """
    pool = sorted(set(candidates if candidates is not None else graph.nodes) - {x, y}
                  - nx.descendants(graph, x))
    found = []
    for size in range(len(pool) + 1):
        for subset in itertools.combinations(pool, size):
            if not backdoor_path(graph, x, y, subset)[0]:
                found.append(set(subset))
    return found


def frontdoor_problem(graph: nx.DiGraph, x: str, y: str, mediators: Iterable[str]) -> tuple[str, list[str] | None]:
    """Why `mediators` fail the frontdoor criterion for x -> y ("" if they satisfy it), with a path.

    (1) they intercept every directed path x -> y; (2) no open backdoor path from x to them; (3) every
    backdoor path from them to y is blocked by x.

    >>> g = nx.DiGraph([("U", "X"), ("U", "Y"), ("X", "M"), ("M", "Y")])
    >>> frontdoor_problem(g, "X", "Y", ["M"])
    ('', None)
    """
    mediators = set(mediators)
    if not mediators or mediators & {x, y}:
        return "the frontdoor set must be non-empty and hold neither end", None
    for path in nx.all_simple_paths(graph, x, y):
        if not mediators & set(path[1:-1]):
            return "a directed path avoids the set", path
    for m in sorted(mediators):
        path = open_path(graph, x, m, (), first_edge_into_x=True)
        if path is not None:
            return f"a backdoor path from {x} to {m} is open", path
        path = open_path(graph, m, y, {x}, first_edge_into_x=True)
        if path is not None:
            return f"a backdoor path from {m} to {y} is not blocked by {x}", path
    return "", None


def frontdoor_sets(graph: nx.DiGraph, x: str, y: str) -> list[set[str]]:
    """Every frontdoor set for x -> y among the other nodes, smallest first."""
    pool = sorted(set(graph.nodes) - {x, y})
    return [set(s) for size in range(1, len(pool) + 1) for s in itertools.combinations(pool, size)
            if not frontdoor_problem(graph, x, y, s)[0]]


def directed_path(graph: nx.DiGraph, x: str, y: str) -> list[str] | None:
    """A directed path x -> ... -> y, or None (then x does not affect y in the graph)."""
    try:
        return list(nx.shortest_path(graph, x, y))
    except nx.NetworkXNoPath:
        return None


def instruments(graph: nx.DiGraph, x: str, y: str) -> list[str]:
    """Nodes z with an edge z -> x that are d-separated from y once x's outgoing edges are cut."""
    cut = graph.copy()
    cut.remove_edges_from(list(graph.out_edges(x)))
    return [z for z in sorted(graph.predecessors(x)) if z != y and d_separated(cut, z, y)]
