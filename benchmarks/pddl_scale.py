"""Blocksworld at scale: generated instances of 20, 40 and 60 blocks, solved by Fast Downward through the
engine (sandbox worker), every plan validated. Prints the median of repeated runs for each size.

    .venv/bin/python benchmarks/pddl_scale.py [--sizes 20 40 60] [--repeats 3] [--seconds 300]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

from neurosym import Engine
from neurosym.lang.pddl import load
from neurosym.lang.pddl_plan import parse_plan
from neurosym.planning.blocksworld import BLOCKSWORLD_DOMAIN, generate_problem
from neurosym.planning.validator import Validator
from neurosym.result import Status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 40, 60])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    engine = Engine(workers=1)
    engine.solve_many(
        [{"id": "warm-up", "language": "pddl", "domain": BLOCKSWORLD_DOMAIN, "problem": generate_problem(3)}]
    )
    print(
        f"machine: {platform.node()} ({platform.machine()}); Fast Downward lama-first; seed {args.seed}; "
        f"median of {args.repeats} runs"
    )
    for blocks in args.sizes:
        problem = generate_problem(blocks, args.seed)
        solve, planner, lengths = [], [], set()
        for _ in range(args.repeats):
            result = engine.solve_many(
                [
                    {
                        "id": f"bw-{blocks}",
                        "language": "pddl",
                        "domain": BLOCKSWORLD_DOMAIN,
                        "problem": problem,
                        "limits": {"seconds": args.seconds},
                    }
                ]
            )[0]
            if result.status != Status.SOLVED or not result.certificate.get("validated"):
                print(f"{blocks} blocks: {result.status} {result.error or result.certificate}")
                break
            solve.append(result.seconds)
            planner.append(result.certificate["planner_seconds"])
            lengths.add(len(result.answer))
        else:
            steps = parse_plan("\n".join(result.answer))
            validator = Validator(*load(BLOCKSWORLD_DOMAIN, problem))
            checks = []
            for _ in range(args.repeats):
                started = time.perf_counter()
                assert validator.validate(steps).valid
                checks.append(time.perf_counter() - started)
            print(
                f"{blocks:3d} blocks: solved and validated; plan length {sorted(lengths)}; "
                f"solve {statistics.median(solve):.2f} s (Fast Downward {statistics.median(planner):.2f} s); "
                f"validation alone {statistics.median(checks) * 1000:.1f} ms"
            )


if __name__ == "__main__":
    main()
