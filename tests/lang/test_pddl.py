"""PDDL parsing and the checks that run before any planner: each error names its line, column and cause."""

from __future__ import annotations

from pathlib import Path

import pytest

from neurosym.lang import get_language
from neurosym.lang.pddl import (
    Atom,
    Domain,
    Equals,
    Increase,
    Not,
    PlanningProblem,
    Quantified,
    When,
    load,
    parse,
)
from neurosym.lang.pddl_plan import parse_plan
from neurosym.result import ErrorKind, NeurosymError

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / ".." / "shared" / "data" / "blocksworld"
EXAMPLES = ROOT / "examples" / "pddl"

DOMAIN = (EXAMPLES / "blocksworld-domain.pddl").read_text()
PROBLEM = (EXAMPLES / "blocksworld-4.pddl").read_text()

ADL_DOMAIN = """(define (domain Ferry)
  (:requirements :typing :negative-preconditions :equality :conditional-effects :action-costs)
  (:types place car - object)
  (:predicates (at-ferry ?p - place) (at ?c - car ?p - place) (on ?c - car) (empty))
  (:functions (total-cost) - number (road ?a ?b - place) - number)
  (:action SAIL
    :parameters (?from ?to - place)
    :precondition (and (at-ferry ?from) (not (= ?from ?to)))
    :effect (and (at-ferry ?to) (not (at-ferry ?from))
                 (forall (?c - car) (when (on ?c) (and (at ?c ?to) (not (at ?c ?from)))))
                 (increase (total-cost) (road ?from ?to)))))
"""


def _error(domain: str, problem: str = PROBLEM) -> NeurosymError:
    with pytest.raises(NeurosymError) as caught:
        load(domain, problem)
    return caught.value


def test_blocksworld_domain_and_problem_parse() -> None:
    domain, problem = load(DOMAIN, PROBLEM)
    assert set(domain.actions) == {"pick-up", "put-down", "stack", "unstack"}
    assert domain.predicates["on"] == (("block",), ("block",))
    assert domain.actions["stack"].params == (("?x", ("block",)), ("?y", ("block",)))
    assert problem.objects == {name: ("block",) for name in "abcd"}
    assert Atom("on", ("c", "a")) in problem.init
    assert str(problem.goal) == "(and (on a b) (on b c) (on c d))"


def test_adl_features_parse_case_insensitively() -> None:
    domain = parse(ADL_DOMAIN, "domain")
    assert isinstance(domain, Domain)
    sail = domain.actions["sail"]  # names are lowered, as PDDL is case-insensitive
    assert isinstance(sail.precondition.parts[1], Not) and isinstance(sail.precondition.parts[1].body, Equals)
    forall = sail.effect.parts[2]
    assert isinstance(forall, Quantified) and isinstance(forall.body, When)
    assert isinstance(sail.effect.parts[3], Increase) and sail.effect.parts[3].value == Atom(
        "road", ("?from", "?to")
    )
    assert domain.functions == {"total-cost": (), "road": (("place",), ("place",))}
    assert domain.features() == {"equality", "universal effects", "conditional effects", "action costs"}


@pytest.mark.skipif(not DATA.is_dir(), reason=f"PlanBench Blocksworld not found at {DATA}")
def test_every_planbench_instance_parses_and_checks() -> None:
    domain_text = (DATA / "domain.pddl").read_text()
    instances = sorted((DATA / "instances").glob("*.pddl"))
    assert len(instances) == 100
    for path in instances:
        _, problem = load(domain_text, path.read_text())
        assert isinstance(problem, PlanningProblem) and problem.goal is not None, path.name


@pytest.mark.parametrize(
    ("domain", "problem", "message", "line", "column"),
    [
        (
            DOMAIN.replace("(and (holding ?x) (clear ?y))", "(and (holding ?x) (clean ?y))"),
            PROBLEM,
            "predicate 'clean' is not defined",
            17,
            38,
        ),
        (
            DOMAIN.replace("(and (holding ?x) (clear ?y))", "(and (holding ?x ?y) (clear ?y))"),
            PROBLEM,
            "predicate 'holding' takes 1 argument(s), (holding ?x ?y) gives 2",
            17,
            25,
        ),
        (
            DOMAIN.replace(":precondition (holding ?x)", ":precondition (holding ?z)"),
            PROBLEM,
            "variable ?z is not a parameter",
            13,
            20,
        ),
        (
            DOMAIN.replace(
                "(?x - block)\n    :precondition (holding", "(?x - brick)\n    :precondition (holding"
            ),
            PROBLEM,
            "type 'brick'",
            11,
            12,
        ),
        (DOMAIN, PROBLEM.replace("(ontable d)", "(ontable e)"), "'e' is not a declared object", 5, 44),
        (DOMAIN, PROBLEM.replace("(on c d)", "(on c)"), "takes 2 argument(s)", 7, 34),
        (DOMAIN, PROBLEM.replace("d - block", "d - brick"), "type 'brick' (of a) is not declared", 3, 13),
        (
            DOMAIN,
            PROBLEM.replace("(:domain blocksworld-typed)", "(:domain logistics)"),
            "it names domain 'logistics' but the domain is 'blocksworld-typed'",
            2,
            12,
        ),
        (
            DOMAIN,
            PROBLEM.replace("(:init (handempty)", "(:init (and (handempty))"),
            "(and ...) inside :init",
            4,
            10,
        ),
    ],
)
def test_checks_name_the_cause_and_place(
    domain: str, problem: str, message: str, line: int, column: int
) -> None:
    error = _error(domain, problem)
    assert error.info.kind == ErrorKind.TYPE
    assert message in error.info.message
    assert (error.info.line, error.info.column) == (line, column), error.info.message


def test_syntax_error_says_what_was_expected() -> None:
    error = _error(
        DOMAIN.replace(
            ":parameters (?x - block ?y - block)\n    :precondition (and (holding",
            ":parameters (?x - block ?y - block)\n    :precondition (and (holding -",
            1,
        )
    )
    assert error.info.kind == ErrorKind.SYNTAX
    assert error.info.line == 17
    assert "unexpected '-'" in error.info.message and "expected" in error.info.message
    assert "')'" in error.info.message and "a variable (?x)" in error.info.message


def test_unbalanced_parentheses_on_line_30_are_located() -> None:
    lines = [
        "(define (problem tall) (:domain blocksworld-typed)",
        "  (:objects " + " ".join(f"b{i}" for i in range(30)) + " - block)",
        "  (:init (handempty)",
    ]
    lines += [f"    (ontable b{i}) (clear b{i})" for i in range(26)]
    lines += ["    (ontable b26", "    (clear b26))", "  (:goal (and (on b1 b2))))"]
    assert lines[29] == "    (ontable b26"  # line 30 lost its ')'
    error = _error(DOMAIN, "\n".join(lines))
    assert error.info.kind == ErrorKind.SYNTAX
    assert (error.info.line, error.info.column) == (31, 5)
    assert "line 30, column 5 missing its ')'" in error.info.message

    missing_last = "\n".join(
        [*lines[:29], "    (ontable b26)", "    (clear b26))", "  (:goal (and (on b1 b2)))"]
    )
    error = _error(DOMAIN, missing_last)
    assert error.info.kind == ErrorKind.SYNTAX and "unbalanced parentheses" in error.info.message
    assert (error.info.line, error.info.column) == (1, 1)  # the (define ... that is never closed

    extra = "\n".join([*lines[:29], "    (ontable b26))", "    (clear b26))", "  (:goal (and (on b1 b2))))"])
    error = _error(DOMAIN, extra)
    assert error.info.kind == ErrorKind.SYNTAX and error.info.line == 31


def test_deep_nesting_is_refused_without_recursion() -> None:
    goal = "(and " * 5000 + "(on a b)" + ")" * 5000
    error = _error(DOMAIN, PROBLEM.replace("(and (on a b) (on b c) (on c d))", goal))
    assert error.info.kind == ErrorKind.INPUT and "nested deeper" in error.info.message


def test_unsupported_requirement_is_named() -> None:
    error = _error(DOMAIN.replace(":strips :typing", ":strips :durative-actions"))
    assert error.info.kind == ErrorKind.UNSUPPORTED and ":durative-actions" in error.info.message


def test_plan_formats() -> None:
    text = """; a plan in several dialects
    0: (PICK-UP a) [1]
    1. (stack a b)
    (unstack c d) ; comment
    3)   (put-down c)

    ; cost = 4 (unit cost)
    """
    steps = parse_plan(text)
    assert [str(s) for s in steps] == ["(pick-up a)", "(stack a b)", "(unstack c d)", "(put-down c)"]
    assert [s.line for s in steps] == [2, 3, 4, 5]
    with pytest.raises(NeurosymError) as caught:
        parse_plan("(pick-up a)\npick-up b\n")
    assert caught.value.info.kind == ErrorKind.SYNTAX and caught.value.info.line == 2
    assert "expected one step" in caught.value.info.message


def test_answers_match_plans_verdicts_and_lengths() -> None:
    pddl = get_language("pddl")
    plan = ["(unstack c a)", "(put-down c)"]
    assert pddl.answers_match(plan, "solvable")
    assert pddl.answers_match(plan, 2)
    assert not pddl.answers_match(plan, 3)
    assert pddl.answers_match(plan, "(UNSTACK c a)\n(put-down  c)")
    assert pddl.answers_match("unsolvable", "Unsolvable")
    assert not pddl.answers_match("unsolvable", "solvable")
    assert pddl.answers_match("invalid", "invalid") and not pddl.answers_match("valid", "invalid")


def test_quantified_variable_of_undeclared_type() -> None:
    domain = ADL_DOMAIN.replace("(forall (?c - car)", "(forall (?c - truck)")
    with pytest.raises(NeurosymError) as caught:
        load(domain, "(define (problem p) (:domain ferry) (:objects n - place) (:init) (:goal (and)))")
    info = caught.value.info
    assert info.kind == ErrorKind.TYPE and "type 'truck' of the quantified ?c" in info.message
    assert (info.line, info.column) == (10, 27)
