"""ProofWriter dev (Logic-LM's 600 questions) through the controlled-English parser: coverage, accuracy, time.

Prints the bench summary (executable_rate is the share of problems every sentence of which parsed: the
problem-level coverage), the sentence-level coverage, the constructions the sentences used, the wrong
answers by (expected, answer), and the answers mapped back to Logic-LM's option letters.

    .venv/bin/python benchmarks/cnl_proofwriter.py [--data PATH] [--repeat 3] [--world open|rules]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import time
from collections import Counter
from pathlib import Path

from neurosym.bench import summarize
from neurosym.datasets.logic_lm import load, option_letter
from neurosym.engine import Engine
from neurosym.formalize.cnl import formalize_problem, sentence_coverage
from neurosym.problem import Problem
from neurosym.result import NeurosymError

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
DEFAULT_DATA = SHARED / "proofwriter" / "dev.json"
FOLIO = SHARED / "folio" / "folio-validation.jsonl"
FOLIO_LABELS = {"True": "true", "False": "false", "Uncertain": "uncertain"}

# A sentence's construction, named by its shape: the first pattern that matches.
CONSTRUCTIONS = [
    ("If ... then ... (rule)", re.compile(r"^If ")),
    ("All ADJ things/people are ...", re.compile(r"^All ")),
    ("ADJ, ADJ things/people are ... (generic plural)", re.compile(r"^[A-Z]\w*,? .*\b(things|people) ")),
    ("X is not ADJ", re.compile(r"^.+ is not \w+$")),
    ("X is ADJ", re.compile(r"^.+ is \w+$")),
    ("X does not VERB Y", re.compile(r"^.+ does not \w+ .+$")),
    ("X VERBs Y", re.compile(r".")),
]


def construction(sentence: str) -> str:
    return next(name for name, pattern in CONSTRUCTIONS if pattern.search(sentence.rstrip(".")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=1, help="runs; the median of their per-problem medians")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--folio", type=Path, default=FOLIO,
                        help="FOLIO's natural-language premises: coverage of ordinary English (if present)")
    parser.add_argument("--world", choices=("open", "rules"), default="open",
                        help="open: classical first-order logic; rules: ProofWriter's forward-only rules")
    args = parser.parse_args()

    rows = json.loads(args.data.read_text(encoding="utf-8"))
    sentences = failures = 0
    shapes: Counter[str] = Counter()
    for row in rows:
        total, failed = sentence_coverage(row["context"])
        sentences += total
        failures += len(failed)
        for part in re.split(r"(?<=\.)\s+", row["context"].strip()):
            shapes[construction(part)] += 1
        for _, reason in failed[:3]:
            print(f"outside the fragment: {row['id']}: {reason}")
    print(f"sentence coverage: {sentences - failures}/{sentences} = {(sentences - failures) / sentences:.4f}")
    for name, count in shapes.most_common():
        print(f"  {count:6d}  {name}")

    engine = Engine(workers=args.workers)
    medians, summary, results, problems = [], {}, [], []
    for _ in range(args.repeat):
        problems = list(load(args.data))
        for problem in problems:
            problem.options["world"] = args.world
        started = time.perf_counter()
        results = engine.solve_many(problems)
        summary = summarize(results, time.perf_counter() - started)
        medians.append(summary["median_seconds"])
    print(f"world: {args.world}; machine: {platform.machine()} {platform.processor() or ''}, "
          f"{os.cpu_count()} CPUs, workers: {engine.pool.workers}")
    for key, value in summary.items():
        print(f"{key}: {value}")
    print(f"median_seconds over {args.repeat} run(s): {statistics.median(medians):.6f} (runs: {medians})")
    wrong = Counter((r.expected, r.answer if r.answer is not None else str(r.status)) for r in results
                    if not r.correct)
    print("wrong (expected, answer):", dict(wrong))
    letters = Counter((option_letter(r.answer, rows[i].get("options")), rows[i]["answer"])
                      for i, r in enumerate(results))
    agree = sum(n for (mine, gold), n in letters.items() if mine == gold)
    print(f"option letters equal to the gold letter: {agree}/{len(results)}")
    if args.folio.is_file():
        folio(args.folio, engine)


def folio(path: Path, engine: Engine) -> None:
    """Ordinary English (FOLIO's premises, written by people): how much the fragment covers, and how the
    problems it covers fully are answered."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    sentences = parsed = 0
    problems = []
    for number, row in enumerate(rows, start=1):
        premises = [p.strip() for p in row["premises"]]
        text = " ".join(p if p.endswith((".", "!", "?")) else p + "." for p in premises)
        total, failed = sentence_coverage(text)
        sentences += total
        parsed += total - len(failed)
        problem = Problem(id=f"folio-{number}", text=text, question=row["conclusion"],
                          expect=FOLIO_LABELS.get(row["label"]))
        try:
            formalize_problem(problem)
        except NeurosymError:
            continue
        problems.append(problem)
    results = engine.solve_many(problems)
    correct = sum(bool(r.correct) for r in results)
    print(f"FOLIO validation (ordinary English): sentence coverage {parsed}/{sentences} = "
          f"{parsed / sentences:.4f}; problems fully covered {len(problems)}/{len(rows)}; "
          f"correct on those {correct}/{len(problems)}")
    for result in results:
        print(f"  {result.id}: {result.status} {result.answer} (expected {result.expected})")


if __name__ == "__main__":
    main()
