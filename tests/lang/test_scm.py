"""The SCM language: parsing, checks, and the bad inputs the issue lists, each refused with a location."""

from __future__ import annotations

import pytest

from neurosym.lang import get_language
from neurosym.lang.scm import parse_program
from neurosym.result import ErrorKind, NeurosymError


def error_of(model: str, query: str | None = None) -> NeurosymError:
    with pytest.raises(NeurosymError) as caught:
        parse_program(model, query)
    return caught.value


def test_a_full_model_parses_with_domains_priors_and_queries() -> None:
    program = parse_program("""
        exogenous U : bool = true ~ 0.7
        exogenous N : 0..3 = 2 ~ {0: 0.1, 1: 0.2, 2: 0.3, 3: 0.4}
        exogenous C : {red, green} = red ~ {red: 1/3, green: 2/3}
        endogenous X := U and not N = 0
        endogenous Y : -5..10 := if X then N * 2 - 1 else -max(N, 1)
        endogenous Z : {red, green} := if C = red and X then green else red
        query value Y do(X = false)
        query prob Z = green given U
    """)
    model = program.model
    assert model.exogenous == ["U", "N", "C"]
    assert model.order == ["X", "Y", "Z"]
    assert model.variables["C"].prior["green"] * 3 == 2
    assert model.world(model.actual_context()) == {
        "U": True,
        "N": 2,
        "C": "red",
        "X": True,
        "Y": 3,
        "Z": "green",
    }
    assert [q.kind for q in program.queries] == ["value", "prob"]


def test_a_cycle_is_refused_with_the_cycle_named() -> None:
    error = error_of(
        "exogenous U : bool = true\nendogenous A := U and C\nendogenous B := A\nendogenous C := B\n"
    )
    assert error.info.kind == ErrorKind.TYPE
    assert "cyclic" in error.info.message
    for name in ("A", "B", "C"):
        assert name in error.info.message
    assert error.info.line is not None


def test_an_undeclared_variable_is_an_error_at_its_line_and_column() -> None:
    error = error_of("exogenous U : bool = true\nendogenous A := U\nendogenous B := A or Q\n")
    assert "'Q'" in error.info.message and "not declared" in error.info.message
    assert (error.info.line, error.info.column) == (3, 22)


def test_a_domain_with_a_million_values_is_refused() -> None:
    error = error_of("exogenous U : 0..999999 = 5\nendogenous A := U > 3\n")
    assert error.info.kind == ErrorKind.INPUT
    assert "1000000 values" in error.info.message
    assert (error.info.line, error.info.column) == (1, 15)


def test_a_query_on_a_variable_not_in_the_model() -> None:
    model = "exogenous U : bool = true\nendogenous A := U\n"
    error = error_of(model, "query value Nope do(A = false)")
    assert "'Nope'" in error.info.message and (error.info.line, error.info.column) == (1, 13)
    error = error_of(model, "query value A do(Missing = true)")
    assert "'Missing'" in error.info.message and (error.info.line, error.info.column) == (1, 18)
    error = error_of(model, "query cause Ghost = true -> A")
    assert "'Ghost'" in error.info.message


def test_syntax_errors_say_where_and_what_was_expected() -> None:
    error = error_of("exogenous U : bool = true\nendogenous A := U and\n")
    assert error.info.kind == ErrorKind.SYNTAX
    assert error.info.line == 2 and "expected" in error.info.message
    error = error_of("exogenous U : bool = true\nendogenous A = U\n")
    assert (error.info.line, error.info.column) == (2, 14) and "':='" in error.info.message


def test_type_errors() -> None:
    assert "declared" in error_of("exogenous U : 0..3 = 1\nendogenous A := U + 1\n").info.message
    assert "needs bool" in error_of("exogenous U : 0..3 = 1\nendogenous A := U and true\n").info.message
    assert "not in its domain" in error_of("exogenous U : 0..3 = 7\nendogenous A := U > 1\n").info.message
    assert (
        "sums to"
        in error_of("exogenous U : bool ~ {true: 0.5, false: 0.4}\nendogenous A := U\n").info.message
    )
    assert "twice" in error_of("exogenous U : bool = true\nendogenous U := true\n").info.message
    assert (
        "Boolean" in error_of("exogenous U : 0..3 = 1\nendogenous A := U > 1\n", "query prob U").info.message
    )


def test_the_language_module_reads_problems_and_compares_answers() -> None:
    scm = get_language("scm")
    assert scm.answers_match(True, "yes") and scm.answers_match("no", False)
    assert scm.answers_match(0.9210526315, 0.92105263157) and not scm.answers_match(0.5, 0.51)
    assert scm.answers_match(["yes", 0.5], [True, 0.5])
    assert not scm.answers_match("yes", "no")
    summary = scm.check(
        scm.program_from_problem(
            _problem({"model": "exogenous U : bool = true\nendogenous A := U", "query": "query value A"})
        )
    )
    assert summary == {"exogenous": 1, "endogenous": 1, "queries": 1}
    listed = scm.program_from_problem(_problem({"model": "x", "query": ["query value A", "query value B"]}))
    assert listed.fields["query"] == "query value A\nquery value B"
    with pytest.raises(NeurosymError, match="no 'model' field"):
        scm.program_from_problem(_problem({"query": "query value A"}))


def _problem(formal: dict):
    from neurosym.problem import Problem

    return Problem(id="p", language="scm", formal=formal)
