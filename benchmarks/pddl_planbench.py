"""PlanBench Blocksworld with Fast Downward: every instance solved and its plan validated, every
ground-truth plan accepted, every mutated plan rejected for the right reason.

"The right reason": unified-planning's validator, run on the same mutated plan, fails it at the same step
and lists the precondition neurosym names (or both report unmet goals). Run from the repository root:

    .venv/bin/python benchmarks/pddl_planbench.py [--data ../shared/data/blocksworld] [--workers 2]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

from neurosym import Engine
from neurosym.datasets.planbench import ground_truth_plans, load
from neurosym.lang.pddl import load as load_pddl
from neurosym.lang.pddl_plan import format_plan, parse_plan
from neurosym.planning.blocksworld import MUTATIONS
from neurosym.planning.up_check import UpValidator
from neurosym.planning.validator import Validator
from neurosym.result import Status


def mutations_rejected(root: Path) -> dict[str, tuple[int, int, int]]:
    """Per mutation: (plans mutated, rejected by neurosym, rejected for the reason unified-planning gives)."""
    domain_text = (root / "domain.pddl").read_text(encoding="utf-8")
    counts = {name: [0, 0, 0] for name in MUTATIONS}
    for _, problem_text, plan_text in ground_truth_plans(root):
        ours = Validator(*load_pddl(domain_text, problem_text))
        theirs = UpValidator(domain_text, problem_text)
        steps = parse_plan(plan_text)
        for name, mutate in MUTATIONS.items():
            mutated = mutate(steps, set(ours.initial))
            if mutated is None:
                continue
            mine, up = ours.validate(mutated), theirs.validate(format_plan(mutated))
            counts[name][0] += 1
            counts[name][1] += not mine.valid
            same_step = mine.failed_step == up.failed_step and (mine.unmet_precondition in up.unmet)
            same_goals = (
                mine.failed_step is None and up.reason == "UNSATISFIED_GOALS" and bool(mine.unmet_goals)
            )
            counts[name][2] += (not mine.valid) and (not up.valid) and (same_step or same_goals)
        theirs.close()
    return {name: (a, b, c) for name, (a, b, c) in counts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", default=str(Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "blocksworld")
    )
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    root = Path(args.data).resolve()
    problems = list(load(root, backend="fast-downward"))
    engine = Engine(workers=args.workers)
    engine.solve_many(problems[: args.workers])  # warm the workers: imports are not solving time
    started = time.perf_counter()
    results = engine.solve_many(problems)
    wall = time.perf_counter() - started
    planning = [r for r in results if not r.id.endswith("-gt")]
    validation = [r for r in results if r.id.endswith("-gt")]
    solved = [r for r in planning if r.status == Status.SOLVED and isinstance(r.answer, list)]
    validated = [r for r in solved if r.certificate and r.certificate.get("validated") is True]
    accepted = [r for r in validation if r.status == Status.SOLVED and r.answer == "valid"]
    print(f"machine: {platform.node()} ({platform.machine()}, {args.workers} workers); data: {root}")
    print(
        f"instances solved by Fast Downward: {len(solved)}/{len(planning)}; plans validated: {len(validated)}"
    )
    print(
        f"median seconds per instance (worker solve incl. validation): "
        f"{statistics.median(r.seconds for r in planning):.3f}; "
        f"median plan length {statistics.median(len(r.answer) for r in solved):.0f}"
    )
    print(
        f"ground-truth plans accepted: {len(accepted)}/{len(validation)}; "
        f"median seconds per validation: {statistics.median(r.seconds for r in validation):.4f}"
    )
    print(f"wall time for all {len(results)} problems: {wall:.1f} s")
    for name, (mutated, rejected, right) in mutations_rejected(root).items():
        print(
            f"mutation {name:16s}: {mutated} plans, rejected {rejected}, "
            f"with the reason unified-planning gives {right}"
        )


if __name__ == "__main__":
    main()
