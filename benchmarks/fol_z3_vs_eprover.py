"""Z3 against the E prover on gold FOLIO, in one run: agreement where both decide, and solve-time medians.

    .venv/bin/python benchmarks/fol_z3_vs_eprover.py [../shared/data/folio/folio-validation.jsonl]

Each problem is solved by both backends in sandboxed workers (the engine's cross-check mode). Printed:
how many problems both decide and agree on, every problem where they differ (a disagreement, or one
decides and the other does not), and the median seconds per problem of each backend with their ratio.
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from pathlib import Path

from neurosym import Engine, Status
from neurosym.datasets import get_loader

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "folio" / "folio-validation.jsonl"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    problems = list(get_loader("folio")(path))
    per_backend = {}
    for backend in ("z3", "eprover"):
        started = time.perf_counter()
        results = Engine(workers=2, backend=backend).solve_many(problems)
        per_backend[backend] = ({r.id: r for r in results}, time.perf_counter() - started)
    z3_results, e_results = per_backend["z3"][0], per_backend["eprover"][0]
    both = agree = 0
    differences = []
    for problem in problems:
        z, e = z3_results[problem.id], e_results[problem.id]
        if z.status == Status.SOLVED and e.status == Status.SOLVED:
            both += 1
            if z.answer == e.answer:
                agree += 1
                continue
        elif z.status == Status.ERROR and e.status == Status.ERROR:
            continue  # the formula did not parse: neither backend ran
        verdict = {b: (r.answer if r.status == Status.SOLVED else str(r.status)) for b, r in (("z3", z), ("e", e))}
        differences.append(f"{problem.id}: z3={verdict['z3']} e={verdict['e']} gold={problem.expect}")
    print(f"machine: {platform.processor() or platform.machine()}, {platform.python_version()}")
    print(f"problems: {len(problems)}; both decided: {both}; agree: {agree}; disagree: {both - agree}")
    print("differences:" if differences else "differences: none")
    for line in differences:
        print("  " + line)
    medians = {}
    for backend, (results, total) in per_backend.items():
        solved = [r.seconds for r in results.values() if r.status != Status.ERROR]
        medians[backend] = statistics.median(solved)
        correct = sum(bool(r.correct) for r in results.values())
        print(f"{backend}: correct {correct}/{len(results)}, median {medians[backend]:.4f} s/problem, "
              f"total {total:.2f} s")
    print(f"median ratio eprover/z3: {medians['eprover'] / medians['z3']:.2f}")


if __name__ == "__main__":
    main()
