"""Registry of formal languages. A language module defines a module-level `LANGUAGE` (a lang.base.Language).

A bare formal file is mapped to its language by the `suffixes` each Language declares (`.fol`, `.pl`, ...).
"""

from __future__ import annotations

from neurosym.lang.base import Language, Program
from neurosym.registry import LazyRegistry

LANGUAGE_MODULES: dict[str, str] = {
    "fol": "neurosym.lang.fol",
    "prolog": "neurosym.lang.prolog",
    "pddl": "neurosym.lang.pddl",
    "scm": "neurosym.lang.scm",
    "kk": "neurosym.lang.kk",
    "smt": "neurosym.lang.smt",
    "logicprog": "neurosym.lang.logicprog",
    "csp": "neurosym.lang.csp",
    "z3dsl": "neurosym.lang.z3dsl",
    "lean": "neurosym.lang.lean",
}

LANGUAGES = LazyRegistry("language", LANGUAGE_MODULES, attribute="LANGUAGE")


def get_language(name: str) -> Language:
    """The Language registered under `name`; NeurosymError(UNSUPPORTED) if none is.

    >>> get_language("fol").suffixes
    ('.fol',)
    """
    return LANGUAGES.get(name)


def language_for_suffix(suffix: str) -> Language | None:
    """The language whose bare files end in `suffix` (case-insensitive), or None.

    >>> language_for_suffix(".PL").name
    'prolog'
    """
    suffix = suffix.lower()
    return next((language for _, language in LANGUAGES.loadable() if suffix in language.suffixes), None)


__all__ = ["LANGUAGES", "LANGUAGE_MODULES", "Language", "Program", "get_language", "language_for_suffix"]
