"""Prolog limits that user code cannot catch, and cyclic or exponentially shared terms printed safely."""

from __future__ import annotations

import pytest

from neurosym.backends import backend_class
from neurosym.engine import run_backend
from neurosym.lang.base import Program
from neurosym.problem import Limits
from neurosym.result import ErrorKind, Status

pytestmark = pytest.mark.skipif(not backend_class("swipl").available(), reason="SWI-Prolog is not installed")


def solve(program: str, query: str, seconds: float = 1.5, **options: int):
    return run_backend(["swipl"], Program("prolog", {"program": program, "query": query}, options=options),
                       Limits(seconds=seconds))


@pytest.mark.parametrize("query", [
    "q",  # q :- catch(loop, _, q): the time limit is re-thrown, not swallowed
    "findall(x, catch(loop, _, loop), _)",
    "catch_with_backtrace(loop, _, loop)",
    "setup_call_cleanup(true, true, loop)",  # a cleanup that loops is interruptible
])
def test_a_caught_time_limit_still_stops_the_program(query: str) -> None:
    outcome = solve("loop :- loop.\nq :- catch(loop, _, q).\n", query)
    assert outcome.status in (Status.TIMEOUT, Status.UNKNOWN)  # whichever limit fires first
    assert "limit" in outcome.certificate["reason"]


def test_a_caught_inference_limit_is_not_an_answer() -> None:
    outcome = solve("p.\n", "catch((repeat, fail), _, true)", seconds=20, inferences=100_000)
    assert outcome.status == Status.UNKNOWN and "inference limit" in outcome.certificate["reason"]


def test_ordinary_catch_and_cleanup_still_work() -> None:
    caught = solve("p(E) :- catch(_ is 1/0, error(E, _), true).\n", "p(E)")
    assert caught.status == Status.SOLVED
    assert caught.certificate["solutions"] == [{"E": "evaluation_error(zero_divisor)"}]
    cleaned = solve("p(X) :- setup_call_cleanup(X = 1, true, write(done)).\n", "p(X)")
    assert cleaned.status == Status.SOLVED and cleaned.certificate["output"] == "done"


def test_redefining_catch_is_refused() -> None:
    outcome = solve("catch(_, _, _).\n", "true")
    assert outcome.status == Status.ERROR and outcome.error.kind == ErrorKind.REFUSED


@pytest.mark.parametrize(("query", "shown"), [("X = f(X)", "_S1 where _S1 = f(_S1)"),
                                              ("X = f(X, X)", "_S1 where _S1 = f(_S1,_S1)")])
def test_cyclic_terms_are_printed_as_cyclic(query: str, shown: str) -> None:
    outcome = solve("p.\n", query)
    assert outcome.status == Status.SOLVED and outcome.certificate["solutions"] == [{"X": shown}]


def test_exponentially_shared_term_is_printed_bounded() -> None:
    outcome = solve("b(0, a) :- !.\nb(N, f(T, T)) :- M is N - 1, b(M, T).\n", "b(60, X)", seconds=10)
    assert outcome.status == Status.SOLVED
    assert len(outcome.certificate["solutions"][0]["X"]) <= 20_003
