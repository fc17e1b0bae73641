"""The `neurosym` command: solve problem files, check them, and benchmark datasets.

Exit codes (DESIGN.md): 0 every problem solved (and correct where an answer is expected), 1 some wrong or
unsolved, 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import yaml

from neurosym.bench import SAMPLE_KEYS, SUMMARY_KEYS, summarize
from neurosym.datasets import get_loader
from neurosym.engine import Engine
from neurosym.loading import MAX_DOCUMENT_BYTES, load_paths, load_text
from neurosym.problem import Problem
from neurosym.result import NeurosymError, Result, Status

TABLE_COLUMNS = ("id", "language", "backend", "status", "answer", "expected", "ok", "seconds")
COLUMN_WIDTHS = (28, 8, 13, 7, 60, 10, 3, 8)  # fixed, so rows line up while they stream in
PROGRESS_THRESHOLD = 20


def printable(text: str) -> str:
    r"""Text safe on one terminal line: control and format characters (newlines, ESC, bidi overrides)
    shown escaped, so an id or message cannot draw fake rows or recolour the table.

    >>> printable("a\nb\x1b[2Jc")
    'a\\nb\\x1b[2Jc'
    """
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char.isprintable() or char == " ":
            out.append(char)
        elif unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}:
            out.append(repr(char)[1:-1] if char in "\n\t\r" else f"\\x{ord(char):02x}" if ord(char) < 256
                       else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


def _cell(value: object, width: int = 40) -> str:
    text = "-" if value is None else (json.dumps(value) if isinstance(value, dict | list) else str(value))
    text = printable(text.replace("\n", " "))
    return text if len(text) <= width else text[: width - 1] + "…"


def _row(result: Result) -> list[str]:
    ok = "-" if result.correct is None else ("yes" if result.correct else "NO")
    answer = result.answer if result.status == Status.SOLVED else (str(result.error) if result.error else None)
    cells = [result.id, result.language, result.backend, result.status, answer, result.expected, ok,
             f"{result.seconds:.3f}"]
    return [_cell(cell, width) for cell, width in zip(cells, COLUMN_WIDTHS, strict=True)]


def _line(cells: Sequence[str]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, COLUMN_WIDTHS, strict=True)).rstrip()


class Printer:
    """Prints results as they arrive: a table (header first) or one JSON object a line."""

    def __init__(self, as_json: bool, total: int | None = None, progress: bool | None = None):
        self.as_json = as_json
        self.header_done = False
        show = progress if progress is not None else (total or 0) >= PROGRESS_THRESHOLD and sys.stderr.isatty()
        self.bar = None
        if show:
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=sys.stderr, unit="problem", leave=False)

    def __call__(self, result: Result) -> None:
        if self.bar is not None:
            self.bar.update(1)
        if self.as_json:
            print(result.to_json(), flush=True)
            return
        if not self.header_done:
            print(_line(TABLE_COLUMNS), flush=True)
            self.header_done = True
        print(_line(_row(result)), flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _with_options(problems: list[Problem], args: argparse.Namespace) -> list[Problem]:
    """Apply every `--option KEY=VALUE` to every problem; the command line overrides the files."""
    for problem in problems:
        problem.options.update(args.option_values)
    return problems


def _parse_options(pairs: Sequence[str]) -> dict[str, object]:
    values: dict[str, object] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--option takes KEY=VALUE, got {pair!r}")
        values[key.strip()] = yaml.safe_load(raw) if raw.strip() else ""
    return values


def _all_good(results: Sequence[Result]) -> bool:
    return all(r.status == Status.SOLVED and r.correct is not False for r in results)


def _engine(args: argparse.Namespace, check_only: bool = False) -> Engine:
    return Engine(workers=args.workers, backend=getattr(args, "backend", None), timeout=args.timeout,
                  cross_check=getattr(args, "cross_check", False), check_only=check_only,
                  model=getattr(args, "model", None), samples=getattr(args, "samples", None),
                  refine=getattr(args, "refine", None))


def _draw_results(results: Sequence[Result], folder: str) -> None:
    """`solve --draw DIR`: render the DOT text the causal backend returned, an SVG per problem and query."""
    from neurosym.causal.draw import render

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for result in results:
        sources = (result.certificate or {}).get("dot") or []
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in result.id)
        names = [f"{safe}.svg"] if len(sources) == 1 else [f"{safe}-q{i + 1}.svg" for i in range(len(sources))]
        for source, name in zip(sources, names, strict=True):
            try:
                print(f"drew {render(source, target / name)}", file=sys.stderr)
            except NeurosymError as exc:
                print(printable(f"neurosym: cannot draw {result.id}: {exc.info}"), file=sys.stderr)


class UsageError(Exception):
    """Bad usage found after argument parsing (a missing path, an empty folder): exit code 2."""


def _load(args: argparse.Namespace) -> tuple[list[Problem], list[str]]:
    """The problems of every PATH (`-` is standard input, read as JSON, JSON lines or YAML, its file
    references resolved from the current folder) and the paths that do not exist."""
    problems: list[Problem] = []
    missing = []
    references = not args.no_file_references
    for path in args.paths:
        if path == "-":
            raw = sys.stdin.read(MAX_DOCUMENT_BYTES + 1)
            if len(raw) > MAX_DOCUMENT_BYTES:
                raise UsageError(f"standard input is over the cap of {MAX_DOCUMENT_BYTES} bytes")
            problems.extend(load_text(raw, Path.cwd() / "stdin", references, suffix=_stdin_suffix(raw)))
            continue
        target = Path(path)
        if not target.exists() and not target.is_symlink():
            missing.append(path)
        elif target.is_dir() and not any(not p.name.startswith(".") for p in target.iterdir()):
            raise UsageError(f"the folder {path} holds no problem files")
        problems.extend(load_paths([target], references))
    if not problems:
        raise UsageError(f"no problems found in {', '.join(args.paths)}")
    return problems, missing


def _stdin_suffix(raw: str) -> str:
    lines = [line for line in raw.splitlines() if line.strip()]
    if len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines):
        return ".jsonl"
    return ".json" if raw.lstrip().startswith(("{", "[")) else ".yaml"


def _check_draw_folder(folder: str) -> None:
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise UsageError(f"--draw {folder}: exists and is not a folder")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--draw {folder}: cannot create the folder ({exc.strerror})") from None


def _exit_code(results: Sequence[Result], missing: list[str]) -> int:
    for path in missing:
        print(printable(f"neurosym: no such file or folder: {path}"), file=sys.stderr)
    if missing:
        return 2
    return 0 if _all_good(results) else 1


def cmd_solve(args: argparse.Namespace) -> int:
    if args.draw:
        _check_draw_folder(args.draw)
    loaded, missing = _load(args)
    problems = _with_options(loaded, args)
    if args.draw:
        for problem in problems:
            problem.options.setdefault("draw", True)
    printer = Printer(args.json, len(problems))
    results = _engine(args).solve_many(problems, progress=printer)
    printer.close()
    if args.draw:
        _draw_results(results, args.draw)
    for result in results:
        verdicts = (result.certificate or {}).get("cross_check")
        if verdicts and not verdicts["agree"]:
            print(printable(f"warning: {result.id}: backends disagree: {verdicts['verdicts']}"), file=sys.stderr)
    return _exit_code(results, missing)


def cmd_check(args: argparse.Namespace) -> int:
    loaded, missing = _load(args)
    problems = _with_options(loaded, args)
    results = _engine(args, check_only=True).solve_many(problems)
    for result in results:
        if args.json:
            print(result.to_json())
        elif result.status == Status.SOLVED:
            summary = ", ".join(f"{k}={v}" for k, v in (result.certificate or {}).items())
            print(printable(f"{result.id}: ok ({result.language}{'; ' + summary if summary else ''})"))
        else:
            print(printable(f"{result.id}: {result.error or result.status}"))
    if missing:
        return _exit_code(results, missing)
    return 0 if all(r.status == Status.SOLVED for r in results) else 1


def cmd_bench(args: argparse.Namespace) -> int:
    loader = get_loader(args.format)
    problems: list[Problem] = []
    for problem in loader(Path(args.path), backend=args.backend):
        if args.limit is not None and len(problems) >= args.limit:
            break
        problems.append(problem)
    _with_options(problems, args)
    printer = Printer(args.json, len(problems))
    started = time.perf_counter()
    results = _engine(args).solve_many(problems, progress=printer)
    printer.close()
    summary = summarize(results, time.perf_counter() - started)
    keys = [key for key in (*SUMMARY_KEYS, *SAMPLE_KEYS) if key in summary]
    if args.json:
        print(json.dumps({key: summary[key] for key in keys}))
    else:
        print()
        for key in keys:
            print(f"{key}: {summary[key]}")
        for result in results:  # a refutation with its countermodel says the formalization is wrong
            countermodel = (result.certificate or {}).get("countermodel")
            if result.answer == "refuted" and countermodel is not None:
                print(f"refuted {result.id}: {json.dumps(countermodel, ensure_ascii=False)}")
    return 0 if _all_good(results) else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="neurosym", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"neurosym {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    def common(sub: argparse.ArgumentParser, backend: bool = True) -> None:
        sub.add_argument("--json", action="store_true", help="one JSON object a line")
        sub.add_argument("--no-file-references", action="store_true",
                         help="never read a file a problem's field names (refuse the problem instead)")
        sub.add_argument("--timeout", type=float, default=None, help="seconds per problem (overrides files)")
        sub.add_argument("--workers", type=int, default=None, help="sandboxed worker processes (default: CPUs)")
        sub.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                         help="set an option on every problem, e.g. world=rules (value read as YAML)")
        if backend:
            sub.add_argument("--backend", default=None, help="backend to use (default: the first available)")
            sub.add_argument("--cross-check", action="store_true",
                             help="run every available backend of the language and report disagreements")
            sub.add_argument("--model", default=None, metavar="SPEC",
                             help="formalize natural-language problems with this model (transformers:PATH, "
                                  "vllm:PATH, openai:MODEL@URL, replay:FILE)")
            sub.add_argument("--samples", type=int, default=None, metavar="K",
                             help="programs the model writes per problem; the answer is their majority vote")
            sub.add_argument("--refine", type=int, default=None, metavar="R",
                             help="rounds in which a program that does not parse goes back with its error")

    solve = commands.add_parser("solve", help="solve problem files")
    solve.add_argument("paths", nargs="+", metavar="PATH", help="problem file or folder; - reads standard input")
    solve.add_argument("--draw", metavar="DIR", default=None, help="draw each causal model's graph as SVG into DIR")
    common(solve)
    solve.set_defaults(run=cmd_solve)

    check = commands.add_parser("check", help="parse and type-check problem files only")
    check.add_argument("paths", nargs="+", metavar="PATH")
    common(check, backend=False)
    check.set_defaults(run=cmd_check)

    bench = commands.add_parser("bench", help="run a dataset and print accuracy, executable rate and time")
    bench.add_argument("path", metavar="PATH")
    bench.add_argument("--format", required=True, help="dataset format (neurosym, folio, logic-lm-programs, ...)")
    bench.add_argument("--limit", type=int, default=None, help="only the first N problems")
    common(bench)
    bench.set_defaults(run=cmd_bench)

    from neurosym.rewards.cli import add_commands as add_reward_commands

    add_reward_commands(commands)  # serve, verify, tasks
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "timeout", None) is not None and args.timeout <= 0:
        parser.error("--timeout must be positive")
    if getattr(args, "workers", None) is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    if getattr(args, "samples", None) is not None and args.samples < 1:
        parser.error("--samples must be at least 1")
    if getattr(args, "refine", None) is not None and args.refine < 0:
        parser.error("--refine must be 0 or more")
    try:
        args.option_values = _parse_options(args.option)
    except (ValueError, yaml.YAMLError) as exc:
        parser.error(str(exc))
    try:
        return args.run(args)
    except UsageError as exc:
        print(printable(f"neurosym: {exc}"), file=sys.stderr)
        return 2
    except NeurosymError as exc:
        print(printable(f"neurosym: {exc.info}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("neurosym")
    except PackageNotFoundError:
        return "unknown (not installed)"


if __name__ == "__main__":
    sys.exit(main())
