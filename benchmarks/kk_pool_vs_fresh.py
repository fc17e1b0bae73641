"""Knights and Knaves on SWI-Prolog: a warm sandboxed worker pool against a fresh `swipl` per puzzle.

Peers call SWI-Prolog by starting a `swipl` process per puzzle; neurosym keeps one Prolog engine warm in
each sandbox worker and loads each program into a fresh temporary module. Both run the same Prolog
translation of each gold formalization (neurosym.backends.swipl_kk.to_prolog), one puzzle at a time, timed end to
end from the caller (for the pool: submit, solve, result back; for fresh: spawn, load, solve, exit).
Prints per set: accuracy of each, the median seconds per puzzle, and the ratio of medians, in one run.

    .venv/bin/python benchmarks/kk_pool_vs_fresh.py [--limit N] [DATA_DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from neurosym.backends.swipl_kk import to_prolog
from neurosym.datasets.knights_knaves import load
from neurosym.engine import Engine
from neurosym.lang import kk
from neurosym.problem import Problem
from neurosym.sandbox import subprocess_limits

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "knights-knaves"
SETS = ("3ppl-test.jsonl", "4ppl-test.jsonl", "5ppl-test.jsonl")


def fresh_swipl(problem: Problem, workdir: Path, seconds: float = 10.0) -> dict[str, str] | list | str:
    """Solve one puzzle the way peers do: write the Prolog, run `swipl` on it, read the printed answers."""
    names = problem.formal["names"]
    statements = kk.parse_statements(problem.formal["statements"], len(names))
    program, query = to_prolog(statements)
    path = workdir / f"{problem.id}.pl"
    path.write_text(program, encoding="utf-8")
    variables = query[query.index("(") + 1:-1]
    goal = f"forall({query}, (write_canonical([{variables}]), nl))"
    done = subprocess.run(["swipl", "-q", "-g", goal, "-t", "halt", str(path)], capture_output=True,
                          text=True, timeout=seconds + 5, preexec_fn=subprocess_limits(seconds, 2048),
                          check=False)
    assignments = []
    for line in done.stdout.split():
        roles = line.strip("[]").split(",")
        assignments.append(dict(zip(names, roles, strict=True)))
    return assignments[0] if len(assignments) == 1 else assignments or "no solution"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="only the first N puzzles of each set")
    args = parser.parse_args()
    if shutil.which("swipl") is None:
        raise SystemExit("swipl not found: install swi-prolog-nox")
    language = kk.LANGUAGE
    engine = Engine(workers=1, backend="swipl")
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs; "
          f"{subprocess.run(['swipl', '--version'], capture_output=True, text=True).stdout.strip()}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in SETS:
            problems = list(load(args.data / name))[: args.limit]
            engine.solve_many(problems[:1])  # start the worker and its Prolog engine before timing
            pool_times, fresh_times, pool_ok, fresh_ok = [], [], 0, 0
            for problem in problems:
                started = time.perf_counter()
                result = engine.solve_many([problem])[0]
                pool_times.append(time.perf_counter() - started)
                pool_ok += bool(result.correct)
                started = time.perf_counter()
                answer = fresh_swipl(problem, Path(tmp))
                fresh_times.append(time.perf_counter() - started)
                fresh_ok += language.answers_match(answer, problem.expect)
            pool_median, fresh_median = statistics.median(pool_times), statistics.median(fresh_times)
            print(f"{name}: n={len(problems)} pool accuracy={pool_ok / len(problems):.3f} "
                  f"fresh accuracy={fresh_ok / len(problems):.3f} | median s/puzzle: pool={pool_median:.5f} "
                  f"fresh={fresh_median:.5f} | fresh/pool ratio of medians={fresh_median / pool_median:.1f}x")


if __name__ == "__main__":
    main()
