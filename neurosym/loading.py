"""Reading problem files into Problems: YAML, JSON, JSON lines, and bare formal files. Total and bounded.

A problem file is YAML or JSON holding one problem (or a list of them), JSON lines holding one problem a
line, or a bare formal file whose suffix names its language (`Language.suffixes`: `.fol`, `.pl`, ...).
A formal field whose value is one line naming a file (relative to the problem file) is replaced by that
file's text, so `program: family.pl` works.

Loading is total: whatever cannot be read becomes a Problem carrying `load_error` (what, and where: file,
line, column, field), never an exception, and the batch goes on. It is also bounded, because the files
may be strangers' (docs/hardening.md):
- YAML and JSON are scanned before anything is built from them: nesting deeper than `MAX_DEPTH` is
  refused, and YAML aliases may reach at most `MAX_ALIAS_EXPANSION` nodes and characters in all (a
  "billion laughs" file is refused after a few kilobytes of work).
- A file reference resolves only inside the folder of the problem file, after resolving symlinks; it
  must name a regular file of at most `MAX_REFERENCE_BYTES`; with `references=False` (the reward
  service) no reference is followed at all. A reference that breaks the rule is `refused`, and the
  content of what it named is never read, so never echoed.
- Every file is opened without following a final symlink, without blocking (a FIFO cannot hang the
  loader), checked to be a regular file, and read up to a size cap.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from neurosym.lang import language_for_suffix
from neurosym.problem import PROBLEM_KEYS, Problem
from neurosym.result import ErrorInfo, ErrorKind

FILE_REFERENCE_SUFFIXES = {".pl", ".pro", ".pddl", ".fol", ".scm", ".plan", ".txt", ".lean", ".smt2", ".p"}
MAX_FILE_BYTES = 64 * 1024 * 1024  # JSON lines and bare formal files
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024  # one YAML or JSON document, parsed whole
MAX_REFERENCE_BYTES = 16 * 1024 * 1024  # a file named by a formal field
MAX_DEPTH = 100  # nesting of YAML/JSON collections; a problem file needs fewer than ten
MAX_ALIAS_EXPANSION = 100_000  # nodes + characters that YAML aliases may add to a document

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class LoadError(Exception):
    """Why a file, line or field cannot be read, with where it is; becomes a Problem's load_error."""

    def __init__(self, message: str, kind: ErrorKind = ErrorKind.INPUT, line: int | None = None,
                 column: int | None = None):
        super().__init__(message)
        self.info = ErrorInfo(kind, message, line, column)


def _broken(problem_id: str, error: LoadError, source: str) -> Problem:
    return Problem(id=problem_id, source=source, load_error=error.info)


# ------------------------------------------------------------------------------------------ reading files


def read_bounded(path: Path, limit: int, what: str) -> str:
    """The UTF-8 text of a regular file of at most `limit` bytes; LoadError otherwise (never blocks).

    The final path component is not followed if it is a symlink (callers resolve links first and check
    where they lead), and a FIFO or device is refused before a byte is read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise LoadError(f"no such file: {what}") from None
    except OSError as exc:
        if path.is_symlink():
            raise LoadError(f"{what} is a symbolic link; name the file it points to", ErrorKind.REFUSED) from None
        raise LoadError(f"cannot open {what}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise LoadError(f"{what} is a folder, not a file", ErrorKind.REFUSED)
        if not stat.S_ISREG(info.st_mode):
            raise LoadError(f"{what} is not a regular file (a device, FIFO or socket)", ErrorKind.REFUSED)
        if info.st_size > limit:
            raise LoadError(f"{what} is {info.st_size} bytes, over the cap of {limit} bytes")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise LoadError(f"{what} is over the cap of {limit} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(f"{what} is not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x})") from None


def load_problems(path: str | Path, references: bool = True) -> Iterator[Problem]:
    """Yield every problem in a file; unreadable files, lines and fields yield Problems with load_error.

    `references=False` turns file references off: a field naming a file is refused, never followed.

    >>> [p.load_error.message for p in load_problems("no/such/file.yaml")]
    ['no such file: no/such/file.yaml']
    """
    path = Path(path)
    name = str(path)
    try:
        yield from _load_file(path, name, references)
    except LoadError as exc:
        yield _broken(path.stem or name, exc, name)
    except Exception as exc:  # the last guard: no file may take the batch down
        yield _broken(path.stem or name, LoadError(f"{name} could not be read ({type(exc).__name__})"), name)


def _load_file(path: Path, name: str, references: bool) -> Iterator[Problem]:
    suffix = path.suffix.lower()
    document = suffix in {".yaml", ".yml", ".json"}
    raw = read_bounded(path, MAX_DOCUMENT_BYTES if document else MAX_FILE_BYTES, name)
    yield from load_text(raw, path, references=references)


def load_text(raw: str, path: Path, references: bool = True, suffix: str | None = None) -> Iterator[Problem]:
    """The problems in `raw`, read as the file `path` would be (its suffix picks the format, its folder
    confines file references). `neurosym solve -` reads standard input through this."""
    suffix = (suffix or path.suffix).lower()
    base_dir = path.parent
    if suffix == ".jsonl":
        yield from _load_json_lines(raw, path, base_dir, references)
    elif suffix in {".yaml", ".yml", ".json"}:
        yield from _load_document(raw, path, base_dir, references, as_json=suffix == ".json")
    else:
        language = language_for_suffix(suffix)
        if language is None:
            raise LoadError(f"{path}: unknown file type {suffix or '(none)'!r}; expected .yaml, .json, .jsonl "
                            "or a formal file such as .fol, .pl or .pddl")
        problem = language.problem_from_bare_file(raw, path)
        if problem.load_error is None:
            problem = _with_references(problem, base_dir, references)
        yield problem


def load_paths(paths: Iterable[str | Path], references: bool = True) -> Iterator[Problem]:
    """Every problem in the given files and folders (a folder: its files, sorted, hidden ones skipped).

    A folder's entry that is a symlink leading out of the folder is refused, like a file reference.
    """
    for path in paths:
        target = Path(path)
        if not target.is_dir():
            yield from load_problems(target, references)
            continue
        root = target.resolve()
        for entry in sorted(p for p in target.iterdir() if not p.name.startswith(".")):
            if entry.is_symlink():
                resolved = entry.resolve()
                if not resolved.is_relative_to(root):
                    yield _broken(entry.stem, LoadError(f"{entry} is a symbolic link leading out of {target}",
                                                        ErrorKind.REFUSED), str(entry))
                    continue
                if not resolved.is_file():
                    continue
                yield from load_problems(resolved, references)
            elif entry.is_file():
                yield from load_problems(entry, references)


def load_native(path: Path, backend: str | None = None) -> Iterator[Problem]:
    """The `neurosym` dataset format: neurosym's own problem files, a file or a folder."""
    return load_paths([path])


# ------------------------------------------------------------------------------------------------ fields


def problem_from_mapping(data: Any, default_id: str, base_dir: Path, source: str, references: bool = True,
                         where: dict[str, tuple[int, int]] | None = None) -> Problem:
    """A Problem from one parsed mapping of a problem file, its file references read from `base_dir`."""
    problem = Problem.from_dict(data, default_id, source, where)
    if problem.load_error is None:
        problem = _with_references(problem, base_dir, references, where)
    return problem


def _with_references(problem: Problem, base_dir: Path, references: bool,
                     where: dict[str, tuple[int, int]] | None = None) -> Problem:
    """The problem with every formal field that names a file replaced by the file's text (confined)."""
    for key, value in list(problem.formal.items()):
        if key in PROBLEM_KEYS or not _looks_like_reference(value):
            continue
        try:
            text = read_reference(value, base_dir, references)
        except LoadError as exc:
            position = (where or {}).get(key)
            line, column = position if position else (None, None)
            info = ErrorInfo(exc.info.kind, f"field {key!r}: {exc.info.message}", line, column)
            return Problem(id=problem.id, source=problem.source, load_error=info)
        if text is not None:
            problem.formal[key] = text
    return problem


def _looks_like_reference(value: Any) -> bool:
    if not isinstance(value, str) or "\n" in value or len(value) > 4096:
        return False
    return Path(value.strip()).suffix.lower() in FILE_REFERENCE_SUFFIXES


def read_reference(value: str, base_dir: Path, references: bool = True) -> str | None:
    """The text of the file a field names, or None when no such file exists inside the folder (the value
    is then program text, as before). LoadError(REFUSED) for a reference that leaves `base_dir` (absolute,
    `..`, or a symlink leading out), that is not a regular file, or when references are off; the refused
    file is never opened, so its content cannot leak into a message.

    >>> read_reference("/etc/passwd.txt", Path("."))
    Traceback (most recent call last):
    ...
    neurosym.loading.LoadError: the file reference '/etc/passwd.txt' is refused: an absolute path
    """
    shown = value.strip()
    if len(shown) > 80:
        shown = shown[:77] + "..."
    if not references:
        raise LoadError(f"the file reference {shown!r} is refused: file references are turned off",
                        ErrorKind.REFUSED)
    candidate = Path(value.strip())
    if candidate.is_absolute():
        raise LoadError(f"the file reference {shown!r} is refused: an absolute path", ErrorKind.REFUSED)
    root = base_dir.resolve()
    try:
        resolved = (root / candidate).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise LoadError(f"the file reference {shown!r} is refused: it cannot be resolved",
                        ErrorKind.REFUSED) from None
    if not resolved.is_relative_to(root):
        raise LoadError(f"the file reference {shown!r} is refused: it leads out of the problem file's "
                        f"folder", ErrorKind.REFUSED)
    if not os.path.lexists(resolved):
        return None
    return read_bounded(resolved, MAX_REFERENCE_BYTES, f"the file reference {shown!r}")


# ------------------------------------------------------------------------------------------ JSON and YAML


def json_depth_error(raw: str) -> tuple[int, int] | None:
    """The (line, column) where JSON text first nests deeper than MAX_DEPTH, or None (strings skipped).

    >>> json_depth_error("[" * 101 + "]" * 101)
    (1, 101)
    """
    if raw.count("[") + raw.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    for match in _JSON_TOKEN.finditer(raw):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = raw.count("\n", 0, match.start()) + 1
                return line, match.start() - (raw.rfind("\n", 0, match.start()) + 1) + 1
        elif token in "]}":
            depth -= 1
    return None


def _parse_json(raw: str, path: Path, line: int | None = None) -> Any:
    deep = json_depth_error(raw)
    if deep is not None:
        row = line if line is not None else deep[0]
        raise LoadError(f"{path}: JSON nested deeper than {MAX_DEPTH} levels", line=row, column=deep[1])
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        what = f"line {line} is not JSON" if line is not None else "is not valid JSON"
        raise LoadError(f"{path}: {what}: {exc.msg}", line=line if line is not None else exc.lineno,
                        column=exc.colno) from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of more than 4300 digits
        raise LoadError(f"{path}: a JSON value cannot be read: {str(exc)[:200]}", line=line) from None


def _load_json_lines(raw: str, path: Path, base_dir: Path, references: bool) -> Iterator[Problem]:
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        default_id = f"{path.stem}:{number}"
        try:
            data = _parse_json(line, path, number)
        except LoadError as exc:
            yield _broken(default_id, exc, str(path))
            continue
        yield problem_from_mapping(data, default_id, base_dir, str(path), references, {"": (number, 1)})


def scan_yaml(raw: str) -> list[dict[str, tuple[int, int]]]:
    """Check a YAML document before it is built, from its event stream (no recursion, no objects): depth
    at most MAX_DEPTH, aliases adding at most MAX_ALIAS_EXPANSION nodes and characters. Returns, per
    problem (the root mapping, or each item of a root list), where it and each of its keys start.

    >>> scan_yaml("a: &x [1, 2]\\nb: *x\\n")
    [{'': (1, 1), 'a': (1, 1), 'b': (2, 1)}]
    """
    sizes: dict[str, int] = {}
    stack: list[dict[str, Any]] = []  # open collections: weight, anchor, children seen, key positions
    items: list[dict[str, tuple[int, int]]] = []
    expanded = 0
    root_is_list = False
    documents = 0

    for event in yaml.parse(raw, Loader=_YAML_LOADER):
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                break  # a second document: the loader reports it
        if not isinstance(event, yaml.NodeEvent | yaml.CollectionEndEvent):
            continue
        at = (event.start_mark.line + 1, event.start_mark.column + 1)
        where = None
        if isinstance(event, yaml.NodeEvent):
            parent = stack[-1] if stack else None
            if parent is not None and parent["keys"] is not None and parent["children"] % 2 == 0 \
                    and isinstance(event, yaml.ScalarEvent):
                parent["keys"].setdefault(str(event.value), at)
            if not stack and isinstance(event, yaml.SequenceStartEvent):
                root_is_list = True
            elif not stack or (len(stack) == 1 and root_is_list):
                where = {"": at}
                items.append(where)
        if isinstance(event, yaml.CollectionStartEvent):
            keys = where if isinstance(event, yaml.MappingStartEvent) else None
            stack.append({"weight": 1, "anchor": event.anchor, "children": 0, "keys": keys})
            if len(stack) > MAX_DEPTH:
                raise LoadError(f"YAML nested deeper than {MAX_DEPTH} levels", ErrorKind.INPUT, *at)
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            frame = stack.pop()
            weight, anchor = frame["weight"], frame["anchor"]
        elif isinstance(event, yaml.ScalarEvent):
            weight, anchor = 1 + len(event.value), event.anchor
        else:  # an alias: what it names is counted again, once per use
            weight, anchor = sizes.get(event.anchor, 1), None
            expanded += weight
            if expanded > MAX_ALIAS_EXPANSION:
                raise LoadError(f"YAML aliases expand past {MAX_ALIAS_EXPANSION} nodes and characters (an "
                                "alias bomb?); write the values out or use fewer aliases", ErrorKind.INPUT, *at)
        if anchor is not None:
            sizes[anchor] = weight
        if stack:
            stack[-1]["weight"] += weight
            stack[-1]["children"] += 1
    return items


def _parse_yaml(raw: str, path: Path) -> tuple[Any, list[dict[str, tuple[int, int]]]]:
    try:
        where = scan_yaml(raw)
        return yaml.load(raw, Loader=_YAML_LOADER), where
    except LoadError as exc:
        raise LoadError(f"{path}: {exc.info.message}", exc.info.kind, exc.info.line, exc.info.column) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise LoadError(f"{path} is not valid YAML: {problem}", line=mark.line + 1 if mark else None,
                        column=mark.column + 1 if mark else None) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # a bad date, a huge integer
        raise LoadError(f"{path}: a YAML value cannot be read: {type(exc).__name__}: {str(exc)[:200]}") from None


def _load_document(raw: str, path: Path, base_dir: Path, references: bool, as_json: bool) -> Iterator[Problem]:
    data, where = (_parse_json(raw, path), []) if as_json else _parse_yaml(raw, path)
    items = data if isinstance(data, list) else [data]
    if len(where) != len(items):
        where = [{} for _ in items]
    for index, item in enumerate(items):
        default_id = path.stem if len(items) == 1 else f"{path.stem}:{index + 1}"
        yield problem_from_mapping(item, default_id, base_dir, str(path), references, where[index])
