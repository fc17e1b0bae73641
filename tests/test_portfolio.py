"""The portfolio inside one worker task: when the first prover gives up, the next takes the time left."""

from __future__ import annotations

import pytest

from neurosym.backends import backend_class
from neurosym.engine import run_backend
from neurosym.lang.base import Program
from neurosym.problem import Limits
from neurosym.result import Status


def needs(*names: str) -> None:
    for name in names:
        if not backend_class(name).available():
            pytest.skip(f"backend {name} is not installed")


@pytest.mark.slow
def test_fol_z3_gives_up_on_a_quantified_chain_and_e_decides() -> None:
    needs("z3", "eprover")
    links = 50
    premises = [f"∀x (P{i}(x) → P{i + 1}(x))" for i in range(links)] + ["P0(a)"]
    program = Program("fol", {"premises": premises, "conclusion": f"P{links}(a)"})
    alone = run_backend(["z3"], program, Limits(seconds=4))
    assert alone.status in (Status.UNKNOWN, Status.TIMEOUT)  # why a portfolio is needed
    outcome = run_backend(["z3", "eprover"], program, Limits(seconds=8))
    assert (outcome.status, outcome.answer, outcome.backend) == (Status.SOLVED, "true", "eprover")
    trail = outcome.certificate["portfolio"]
    assert [step["backend"] for step in trail] == ["z3", "eprover"] and trail[0]["status"] != "solved"


def test_a_decided_answer_needs_no_second_prover() -> None:
    needs("z3", "eprover")
    program = Program("fol", {"premises": ["P(a)"], "conclusion": "P(a)"})
    outcome = run_backend(["z3", "eprover"], program, Limits(seconds=10))
    assert (outcome.status, outcome.answer, outcome.backend) == (Status.SOLVED, "true", "z3")
    assert "portfolio" not in (outcome.certificate or {})


def action_chain(links: int) -> Program:
    predicates = " ".join(f"(p{i})" for i in range(links + 1))
    actions = "\n".join(f"(:action a{i} :parameters () :precondition (p{i}) :effect (and (p{i + 1}) (not (p{i}))))"
                        for i in range(links))
    domain = f"(define (domain chain) (:requirements :strips) (:predicates {predicates})\n{actions})"
    problem = f"(define (problem c) (:domain chain) (:init (p0)) (:goal (p{links})))"
    return Program("pddl", {"domain": domain, "problem": problem})


@pytest.mark.slow
def test_pddl_fast_downward_out_of_its_share_and_pyperplan_plans() -> None:
    needs("fast-downward", "pyperplan")
    outcome = run_backend(["fast-downward", "pyperplan"], action_chain(200), Limits(seconds=8))
    assert outcome.status == Status.SOLVED and outcome.backend in ("fast-downward", "pyperplan")
    assert len(outcome.answer) == 200
    if outcome.backend == "pyperplan":  # on a fast machine Fast Downward may finish inside its share
        assert outcome.certificate["portfolio"][0]["backend"] == "fast-downward"
