"""Reward verification speed and robustness, side by side with the peers, in one run.

Sections (each prints rewards/s, p50/p99 latency of single calls, and the ratio to the peer where there is
one, on the same completions):
1. Knights and Knaves answers (3/4/5 people) vs reasoning-gym's knights_knaves `score_answer`.
2. Blocksworld plans (PlanBench ground truth + four mutations each) vs unified-planning's validator.
3. FOL answers on FOLIO (checked against the solver's verdict; cold = each problem solved once, warm =
   cached), and 4. program-mode FOL (every completion's program solved in the sandbox pool).
5. One 8,192-completion batch (a DAPO-sized step) with 1% hostile items: every verdict back, wall time.
6. `neurosym serve` under concurrent clients on loopback: requests/s, p99, lost or mis-ordered results;
   7. the same with a pool worker killed mid-batch.

    .venv/bin/python benchmarks/rewards_speed.py [--data ../shared/data] [--workers 2] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from neurosym.datasets.planbench import ground_truth_plans
from neurosym.lang.pddl_plan import format_plan, parse_plan
from neurosym.planning.blocksworld import MUTATIONS
from neurosym.rewards import Verifier

LABELS = {"True": "true", "False": "false", "Uncertain": "uncertain"}
ROOT = Path(__file__).resolve().parents[1]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def latency_line(name: str, seconds: list[float]) -> str:
    return f"{name:<34} p50 {1000 * statistics.median(seconds):8.3f} ms   p99 {1000 * pct(seconds, 0.99):8.3f} ms"


def rate_line(name: str, count: int, wall: float) -> str:
    return f"{name:<34} {count:6d} rewards in {wall:7.3f} s = {count / wall:9.1f} rewards/s"


def single_calls(fn, items, limit: int) -> list[float]:
    out = []
    for item in items[:limit]:
        started = time.perf_counter()
        fn(*item)
        out.append(time.perf_counter() - started)
    return out


def flip(text: str) -> str:
    return text.replace("knight", "@").replace("knave", "knight").replace("@", "knave")


# --------------------------------------------------------------------------------------------- completions

def kk_items(data: Path) -> list[tuple[dict, str, dict]]:
    """(task, completion, reasoning-gym entry) for every row: gold, gold as a list, flipped, no answer."""
    items = []
    for people in (3, 4, 5):
        for line in (data / "knights-knaves" / f"{people}ppl-test.jsonl").read_text().splitlines():
            row = json.loads(line)
            task = {"language": "kk", "names": row["names"], "statements": row["statements"]}
            entry = {"answer": row["solution_text"]}
            first, _, rest = row["solution_text"].partition(",")
            for text in (f"<think>Suppose...</think><answer>{row['solution_text']}</answer>",
                         row["solution_text_format"], f"<answer>{flip(row['solution_text'])}</answer>",
                         f"<answer>{flip(first)},{rest}</answer>", "I am not sure."):
                items.append((task, text, entry))
    return items


def plan_items(data: Path) -> list[tuple[dict, str, tuple[str, str]]]:
    root = data / "blocksworld"
    domain = (root / "domain.pddl").read_text()
    items = []
    from neurosym.lang.pddl import load

    for _, problem_text, plan in ground_truth_plans(root):
        _, problem = load(domain, problem_text)
        init = {(a.predicate, *a.args) for a in problem.init}
        steps = parse_plan(plan)
        variants = [steps] + [m(steps, init) for m in MUTATIONS.values()]
        task = {"language": "pddl", "domain": domain, "problem": problem_text, "expect": "solvable"}
        for variant in variants:
            if variant is not None:
                items.append((task, f"<answer>\n{format_plan(variant)}</answer>", (problem_text, format_plan(variant))))
    return items


def folio_rows(data: Path) -> list[dict]:
    return [json.loads(line) for line in (data / "folio" / "folio-validation.jsonl").read_text().splitlines()]


def fol_answer_items(rows: list[dict]) -> list[tuple[dict, str]]:
    items = []
    for row in rows:
        task = {"language": "fol", "premises": row["premises-FOL"], "conclusion": row["conclusion-FOL"],
                "expect": LABELS[row["label"]]}
        items += [(task, r"\boxed{True}"), (task, "<answer>False</answer>"), (task, "It is uncertain.")]
    return items


def fol_program_items(rows: list[dict]) -> list[tuple[dict, str]]:
    return [({"language": "fol", "mode": "program", "expect": LABELS[row["label"]]},
             "```fol\n" + "\n".join(row["premises-FOL"]) + "\n⊢ " + row["conclusion-FOL"] + "\n```") for row in rows]


HOSTILE = [
    ("prolog", "```prolog\n:- shell('touch /tmp/neurosym-pwned').\np(1).\n?- p(X).\n```"),
    ("prolog", "```prolog\np(1).\n?- shell('touch /tmp/neurosym-pwned').\n```"),
    ("prolog", "```prolog\nw :- open('/tmp/neurosym-pwned', write, S), close(S).\n?- w.\n```"),
    ("prolog", "```prolog\nloop :- loop.\n?- loop.\n```"),
    ("prolog", "```prolog\ngrow(L) :- grow([x|L]).\n?- grow([]).\n```"),
    ("fol", "```fol\n" + "¬(" * 3000 + "P(a)" + ")" * 3000 + "\n⊢ P(a)\n```"),
    ("fol", "```fol\n" + "P(a) ∧ " * 150_000 + "P(a)\n⊢ P(a)\n```"),
    ("pddl", "```pddl\n(define (domain d) (:requirements :strips) (:predicates (p ?a ?b ?c ?d ?e))\n (:action go "
             ":parameters (?a ?b ?c ?d ?e) :precondition (p ?a ?b ?c ?d ?e) :effect (not (p ?a ?b ?c ?d ?e))))\n"
             "(define (problem q) (:domain d) (:objects " + " ".join(f"o{i}" for i in range(80))
             + ") (:init (p o1 o2 o3 o4 o5)) (:goal (p o0 o0 o0 o0 o0)))\n```"),
]


def hostile_item(i: int) -> tuple[dict, str]:
    language, text = HOSTILE[i % len(HOSTILE)]
    return {"language": language, "mode": "program", "expect": "solvable" if language == "pddl" else "true"}, text


# ------------------------------------------------------------------------------------------------ sections

def section_kk(verifier: Verifier, items, quick: bool) -> None:
    print("\n## 1. Knights and Knaves answers (3/4/5 people, 5 completions a puzzle)")
    tasks, completions = [t for t, _, _ in items], [c for _, c, _ in items]
    verifier.verify_batch(tasks[:50], completions[:50])  # warm the caches of the first tasks too
    repeats = 1 if quick else 3
    walls = []
    for _ in range(repeats):
        started = time.perf_counter()
        verdicts = verifier.verify_batch(tasks, completions)
        walls.append(time.perf_counter() - started)
    ours = statistics.median(walls)
    print(rate_line("neurosym verify_batch (median)", len(items), ours))
    ours_latency = single_calls(lambda t, c, _e: verifier.verify(t, c), items, len(items))
    print(latency_line("neurosym verify (single call)", ours_latency))
    statuses = Counter(v.status for v in verdicts)
    print(f"   statuses: {dict(statuses)}")
    try:
        from reasoning_gym.logic.knights_knaves import KnightsKnavesDataset
    except ImportError:
        print("   reasoning-gym knights_knaves: not installed (pip install neurosym[bench])")
        return
    dataset = KnightsKnavesDataset.__new__(KnightsKnavesDataset)  # score_answer needs no generated puzzles
    from neurosym.rewards.extract import extract_answer

    def peer(completion: str, entry: dict) -> float:
        found = extract_answer(completion, 32_000)  # the same extraction, so only the scoring differs
        return dataset.score_answer(found.text if found.formatted else found.body, entry)

    peer_walls = []
    for _ in range(repeats):
        started = time.perf_counter()
        scores = [peer(c, e) for _, c, e in items]
        peer_walls.append(time.perf_counter() - started)
    theirs = statistics.median(peer_walls)
    print(rate_line("reasoning-gym score_answer (median)", len(items), theirs))
    print(latency_line("reasoning-gym (single call)", single_calls(lambda _t, c, e: peer(c, e), items, len(items))))
    agree = sum((v.reward == 1.0) == (s == 1.0) for v, s in zip(verdicts, scores, strict=True))
    partial = sum(0 < s < 1 for s in scores)
    print(f"   full-credit agreement with reasoning-gym: {agree}/{len(items)}; reasoning-gym gave partial credit "
          f"to {partial} wrong assignments (neurosym: 0, it names the statement they break)")
    print(f"   ratio neurosym/reasoning-gym throughput: {theirs / ours:.2f}x")


def section_plans(verifier: Verifier, items, quick: bool) -> None:
    print("\n## 2. Blocksworld plans (PlanBench ground truth + 4 mutations each)")
    tasks, completions = [t for t, _, _ in items], [c for _, c, _ in items]
    verifier.verify_batch(tasks, completions)  # parse each problem once (cached), as a trainer's 2nd step would
    repeats = 1 if quick else 3
    walls = []
    for _ in range(repeats):
        started = time.perf_counter()
        verdicts = verifier.verify_batch(tasks, completions)
        walls.append(time.perf_counter() - started)
    ours = statistics.median(walls)
    print(rate_line("neurosym verify_batch (median)", len(items), ours))
    print(latency_line("neurosym verify (single call)",
                       single_calls(lambda t, c, _p: verifier.verify(t, c), items, len(items))))
    print(f"   statuses: {dict(Counter(v.status for v in verdicts))}")
    try:
        from neurosym.planning.up_check import UpValidator
    except ImportError:
        print("   unified-planning: not installed")
        return
    domain = tasks[0]["domain"]
    validators = {}
    for _, _, (problem_text, _) in items:  # parse every problem once beforehand, like our cache
        if problem_text not in validators:
            validators[problem_text] = UpValidator(domain, problem_text)

    def peer(plan_pair):
        problem_text, plan = plan_pair
        return validators[problem_text].validate(plan).valid

    peer_walls = []
    for _ in range(repeats):
        started = time.perf_counter()
        up = [peer(p) for _, _, p in items]
        peer_walls.append(time.perf_counter() - started)
    theirs = statistics.median(peer_walls)
    print(rate_line("unified-planning validator (median)", len(items), theirs))
    print(latency_line("unified-planning (single call)", single_calls(lambda _t, _c, p: peer(p), items, 200)))
    agree = sum((v.status == "correct") == ok for v, ok in zip(verdicts, up, strict=True))
    print(f"   valid/invalid agreement with unified-planning: {agree}/{len(items)}")
    print(f"   ratio neurosym/unified-planning throughput: {theirs / ours:.2f}x")


def section_fol(workers: int, rows, quick: bool) -> None:
    print("\n## 3. FOL answers on FOLIO (3 answers a problem, against the solver's verdict)")
    items = fol_answer_items(rows)
    verifier = Verifier({"workers": workers, "item_seconds": 10.0})
    verifier.warm_up(["fol"])
    tasks, completions = [t for t, _ in items], [c for _, c in items]
    started = time.perf_counter()
    verdicts = verifier.verify_batch(tasks, completions)
    cold = time.perf_counter() - started
    print(rate_line("cold (each problem solved once)", len(items), cold))
    started = time.perf_counter()
    verifier.verify_batch(tasks, completions)
    warm = time.perf_counter() - started
    print(rate_line("warm (solver verdicts cached)", len(items), warm))
    print(latency_line("warm single call", single_calls(verifier.verify, items, len(items))))
    statuses = Counter(v.status for v in verdicts)
    gold_agree = sum(v.details.get("reference") == t["expect"] for v, t in zip(verdicts[::3], tasks[::3], strict=True)
                     if "reference" in v.details)
    print(f"   statuses: {dict(statuses)}; solver verdict = FOLIO gold label on {gold_agree}/{len(rows)} problems "
          f"(the rest: gold FOL that does not parse -> verifier_error, or a label the solver disputes)")
    print("   peer: none measured (reward libraries compare the string to the gold label only)")

    print("\n## 4. Program-mode FOL (FOLIO's gold formalization in a ```fol block, solved in the sandbox)")
    items = fol_program_items(rows)
    tasks, completions = [t for t, _ in items], [c for _, c in items]
    started = time.perf_counter()
    verdicts = verifier.verify_batch(tasks, completions)
    wall = time.perf_counter() - started
    print(rate_line("program-mode verify_batch", len(items), wall))
    print(latency_line("single call (one pool round trip)", single_calls(verifier.verify, items, 30 if quick else 80)))
    print(f"   statuses: {dict(Counter(v.status for v in verdicts))}")


def section_big_batch(workers: int, data: Path, rows, size: int) -> None:
    print(f"\n## 5. One batch of {size} completions with 1% hostile items")
    rng = random.Random(0)
    pools = {"kk": kk_items(data), "plan": plan_items(data), "fol": fol_answer_items(rows),
             "program": fol_program_items(rows)}
    hostile_count = size // 100
    normal = []
    for kind, share in (("kk", 0.4), ("plan", 0.2), ("fol", 0.2), ("program", 0.2)):
        n = int(share * (size - hostile_count))
        normal += [(kind, *rng.choice(pools[kind])[:2]) for _ in range(n)]
    while len(normal) < size - hostile_count:
        normal.append(("kk", *rng.choice(pools["kk"])[:2]))
    batch = normal + [("hostile", *hostile_item(i)) for i in range(hostile_count)]
    rng.shuffle(batch)
    item_seconds = 3.0
    verifier = Verifier({"workers": workers, "item_seconds": item_seconds})
    verifier.warm_up()
    marker = Path("/tmp/neurosym-pwned")
    marker.unlink(missing_ok=True)
    started = time.perf_counter()
    verdicts = verifier.verify_batch([t for _, t, _ in batch], [c for _, _, c in batch])
    wall = time.perf_counter() - started
    print(f"   wall time {wall:.1f} s for {len(verdicts)}/{size} verdicts ({size / wall:.0f} rewards/s), "
          f"per-item limit {item_seconds:g} s, {workers} workers")
    by_kind: dict[str, Counter] = {}
    for (kind, _, _), verdict in zip(batch, verdicts, strict=True):
        by_kind.setdefault(kind, Counter())[verdict.status] += 1
    for kind, counts in sorted(by_kind.items()):
        print(f"   {kind:<8} {dict(counts)}")
    hostile = by_kind.get("hostile", Counter())
    contained = hostile["timeout"] + hostile["parse_error"]
    loose = Counter((HOSTILE.index((t["language"], c)), v.status, v.reason[:160])
                    for (kind, t, c), v in zip(batch, verdicts, strict=True)
                    if kind == "hostile" and v.status not in ("timeout", "parse_error"))
    for (which, status, reason), count in loose.items():
        print(f"   hostile #{which} ended as {status} x{count}: {reason}")
    print(f"   hostile items ended as timeout or parse_error: {contained}/{hostile_count}; "
          f"file written by a hostile program: {marker.exists()}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_workers(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                cmdline = (entry / "cmdline").read_bytes()
            except (OSError, ValueError, IndexError):
                continue
            if parent == pid and b"spawn_main" in cmdline:
                found.append(int(entry.name))
    return found


def section_http(workers: int, data: Path, rows, clients: int, requests_each: int, batch_size: int) -> None:
    import httpx

    print(f"\n## 6. HTTP service on loopback: {clients} clients x {requests_each} requests x {batch_size} items")
    port = _free_port()
    command = [sys.executable, "-m", "neurosym.cli", "serve", "--port", str(port), "--workers", str(workers),
               "--item-seconds", "10"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            print("   the server did not start within 180 s")
            return
        pool = kk_items(data) + [(t, c, None) for t, c in fol_answer_items(rows)]
        local = Verifier({"workers": workers, "item_seconds": 10.0})
        rng = random.Random(1)
        requests = []
        for _ in range(clients * requests_each):
            chosen = [rng.choice(pool) for _ in range(batch_size)]
            requests.append([{"task": t, "completion": c} for t, c, _ in chosen])
        expected = [[v.to_dict() for v in local.verify_batch([i["task"] for i in r], [i["completion"] for i in r])]
                    for r in requests]
        latencies: list[float] = []
        problems: Counter[str] = Counter()

        # One shared client: a fresh httpx client per request builds an SSL context each time, which costs
        # more than verifying the 64 items.
        client = httpx.Client(limits=httpx.Limits(max_connections=clients), timeout=120)

        def send(index: int) -> None:
            started = time.perf_counter()
            try:
                reply = client.post(f"{base}/verify_batch", json={"items": requests[index]})
            except httpx.HTTPError as exc:
                problems[f"transport: {type(exc).__name__}"] += 1
                return
            latencies.append(time.perf_counter() - started)
            if reply.status_code != 200:
                problems[f"http {reply.status_code}"] += 1
                return
            got = reply.json()["verdicts"]
            if len(got) != len(expected[index]):
                problems["lost"] += abs(len(expected[index]) - len(got))
            elif [(g["status"], g["reason"]) for g in got] != [(e["status"], e["reason"]) for e in expected[index]]:
                problems["mis-ordered or different"] += 1

        for label in ("first pass (FOL verdicts solved on first sight)", "second pass (same tasks, cached)"):
            latencies.clear()
            problems.clear()
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=clients) as executor:
                list(executor.map(send, range(len(requests))))
            wall = time.perf_counter() - started
            items = len(requests) * batch_size
            print(f"   {label}: {len(requests)} requests in {wall:.2f} s = {len(requests) / wall:.1f} requests/s, "
                  f"{items / wall:.0f} rewards/s")
            print("   " + latency_line("request latency", latencies).strip())
            print(f"   lost, failed or mis-ordered: {sum(problems.values())} {dict(problems) or ''}")

        print("\n## 7. The same service with a pool worker killed mid-batch (program-mode items)")
        block = "```prolog\ncount(N, N) :- !.\ncount(I, N) :- J is I + 1, count(J, N).\n?- count(0, 300000).\n```"
        item = {"task": {"language": "prolog", "mode": "program", "expect": "true"}, "completion": block}
        httpx.post(f"{base}/verify_batch", json={"items": [item] * workers}, timeout=120)  # warm swipl
        killed: list[int] = []

        def kill_one() -> None:
            time.sleep(1.0)
            pids = _server_workers(server.pid)
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])

        killer = threading.Thread(target=kill_one)
        killer.start()
        started = time.perf_counter()
        reply = client.post(f"{base}/verify_batch", json={"items": [item] * 32}, timeout=300)
        wall = time.perf_counter() - started
        killer.join()
        verdicts = reply.json()["verdicts"] if reply.status_code == 200 else []
        print(f"   killed worker pid(s): {killed or 'none found'}; HTTP {reply.status_code}; {len(verdicts)}/32 "
              f"verdicts back in {wall:.2f} s: {dict(Counter(v['status'] for v in verdicts))}")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / ".." / "shared" / "data")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=8192)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=10, help="requests per client")
    parser.add_argument("--quick", action="store_true", help="one repeat, a 1,024 batch, fewer requests")
    parser.add_argument("--only", nargs="*", default=None, help="sections to run: kk plans fol batch http")
    args = parser.parse_args()
    data = args.data.resolve()
    if args.quick:
        args.batch, args.requests = 1024, 3
    only = set(args.only or ["kk", "plans", "fol", "batch", "http"])
    print(f"# neurosym reward verification, {platform.machine()} {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f} at start")
    verifier = Verifier({"workers": args.workers})
    rows = folio_rows(data)
    if "kk" in only:
        section_kk(verifier, kk_items(data), args.quick)
    if "plans" in only:
        section_plans(verifier, plan_items(data), args.quick)
    if "fol" in only:
        section_fol(args.workers, rows, args.quick)
    if "batch" in only:
        section_big_batch(args.workers, data, rows, args.batch)
    if "http" in only:
        section_http(args.workers, data, rows, args.clients, args.requests, 64)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} (the machine is shared; figures are one run)")


if __name__ == "__main__":
    main()
