"""The reward subcommands of `neurosym`: `serve`, `verify FILE.jsonl`, `tasks`.

Registered in neurosym/cli.py by `add_commands`; each command's code lives here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from neurosym.rewards.config import STATUSES, RewardConfig


def _config(args: argparse.Namespace) -> RewardConfig:
    config = RewardConfig.from_file(args.config) if args.config else RewardConfig()
    changes: dict[str, Any] = {}
    if args.item_seconds is not None:
        changes["item_seconds"] = args.item_seconds
    if args.workers is not None:
        changes["workers"] = args.workers
    return config.with_changes(**changes) if changes else config


def cmd_serve(args: argparse.Namespace) -> int:
    from neurosym.rewards.service import serve

    print(f"neurosym serve: http://{args.host}:{args.port} (/verify, /verify_batch, /get_reward, /health)",
          file=sys.stderr)
    serve(args.host, args.port, config=_config(args), max_request_bytes=args.max_request_bytes,
          max_batch=args.max_batch, max_queue=args.max_queue)
    return 0


def _read_items(path: Path) -> list[tuple[int, Any, Any, str | None]]:
    """(line number, task, completion, why the line is unreadable or None) for each non-blank line."""
    items: list[tuple[int, Any, Any, str | None]] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                items.append((number, row["task"], row["completion"], None))
            except json.JSONDecodeError as exc:
                items.append((number, None, None, f"line {number} is not JSON: {exc.msg} (column {exc.colno})"))
            except (KeyError, TypeError) as exc:
                items.append((number, None, None, f"line {number} has no {exc}: each line is "
                                                  f"{{\"task\": ..., \"completion\": ...}}"))
    return items


def cmd_verify(args: argparse.Namespace) -> int:
    from neurosym.rewards.verify import Verdict, Verifier

    path = Path(args.path)
    if not path.is_file():
        print(f"neurosym verify: no such file: {path}", file=sys.stderr)
        return 2
    items = _read_items(path)
    good = [item for item in items if item[3] is None]
    checked = iter(Verifier(_config(args)).verify_batch([i[1] for i in good], [i[2] for i in good]))
    config = _config(args)
    verdicts = [next(checked) if why is None else Verdict(config.reward_of("verifier_error"), "verifier_error", why)
                for _, _, _, why in items]
    counts: Counter[str] = Counter()
    total = 0.0
    for (number, *_), verdict in zip(items, verdicts, strict=True):
        counts[verdict.status] += 1
        total += verdict.reward
        print(json.dumps({"line": number, **verdict.to_dict(details=args.details)}, ensure_ascii=False))
    summary = {"items": len(verdicts), "mean_reward": round(total / len(verdicts), 4) if verdicts else 0.0,
               **{status: counts[status] for status in STATUSES}}
    print(json.dumps({"summary": summary}), file=sys.stderr if args.summary_stderr else sys.stdout)
    return 0 if verdicts and counts["correct"] == len(verdicts) else 1


def cmd_tasks(args: argparse.Namespace) -> int:
    try:
        return _write_tasks(args)
    except ValueError as exc:  # an unknown generator, a size out of range, program mode without text
        print(f"neurosym tasks: {exc}", file=sys.stderr)
        return 2


def _write_tasks(args: argparse.Namespace) -> int:
    from neurosym.rewards import tasks

    records: list[tasks.TaskRecord] = []
    for spec in args.generate:
        kind, _, size = spec.partition(":")
        if not size.isdigit():
            print(f"neurosym tasks: --generate takes KIND:SIZE (kk:4, blocksworld:6, causal:5), got {spec!r}",
                  file=sys.stderr)
            return 2
        problems = tasks.generate(kind, int(size), args.count, args.seed)
        records += list(tasks.records(problems, tasks.SOURCES.get(kind, kind), args.mode))
    for spec in args.dataset:
        fmt, _, where = spec.partition(":")
        if not where:
            print(f"neurosym tasks: --dataset takes FORMAT:PATH (kk:../shared/data/knights-knaves), got {spec!r}",
                  file=sys.stderr)
            return 2
        problems, dropped = tasks.from_dataset(fmt, where, args.limit, check=not args.no_check)
        for reason in dropped:
            print(f"neurosym tasks: dropped {reason}", file=sys.stderr)
        records += list(tasks.records(problems, f"neurosym/{fmt}", args.mode))
    if not records:
        print("neurosym tasks: nothing to write (give --generate or --dataset)", file=sys.stderr)
        return 2
    if args.out:
        written = tasks.write_jsonl(records, args.out)
        print(f"neurosym tasks: {written} tasks -> {args.out}", file=sys.stderr)
    if args.parquet:
        written = tasks.write_parquet(records, args.parquet)
        print(f"neurosym tasks: {written} rows (verl) -> {args.parquet}", file=sys.stderr)
    if not args.out and not args.parquet:
        for record in records:
            print(json.dumps(record.to_dict(), ensure_ascii=False))
    return 0


def _limits(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--config", default=None, help="reward settings (YAML or JSON; see docs/rewards.md)")
    sub.add_argument("--item-seconds", type=float, default=None, help="wall clock per item needing a prover")
    sub.add_argument("--workers", type=int, default=None, help="sandboxed worker processes (default: CPUs)")


def add_commands(commands: Any) -> None:
    """Register `serve`, `verify` and `tasks` on the `neurosym` command's subparsers."""
    serve = commands.add_parser("serve", help="run the reward verifier as an HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--max-request-bytes", type=int, default=16 * 1024 * 1024)
    serve.add_argument("--max-batch", type=int, default=8192, help="items in one request")
    serve.add_argument("--max-queue", type=int, default=32768, help="items in flight before 503")
    _limits(serve)
    serve.set_defaults(run=cmd_serve, option=[])

    verify = commands.add_parser("verify", help="score a JSON-lines file of {task, completion}")
    verify.add_argument("path", metavar="FILE.jsonl")
    verify.add_argument("--details", action="store_true", help="include each verdict's details")
    verify.add_argument("--summary-stderr", action="store_true", help="print the summary on stderr")
    _limits(verify)
    verify.set_defaults(run=cmd_verify, option=[])

    make = commands.add_parser("tasks", help="write training tasks (prompts + tasks) as JSON lines / parquet")
    make.add_argument("--generate", action="append", default=[], metavar="KIND:SIZE",
                      help="kk:N (people), blocksworld:N (blocks), causal:N (variables)")
    make.add_argument("--dataset", action="append", default=[], metavar="FORMAT:PATH",
                      help="an imported dataset, e.g. kk:../shared/data/knights-knaves")
    make.add_argument("--count", type=int, default=100, help="tasks per generator")
    make.add_argument("--seed", type=int, default=0)
    make.add_argument("--limit", type=int, default=None, help="rows per dataset")
    make.add_argument("--mode", choices=["answer", "program"], default="answer")
    make.add_argument("--no-check", action="store_true", help="do not solve dataset tasks before writing them")
    make.add_argument("--out", default=None, help="JSON-lines file (default: stdout)")
    make.add_argument("--parquet", default=None, help="also write verl's parquet shape here")
    make.set_defaults(run=cmd_tasks, option=[])
