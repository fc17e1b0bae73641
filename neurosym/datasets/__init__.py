"""Importers for dataset formats, by name: each turns a dataset file (or folder) into Problems.

A loader is `load(path: Path, backend: str | None = None) -> Iterator[Problem]`; the backend lets a format
choose the formalization a backend needs (Knights and Knaves: Prolog for swipl, logic for z3). A row that
cannot be read becomes a Problem with `load_error`, never a skipped row.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path

from neurosym.problem import Problem, load_problems
from neurosym.result import ErrorKind, NeurosymError

Loader = Callable[..., Iterator[Problem]]

FORMATS: dict[str, str] = {
    "neurosym": "neurosym.datasets:load_native",
    "folio": "neurosym.datasets.folio:load",
    "logic-lm-programs": "neurosym.datasets.logic_lm_programs:load",
    "kk": "neurosym.datasets.knights_knaves:load",
    "planbench": "neurosym.datasets.planbench:load",
    "counterbench": "neurosym.datasets.counterbench:load",
    "logic-lm": "neurosym.datasets.logic_lm:load",
}


def load_native(path: Path, backend: str | None = None) -> Iterator[Problem]:
    """neurosym's own problem files; a folder means every problem file in it, sorted."""
    path = Path(path)
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        yield from load_problems(file)


def get_loader(name: str) -> Loader:
    target = FORMATS.get(name)
    if target is None:
        raise NeurosymError(ErrorKind.INPUT, f"unknown dataset format {name!r} (known: {', '.join(sorted(FORMATS))})")
    module_name, function = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise NeurosymError(ErrorKind.UNSUPPORTED, f"dataset format {name!r} is not implemented yet") from None
    return getattr(module, function)
