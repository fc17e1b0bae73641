"""Registry of formal languages. A language module defines a module-level `LANGUAGE` (a lang.base.Language)."""

from __future__ import annotations

import importlib
from functools import cache

from neurosym.lang.base import Language, Program
from neurosym.result import ErrorKind, NeurosymError

LANGUAGE_MODULES: dict[str, str] = {
    "fol": "neurosym.lang.fol",
    "prolog": "neurosym.lang.prolog",
    "pddl": "neurosym.lang.pddl",
    "scm": "neurosym.lang.scm",
    "kk": "neurosym.lang.kk",
    "lean": "neurosym.lang.lean",
}

BARE_FILE_SUFFIXES: dict[str, str] = {
    ".fol": "fol",
    ".pl": "prolog",
    ".pro": "prolog",
    ".scm": "scm",
    ".lean": "lean",
}


@cache
def get_language(name: str) -> Language:
    """The Language registered under `name`; NeurosymError(UNSUPPORTED) if none is."""
    module_name = LANGUAGE_MODULES.get(name)
    if module_name is None:
        known = ", ".join(sorted(LANGUAGE_MODULES))
        raise NeurosymError(ErrorKind.UNSUPPORTED, f"unknown language {name!r} (known: {known})")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise NeurosymError(ErrorKind.UNSUPPORTED, f"language {name!r} is not implemented yet") from None
    return module.LANGUAGE


def language_for_suffix(suffix: str) -> Language | None:
    name = BARE_FILE_SUFFIXES.get(suffix.lower())
    return get_language(name) if name else None


__all__ = ["LANGUAGE_MODULES", "Language", "Program", "get_language", "language_for_suffix"]
