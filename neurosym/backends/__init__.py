"""Registry of backends: which provers take a language, and which of them can take a given program.

The choice is made in two steps. In the caller's process, cheaply and without reading the program:
`candidates` lists the backends registered for the language in order of preference (or the one a user
named, checked). In the sandbox worker, where parsing untrusted code is safe: `first_supporting` asks each
candidate whether it supports this program (`Backend.unsupported`, the unified-planning `supports(kind)`
way) and returns the first that does, so a program one prover refuses falls through to the next.
"""

from __future__ import annotations

from neurosym.backends.base import Backend
from neurosym.lang.base import Program
from neurosym.registry import LazyRegistry
from neurosym.result import ErrorKind, NeurosymError

# name -> "module:Class". Imported lazily so a missing optional prover costs nothing.
BACKEND_CLASSES: dict[str, str] = {
    "z3": "neurosym.backends.z3_fol:Z3Backend",
    "eprover": "neurosym.backends.eprover:EProverBackend",
    "swipl": "neurosym.backends.swipl:SwiplBackend",
    "fast-downward": "neurosym.backends.fast_downward:FastDownwardBackend",
    "pyperplan": "neurosym.backends.pyperplan_backend:PyperplanBackend",
    "causal": "neurosym.backends.causal:CausalBackend",
    "z3-smt": "neurosym.backends.z3_smt:Z3SmtBackend",
    "cvc5": "neurosym.backends.cvc5_smt:Cvc5SmtBackend",
    "z3-logic-lm": "neurosym.backends.z3_logic_lm:Z3LogicLmBackend",
    "lean-arith": "neurosym.backends.lean_arith:LeanArithBackend",
    "lean4": "neurosym.backends.lean4:Lean4Backend",
}

# Preference order per language: the first available backend that supports the program is the default.
PREFERENCE: dict[str, tuple[str, ...]] = {
    "fol": ("z3", "eprover"),
    "prolog": ("swipl",),
    "pddl": ("fast-downward", "pyperplan"),
    "scm": ("causal",),
    "kk": ("swipl", "z3"),
    "smt": ("z3-smt", "cvc5"),
    "logicprog": ("z3-logic-lm",),
    "csp": ("z3-logic-lm",),
    "z3dsl": ("z3-logic-lm",),
    "lean": ("lean4", "lean-arith"),
}

BACKENDS = LazyRegistry("backend", BACKEND_CLASSES)


def backend_class(name: str) -> type[Backend]:
    """The backend class registered under `name`; NeurosymError(UNSUPPORTED) if there is none."""
    return BACKENDS.get(name)


def candidates(language: str, requested: str | None = None) -> list[str]:
    """Names of the backends that may solve a program of `language`, best first (caller's process).

    A requested backend must take the language and be installed; otherwise every registered backend of
    the language is a candidate (availability is weighed in `first_supporting`, which can then say which
    missing prover would have taken the program).

    >>> candidates("fol", "swipl")
    Traceback (most recent call last):
    ...
    neurosym.result.NeurosymError: backend 'swipl' does not take language 'fol' (it takes prolog, kk)
    """
    if requested:
        cls = backend_class(requested)
        if language not in cls.languages:
            raise NeurosymError(ErrorKind.UNSUPPORTED, f"backend {requested!r} does not take language "
                                                       f"{language!r} (it takes {', '.join(cls.languages)})")
        if not cls.available():
            raise NeurosymError(ErrorKind.UNSUPPORTED, cls.unavailable_reason())
        return [requested]
    names = list(PREFERENCE.get(language, ()))
    if not names:
        raise NeurosymError(ErrorKind.UNSUPPORTED, f"no backend is registered for language {language!r}")
    return names


def first_supporting(names: list[str], program: Program) -> type[Backend]:
    """The first installed backend among `names` that supports `program` (sandbox worker: it may parse).

    None does: NeurosymError(UNSUPPORTED) naming, for each candidate, why not, and which backend would
    take the program if it were installed.
    """
    refusals: list[str] = []
    would_take: list[str] = []
    for name in names:
        try:
            cls = backend_class(name)
        except NeurosymError as exc:
            refusals.append(exc.info.message)
            continue
        reason = cls.unsupported(program)
        if not cls.available():
            if reason is None:
                would_take.append(f"{name} would take it but is not available ({cls.unavailable_reason()})")
            continue
        if reason is None:
            return cls
        refusals.append(f"{name}: {reason}")
    for other in PREFERENCE.get(program.language, ()):
        if other not in names:
            cls = backend_class(other)
            if cls.unsupported(program) is None:
                state = "" if cls.available() else f", but it is not available ({cls.unavailable_reason()})"
                would_take.append(f"backend {other!r} would take it{state}")
    detail = "; ".join(refusals + would_take) or "none is installed"
    raise NeurosymError(ErrorKind.UNSUPPORTED, f"no available backend supports this {program.language} "
                                               f"program: {detail}")


def available_backends(language: str) -> list[type[Backend]]:
    """Every installed backend of `language`, in order of preference (for --cross-check)."""
    found = []
    for name in PREFERENCE.get(language, ()):
        try:
            cls = backend_class(name)
        except NeurosymError:
            continue
        if cls.available():
            found.append(cls)
    return found


__all__ = ["BACKENDS", "BACKEND_CLASSES", "PREFERENCE", "Backend", "available_backends", "backend_class",
           "candidates", "first_supporting"]
