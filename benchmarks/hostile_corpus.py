"""Issue 15's measurements: the hostile corpus of tests/test_hostile_corpus.py solved in one batch with
examples/. Prints, per class, how many cases and how each ended; the batch's result count, wall time and
peak memory (the caller and its largest worker); the worst overshoot of a problem's wall time past its limit.

    .venv/bin/python benchmarks/hostile_corpus.py
"""

from __future__ import annotations

import importlib.util
import resource
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from neurosym.engine import Engine
from neurosym.loading import load_paths

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    spec = importlib.util.spec_from_file_location("corpus", ROOT / "tests" / "test_hostile_corpus.py")
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    with tempfile.TemporaryDirectory() as tmp:
        secret = Path(tmp) / "secret.pl"
        secret.write_text("secret.\n", encoding="utf-8")
        classes = corpus.build(Path(tmp) / "corpus", secret)
        shutil.copytree(ROOT / "examples", Path(tmp) / "examples")
        started = time.monotonic()
        hostile = list(load_paths([Path(tmp) / "corpus"]))
        good = list(load_paths([Path(tmp) / "examples"]))
        results = Engine(workers=2).solve_many(hostile + good)
        wall = time.monotonic() - started
    file_of = {}
    for kind, names in classes.items():
        for name in names:
            file_of[Path(name).stem] = kind
    endings: dict[str, Counter] = {}
    overshoot = (0.0, "-")
    for problem, result in zip(hostile, results, strict=False):
        kind = file_of.get(problem.id.split(":")[0], "other")
        ending = str(result.status) + (f"/{result.error.kind}" if result.error else "")
        endings.setdefault(kind, Counter())[ending] += 1
        over = result.seconds - problem.limits.seconds
        if over > overshoot[0]:
            overshoot = (over, problem.id)
    for kind, counter in endings.items():
        print(f"{kind:16} {sum(counter.values()):4} cases: {dict(counter)}")
    examples_right = sum(r.correct is not False and str(r.status) == "solved" for r in results[len(hostile):])
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"results: {len(results)} for {len(hostile)} hostile + {len(good)} example problems; "
          f"examples right: {examples_right}/{len(good)}")
    print(f"wall: {wall:.1f} s; peak memory: caller {parent:.0f} MB, largest worker or prover {child:.0f} MB")
    print(f"worst overshoot past a problem's limit: {overshoot[0]:.2f} s ({overshoot[1]})")


if __name__ == "__main__":
    main()
