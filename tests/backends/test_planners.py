"""Fast Downward and pyperplan through the engine (sandbox workers): plans, proofs of unsolvability,
optimal plans agreeing across planners, validation problems, the examples and the PlanBench importer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from neurosym.datasets.planbench import load as load_planbench
from neurosym.loading import load_problems
from neurosym.result import ErrorKind, Status

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / ".." / "shared" / "data" / "blocksworld"
EXAMPLES = ROOT / "examples"
DOMAIN = (EXAMPLES / "pddl" / "blocksworld-domain.pddl").read_text()
PROBLEM = (EXAMPLES / "pddl" / "blocksworld-4.pddl").read_text()
CYCLE = PROBLEM.replace("(and (on a b) (on b c) (on c d))", "(and (on a b) (on b a))")


def _problem(**fields: object) -> dict[str, object]:
    return {"id": "t", "language": "pddl", "domain": DOMAIN, "problem": PROBLEM, **fields}


def test_examples_are_solved_correctly(engine) -> None:
    problems = [p for path in sorted(EXAMPLES.glob("pddl-*.yaml")) for p in load_problems(path)]
    assert len(problems) >= 3
    for result in engine.solve_many(problems):
        assert result.status == Status.SOLVED and result.correct, (result.id, result.error, result.answer)


@pytest.mark.parametrize("backend", ["fast-downward", "pyperplan"])
def test_plan_is_validated_and_optimal_lengths_agree(engine, backend: str) -> None:
    satisficing, optimal = engine.solve_many(
        [_problem(backend=backend), _problem(backend=backend, optimal=True)]
    )
    for result in (satisficing, optimal):
        assert result.status == Status.SOLVED, result.error
        assert result.certificate["validated"] is True
        assert result.certificate["plan_length"] == len(result.answer)
        assert all(step.startswith("(") for step in result.answer)
    assert optimal.certificate["optimal"] is True
    assert len(optimal.answer) == 6  # the shortest plan, whichever planner proves it
    assert len(satisficing.answer) >= 6


@pytest.mark.parametrize("backend", ["fast-downward", "pyperplan"])
def test_unsolvable_is_proven_by_search(engine, backend: str) -> None:
    result = engine.solve_many([_problem(problem=CYCLE, backend=backend, expect="unsolvable")])[0]
    assert result.status == Status.SOLVED and result.answer == "unsolvable", result.error
    assert result.certificate["proven_unsolvable"] is True and result.correct


def test_fast_downward_exit_code_for_a_search_proof(engine) -> None:
    result = engine.solve_many([_problem(problem=CYCLE)])[0]
    assert result.backend == "fast-downward"
    assert result.certificate["exit_code"] in (10, 11)


def test_a_short_limit_still_leaves_fast_downward_time_to_plan(engine) -> None:
    # With 1 s of wall clock the driver used to hand its translator a CPU limit of 0 s: it died at once
    # of SIGXCPU (exit 232, read as a crash) on a problem it plans in a fraction of a second.
    result = engine.solve_many([_problem(backend="fast-downward", limits={"seconds": 1.5})])[0]
    assert result.status == Status.SOLVED and result.correct is not False, (result.status, result.error,
                                                                             result.certificate)
    assert result.backend == "fast-downward"


def test_a_translator_out_of_time_is_a_timeout_not_a_crash() -> None:
    # 200 actions in a chain: the translator takes tens of seconds; its end, by the wall clock or by
    # the driver's CPU limit (SIGXCPU, exit 232), is a timeout.
    from neurosym.engine import run_backend
    from neurosym.lang.base import Program
    from neurosym.problem import Limits

    predicates = " ".join(f"(p{i})" for i in range(201))
    actions = " ".join(f"(:action a{i} :parameters () :precondition (p{i}) :effect (and (p{i + 1}) (not (p{i}))))"
                       for i in range(200))
    program = Program("pddl", {"domain": f"(define (domain chain) (:requirements :strips) (:predicates "
                                         f"{predicates}) {actions})",
                               "problem": "(define (problem c) (:domain chain) (:init (p0)) (:goal (p200)))"})
    for seconds in (1.5, 2.5):
        outcome = run_backend(["fast-downward"], program, Limits(seconds=seconds))
        assert outcome.status == Status.TIMEOUT and outcome.error is None, (seconds, outcome)


def test_pyperplan_refuses_what_it_cannot_plan(engine) -> None:
    ferry = next(load_problems(EXAMPLES / "pddl-typed-unsolvable.yaml"))
    ferry.backend = "pyperplan"
    result = engine.solve_many([ferry])[0]
    assert result.status == Status.ERROR and result.error.kind == ErrorKind.UNSUPPORTED
    assert "conditional effects" in result.error.message and "fast-downward" in result.error.message


@pytest.mark.parametrize("backend", ["fast-downward", "pyperplan"])
def test_validation_problems_on_either_backend(engine, backend: str) -> None:
    good = "(unstack c a)\n(stack c d)\n(pick-up b)\n(stack b c)\n(pick-up a)\n(stack a b)"
    valid, invalid = engine.solve_many(
        [
            _problem(plan=good, backend=backend, expect="valid"),
            _problem(plan=good.replace("(stack c d)", "(put-down c)"), backend=backend),
        ]
    )
    assert valid.status == Status.SOLVED and valid.answer == "valid" and valid.correct
    assert valid.certificate == {"plan_length": 6, "cost": 6.0, "validated": True}
    assert invalid.answer == "invalid" and invalid.certificate["failed_step"] is None
    assert invalid.certificate["unmet_goals"] == ["(on c d)"]


def test_check_only_reports_a_summary(engine) -> None:
    from neurosym import Engine

    checker = Engine(pool=engine.pool, check_only=True)
    result = checker.solve_many([_problem(plan="(unstack c a)")])[0]
    assert result.status == Status.SOLVED
    assert result.certificate["actions"] == 4 and result.certificate["plan_steps"] == 1


def test_planbench_importer_reads_the_layout() -> None:
    if not DATA.is_dir():
        pytest.skip(f"PlanBench Blocksworld not found at {DATA}")
    problems = list(load_planbench(DATA))
    planning = [p for p in problems if "plan" not in p.formal]
    validation = [p for p in problems if "plan" in p.formal]
    assert len(planning) == 100 and len(validation) == 99
    assert all(p.load_error is None for p in problems)
    second = next(p for p in validation if p.id == "blocksworld-2-gt")
    assert second.formal["plan"].splitlines()[0] == "(unstack d c)"  # "(unstack yellow orange)"
    assert second.expect == "valid" and planning[0].expect == "solvable"


@pytest.mark.slow
def test_planbench_sample_solved_and_validated(engine) -> None:
    if not DATA.is_dir():
        pytest.skip(f"PlanBench Blocksworld not found at {DATA}")
    problems = [
        p
        for p in load_planbench(DATA)
        if p.id in {f"blocksworld-{n}" for n in (1, 50, 100)}
        or p.id in {f"blocksworld-{n}-gt" for n in (2, 50, 100)}
    ]
    results = engine.solve_many(problems)
    assert len(results) == 6
    for result in results:
        assert result.status == Status.SOLVED and result.correct, (result.id, result.error)
        assert result.certificate["validated"] is True


def test_bench_command_reads_planbench() -> None:
    if not DATA.is_dir():
        pytest.skip(f"PlanBench Blocksworld not found at {DATA}")
    command = [
        sys.executable,
        "-m",
        "neurosym.cli",
        "bench",
        "--format",
        "planbench",
        str(DATA),
        "--limit",
        "3",
        "--json",
        "--workers",
        "1",
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    summary = lines[-1]
    assert summary["n"] == 3 and summary["accuracy"] == 1.0 and summary["executable_rate"] == 1.0
    assert [row["id"] for row in lines[:-1]] == ["blocksworld-1", "blocksworld-2", "blocksworld-3"]
