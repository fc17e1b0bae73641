"""Bad input through the engine: each a clear error, timeout or verdict, never a crash or a hang.

A plan of 10,000+ steps, an (and ...) inside :init, an undefined action in a plan, a problem with 500
objects whose grounding explodes, unbalanced parentheses on line 30.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from neurosym.result import ErrorKind, Status

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "pddl"
DOMAIN = (EXAMPLES / "blocksworld-domain.pddl").read_text()
PROBLEM = (EXAMPLES / "blocksworld-4.pddl").read_text()
PLAN = ["(unstack c a)", "(stack c d)", "(pick-up b)", "(stack b c)", "(pick-up a)", "(stack a b)"]

# every action takes four objects: 500 objects give 500^4 = 62.5 billion ground actions
EXPLODING_DOMAIN = """(define (domain explode)
  (:requirements :strips)
  (:predicates (p ?a) (q ?a ?b ?c ?d) (done))
  (:action link
    :parameters (?a ?b ?c ?d)
    :precondition (and (p ?a) (p ?b) (p ?c) (p ?d))
    :effect (q ?a ?b ?c ?d))
  (:action finish
    :parameters (?a ?b ?c ?d)
    :precondition (and (q ?a ?b ?c ?d) (q ?d ?c ?b ?a))
    :effect (done)))
"""
OBJECTS = [f"o{i}" for i in range(500)]
EXPLODING_PROBLEM = (
    f"(define (problem explode-500) (:domain explode)\n  (:objects {' '.join(OBJECTS)})\n"
    f"  (:init {' '.join(f'(p {o})' for o in OBJECTS)})\n  (:goal (done)))\n"
)


def _problem(**fields: object) -> dict[str, object]:
    return {"id": "bad", "language": "pddl", "domain": DOMAIN, "problem": PROBLEM, **fields}


def test_plan_of_ten_thousand_steps(engine) -> None:
    detour = ["(pick-up b)", "(put-down b)"] * 5000
    long_valid = "\n".join([*detour, *PLAN])
    long_invalid = "\n".join([*detour, "(put-down b)", *PLAN])
    # A generous limit: validating 10,006 steps takes a few seconds on a quiet machine, and its speed is
    # measured by benchmarks/pddl_validator_speed.py, not asserted here.
    limits = {"seconds": 120}
    valid, invalid = engine.solve_many([_problem(plan=long_valid, limits=limits),
                                        _problem(plan=long_invalid, limits=limits)])
    assert valid.status == Status.SOLVED and valid.answer == "valid", valid.error
    assert valid.certificate["plan_length"] == 10_006
    assert invalid.answer == "invalid"
    assert invalid.certificate["failed_step"] == 10_001
    assert invalid.certificate["unmet_precondition"] == "(holding b)"


def test_and_inside_init_is_a_located_error(engine) -> None:
    problem = PROBLEM.replace("(:init (handempty)", "(:init (and (handempty)")
    result = engine.solve_many([_problem(problem=problem.replace("(clear d))", "(clear d)))"))])[0]
    assert result.status == Status.ERROR and result.error.kind == ErrorKind.TYPE
    assert "(and ...) inside :init" in result.error.message
    assert (result.error.line, result.error.column) == (4, 10)


def test_undefined_action_in_a_plan_is_an_invalid_verdict(engine) -> None:
    result = engine.solve_many([_problem(plan="\n".join([*PLAN[:2], "(teleport a d)", *PLAN[2:]]))])[0]
    assert result.status == Status.SOLVED and result.answer == "invalid"
    assert result.certificate["failed_step"] == 3 and result.certificate["step"] == "(teleport a d)"
    assert "action 'teleport' is not defined in the domain" in result.certificate["reason"]


@pytest.mark.parametrize("backend", ["fast-downward", "pyperplan"])
def test_grounding_explosion_with_500_objects_stops_at_the_limit(engine, backend: str) -> None:
    started = time.perf_counter()
    result = engine.solve_many(
        [
            _problem(
                domain=EXPLODING_DOMAIN,
                problem=EXPLODING_PROBLEM,
                backend=backend,
                limits={"seconds": 4, "memory_mb": 1024},
            )
        ]
    )[0]
    elapsed = time.perf_counter() - started
    assert elapsed < 20, elapsed
    assert result.answer is None
    if result.status == Status.ERROR:  # out of memory is the other honest way for a grounder to stop
        assert result.error.kind == ErrorKind.MEMORY, result.error
    else:
        assert result.status in (Status.TIMEOUT, Status.UNKNOWN), result


def test_unbalanced_parentheses_on_line_30(engine) -> None:
    lines = PROBLEM.replace("(clear d))", "(clear d)" + "\n" * 24 + "  (ontable a\n  (clear b))").splitlines()
    assert lines[29] == "  (ontable a"
    result = engine.solve_many([_problem(problem="\n".join(lines))])[0]
    assert result.status == Status.ERROR and result.error.kind == ErrorKind.SYNTAX
    assert result.error.line == 31 and "'(' at line 30, column 3 missing its ')'" in result.error.message
    assert "expected" in result.error.message


def test_engine_survives_and_solves_after_bad_input(engine) -> None:
    result = engine.solve_many([_problem(expect="solvable")])[0]
    assert result.status == Status.SOLVED and result.correct
