"""Plan validation speed: neurosym's validator against unified-planning's, on the same plans, in one run.

The plans are PlanBench's 99 Blocksworld ground-truth plans and four mutations of each (a step dropped, two
swapped, a wrong block, a step added at the end): valid and invalid plans alike. Each side parses every
problem once beforehand (not timed); timed per plan are reading the plan text and validating it, and,
separately, validating an already-read plan. The verdicts must agree, or the script says so and fails.

    .venv/bin/python benchmarks/pddl_validator_speed.py [--data ../shared/data/blocksworld] [--repeats 3]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

from neurosym.datasets.planbench import ground_truth_plans
from neurosym.lang.pddl import load
from neurosym.lang.pddl_plan import format_plan, parse_plan
from neurosym.planning.blocksworld import MUTATIONS
from neurosym.planning.up_check import UpValidator
from neurosym.planning.validator import Validator


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", default=str(Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "blocksworld")
    )
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    root = Path(args.data).resolve()
    domain_text = (root / "domain.pddl").read_text(encoding="utf-8")
    cases = []  # (our validator, UP validator, plan text)
    for _, problem_text, plan_text in ground_truth_plans(root):
        ours = Validator(*load(domain_text, problem_text))
        theirs = UpValidator(domain_text, problem_text)
        steps = parse_plan(plan_text)
        cases.append((ours, theirs, plan_text))
        for mutate in MUTATIONS.values():
            mutated = mutate(steps, set(ours.initial))
            if mutated is not None:
                cases.append((ours, theirs, format_plan(mutated)))
    parsed = [(ours, theirs, parse_plan(text), theirs.parse(text)) for ours, theirs, text in cases]
    disagree = sum(
        ours.validate(mine).valid != theirs.validate_parsed(up).valid for ours, theirs, mine, up in parsed
    )

    def timed(run) -> float:
        started = time.perf_counter()
        run()
        return time.perf_counter() - started

    rows = {
        "neurosym, read + validate": lambda: [o.validate(parse_plan(t)) for o, _, t in cases],
        "unified-planning, read + validate": lambda: [u.validate(t) for _, u, t in cases],
        "neurosym, validate only": lambda: [o.validate(m) for o, _, m, _ in parsed],
        "unified-planning, validate only": lambda: [u.validate_parsed(p) for _, u, _, p in parsed],
    }
    medians = {name: statistics.median(timed(run) for _ in range(args.repeats)) for name, run in rows.items()}
    valid = sum(o.validate(m).valid for o, _, m, _ in parsed)
    print(
        f"machine: {platform.node()} ({platform.machine()}); {len(cases)} plans ({valid} valid); "
        f"median of {args.repeats} runs; verdicts that disagree: {disagree}"
    )
    for name, seconds in medians.items():
        print(f"{name:36s} {len(cases) / seconds:10.0f} plans/s  ({seconds:.3f} s for all)")
    for kind in ("read + validate", "validate only"):
        ratio = medians[f"unified-planning, {kind}"] / medians[f"neurosym, {kind}"]
        print(f"ratio neurosym / unified-planning ({kind}): {ratio:.1f}x plans per second")
    for theirs in {id(t): t for _, t, _ in cases}.values():
        theirs.close()
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
