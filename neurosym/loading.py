"""Reading problem files into Problems: YAML, JSON, JSON lines, and bare formal files.

A problem file is YAML or JSON holding one problem (or a list of them), JSON lines holding one problem a
line, or a bare formal file whose suffix names its language (`Language.suffixes`: `.fol`, `.pl`, ...).
A formal field whose value is one line naming an existing file (relative to the problem file) is replaced
by that file's text, so `program: family.pl` works. Whatever cannot be read becomes a Problem carrying
`load_error`, never an exception: the engine turns it into an error Result and the batch goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from neurosym.lang import language_for_suffix
from neurosym.problem import PROBLEM_KEYS, Problem

FILE_REFERENCE_SUFFIXES = {".pl", ".pro", ".pddl", ".fol", ".scm", ".plan", ".txt", ".lean", ".smt2", ".p"}
MAX_FILE_BYTES = 64 * 1024 * 1024


def load_problems(path: str | Path) -> Iterator[Problem]:
    """Yield every problem in a file; unreadable files and bad lines yield Problems with load_error.

    >>> [p.load_error.message for p in load_problems("no/such/file.yaml")]
    ['no such file: no/such/file.yaml']
    """
    path = Path(path)
    name = str(path)
    if not path.exists():
        yield Problem.broken(path.stem or name, f"no such file: {name}", name)
        return
    if not path.is_file():
        yield Problem.broken(path.name, f"not a file: {name}", name)
        return
    if path.stat().st_size > MAX_FILE_BYTES:
        yield Problem.broken(path.stem, f"file larger than {MAX_FILE_BYTES} bytes: {name}", name)
        return
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        yield Problem.broken(path.stem, f"{name} is not UTF-8 text (byte {exc.start})", name)
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _load_json_lines(raw, path)
    elif suffix in {".yaml", ".yml", ".json"}:
        yield from _load_document(raw, path)
    else:
        language = language_for_suffix(suffix)
        if language is None:
            yield Problem.broken(path.stem, f"{name}: unknown file type {suffix or '(none)'!r}; expected "
                                 ".yaml, .json, .jsonl or a formal file such as .fol or .pl", name)
            return
        yield language.problem_from_bare_file(raw, path)


def load_paths(paths: Iterable[str | Path]) -> Iterator[Problem]:
    """Every problem in the given files and folders (a folder: its files, sorted, hidden ones skipped)."""
    for path in paths:
        target = Path(path)
        if target.is_dir():
            for file in sorted(p for p in target.iterdir() if p.is_file() and not p.name.startswith(".")):
                yield from load_problems(file)
        else:
            yield from load_problems(target)


def load_native(path: Path, backend: str | None = None) -> Iterator[Problem]:
    """The `neurosym` dataset format: neurosym's own problem files, a file or a folder."""
    return load_paths([path])


def problem_from_mapping(data: Any, default_id: str, base_dir: Path, source: str) -> Problem:
    """A Problem from one parsed mapping of a problem file, its file references read from `base_dir`."""
    if isinstance(data, dict):
        data = {k: v if k in PROBLEM_KEYS else _inline_file_reference(v, base_dir) for k, v in data.items()}
    return Problem.from_dict(data, default_id, source)


def _inline_file_reference(value: Any, base_dir: Path) -> Any:
    if not isinstance(value, str) or "\n" in value or len(value) > 4096:
        return value
    candidate = Path(value.strip())
    if candidate.suffix.lower() not in FILE_REFERENCE_SUFFIXES:
        return value
    path = candidate if candidate.is_absolute() else base_dir / candidate
    if path.is_file():
        return path.read_text(encoding="utf-8")
    return value


def _load_json_lines(raw: str, path: Path) -> Iterator[Problem]:
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        default_id = f"{path.stem}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Problem.broken(default_id, f"{path}: line {number} is not JSON: {exc.msg}", str(path),
                                 line=number, column=exc.colno)
            continue
        yield problem_from_mapping(data, default_id, path.parent, str(path))


def _load_document(raw: str, path: Path) -> Iterator[Problem]:
    try:
        data = json.loads(raw) if path.suffix.lower() == ".json" else yaml.safe_load(raw)
    except json.JSONDecodeError as exc:
        yield Problem.broken(path.stem, f"{path} is not valid JSON: {exc.msg}", str(path),
                             line=exc.lineno, column=exc.colno)
        return
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = {"line": mark.line + 1, "column": mark.column + 1} if mark else {}
        problem = getattr(exc, "problem", None) or str(exc)
        yield Problem.broken(path.stem, f"{path} is not valid YAML: {problem}", str(path), **where)
        return
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items):
        default_id = path.stem if len(items) == 1 else f"{path.stem}:{index + 1}"
        yield problem_from_mapping(item, default_id, path.parent, str(path))
