"""Run a checked SMT-LIB script command by command on one solver: shared by the Z3 and cvc5 backends.

Each command goes to the solver's own SMT-LIB parser separately, so a command the solver rejects is
located at that command's line and column with the solver's own message. Before every `(check-sat)` the
solver's time limit is set to what is left of the problem's seconds. After the last check the backend asks
for the certificate itself: the model when sat, the unsat core (of named assertions) when unsat.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from neurosym.lang.smt import CHECK_COMMANDS, Command, parse_script
from neurosym.problem import Limits
from neurosym.result import ErrorKind, NeurosymError, Outcome, Status

VERDICTS = ("sat", "unsat", "unknown")
UNKNOWN_SYMBOL = re.compile(r"unknown (?:constant|function|sort)[^']*?\s(\S+)$|Symbol '([^']+)' not declared")
TIMEOUT_REASON = re.compile(r"timeout|canceled|cancelled|resource|interrupted", re.IGNORECASE)


class SolverRejected(Exception):
    """The solver refused a command; the message is the solver's own."""


class ScriptSolver:
    """What a backend provides: run one command's text, set the time limit for the next check."""

    name: str

    def execute(self, text: str) -> str:
        raise NotImplementedError

    def set_timeout(self, milliseconds: int) -> None:
        raise NotImplementedError


def run_script(source: str, solver: ScriptSolver, limits: Limits,
               reason_unknown: Callable[[], str] | None = None) -> Outcome:
    """Every command of the script in order; an Outcome with the verdicts and the last check's certificate."""
    commands = parse_script(source)
    if not any(c.name in CHECK_COMMANDS for c in commands):
        raise NeurosymError(ErrorKind.INPUT, "the script has no (check-sat): there is nothing to answer")
    deadline = time.monotonic() + limits.seconds
    verdicts: list[str] = []
    outputs: list[dict[str, Any]] = []
    asked_after_last_check: set[str] = set()
    for command in commands:
        if command.name in CHECK_COMMANDS:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return Outcome(Status.TIMEOUT, certificate={"verdicts": verdicts},
                               error=None)
            solver.set_timeout(max(1, int(remaining * 1000)))
        output = _execute(solver, command)
        if command.name in CHECK_COMMANDS:
            verdicts.append(_verdict(output, command, solver.name))
            asked_after_last_check = set()
        else:
            asked_after_last_check.add(command.name)
            if output.strip():
                outputs.append({"line": command.line, "command": command.name, "output": output.strip()})
    certificate: dict[str, Any] = {"verdicts": verdicts}
    if outputs:
        certificate["outputs"] = outputs
    last = verdicts[-1]
    if last == "sat":
        certificate["model"] = _optional(solver, "(get-model)")
    elif last == "unsat":
        core = _optional(solver, "(get-unsat-core)")
        certificate["unsat_core"] = core.strip("()\n ").split() if core is not None else None
    if any(v == "unknown" for v in verdicts):
        reason = reason_unknown() if reason_unknown else ""
        certificate["reason_unknown"] = reason
        status = Status.TIMEOUT if TIMEOUT_REASON.search(reason) else Status.UNKNOWN
        return Outcome(status, answer=None, certificate=certificate)
    answer: Any = verdicts[0] if len(verdicts) == 1 else verdicts
    return Outcome(Status.SOLVED, answer=answer, certificate=certificate)


def _execute(solver: ScriptSolver, command: Command) -> str:
    try:
        return solver.execute(command.text)
    except SolverRejected as exc:
        message = str(exc).strip()
        line, column = _locate_symbol(command, message)
        raise NeurosymError(ErrorKind.TYPE, f"{solver.name} rejects ({command.name} ...): {message}",
                            line, column) from None


def _locate_symbol(command: Command, message: str) -> tuple[int, int]:
    """Where the symbol a solver complains about ("unknown constant y", "Symbol 'y' not declared") first
    occurs in the command; else where the command starts."""
    match = UNKNOWN_SYMBOL.search(message)
    if match:
        symbol = match.group(1) or match.group(2)
        found = re.search(rf"(?<![^\s()]){re.escape(symbol)}(?![^\s()])", command.text[1:])
        if found:
            before = command.text[:found.start() + 1]
            line = command.line + before.count("\n")
            column = (command.column + len(before)) if "\n" not in before else len(before) - before.rfind("\n")
            return line, column
    return command.line, command.column


def _verdict(output: str, command: Command, solver_name: str) -> str:
    words = output.split()
    if not words or words[0] not in VERDICTS:
        raise NeurosymError(ErrorKind.SOLVER_CRASH, f"{solver_name} answered {output.strip()!r} to "
                                                    f"({command.name} ...)", command.line, command.column)
    return words[0]


def _optional(solver: ScriptSolver, text: str) -> str | None:
    """A certificate the script did not ask for; None when the solver cannot give it (options off)."""
    try:
        return solver.execute(text).strip()
    except SolverRejected:
        return None
