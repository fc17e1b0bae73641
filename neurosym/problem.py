"""Problems and their limits: the types every layer shares (reading problem files is neurosym.loading).

Top-level keys with a meaning of their own are listed in `PROBLEM_KEYS`; every other key is a formal field
handed to the language module (premises/conclusion for fol, program/query for prolog, domain/problem/plan
for pddl, ...). A problem that could not be read carries `load_error`: the engine turns it into an error
Result and the rest of the batch goes on.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

from neurosym.result import ErrorInfo, ErrorKind, NeurosymError

PROBLEM_KEYS = {"id", "language", "text", "question", "expect", "limits", "backend", "options"}
# `model` names the model that formalizes `text` when its value is a model spec; otherwise (an SCM problem's
# structural equations) it is a formal field like any other.
MODEL_SPEC = re.compile(r"^(?:(?:transformers|vllm|openai|replay):\S|cnl$)")
# The types a top-level key may hold (None is always allowed: the key is then absent).
FIELD_TYPES: dict[str, tuple[type, ...]] = {"id": (str, int), "language": (str,), "text": (str,),
                                            "question": (str,), "backend": (str,), "options": (dict,),
                                            "limits": (dict,)}
KIND_NAMES = {str: "a string", int: "an integer", dict: "a mapping"}


# Documented maxima (docs/hardening.md): a limit past these is an input error, not a request to honour.
LIMIT_MAXIMA: dict[str, float] = {"seconds": 3600.0, "memory_mb": 65536, "max_input_bytes": 64 * 1024 * 1024,
                                  "samples": 64}


@dataclass(frozen=True)
class Limits:
    """Resource limits for one solve. `seconds` is wall clock, enforced from outside the worker.

    Every limit is checked when built: finite, positive, at most `LIMIT_MAXIMA`; a bad one raises
    NeurosymError(INPUT) naming it, so `seconds: .nan` or `1e400` never reaches a worker.

    >>> Limits(seconds=float("nan"))
    Traceback (most recent call last):
    ...
    neurosym.result.NeurosymError: limit 'seconds' must be a finite number, got nan
    """

    seconds: float = 10.0
    memory_mb: int = 2048
    max_input_bytes: int = 2_000_000
    samples: int = 1

    def __post_init__(self) -> None:
        for name, maximum in LIMIT_MAXIMA.items():
            value = getattr(self, name)
            integral = name != "seconds"
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise NeurosymError(ErrorKind.INPUT, f"limit {name!r} must be a number, got "
                                                     f"{type(value).__name__}")
            if not math.isfinite(value):
                raise NeurosymError(ErrorKind.INPUT, f"limit {name!r} must be a finite number, got {value}")
            if integral and value != int(value):
                raise NeurosymError(ErrorKind.INPUT, f"limit {name!r} must be a whole number, got {value}")
            if value <= 0:
                raise NeurosymError(ErrorKind.INPUT, f"limit {name!r} must be positive, got {value}")
            if value > maximum:
                raise NeurosymError(ErrorKind.INPUT, f"limit {name!r} is {value}, over the maximum of "
                                                     f"{maximum:g}")
            object.__setattr__(self, name, int(value) if integral else float(value))

    @classmethod
    def from_dict(cls, data: Any, base: Limits | None = None) -> Limits:
        """Limits from a problem file's `limits` mapping; NeurosymError(INPUT) names a bad or unknown one."""
        base = base or cls()
        if data is None:
            return base
        if not isinstance(data, dict):
            raise NeurosymError(ErrorKind.INPUT, f"'limits' must be a mapping, got {type(data).__name__}")
        unknown = {str(k) for k in data} - set(LIMIT_MAXIMA)
        if unknown:
            raise NeurosymError(ErrorKind.INPUT, f"unknown limit(s): {', '.join(sorted(unknown))} "
                                                 f"(known: {', '.join(LIMIT_MAXIMA)})")
        return replace(base, **data)


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
    model: str | None = None  # the model that formalizes `text` (a spec such as "replay:outputs.jsonl")
    source: str | None = None  # where it was read from, for messages
    load_error: ErrorInfo | None = None

    @classmethod
    def from_dict(cls, data: Any, default_id: str, source: str | None = None,
                  where: dict[str, tuple[int, int]] | None = None) -> Problem:
        """Build a Problem from a parsed mapping; a malformed one becomes a Problem with load_error.

        `where` maps a key (and "" for the problem itself) to its (line, column) in the file, so an error
        names the field and where it sits.

        >>> Problem.from_dict({"id": "p", "options": "abc"}, "x").load_error.message
        "field 'options' must be a mapping, got str"
        """
        where = where or {}
        if not isinstance(data, dict):
            return cls.broken(default_id, f"a problem must be a mapping, got {type(data).__name__}", source,
                              **_position(where, ""))
        raw_id = data.get("id", default_id)
        problem_id = str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else default_id
        try:
            bad_key = next((k for k in data if not isinstance(k, str)), None)
            if bad_key is not None:
                raise _FieldError("", f"every key must be a string, got {type(bad_key).__name__} {bad_key!r:.40}")
            for key, kinds in FIELD_TYPES.items():
                value = data.get(key)
                if value is not None and (not isinstance(value, kinds) or isinstance(value, bool)):
                    wanted = " or ".join(KIND_NAMES.get(k, k.__name__) for k in kinds)
                    raise _FieldError(key, f"field {key!r} must be {wanted}, got {type(value).__name__}")
            options = data.get("options") or {}
            if any(not isinstance(k, str) for k in options):
                raise _FieldError("options", "every key of 'options' must be a string")
            try:
                limits = Limits.from_dict(data.get("limits"))
            except NeurosymError as exc:
                raise _FieldError("limits", f"bad limits: {exc.info.message}") from None
        except _FieldError as exc:
            return cls.broken(problem_id, exc.message, source, **_position(where, exc.field))
        formal = {k: v for k, v in data.items() if k not in PROBLEM_KEYS}
        model = formal.get("model")
        if isinstance(model, str) and MODEL_SPEC.match(model):
            del formal["model"]
        else:
            model = None
        language = data.get("language")
        return cls(
            id=problem_id,
            language=language.lower() if language else None,
            formal=formal,
            text=data.get("text"),
            question=data.get("question"),
            expect=data.get("expect"),
            limits=limits,
            backend=data.get("backend"),
            options=dict(options),
            model=model,
            source=source,
        )

    @classmethod
    def broken(cls, problem_id: str, message: str, source: str | None = None, **where: Any) -> Problem:
        return cls(id=problem_id, source=source, load_error=ErrorInfo(ErrorKind.INPUT, message, **where))


class _FieldError(Exception):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


def _position(where: dict[str, tuple[int, int]], key: str) -> dict[str, int]:
    found = where.get(key) or where.get("")
    return {"line": found[0], "column": found[1]} if found else {}
