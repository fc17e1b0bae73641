"""Problems and their limits: the types every layer shares (reading problem files is neurosym.loading).

Top-level keys with a meaning of their own are listed in `PROBLEM_KEYS`; every other key is a formal field
handed to the language module (premises/conclusion for fol, program/query for prolog, domain/problem/plan
for pddl, ...). A problem that could not be read carries `load_error`: the engine turns it into an error
Result and the rest of the batch goes on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from neurosym.result import ErrorInfo, ErrorKind

PROBLEM_KEYS = {"id", "language", "text", "question", "expect", "limits", "backend", "options"}
# `model` names the model that formalizes `text` when its value is a model spec; otherwise (an SCM problem's
# structural equations) it is a formal field like any other.
MODEL_SPEC = re.compile(r"^(?:(?:transformers|vllm|openai|replay):\S|cnl$)")


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
    model: str | None = None  # the model that formalizes `text` (a spec such as "replay:outputs.jsonl")
    source: str | None = None  # where it was read from, for messages
    load_error: ErrorInfo | None = None

    @classmethod
    def from_dict(cls, data: Any, default_id: str, source: str | None = None) -> Problem:
        """Build a Problem from a parsed mapping; a malformed one becomes a Problem with load_error."""
        if not isinstance(data, dict):
            return cls.broken(default_id, f"a problem must be a mapping, got {type(data).__name__}", source)
        try:
            limits = Limits.from_dict(data.get("limits"))
        except (TypeError, ValueError) as exc:
            return cls.broken(str(data.get("id", default_id)), f"bad limits: {exc}", source)
        formal = {k: v for k, v in data.items() if k not in PROBLEM_KEYS}
        model = formal.get("model")
        if isinstance(model, str) and MODEL_SPEC.match(model):
            del formal["model"]
        else:
            model = None
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
            model=model,
            source=source,
        )

    @classmethod
    def broken(cls, problem_id: str, message: str, source: str | None = None, **where: Any) -> Problem:
        return cls(id=problem_id, source=source, load_error=ErrorInfo(ErrorKind.INPUT, message, **where))
