"""Problems, their limits, and loading problem files.

A problem file is YAML or JSON holding one problem (or a list of them), JSON lines holding one problem a
line, or a bare formal file whose suffix names its language (`.fol`, `.pl`, ...). Top-level keys with a
meaning of their own are listed in `PROBLEM_KEYS`; every other key is a formal field handed to the
language module (premises/conclusion for fol, program/query for prolog, domain/problem/plan for pddl, ...).

A formal field whose value is one line naming an existing file (relative to the problem file) is replaced
by that file's text, so `program: family.pl` works. A file that cannot be read or parsed becomes a Problem
carrying `load_error`: the engine turns it into an error Result and the rest of the batch goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from neurosym.result import ErrorInfo, ErrorKind

PROBLEM_KEYS = {"id", "language", "text", "question", "expect", "limits", "backend", "options"}
FILE_REFERENCE_SUFFIXES = {".pl", ".pro", ".pddl", ".fol", ".scm", ".plan", ".txt", ".lean", ".smt2", ".p"}
MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Resource limits for one solve. `seconds` is wall clock, enforced from outside the worker."""

    seconds: float = 10.0
    memory_mb: int = 2048
    max_input_bytes: int = 2_000_000
    samples: int = 1

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None, base: Limits | None = None) -> Limits:
        base = base or cls()
        if not data:
            return base
        unknown = set(data) - {"seconds", "memory_mb", "max_input_bytes", "samples"}
        if unknown:
            raise ValueError(f"unknown limit(s): {', '.join(sorted(unknown))}")
        return replace(base, **{k: type(getattr(base, k))(v) for k, v in data.items()})


@dataclass
class Problem:
    id: str
    language: str | None = None
    formal: dict[str, Any] = field(default_factory=dict)
    text: str | None = None
    question: str | None = None
    expect: Any = None
    limits: Limits = field(default_factory=Limits)
    backend: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    source: str | None = None  # where it was read from, for messages
    load_error: ErrorInfo | None = None

    @classmethod
    def from_dict(cls, data: Any, default_id: str, base_dir: Path | None = None, source: str | None = None) -> Problem:
        """Build a Problem from a parsed mapping; a malformed one becomes a Problem with load_error."""
        if not isinstance(data, dict):
            return cls.broken(default_id, f"a problem must be a mapping, got {type(data).__name__}", source)
        try:
            limits = Limits.from_dict(data.get("limits"))
        except (TypeError, ValueError) as exc:
            return cls.broken(str(data.get("id", default_id)), f"bad limits: {exc}", source)
        formal = {k: v for k, v in data.items() if k not in PROBLEM_KEYS}
        if base_dir is not None:
            formal = {k: _inline_file_reference(v, base_dir) for k, v in formal.items()}
        language = data.get("language")
        return cls(
            id=str(data.get("id", default_id)),
            language=str(language).lower() if language else None,
            formal=formal,
            text=data.get("text"),
            question=data.get("question"),
            expect=data.get("expect"),
            limits=limits,
            backend=data.get("backend"),
            options=dict(data.get("options") or {}),
            source=source,
        )

    @classmethod
    def broken(cls, problem_id: str, message: str, source: str | None = None, **where: Any) -> Problem:
        return cls(id=problem_id, source=source, load_error=ErrorInfo(ErrorKind.INPUT, message, **where))


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


def load_problems(path: str | Path) -> Iterator[Problem]:
    """Yield every problem in a file; unreadable files and bad lines yield Problems with load_error."""
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
        from neurosym.lang import language_for_suffix

        language = language_for_suffix(suffix)
        if language is None:
            yield Problem.broken(path.stem, f"{name}: unknown file type {suffix or '(none)'!r}; expected "
                                 ".yaml, .json, .jsonl or a formal file such as .fol or .pl", name)
            return
        yield language.problem_from_bare_file(raw, path)


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
        yield Problem.from_dict(data, default_id, path.parent, str(path))


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
        yield Problem.from_dict(item, default_id, path.parent, str(path))
