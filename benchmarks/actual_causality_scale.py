"""Actual causality at scale: the Z3 search against the enumeration reference, in one run.

For each size (endogenous variables) it generates random Boolean models (neurosym.datasets.random_scm), asks
"is X = x an actual cause of φ?" (modified HP definition) with both methods, checks that the verdicts
agree wherever the enumeration finishes, and prints medians. The enumeration gets a deadline per
question; past it the question counts as unfinished. Also times the Z3 degree-of-responsibility search.

    .venv/bin/python benchmarks/actual_causality_scale.py [--sizes 10 25 50 100] [--models 5] [--deadline 20]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import networkx as nx

from neurosym.causal.actual import Enumerator, Z3Search
from neurosym.causal.model import refs
from neurosym.datasets.random_scm import random_question


def timed(function, *args):
    started = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - started


def fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.4f}" if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 25, 50, 100])
    parser.add_argument("--models", type=int, default=8, help="random models per size")
    parser.add_argument("--deadline", type=float, default=20.0, help="seconds per enumeration question")
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()} python {platform.python_version()}; "
        f"{args.models} models per size, enumeration deadline {args.deadline:g} s"
    )
    print("verdicts: 'yes W=0' but-for causes, 'yes W>0' causes that need a contingency W, 'no' non-causes")
    print("(for 'no' the enumeration must try every contingency, 2^(n-1) of them)")
    header = (
        "n",
        "verdict",
        "questions",
        "z3 median s",
        "z3 max s",
        "enum finished",
        "enum median s",
        "enum/z3 median",
        "agree",
        "z3 resp. median s",
    )
    print("  ".join(f"{h:>{max(len(h), 6)}}" for h in header))
    labels = ("yes W=0", "yes W>0", "no")
    for n in args.sizes:
        rows: dict[str, dict[str, list]] = {
            label: {"z3": [], "enum": [], "ratio": [], "agree": []} for label in labels
        }
        resp_times = []
        for seed in range(args.models):
            model, phi, cause = random_question(n, seed)
            ((name, value),) = cause.items()
            _, resp_seconds = timed(Z3Search(model, phi).responsibility, name, value)
            resp_times.append(resp_seconds)
            for question in questions(model, phi, cause):
                ask(model, phi, question, rows, args.deadline)
        printed = False
        for label in labels:
            row = rows[label]
            if not row["z3"]:
                continue
            count = len(row["z3"])
            cells = [
                n,
                label,
                count,
                fmt(row["z3"]),
                f"{max(row['z3']):.4f}",
                f"{len(row['enum'])}/{count}",
                fmt(row["enum"]),
                fmt(row["ratio"]),
                f"{sum(row['agree'])}/{len(row['agree'])}",
                "" if printed else fmt(resp_times),
            ]
            print(
                "  ".join(f"{c!s:>{max(len(h), 6)}}" for c, h in zip(cells, header, strict=True)), flush=True
            )
            printed = True


def questions(model, phi, cause: dict) -> list[dict]:
    """The random question, plus (when the model has one) an ancestor of φ that needs a contingency."""
    search = Z3Search(model, phi)
    found = [cause]
    for name in sorted(
        nx.ancestors(model.graph, next(iter(phi_names(phi)))) & set(model.order), key=lambda v: int(v[1:])
    ):
        candidate = {name: search.actual[name]}
        verdict = search.is_cause(candidate)
        if candidate != cause and verdict.is_cause and verdict.witness.w:
            found.append(candidate)
            break
    return found


def phi_names(phi) -> set[str]:
    return {ref.name for ref in refs(phi)}


def ask(model, phi, cause: dict, rows: dict, deadline: float) -> None:
    verdict, seconds = timed(Z3Search(model, phi).is_cause, cause)
    label = "no" if not verdict.is_cause else "yes W>0" if verdict.witness.w else "yes W=0"
    row = rows[label]
    row["z3"].append(seconds)
    enumerator = Enumerator(model, phi, deadline=time.monotonic() + deadline)
    try:
        reference, enum_seconds = timed(enumerator.is_cause, cause)
    except TimeoutError:
        return
    row["enum"].append(enum_seconds)
    row["ratio"].append(enum_seconds / seconds)
    row["agree"].append(reference.is_cause == verdict.is_cause)


if __name__ == "__main__":
    main()
