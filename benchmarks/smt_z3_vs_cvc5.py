"""Z3 against cvc5 on SMT-LIB scripts: agreement on every script both decide, and each one's median time.

The scripts are real: each LogicalDeduction program GPT-4 wrote for Logic-LM (the `csp` language),
translated to SMT-LIB (QF_LIA) by neurosym's own translator, once with the constraints alone and once per
option with the option negated (unsat means the option holds in every solution). Each script is solved by
both backends in this process, one run, through the same SMT-LIB path the engine uses.

    .venv/bin/python benchmarks/smt_z3_vs_cvc5.py [--limit N] [--seconds S]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import z3

from neurosym.backends.cvc5_smt import Cvc5SmtBackend
from neurosym.backends.z3_csp import _Translator
from neurosym.backends.z3_smt import Z3SmtBackend
from neurosym.lang import Program
from neurosym.lang.csp import parse_program
from neurosym.problem import Limits
from neurosym.result import NeurosymError, Status

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "logic-lm" / "LogicalDeduction_dev_gpt-4.json"


def scripts(limit: int | None) -> list[str]:
    rows = json.loads(DATA.read_text(encoding="utf-8"))[:limit]
    found = []
    for row in rows:
        parsed = parse_program(row["raw_logic_programs"][0])
        translator = _Translator(parsed, z3.Context())
        base = [*translator.domains, *(translator.expr(c.tree) for c in parsed.constraints)]
        goals = [None, *(z3.Not(translator.expr(o.tree)) for o in parsed.options)]
        for goal in goals:
            solver = z3.Solver(ctx=translator.ctx)
            solver.add(base if goal is None else [*base, goal])
            found.append("(set-logic QF_LIA)\n" + solver.to_smt2())
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None, help="only the first N programs")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    texts = scripts(args.limit)
    limits = Limits(seconds=args.seconds)
    times: dict[str, list[float]] = {"z3": [], "cvc5": []}
    verdicts: dict[str, list[str | None]] = {"z3": [], "cvc5": []}
    for text in texts:
        for name, backend in (("z3", Z3SmtBackend), ("cvc5", Cvc5SmtBackend)):
            started = time.perf_counter()
            try:
                outcome = backend().solve(Program("smt", {"script": text}), limits)
                verdict = outcome.answer if outcome.status == Status.SOLVED else None
            except NeurosymError:
                verdict = None
            times[name].append(time.perf_counter() - started)
            verdicts[name].append(verdict)
    both = [(a, b) for a, b in zip(verdicts["z3"], verdicts["cvc5"], strict=True) if a and b]
    disagree = sum(a != b for a, b in both)
    print(f"machine: {platform.processor() or platform.machine()}, {platform.python_implementation()} "
          f"{platform.python_version()}; z3 {z3.get_version_string()}")
    print(f"scripts: {len(texts)} (sat {sum(v == 'sat' for v in verdicts['z3'])}, "
          f"unsat {sum(v == 'unsat' for v in verdicts['z3'])} by z3)")
    for name in ("z3", "cvc5"):
        decided = sum(v is not None for v in verdicts[name])
        print(f"{name}: decided {decided}/{len(texts)}, median {statistics.median(times[name]) * 1000:.2f} ms")
    print(f"both decided: {len(both)}, agree: {len(both) - disagree}, disagree: {disagree}")
    ratio = statistics.median(times["cvc5"]) / statistics.median(times["z3"])
    print(f"median time cvc5 / z3: {ratio:.2f}")


if __name__ == "__main__":
    main()
