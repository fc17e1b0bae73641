"""PlanBench's Blocksworld layout: domain.pddl, instances/instance-N.pddl, ground-truth-plans.jsonl.

Each instance becomes a planning problem (expected answer "solvable": the planner's plan is validated
before it counts). Each ground-truth plan becomes a validation problem (expected "valid"); PlanBench writes
those plans with colour names, which are mapped back to the instances' block letters (a=red, b=blue, ...).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from neurosym.lang.pddl import Atom, Junction, PlanningProblem, parse
from neurosym.problem import Problem
from neurosym.result import NeurosymError

COLOURS = {
    "red": "a",
    "blue": "b",
    "orange": "c",
    "yellow": "d",
    "white": "e",
    "magenta": "f",
    "black": "g",
    "cyan": "h",
    "green": "i",
    "violet": "j",
    "silver": "k",
    "gold": "l",
}


def colours_to_letters(plan: str) -> str:
    """PlanBench's colour-named plan in the instances' block letters.

    >>> colours_to_letters("(unstack yellow orange)")
    '(unstack d c)'
    """
    return re.sub(r"\b(" + "|".join(COLOURS) + r")\b", lambda m: COLOURS[m.group(1)], plan.lower())


def _instance_number(path: Path) -> int:
    match = re.search(r"(\d+)$", path.stem)
    return int(match.group(1)) if match else 0


def ground_truth_plans(root: Path) -> list[tuple[int, str, str]]:
    """(instance number, problem text, plan in block letters) for every ground-truth plan, for benchmarks."""
    root = Path(root)
    rows = [
        json.loads(line)
        for line in (root / "ground-truth-plans.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return [
        (
            int(row["instance_id"]),
            (root / "instances" / f"instance-{row['instance_id']}.pddl").read_text(encoding="utf-8"),
            colours_to_letters(str(row["ground_truth_plan"])),
        )
        for row in rows
    ]


def load(path: Path, backend: str | None = None) -> Iterator[Problem]:
    """Planning problems for every instance, then validation problems for every ground-truth plan."""
    root = Path(path)
    domain_file = root / "domain.pddl"
    if not domain_file.is_file():
        yield Problem.broken(
            root.name, f"{root} is not a PlanBench Blocksworld folder: no domain.pddl", str(root)
        )
        return
    domain = domain_file.read_text(encoding="utf-8")
    instances = {_instance_number(p): p for p in sorted((root / "instances").glob("*.pddl"))}
    if not instances:
        yield Problem.broken(root.name, f"no instances/*.pddl under {root}", str(root))
        return
    for number in sorted(instances):
        yield Problem(
            id=f"blocksworld-{number}",
            language="pddl",
            backend=backend,
            expect="solvable",
            formal={"domain": domain, "problem": instances[number].read_text(encoding="utf-8")},
            source=str(instances[number]),
        )
    plans = root / "ground-truth-plans.jsonl"
    if not plans.is_file():
        return
    for index, line in enumerate(plans.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            number = int(row["instance_id"])
            plan = colours_to_letters(str(row["ground_truth_plan"]))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            yield Problem.broken(
                f"blocksworld-gt:{index}", f"{plans}: line {index}: {exc}", str(plans), line=index
            )
            continue
        if number not in instances:
            yield Problem.broken(
                f"blocksworld-{number}-gt",
                f"{plans}: line {index}: no instance-{number}.pddl",
                str(plans),
                line=index,
            )
            continue
        yield Problem(
            id=f"blocksworld-{number}-gt",
            language="pddl",
            backend=backend,
            expect="valid",
            formal={"domain": domain, "problem": instances[number].read_text(encoding="utf-8"), "plan": plan},
            source=str(plans),
        )


LETTERS = {letter: colour for colour, letter in COLOURS.items()}
FACT_WORDS = {
    "handempty": "the hand is empty",
    "clear": "the {0} block is clear",
    "ontable": "the {0} block is on the table",
    "on": "the {0} block is on top of the {1} block",
    "holding": "the hand is holding the {0} block",
}


def _sentence(atom: Atom) -> str:
    words = FACT_WORDS.get(atom.predicate)
    if words is None:
        raise ValueError(f"no English for the fact ({atom.predicate} ...)")
    return words.format(*(LETTERS.get(arg, arg) for arg in atom.args))


def describe(problem: PlanningProblem) -> str:
    """A Blocksworld instance in PlanBench's English, blocks named by colour (a=red, b=blue, ...).

    >>> describe(parse("(define (problem p) (:domain bw) (:objects a b) (:init (handempty) (on a b) "
    ...                "(ontable b) (clear a)) (:goal (and (on b a))))", "problem"))
    'As initial conditions I have that, the hand is empty, the red block is on top of the blue block, \
the blue block is on the table and the red block is clear. My goal is to have that the blue block is on top \
of the red block.'
    """
    facts = [_sentence(atom) for atom in problem.init]
    goals = problem.goal.parts if isinstance(problem.goal, Junction) else (problem.goal,)
    wanted = [_sentence(goal) for goal in goals]

    def joined(parts: list[str]) -> str:
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

    return f"As initial conditions I have that, {joined(facts)}. My goal is to have that {joined(wanted)}."


def load_nl(path: Path, backend: str | None = None) -> Iterator[Problem]:
    """`planbench-nl`: each instance told in English with the domain given; a formalizer writes the
    problem file (as LLM+P does) and the planner's plan is validated (expected "solvable")."""
    root = Path(path)
    domain_file = root / "domain.pddl"
    if not domain_file.is_file():
        yield Problem.broken(root.name, f"{root} is not a PlanBench Blocksworld folder: no domain.pddl", str(root))
        return
    domain = domain_file.read_text(encoding="utf-8")
    for file in sorted((root / "instances").glob("*.pddl"), key=_instance_number):
        problem_id = f"blocksworld-{_instance_number(file)}"
        try:
            parsed = parse(file.read_text(encoding="utf-8"), "problem")
            if not isinstance(parsed, PlanningProblem):
                raise ValueError("the file holds a domain, not a problem")
            text = describe(parsed)
        except (NeurosymError, ValueError) as exc:
            yield Problem.broken(problem_id, f"{file}: cannot tell this instance in English: {exc}", str(file))
            continue
        yield Problem(id=problem_id, language="pddl", backend=backend, expect="solvable",
                      formal={"domain": domain}, text=text, source=str(file))
