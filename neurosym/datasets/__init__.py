"""Importers for dataset formats, by name: each turns a dataset file (or folder) into Problems.

A loader is `load(path: Path, backend: str | None = None) -> Iterator[Problem]`; the backend lets a format
choose the formalization a backend needs (Knights and Knaves: Prolog for swipl, logic for z3). A row that
cannot be read becomes a Problem with `load_error`, never a skipped row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from neurosym.problem import Problem
from neurosym.registry import LazyRegistry
from neurosym.result import ErrorKind

Loader = Callable[..., Iterator[Problem]]

FORMATS: dict[str, str] = {
    "neurosym": "neurosym.loading:load_native",
    "folio": "neurosym.datasets.folio:load",
    "logic-lm-programs": "neurosym.datasets.logic_lm_programs:load",
    "kk": "neurosym.datasets.knights_knaves:load",
    "planbench": "neurosym.datasets.planbench:load",
    "counterbench": "neurosym.datasets.counterbench:load",
    "cladder": "neurosym.datasets.cladder:load",
    "cladder-json": "neurosym.datasets.cladder:load_generator",
    "logic-lm": "neurosym.datasets.logic_lm:load",
    "folio-nl": "neurosym.datasets.folio:load_nl",
    "kk-nl": "neurosym.datasets.knights_knaves:load_nl",
    "planbench-nl": "neurosym.datasets.planbench:load_nl",
    "counterbench-nl": "neurosym.datasets.counterbench_nl:load",
    "minif2f": "neurosym.datasets.minif2f:load",
}


RowConverter = Callable[[Any, str], dict[str, Any]]


def json_line_problems(path: Path, convert: RowConverter, make_id: Callable[[Path, int], str],
                       what: str) -> Iterator[Problem]:
    """Problems from a JSON-lines file, or from every *.jsonl file in a folder (sorted), one a line.

    `convert(row, problem_id)` builds the problem mapping. A line that is not JSON, or a row `convert`
    cannot read (KeyError, TypeError, ValueError), becomes a Problem with a load error located at its
    line, naming `what` the row should have been; the rows after it still load.
    """
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files:
        yield Problem.broken(path.name, f"no *.jsonl files in {path}", str(path))
    for file in files:
        if not file.is_file():
            yield Problem.broken(file.stem, f"no such file: {file}", str(file))
            continue
        with open(file, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                problem_id = make_id(file, number)
                try:
                    data = convert(json.loads(line), problem_id)
                except json.JSONDecodeError as exc:
                    yield Problem.broken(problem_id, f"{file}: line {number} is not JSON: {exc.msg}", str(file),
                                         line=number, column=exc.colno)
                    continue
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    reason = f"it has no field {exc}" if isinstance(exc, KeyError) else str(exc)
                    yield Problem.broken(problem_id, f"{file}: line {number} is not a {what} row: {reason}",
                                         str(file), line=number)
                    continue
                yield Problem.from_dict(data, problem_id, source=str(file))


FORMAT_LOADERS = LazyRegistry("dataset format", FORMATS, unknown_kind=ErrorKind.INPUT)


def get_loader(name: str) -> Loader:
    """The loader of dataset format `name`; NeurosymError(INPUT) naming the known formats if unknown."""
    return FORMAT_LOADERS.get(name)
