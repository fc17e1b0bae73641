"""Results of solving one problem: the status that says what happened, the answer, and its certificate.

Statuses keep apart what users must not confuse (DESIGN.md): a decided answer (`solved`, which for
first-order logic includes `uncertain`), a prover that gave up inside its limits (`unknown`), the wall
clock running out (`timeout`), and an `error` whose kind says whose fault it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    SOLVED = "solved"
    UNKNOWN = "unknown"
    TIMEOUT = "timeout"
    ERROR = "error"


class ErrorKind(StrEnum):
    SYNTAX = "syntax"  # the formal source does not parse
    TYPE = "type"  # it parses but is ill-formed (arity clash, unbound variable, ...)
    UNSUPPORTED = "unsupported"  # valid input that no available backend handles
    INPUT = "input"  # the problem file itself: missing, not YAML/JSON, missing fields, too large
    REFUSED = "refused"  # the sandbox refused to run it (dangerous directive, forbidden predicate)
    MEMORY = "memory"  # the memory cap was hit
    SOLVER_CRASH = "solver_crash"  # the prover or its worker process died
    INTERNAL = "internal"  # a bug in neurosym


@dataclass
class ErrorInfo:
    kind: ErrorKind
    message: str
    line: int | None = None
    column: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": str(self.kind), "message": self.message, "line": self.line, "column": self.column}

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}: " if self.line is not None else ""
        return f"{self.kind} error: {where}{self.message}"


class NeurosymError(Exception):
    """An error that becomes a Result with status `error`; raised anywhere below the engine."""

    def __init__(self, kind: ErrorKind, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.info = ErrorInfo(kind, message, line, column)


@dataclass
class Result:
    id: str
    language: str | None
    status: Status
    answer: Any = None
    backend: str | None = None
    expected: Any = None
    correct: bool | None = None
    certificate: dict[str, Any] | None = None
    error: ErrorInfo | None = None
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    program: str | None = None  # the formal source the answer came from (kept out of the JSON line)
    candidates: list[dict[str, Any]] | None = None  # every candidate program of a formalizer, with its verdict

    @classmethod
    def failed(cls, problem_id: str, language: str | None, info: ErrorInfo, **kw: Any) -> Result:
        return cls(id=problem_id, language=language, status=Status.ERROR, error=info, **kw)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "language": self.language,
            "backend": self.backend,
            "status": str(self.status),
            "answer": self.answer,
            "expected": self.expected,
            "correct": self.correct,
            "certificate": self.certificate,
            "error": self.error.to_dict() if self.error else None,
            "seconds": round(self.seconds, 6),
            "timings": {k: round(v, 6) for k, v in self.timings.items()},
        }
        if self.candidates is not None:
            data["candidates"] = self.candidates
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, default=str)


@dataclass
class Outcome:
    """What a backend returns from one solve; the engine adds the problem's id, expectation and timing."""

    status: Status
    answer: Any = None
    certificate: dict[str, Any] | None = None
    error: ErrorInfo | None = None
    timings: dict[str, float] = field(default_factory=dict)
    backend: str | None = None  # set by the engine's worker: which backend answered
