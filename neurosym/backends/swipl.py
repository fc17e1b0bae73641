"""SWI-Prolog through pyswip, inside a sandbox worker: Prolog programs and Knights and Knaves puzzles.

pyswip embeds one Prolog engine per process, so the worker process is the sandbox: the engine is started
on the worker's first Prolog task with a bounded stack, and provers/prolog/sandbox.pl does the rest
(fresh temporary module per program, clauses loaded as data, directives refused, safe_goal/1 on the
query, time and inference limits, captured output). A `halt` or crash that got through would cost the
worker, which the engine reports as an error and the sandbox replaces.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import shutil
from typing import Any, ClassVar

from neurosym.backends.base import Backend
from neurosym.backends.kk_outcome import KK_MAX_SOLUTIONS, kk_outcome
from neurosym.backends.swipl_kk import to_prolog
from neurosym.lang.base import Program
from neurosym.lang.kk import parse_statements
from neurosym.lang.prolog import LANGUAGE
from neurosym.problem import Limits
from neurosym.resources import prover_path
from neurosym.result import ErrorInfo, ErrorKind, NeurosymError, Outcome, Status

DEFAULT_MAX_SOLUTIONS = 100
DEFAULT_INFERENCES = 100_000_000
STACK_LIMIT_MB = 512  # set once per worker; user code cannot raise it (set_prolog_flag is not safe)
OUTPUT_CAP_CHARS = 65_536

_prolog: Any = None


def _engine(memory_mb: int) -> Any:
    """The worker's Prolog engine with the sandbox library loaded (started on first use)."""
    global _prolog
    if _prolog is None:
        from pyswip import Prolog

        prolog = Prolog()
        library = prover_path("prolog/sandbox.pl")
        list(prolog.query(f"use_module({prolog_string(str(library))})"))
        stack = min(STACK_LIMIT_MB, max(64, memory_mb // 4)) * 1024 * 1024
        list(prolog.query(f"neurosym_sandbox:ns_init({stack})"))
        _prolog = prolog
    return _prolog


_NEEDS_ESCAPE = re.compile(r'[^\x20-\x7e]|["\\]')


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return "\\" + char if char in '"\\' else f"\\x{ord(char):x}\\"


def prolog_string(text: str) -> str:
    """A double-quoted Prolog string literal for any text, in pure ASCII (\\xHEX\\ escapes).

    >>> print(prolog_string('say "hi"\\n'))
    "say \\"hi\\"\\xa\\"
    """
    return '"' + _NEEDS_ESCAPE.sub(_escape, text) + '"'


def run_prolog(program: str, query: str, limits: Limits, *, proof: bool = False,
               max_solutions: int = DEFAULT_MAX_SOLUTIONS,
               inferences: int = DEFAULT_INFERENCES) -> dict[str, Any]:
    """Run one program + query in the sandbox and return the decoded JSON reply of ns_run/4."""
    options = (f"[time({float(limits.seconds)}), inferences({int(inferences)}), "
               f"max_solutions({int(max_solutions)}), proof({'true' if proof else 'false'}), "
               f"output_cap({OUTPUT_CAP_CHARS})]")
    goal = f"neurosym_sandbox:ns_run({prolog_string(program)}, {prolog_string(query)}, {options}, Json)"
    engine = _engine(limits.memory_mb)
    from pyswip.prolog import PrologError

    try:
        replies = list(engine.query(goal, maxresult=1))
    except PrologError as exc:  # ns_run/4 catches everything it can; this is a bug or an escaped signal
        raise NeurosymError(ErrorKind.INTERNAL, f"the Prolog sandbox failed: {str(exc)[:2000]}") from None
    if not replies:
        raise NeurosymError(ErrorKind.INTERNAL, "the Prolog sandbox gave no reply")
    raw = replies[0]["Json"]
    return json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)


def _not_solved(reply: dict[str, Any]) -> Outcome:
    """The Outcome of a reply that is not `solved`: timeout, unknown (inference limit), or an error with
    its kind and location; what the program printed before it stopped stays in the certificate."""
    message = str(reply.get("message", "")).strip()
    status = reply.get("status")
    certificate = {"reason": message}
    if reply.get("output"):
        certificate["output"] = reply["output"]
    if status == "timeout":
        return Outcome(Status.TIMEOUT, certificate=certificate)
    if status == "unknown":
        return Outcome(Status.UNKNOWN, certificate=certificate)
    kind = reply.get("kind", "internal")
    try:
        error_kind = ErrorKind(kind)
    except ValueError:
        error_kind = ErrorKind.INTERNAL
    return Outcome(Status.ERROR, error=ErrorInfo(error_kind, message, reply.get("line"), reply.get("column")),
                   certificate=certificate if reply.get("output") else None)


@functools.cache
def _installed() -> bool:
    """Once per process: looking swipl up on PATH costs more than solving a small puzzle."""
    return shutil.which("swipl") is not None and importlib.util.find_spec("pyswip") is not None


class SwiplBackend(Backend):
    name = "swipl"
    languages: ClassVar[tuple[str, ...]] = ("prolog", "kk")

    @classmethod
    def available(cls) -> bool:
        return _installed()

    @classmethod
    def unavailable_reason(cls) -> str:
        if importlib.util.find_spec("pyswip") is None:
            return "backend 'swipl' needs the Python package pyswip (pip install pyswip)"
        return ("backend 'swipl' needs SWI-Prolog: install the Debian package swi-prolog-nox "
                "(apt-get install swi-prolog-nox) or see https://www.swi-prolog.org/download")

    def solve(self, program: Program, limits: Limits) -> Outcome:
        if program.language == "kk":
            return self._solve_kk(program, limits)
        return self._solve_prolog(program, limits)

    def _solve_prolog(self, program: Program, limits: Limits) -> Outcome:
        source, query = program.fields["program"], program.fields["query"]
        LANGUAGE.check(program)  # the grammar is the syntax gate: line:column errors before SWI reads it
        options = program.options
        proof = bool(options.get("proof", False))
        reply = run_prolog(source, query, limits, proof=proof,
                           max_solutions=int(options.get("max_solutions", DEFAULT_MAX_SOLUTIONS)),
                           inferences=int(options.get("inferences", DEFAULT_INFERENCES)))
        if reply.get("status") != "solved":
            return _not_solved(reply)
        certificate: dict[str, Any] = {"solutions": reply["solutions"], "capped": reply["capped"],
                                       "inferences": reply.get("inferences")}
        if proof:
            certificate["proof"] = reply.get("proofs", [])
        if reply.get("output_chars"):
            certificate["output"] = reply["output"]
            certificate["output_chars"] = reply["output_chars"]
        return Outcome(Status.SOLVED, answer=reply["answer"], certificate=certificate)

    def _solve_kk(self, program: Program, limits: Limits) -> Outcome:
        names = program.fields["names"]
        statements = parse_statements(program.fields["statements"], len(names))
        source, query = to_prolog(statements)
        reply = run_prolog(source, query, limits, max_solutions=KK_MAX_SOLUTIONS)
        if reply.get("status") != "solved":
            return _not_solved(reply)
        assignments = [{names[int(var[1:])]: role for var, role in solution.items()}
                       for solution in reply["solutions"]]
        # Keep the names in their given order whatever order the bindings came back in.
        assignments = [{name: found[name] for name in names} for found in assignments]
        return kk_outcome(assignments, capped=reply["capped"], prolog=source)

