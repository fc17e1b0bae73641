"""The hot path, old against new in one run: what one problem costs, stage by stage, and how many go through.

    .venv/bin/python benchmarks/hot_path.py [--repeats 3] [--quick] [DATA_DIR]

"old" is the per-problem path kept behind flags: one problem per round trip (Engine(chunk_size=1)) and a
fresh Z3 context with a fresh solver per check (NEUROSYM_Z3_FRESH_CONTEXT=1 in the workers). "new" is the
default: problems travel in chunks, and each worker keeps one Z3 context and solver (a scope per problem).
Both engines have 2 workers and are warm. Each figure is the median of --repeats runs, old and new taking
turns so that load on a shared machine falls on both; the load average is printed beside each section, and
CPU milliseconds per problem (workers + caller, from /proc) beside wall-clock rates, since CPU time moves
less than wall time when other jobs share the cores. Answers are compared problem by problem: the two
paths must agree on every status and answer.

Sections: stages (parse, translate, Z3, run_backend in one process; pool round trip of a no-op task),
trivial FOL problems/s through solve_many, gold FOLIO whole run, Knights and Knaves puzzles/s on SWI-Prolog
and Z3, and a batch of 8,192 mixed problems with 1% that hang (a Prolog loop that runs to its 1 s limit).
"""

from __future__ import annotations

import argparse
import collections
import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from neurosym import Engine, NeurosymError, Problem, Result
from neurosym.backends import z3_fol
from neurosym.datasets import get_loader
from neurosym.engine import WORKER_INITIALIZER, formalize, run_backend
from neurosym.lang.fol import parse_program
from neurosym.problem import Limits
from neurosym.sandbox import DEFAULT_CHUNK_SIZE, WorkerPool

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
WORKERS = 2


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.node()}: {model}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def load() -> str:
    return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def engines() -> dict[str, Engine]:
    old = WorkerPool(WORKERS, chunk_size=1, initializer=WORKER_INITIALIZER,
                     environment={"NEUROSYM_Z3_FRESH_CONTEXT": "1"})
    new = WorkerPool(WORKERS, chunk_size=DEFAULT_CHUNK_SIZE, initializer=WORKER_INITIALIZER,
                     environment={"NEUROSYM_Z3_FRESH_CONTEXT": "0"})
    return {"old": Engine(pool=old), "new": Engine(pool=new)}


def _cpu_seconds(pool: WorkerPool) -> float:
    """CPU seconds used so far by the caller and the pool's live workers."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    total = usage.ru_utime + usage.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    for worker in pool._pool:
        if worker is None:
            continue
        try:
            fields = Path(f"/proc/{worker.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def timed_runs(engines_: dict[str, Engine], problems: list[Problem], repeats: int, backend: str | None = None
               ) -> dict[str, dict[str, Any]]:
    """Solve `problems` `repeats` times on each engine (taking turns); wall, CPU and the last results."""
    runs: dict[str, dict[str, Any]] = {name: {"wall": [], "cpu": [], "results": None} for name in engines_}
    for engine in engines_.values():  # warm: workers up, parsers and provers loaded
        engine.backend = backend
        engine.solve_many(problems[: min(len(problems), 200)])
    for _ in range(repeats):
        for name, engine in engines_.items():
            cpu = _cpu_seconds(engine.pool)
            started = time.perf_counter()
            results = engine.solve_many(problems)
            runs[name]["wall"].append(time.perf_counter() - started)
            runs[name]["cpu"].append(_cpu_seconds(engine.pool) - cpu)
            runs[name]["results"] = results
    return runs


def verdicts(results: list[Result]) -> list[tuple[str, str, Any]]:
    return [(r.id, str(r.status), r.answer) for r in results]


def report(title: str, runs: dict[str, dict[str, Any]], count: int, unit: str = "problems") -> None:
    old, new = runs["old"], runs["new"]
    line = [f"{title} ({count} {unit}):"]
    for name, run in (("old", old), ("new", new)):
        wall, cpu = statistics.median(run["wall"]), statistics.median(run["cpu"])
        correct = sum(bool(r.correct) for r in run["results"])
        line.append(f"  {name}: {count / wall:8.0f} {unit}/s, {wall:7.3f} s, {1e3 * cpu / count:.3f} CPU ms each "
                     f"(runs: {', '.join(f'{w:.2f}' for w in run['wall'])} s); correct {correct}/{count}")
    ratio = statistics.median(old["wall"]) / statistics.median(new["wall"])
    same = verdicts(old["results"]) == verdicts(new["results"])
    line.append(f"  new/old speed: {ratio:.1f}x; same status and answer on every problem: {same}; {load()}")
    print("\n".join(line), flush=True)


def trivial(count: int) -> list[Problem]:
    return [Problem.from_dict({"id": f"trivial-{i}", "language": "fol", "premises": ["P(a)"],
                               "conclusion": "P(a)", "expect": "true"}, "t") for i in range(count)]


def median_ms(fn: Callable[[], Any], n: int) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return 1e3 * statistics.median(times)


def _parses(program: Any) -> bool:
    try:
        parse_program(program)
    except NeurosymError:
        return False
    return True


def stages(folio: list[Problem], repeats: int) -> None:
    """Per-problem cost of each stage in one process (no pool), old and new Z3 paths; then the pool."""
    print(f"stages, in one process, median ms per problem ({load()}):")
    sets = {"trivial P(a) ⊢ P(a)": trivial(1) * 300, "gold FOLIO": [p for p in folio if p.load_error is None]}
    for label, problems in sets.items():
        programs = [program for program in map(formalize, problems) if _parses(program)]
        limits = Limits(seconds=10)
        parse = statistics.median(median_ms(lambda p=p: parse_program(p), 3) for p in programs[:300])
        row = [f"  {label}: parse {parse:.3f}"]
        for mode in ("old", "new"):
            z3_fol.FRESH_CONTEXT = mode == "old"
            timings = collections.defaultdict(list)
            for _ in range(repeats):
                for program in programs:
                    started = time.perf_counter()
                    outcome = run_backend(["z3"], program, limits)
                    timings["run_backend"].append(time.perf_counter() - started)
                    for stage in ("translate", "z3"):
                        timings[stage].append(outcome.timings.get(stage, 0.0))
            row.append(f"{mode}: translate {1e3 * statistics.median(timings['translate']):.3f}, "
                       f"Z3 {1e3 * statistics.median(timings['z3']):.3f}, "
                       f"run_backend {1e3 * statistics.median(timings['run_backend']):.3f}")
        z3_fol.FRESH_CONTEXT = False
        print(" | ".join(row))
    for name, chunk in (("old", 1), ("new", DEFAULT_CHUNK_SIZE)):
        pool = WorkerPool(WORKERS, chunk_size=chunk)
        pool.outcome(pool.submit(abs, (1,), 10, 512), 0)
        single = median_ms(lambda pool=pool: pool.outcome(pool.submit(abs, (1,), 10, 512), 0), 300)
        walls = []
        for _ in range(repeats):
            started = time.perf_counter()
            futures = [pool.submit(abs, (i,), 10, 512) for i in range(4000)]
            assert [pool.outcome(f, 0) for f in futures] == list(range(4000))
            walls.append(time.perf_counter() - started)
        pool.close()
        print(f"  pool round trip, {name} (chunk_size={chunk}): one task alone {single:.3f} ms; 4000 no-op tasks "
              f"in a stream {1e3 * statistics.median(walls) / 4000:.4f} ms each (wall, {WORKERS} workers)")


def mixed_batch(data: Path, folio: list[Problem], total: int) -> list[Problem]:
    """`total` problems: trivial FOL, gold FOLIO, KK on swipl and z3, Prolog queries; 1% Prolog loops."""
    one_second = Limits(seconds=1)
    kk = list(get_loader("kk")(data / "knights-knaves" / "3ppl-test.jsonl"))
    kinds: list[Callable[[int], Problem]] = [
        lambda i: Problem.from_dict({"id": f"m{i}", "language": "fol", "premises": ["P(a)"],
                                     "conclusion": ["P(a)", "¬P(a)", "Q(a)"][i % 3],
                                     "expect": ["true", "false", "uncertain"][i % 3]}, "m"),
        lambda i: replace(folio[i % len(folio)], id=f"m{i}"),
        lambda i: replace(kk[i % len(kk)], id=f"m{i}", backend="swipl"),
        lambda i: replace(kk[i % len(kk)], id=f"m{i}", backend="z3"),
        lambda i: Problem.from_dict({"id": f"m{i}", "language": "prolog", "expect": "true",
                                     "program": "parent(tom, bob).\nparent(bob, ann).\n"
                                                "grand(X, Z) :- parent(X, Y), parent(Y, Z).",
                                     "query": "grand(tom, ann)"}, "m"),
    ]
    hang_every = 100
    problems = []
    for i in range(total):
        if i % hang_every == hang_every - 1:
            problem = Problem.from_dict({"id": f"m{i}", "language": "prolog", "program": "loop :- loop.",
                                         "query": "loop"}, "m")
        else:
            problem = kinds[i % len(kinds)](i)
        problems.append(replace(problem, limits=one_second))
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smaller sets, one repeat (a smoke test)")
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    print(f"machine: {machine()}; {WORKERS} workers; {load()}")
    folio = list(get_loader("folio")(args.data / "folio" / "folio-validation.jsonl"))
    stages(folio, repeats)
    both = engines()

    problems = trivial(1000 if args.quick else 4000)
    report("trivial FOL P(a) ⊢ P(a) through solve_many", timed_runs(both, problems, repeats), len(problems))

    runs = timed_runs(both, folio, repeats, backend="z3")
    report("gold FOLIO whole run, warm, Z3", runs, len(folio))

    kk = [p for name in ("3ppl-test.jsonl", "4ppl-test.jsonl", "5ppl-test.jsonl")
          for p in get_loader("kk")(args.data / "knights-knaves" / name)]
    for backend in ("swipl", "z3"):
        report(f"Knights and Knaves on {backend}", timed_runs(both, kk, repeats, backend=backend), len(kk), "puzzles")

    batch = mixed_batch(args.data, [p for p in folio if p.load_error is None], 1024 if args.quick else 8192)
    hangs = sum(p.formal.get("query") == "loop" for p in batch)
    runs = timed_runs(both, batch, 1)
    for name, run in runs.items():
        statuses = collections.Counter(str(r.status) for r in run["results"])
        ids_back = sorted(r.id for r in run["results"]) == sorted(p.id for p in batch)
        correct = sum(bool(r.correct) for r in run["results"])
        expected = sum(p.expect is not None for p in batch)
        print(f"mixed batch of {len(batch)} ({hangs} hang to their 1 s limit), {name}: {run['wall'][0]:.1f} s wall, "
              f"{len(run['results'])} results, every id back once: {ids_back}; {dict(statuses)}; "
              f"correct {correct}/{expected} with an expected answer")
    same = verdicts(runs["old"]["results"]) == verdicts(runs["new"]["results"])
    print(f"  new/old speed: {runs['old']['wall'][0] / runs['new']['wall'][0]:.1f}x; "
          f"same status and answer on every problem: {same}; {load()}")
    for engine in both.values():
        engine.pool.close()


if __name__ == "__main__":
    main()
