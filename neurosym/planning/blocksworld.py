"""Blocksworld instances of any size, and plan mutations that a validator must reject.

The generator serves the scale benchmark (20, 40, 60 blocks); the mutations serve the validator's tests
and speed benchmark: a step dropped, two steps swapped, a wrong block, a step added at the end. They are
written for the four-operator Blocksworld, where the hand alternates between empty and holding.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from itertools import pairwise

from neurosym.lang.pddl_plan import PlanStep

# The four-operator domain PlanBench uses: the problems generate_problem writes are for it.
BLOCKSWORLD_DOMAIN = """(define (domain blocksworld-4ops)
  (:requirements :strips)
  (:predicates (clear ?x) (ontable ?x) (handempty) (holding ?x) (on ?x ?y))
  (:action pick-up :parameters (?x)
    :precondition (and (clear ?x) (ontable ?x) (handempty))
    :effect (and (holding ?x) (not (clear ?x)) (not (ontable ?x)) (not (handempty))))
  (:action put-down :parameters (?x)
    :precondition (holding ?x)
    :effect (and (clear ?x) (handempty) (ontable ?x) (not (holding ?x))))
  (:action stack :parameters (?x ?y)
    :precondition (and (clear ?y) (holding ?x))
    :effect (and (handempty) (clear ?x) (on ?x ?y) (not (clear ?y)) (not (holding ?x))))
  (:action unstack :parameters (?x ?y)
    :precondition (and (on ?x ?y) (clear ?x) (handempty))
    :effect (and (holding ?x) (clear ?y) (not (on ?x ?y)) (not (clear ?x)) (not (handempty)))))
"""


def _towers(blocks: list[str], rng: random.Random) -> list[list[str]]:
    """A random partition of the blocks into towers, bottom first."""
    order = blocks[:]
    rng.shuffle(order)
    towers: list[list[str]] = []
    for block in order:
        if towers and rng.random() < 0.7:
            rng.choice(towers).append(block)
        else:
            towers.append([block])
    return towers


def _facts(towers: list[list[str]]) -> list[str]:
    facts = []
    for tower in towers:
        facts.append(f"(ontable {tower[0]})")
        facts.extend(f"(on {upper} {lower})" for lower, upper in pairwise(tower))
        facts.append(f"(clear {tower[-1]})")
    return facts


def generate_problem(blocks: int, seed: int = 0, domain: str = "blocksworld-4ops") -> str:
    """A random Blocksworld problem: random towers at the start, random towers as the goal.

    >>> "(:objects b1 b2 b3)" in generate_problem(3)
    True
    """
    rng = random.Random(seed)
    names = [f"b{i}" for i in range(1, blocks + 1)]
    start = _facts(_towers(names, rng))
    goal = [fact for fact in _facts(_towers(names, rng)) if fact.startswith("(on ")]
    if not goal:  # every goal tower one block high: ask for that explicitly
        goal = [f"(ontable {name})" for name in names]
    return (
        f"(define (problem bw-{blocks}-{seed})\n  (:domain {domain})\n  (:objects {' '.join(names)})\n"
        f"  (:init (handempty)\n    {' '.join(start)})\n  (:goal (and {' '.join(goal)})))\n"
    )


def _initially_covered(problem_init: set[tuple[str, ...]]) -> list[str]:
    return sorted(fact[2] for fact in problem_init if fact[0] == "on")


def drop_step(steps: list[PlanStep], init: set[tuple[str, ...]]) -> list[PlanStep] | None:
    """Without its first step: the hand no longer alternates, so the new first step (or the goal) fails."""
    return steps[1:] if steps else None


def swap_steps(steps: list[PlanStep], init: set[tuple[str, ...]]) -> list[PlanStep] | None:
    """Its first two steps swapped: a put-down or stack now comes first, with the hand empty."""
    return [steps[1], steps[0], *steps[2:]] if len(steps) >= 2 else None


def wrong_block(steps: list[PlanStep], init: set[tuple[str, ...]]) -> list[PlanStep] | None:
    """The first step's block replaced by one it cannot move: a block with another on it at the start, or,
    for an unstack, any other block (only the named one sits on the block below)."""
    if not steps:
        return None
    first = steps[0]
    covered = [block for block in _initially_covered(init) if block not in first.args]
    if not covered and first.action == "unstack":
        covered = sorted({arg for fact in init for arg in fact[1:]} - set(first.args))
    if not covered:
        return None
    return [PlanStep(first.action, (covered[0], *first.args[1:]), first.line), *steps[1:]]


def add_step_at_end(steps: list[PlanStep], init: set[tuple[str, ...]]) -> list[PlanStep] | None:
    """A put-down appended after the goal is reached, when the hand is already empty."""
    block = steps[-1].args[0] if steps else sorted(f[1] for f in init if f[0] == "ontable")[0]
    return [*steps, PlanStep("put-down", (block,))]


MUTATIONS: dict[str, Callable[[list[PlanStep], set[tuple[str, ...]]], list[PlanStep] | None]] = {
    "drop_step": drop_step,
    "swap_steps": swap_steps,
    "wrong_block": wrong_block,
    "add_step_at_end": add_step_at_end,
}
