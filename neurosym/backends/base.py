"""The backend contract (DESIGN.md): a name, the languages taken, availability, and solve()."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from neurosym.lang.base import Program
from neurosym.problem import Limits
from neurosym.result import Outcome


class Backend(ABC):
    """A prover adapter. `solve` runs inside a sandbox worker, never in the caller's process.

    It parses the program through its language module, runs the prover under the prover's own limits
    (the first line of defence; the worker's wall clock is the second), and returns an Outcome.
    Errors are raised as NeurosymError; a backend never guesses an answer the prover did not give.
    """

    name: ClassVar[str]
    languages: ClassVar[tuple[str, ...]]

    @classmethod
    def available(cls) -> bool:
        """Is the prover installed? Must be cheap: called in the caller's process."""
        return True

    @classmethod
    def unavailable_reason(cls) -> str:
        return f"backend {cls.name!r} is not available"

    @classmethod
    def unsupported(cls, program: Program) -> str | None:
        """Why this backend cannot take `program` (a feature it lacks), or None when it can.

        Called in the sandbox worker before `solve`, so it may parse the program; the registry then falls
        through to the next backend of the language.
        """
        return None

    @abstractmethod
    def solve(self, program: Program, limits: Limits) -> Outcome: ...
