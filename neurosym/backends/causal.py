"""The causal engine as a backend: parse the SCM, answer each query exactly, with its derivation or witness.

One query answers with its value; several answer with the list of values (status `unknown` if any is
undetermined). Actual causality uses the Z3 search unless the problem's options say
`method: enumerate` (the reference implementation). With `draw: true` the certificate also holds the DOT
source of the graph marked for each query (`dot`, one per query), which `neurosym solve --draw` renders.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from neurosym.backends.base import Backend
from neurosym.causal.actual import GaveUp, searcher
from neurosym.causal.draw import query_dot
from neurosym.causal.estimands import Unidentified
from neurosym.causal.ladder import answer_graph_query, store_from
from neurosym.causal.model import GRAPH_KINDS, Model, Query
from neurosym.causal.queries import pn_query, prob_query, value_query
from neurosym.lang.base import Program
from neurosym.lang.scm import parse_program
from neurosym.problem import Limits
from neurosym.result import ErrorKind, NeurosymError, Outcome, Status

AC_KINDS = {"cause", "but_for", "sufficient", "responsibility"}


def answer_query(
    model: Model, query: Query, method: str = "z3", deadline: float | None = None
) -> tuple[Status, Any, dict[str, Any]]:
    """Status, answer and certificate of one query; an actual-causality search past `deadline`
    (time.monotonic()) is status unknown, never a verdict."""
    if query.kind == "value":
        return value_query(model, query)
    if query.kind == "prob":
        return prob_query(model, query)
    if query.kind in {"pn", "ps", "pns"}:
        return pn_query(model, query)
    assert query.target is not None
    search = searcher(method, model, query.target, deadline=deadline)
    try:
        return _actual_causality(search, query, method)
    except GaveUp as exc:
        return Status.UNKNOWN, None, {"kind": query.kind, "query": query.describe(), "reason": str(exc)}


def _actual_causality(search: Any, query: Query, method: str) -> tuple[Status, Any, dict[str, Any]]:
    cause = {e.name: e.value for e in query.events}
    base = {
        "kind": query.kind,
        "query": query.describe(),
        "method": method,
        "context": search.context,
        "actual_world": search.actual,
    }
    if query.kind == "responsibility":
        ((name, value),) = cause.items()
        result = search.responsibility(name, value)
        return Status.SOLVED, float(result.degree), {**base, **result.to_dict()}
    if query.kind == "sufficient":
        sufficiency = search.sufficient(cause)
        return Status.SOLVED, "yes" if sufficiency.is_sufficient else "no", {**base, **sufficiency.to_dict()}
    verdict = search.is_cause(cause) if query.kind == "cause" else search.but_for(cause)
    return Status.SOLVED, "yes" if verdict.is_cause else "no", {**base, **verdict.to_dict()}


class CausalBackend(Backend):
    name: ClassVar[str] = "causal"
    languages: ClassVar[tuple[str, ...]] = ("scm",)

    def solve(self, program: Program, limits: Limits) -> Outcome:
        started = time.perf_counter()
        parsed = parse_program(program.fields["model"], program.fields.get("query"))
        parse_seconds = time.perf_counter() - started
        if not parsed.queries:
            raise NeurosymError(
                ErrorKind.INPUT, "the model asks no query (add 'query ...' lines or a query field)"
            )
        method = str(program.options.get("method", "z3"))
        # Give up a little before the sandbox's wall clock would kill the worker, so the answer says why.
        deadline = time.monotonic() + 0.8 * limits.seconds
        try:
            store = store_from(parsed.graph, parsed.known)
        except Unidentified as exc:
            raise NeurosymError(ErrorKind.INPUT, str(exc)) from None
        answers = [answer_graph_query(parsed.graph, q, store) if q.kind in GRAPH_KINDS
                   else answer_query(parsed.model, q, method, deadline)  # type: ignore[arg-type]
                   for q in parsed.queries]
        timings = {"parse": parse_seconds, "solve": time.perf_counter() - started}
        status = Status.SOLVED if all(s == Status.SOLVED for s, _, _ in answers) else Status.UNKNOWN
        if len(answers) == 1:
            _, answer, certificate = answers[0]
        else:
            answer, certificate = [a for _, a, _ in answers], {"queries": [c for _, _, c in answers]}
        if program.options.get("draw") and parsed.model is not None:
            certificate = {**certificate, "dot": [query_dot(parsed.model, q) for q in parsed.queries]}
        return Outcome(status, answer, certificate, timings=timings)
