"""The Prolog syntax gate, problem files, bare `.pl` files, answers, bindings and proof trees, on the
real SWI-Prolog (through the sandbox workers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from neurosym import Engine
from neurosym.backends.swipl import SwiplBackend, prolog_string
from neurosym.lang import get_language
from neurosym.lang.base import Program
from neurosym.lang.prolog import clean_query, parse
from neurosym.loading import load_problems
from neurosym.result import ErrorKind, NeurosymError, Status

ROOT = Path(__file__).resolve().parents[2]
needs_swipl = pytest.mark.skipif(not SwiplBackend.available(), reason=SwiplBackend.unavailable_reason())

LLM_STYLE = r"""
% comments, quoted atoms, strings, lists, arithmetic, negation, if-then-else, DCG, clpfd
parent(tom, 'Bob Smith').   /* a block
comment */
len([], 0).
len([_|T], N) :- len(T, N0), N is N0 + 1.
sign(X, S) :- ( X > 0 -> S = pos ; X =:= 0 -> S = zero ; S = neg ), !.
odd_out(X) :- \+ member(X, [a, "str", 0'c, 1.5e3, -3]), X \== foo, X @< z.
ops(L) :- L = [+, -, *], X =.. [f, 1], maplist(=(a), [a]), X \= g, Y = (=), Y == (=).
:- dynamic seen/1, count/2.
:- use_module(library(clpfd)).
digits([A, B]) :- [A, B] ins 1..9, A #= B + 1, label([A, B]).
greeting --> [hello], name.
name --> [world] ; [prolog], {true}.
?- len([a, b], N).
"""


def test_grammar_accepts_what_llms_write() -> None:
    tree = parse(LLM_STYLE)
    kinds = [item.data for item in tree.children]
    assert kinds.count("rule") == 5 and kinds.count("dcg_rule") == 2 and kinds.count("query") == 1
    assert kinds.count("declaration") + kinds.count("directive") == 2


@pytest.mark.parametrize(("source", "line", "column"), [
    ("p(a).\nq(X) :- p(X.\n", 2, 12),
    ("p(a).\n\n\nq :- .\n", 4, 6),
    ("p(a)\nq(b).\n", 2, 1),
    ("p('unterminated).\n", 1, 3),
])
def test_syntax_errors_carry_line_column_and_what_was_expected(source: str, line: int, column: int) -> None:
    with pytest.raises(NeurosymError) as caught:
        parse(source)
    info = caught.value.info
    assert info.kind == ErrorKind.SYNTAX
    assert (info.line, info.column) == (line, column), info
    assert "expected" in info.message


def test_query_errors_point_into_the_query() -> None:
    program = Program("prolog", {"program": "p(a).\n", "query": "p(X), q(X"})
    with pytest.raises(NeurosymError) as caught:
        get_language("prolog").check(program)
    assert caught.value.info.line == 1 and caught.value.info.column == 11  # just past the query


def test_clean_query_and_string_escapes() -> None:
    assert clean_query("?- member(X, [1, 2]).") == "member(X, [1, 2])"
    assert clean_query("X = 1..3") == "X = 1..3"
    assert prolog_string('a"b\\c\né😀') == '"a\\"b\\\\c\\xa\\\\xe9\\\\x1f600\\"'


def test_expectations_may_say_yes_or_no() -> None:
    language = get_language("prolog")
    assert language.answers_match("true", "yes") and language.answers_match("false", "No")
    assert language.answers_match("false", False) and not language.answers_match("true", "no")


def test_bare_file_uses_the_last_query_and_the_expect_comment(tmp_path: Path) -> None:
    path = tmp_path / "two.pl"
    path.write_text("% expect: false\np(1).\n?- p(1).\n?- p(2).\n", encoding="utf-8")
    [problem] = list(load_problems(path))
    assert problem.language == "prolog" and problem.expect == "false"
    assert problem.formal["query"] == "p(2)"
    program = get_language("prolog").program_from_problem(problem)
    assert "?-" not in program.fields["program"]
    assert program.fields["program"].count("\n") == 4  # query lines blanked, line numbers kept


def test_bare_file_without_query_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "none.pl"
    path.write_text("p(1).\n", encoding="utf-8")
    [problem] = list(load_problems(path))
    assert problem.load_error is not None and "?-" in problem.load_error.message


def test_bad_options_are_input_errors() -> None:
    from neurosym.problem import Problem

    problem = Problem.from_dict({"language": "prolog", "program": "p.", "query": "p",
                                 "options": {"max_solutions": 0}}, "x")
    with pytest.raises(NeurosymError) as caught:
        get_language("prolog").program_from_problem(problem)
    assert caught.value.info.kind == ErrorKind.INPUT and "max_solutions" in caught.value.info.message


@pytest.fixture(scope="module")
def solver() -> Engine:
    return Engine(workers=1)


def _run(engine: Engine, program: str, query: str, **extra: object):
    return engine.solve_many([{"id": "t", "language": "prolog", "program": program, "query": query,
                               "limits": {"seconds": 5}, **extra}])[0]


@needs_swipl
def test_every_binding_and_the_cap(solver: Engine) -> None:
    result = _run(solver, "p(1). p(2). p(3).\n", "p(X), X > 1")
    assert result.status == Status.SOLVED and result.answer == "true"
    assert result.certificate["solutions"] == [{"X": "2"}, {"X": "3"}] and not result.certificate["capped"]
    capped = _run(solver, "n(X) :- between(1, inf, X).\n", "n(X)", options={"max_solutions": 5})
    assert capped.certificate["capped"] and len(capped.certificate["solutions"]) == 5


@needs_swipl
def test_false_quoted_atoms_strings_and_clpfd(solver: Engine) -> None:
    assert _run(solver, "p(1).\n", "p(2)").answer == "false"
    quoted = _run(solver, "name(x, 'Ann Lee').\nsays(\"héllo\").\n", "name(x, N), says(S)")
    assert quoted.certificate["solutions"] == [{"N": "'Ann Lee'", "S": '"héllo"'}]
    clp = _run(solver, ":- use_module(library(clpfd)).\nd([A,B]) :- [A,B] ins 1..9, A #= 2*B, B #> 3, "
                       "label([A,B]).\n", "d(L)")
    assert clp.certificate["solutions"] == [{"L": "[8,4]"}]


@needs_swipl
def test_proof_tree_with_negation(solver: Engine) -> None:
    program = "bird(tweety). bird(polly). penguin(tweety).\nflies(X) :- bird(X), \\+ penguin(X).\n"
    result = _run(solver, program, "flies(B)", options={"proof": True})
    assert result.certificate["solutions"] == [{"B": "polly"}]
    [tree] = result.certificate["proof"]
    assert tree["goal"] == "flies(polly)" and tree["by"] == "clause"
    assert [(c["goal"], c["by"]) for c in tree["children"]] == [("bird(polly)", "clause"),
                                                                 ("\\+penguin(polly)", "naf")]


@needs_swipl
def test_proof_tree_respects_cut(solver: Engine) -> None:
    program = "first(X) :- member(X, [a, b, c]), !.\n"
    result = _run(solver, program, "first(X)", options={"proof": True})
    assert result.certificate["solutions"] == [{"X": "a"}]
    assert len(result.certificate["proof"]) == 1


@needs_swipl
def test_runtime_errors_and_unknown_procedures(solver: Engine) -> None:
    division = _run(solver, "r(X) :- X is 1 / 0.\n", "r(X)")
    assert division.status == Status.ERROR and division.error.kind == ErrorKind.TYPE
    assert "zero" in division.error.message
    unknown = _run(solver, "p :- q(1).\n", "p")
    assert unknown.status == Status.ERROR and "unknown procedure q(" in unknown.error.message
    directive = _run(solver, "p(1).\n\n:- format(\"hi\").\n", "p(X)")
    assert directive.error.kind == ErrorKind.REFUSED and directive.error.line == 3


@needs_swipl
def test_printed_output_is_returned(solver: Engine) -> None:
    result = _run(solver, "hello :- write(hello), nl, format(\"~w~n\", [world]).\n", "hello")
    assert result.certificate["output"] == "hello\nworld\n"


@needs_swipl
def test_examples_solve(solver: Engine) -> None:
    paths = [*sorted(ROOT.glob("examples/prolog-*.yaml")), ROOT / "examples" / "prolog-family.pl"]
    problems = [p for path in paths for p in load_problems(path)]
    assert len(problems) >= 4
    results = solver.solve_many(problems)
    assert all(r.status == Status.SOLVED and r.correct for r in results), [(r.id, r.status, r.error)
                                                                          for r in results]


@needs_swipl
def test_query_syntax_errors_through_the_engine(solver: Engine) -> None:
    result = _run(solver, "p(1).\n", "p(X), X > ")
    assert result.status == Status.ERROR and result.error.kind == ErrorKind.SYNTAX
    assert result.error.line == 1 and result.error.column is not None
