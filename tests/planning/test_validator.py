"""neurosym's plan validator, cross-checked against unified-planning's validator on the same plans.

PlanBench's 99 ground-truth plans must be valid for both; each mutation (a step dropped, two swapped, a
wrong block, a step added at the end) must be invalid for both, at the same step, and the precondition
neurosym names must be one unified-planning also lists as unmet.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from neurosym.datasets.planbench import ground_truth_plans
from neurosym.lang.pddl import load
from neurosym.lang.pddl_plan import format_plan, parse_plan
from neurosym.planning.blocksworld import MUTATIONS
from neurosym.planning.up_check import UpValidator
from neurosym.planning.validator import Validator

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / ".." / "shared" / "data" / "blocksworld"

FERRY_DOMAIN = """(define (domain ferry)
  (:requirements :typing :negative-preconditions :equality :conditional-effects :action-costs)
  (:types place car)
  (:predicates (at-ferry ?p - place) (at ?c - car ?p - place) (on ?c - car) (empty))
  (:functions (total-cost) - number)
  (:action sail
    :parameters (?from ?to - place)
    :precondition (and (at-ferry ?from) (not (= ?from ?to)))
    :effect (and (at-ferry ?to) (not (at-ferry ?from))
                 (forall (?c - car) (when (on ?c) (and (at ?c ?to) (not (at ?c ?from)))))
                 (increase (total-cost) 3)))
  (:action board
    :parameters (?c - car ?p - place)
    :precondition (and (at ?c ?p) (at-ferry ?p) (empty) (not (on ?c)))
    :effect (and (on ?c) (not (empty)) (increase (total-cost) 1)))
  (:action debark
    :parameters (?c - car ?p - place)
    :precondition (and (on ?c) (at-ferry ?p))
    :effect (and (not (on ?c)) (empty) (increase (total-cost) 1))))
"""
FERRY_PROBLEM = """(define (problem ferry-2)
  (:domain ferry)
  (:objects north south - place red blue - car)
  (:init (at-ferry north) (at red north) (at blue south) (empty) (= (total-cost) 0))
  (:goal (and (at red south) (at blue north) (empty)))
  (:metric minimize (total-cost)))
"""
FERRY_PLAN = """(board red north)
(sail north south)
(debark red south)
(board blue south)
(sail south north)
(debark blue north)
"""


def _ground_truth() -> list[tuple[int, str, str]]:
    if not DATA.is_dir():
        pytest.skip(f"PlanBench Blocksworld not found at {DATA}")
    return ground_truth_plans(DATA)


@pytest.mark.slow
def test_planbench_plans_and_mutations_agree_with_unified_planning() -> None:
    rows = _ground_truth()  # skips first when ../shared is absent
    domain_text = (DATA / "domain.pddl").read_text()
    assert len(rows) == 99
    rejected = dict.fromkeys(MUTATIONS, 0)
    for number, problem_text, plan_text in rows:
        domain, problem = load(domain_text, problem_text)
        ours, theirs = Validator(domain, problem), UpValidator(domain_text, problem_text)
        try:
            steps = parse_plan(plan_text)
            verdict = ours.validate(steps)
            assert verdict.valid and verdict.plan_length == len(steps), (number, verdict.reason)
            assert theirs.validate(plan_text).valid, number
            for name, mutate in MUTATIONS.items():
                mutated = mutate(steps, set(ours.initial))
                if mutated is None:
                    continue
                mine, up = ours.validate(mutated), theirs.validate(format_plan(mutated))
                where = f"instance {number}, {name}: {mine.reason}"
                assert not mine.valid and not up.valid, where
                if up.reason == "INAPPLICABLE_ACTION":
                    assert mine.failed_step == up.failed_step, where
                    assert mine.unmet_precondition in up.unmet, (where, up.unmet)
                else:
                    assert (
                        up.reason == "UNSATISFIED_GOALS" and mine.failed_step is None and mine.unmet_goals
                    ), where
                rejected[name] += 1
        finally:
            theirs.close()
    # every mutation kind was exercised on (nearly) every instance
    assert all(count >= 90 for count in rejected.values()), rejected


def test_specific_reasons_for_each_mutation() -> None:
    rows = {number: (problem, plan) for number, problem, plan in _ground_truth()}
    domain_text = (DATA / "domain.pddl").read_text()
    problem_text, plan_text = rows[2]  # (unstack d c) (put-down d) (pick-up c) (stack c a)
    validator = Validator(*load(domain_text, problem_text))
    steps = parse_plan(plan_text)
    assert [str(s) for s in steps] == ["(unstack d c)", "(put-down d)", "(pick-up c)", "(stack c a)"]

    dropped = validator.validate(MUTATIONS["drop_step"](steps, set(validator.initial)))
    assert (dropped.failed_step, dropped.step, dropped.unmet_precondition) == (
        1,
        "(put-down d)",
        "(holding d)",
    )
    added = validator.validate(MUTATIONS["add_step_at_end"](steps, set(validator.initial)))
    assert (added.failed_step, added.unmet_precondition) == (5, "(holding c)")
    assert added.certificate()["reason"] == "precondition (holding c) of (put-down c) does not hold"
    goals = validator.validate(steps[:-1])
    assert goals.failed_step is None and goals.unmet_goals == ["(on c a)"]
    unknown = validator.validate(parse_plan("(unstack d c)\n(fly d)"))
    assert unknown.failed_step == 2 and "action 'fly' is not defined" in unknown.reason
    stranger = validator.validate(parse_plan("(unstack d zebra)"))
    assert stranger.failed_step == 1 and "'zebra' is not an object" in stranger.reason
    arity = validator.validate(parse_plan("(unstack d)"))
    assert arity.failed_step == 1 and "takes 2 argument(s)" in arity.reason


def test_conditional_effects_costs_and_negation_agree_with_unified_planning() -> None:
    domain, problem = load(FERRY_DOMAIN, FERRY_PROBLEM)
    ours, theirs = Validator(domain, problem), UpValidator(FERRY_DOMAIN, FERRY_PROBLEM)
    try:
        good = ours.validate(parse_plan(FERRY_PLAN))
        assert good.valid and good.cost == 10.0  # two sails at 3, four boardings and debarkings at 1
        assert theirs.validate(FERRY_PLAN).valid
        # each bad plan fails at a step unified-planning also names
        bad_plans = {
            "board twice": FERRY_PLAN.replace("(board blue south)", "(board red south)"),
            "sail in place": FERRY_PLAN.replace("(sail north south)", "(sail north north)"),
            "goal unmet": "\n".join(FERRY_PLAN.splitlines()[:3]),
            "wrong type": FERRY_PLAN.replace("(board red north)", "(board north red)"),
        }
        for name, text in bad_plans.items():
            mine, up = (
                ours.validate(parse_plan(text)),
                theirs.validate(text) if name != "wrong type" else None,
            )
            assert not mine.valid, name
            if up is not None:
                assert not up.valid, name
                assert mine.failed_step == up.failed_step, (name, mine.reason, up)
        assert (
            ours.validate(parse_plan(bad_plans["sail in place"])).unmet_precondition
            == "(not (= north north))"
        )
        assert ours.validate(parse_plan(bad_plans["goal unmet"])).unmet_goals == ["(at blue north)"]
        assert "'north' is not of type car" in ours.validate(parse_plan(bad_plans["wrong type"])).reason
    finally:
        theirs.close()
