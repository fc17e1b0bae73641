"""Registry of backends: pick one by language and availability, or by the name a user gives."""

from __future__ import annotations

import importlib
from functools import cache

from neurosym.backends.base import Backend
from neurosym.result import ErrorKind, NeurosymError

# name -> "module:Class". Imported lazily so a missing optional prover costs nothing.
BACKEND_CLASSES: dict[str, str] = {
    "z3": "neurosym.backends.z3_fol:Z3Backend",
    "eprover": "neurosym.backends.eprover:EProverBackend",
    "swipl": "neurosym.backends.swipl:SwiplBackend",
    "fast-downward": "neurosym.backends.fast_downward:FastDownwardBackend",
    "pyperplan": "neurosym.backends.pyperplan_backend:PyperplanBackend",
    "causal": "neurosym.backends.causal:CausalBackend",
    "lean-arith": "neurosym.backends.lean_arith:LeanArithBackend",
    "lean4": "neurosym.backends.lean4:Lean4Backend",
}

# Preference order per language: the first available one is the default.
PREFERENCE: dict[str, tuple[str, ...]] = {
    "fol": ("z3", "eprover"),
    "prolog": ("swipl",),
    "pddl": ("fast-downward", "pyperplan"),
    "scm": ("causal",),
    "kk": ("swipl", "z3"),
    "lean": ("lean4", "lean-arith"),
}


@cache
def backend_class(name: str) -> type[Backend]:
    target = BACKEND_CLASSES.get(name)
    if target is None:
        known = ", ".join(sorted(BACKEND_CLASSES))
        raise NeurosymError(ErrorKind.UNSUPPORTED, f"unknown backend {name!r} (known: {known})")
    module_name, class_name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise NeurosymError(ErrorKind.UNSUPPORTED, f"backend {name!r} is not implemented yet") from None
    return getattr(module, class_name)


def choose_backend(language: str, requested: str | None = None) -> type[Backend]:
    """The backend class to use: the requested one (checked), else the first available for the language."""
    if requested:
        cls = backend_class(requested)
        if language not in cls.languages:
            raise NeurosymError(ErrorKind.UNSUPPORTED, f"backend {requested!r} does not take language "
                                                       f"{language!r} (it takes {', '.join(cls.languages)})")
        if not cls.available():
            raise NeurosymError(ErrorKind.UNSUPPORTED, cls.unavailable_reason())
        return cls
    reasons = []
    for name in PREFERENCE.get(language, ()):
        try:
            cls = backend_class(name)
        except NeurosymError as exc:
            reasons.append(exc.info.message)
            continue
        if cls.available():
            return cls
        reasons.append(cls.unavailable_reason())
    detail = "; ".join(reasons) if reasons else "none is registered"
    raise NeurosymError(ErrorKind.UNSUPPORTED, f"no backend available for language {language!r}: {detail}")


def available_backends(language: str) -> list[type[Backend]]:
    found = []
    for name in PREFERENCE.get(language, ()):
        try:
            cls = backend_class(name)
        except NeurosymError:
            continue
        if cls.available():
            found.append(cls)
    return found


__all__ = ["BACKEND_CLASSES", "PREFERENCE", "Backend", "available_backends", "backend_class", "choose_backend"]
