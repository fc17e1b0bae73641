"""SMT-LIB 2: split a script into located commands (grammars/smt.lark), refuse the dangerous ones.

The solvers' own parsers read each command (backends/z3_smt.py, backends/cvc5_smt.py); this module only
makes sure a script is well bracketed, names a known command at the head of every top-level list, and
holds nothing that ends the solver or writes outside it: `(exit)`, output/diagnostic channels, options
that name files, logs, traces or dumps, and `(include ...)`. An SMT problem has a `script` field (text or
an `.smt2` file); a bare `.smt2` file is one problem, with `; expect: sat` setting its expectation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import lark

from neurosym.lang.base import Language, Program, require_field
from neurosym.lang.syntax import parse_located
from neurosym.problem import Problem
from neurosym.resources import grammar_text
from neurosym.result import ErrorKind, NeurosymError

CHECK_COMMANDS = frozenset({"check-sat", "check-sat-assuming", "check-sat-using"})
KNOWN_COMMANDS = frozenset({
    "set-logic", "set-option", "set-info", "get-info", "get-option", "declare-sort", "define-sort",
    "declare-fun", "declare-const", "define-fun", "define-fun-rec", "define-funs-rec", "define-const",
    "declare-datatype", "declare-datatypes", "assert", "assert-soft", "get-model", "get-value", "get-assignment",
    "get-unsat-core", "get-unsat-assumptions", "get-proof", "get-assertions", "push", "pop", "reset",
    "reset-assertions", "echo", "simplify", "eval", "minimize", "maximize", "get-objectives",
    "declare-rel", "declare-var", "rule", "query", "apply", "get-difficulty", "get-timeout-core", *CHECK_COMMANDS,
})
REFUSED_COMMANDS = {
    "exit": "(exit) would end the solver before neurosym reads its answer",
    "include": "(include ...) reads a file",
}
# An option whose name says it reads or writes a file, a channel or a log is refused: a script must not
# redirect the solver's output or leave files behind (z3's trace_file_name / smtlib2_log, cvc5's dumps).
REFUSED_OPTION = re.compile(r"channel|file|log|dump|trace|output|^:(out|err|in|o)$|save|write|path|dir",
                            re.IGNORECASE)
EXPECT_COMMENT = re.compile(r"^\s*;+\s*expect:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)
TERMINAL_SPELLING = {"SYMBOL": "a symbol", "STRING": "a string", "QUOTED_SYMBOL": "a |quoted symbol|",
                     "$END": "the end of the script"}
SMT_COMMENT = r";[^\n]*"


@dataclass(frozen=True)
class Command:
    """One top-level command: its name, its source text, and where it starts in the script."""

    name: str
    text: str
    line: int
    column: int


@cache
def _parser() -> lark.Lark:
    return lark.Lark(grammar_text("smt"), start="start", parser="lalr", propagate_positions=True)


def _atom_text(tree: Any) -> str | None:
    if isinstance(tree, lark.Tree) and tree.data == "atom":
        return str(tree.children[0])
    return None


def parse_script(source: str) -> list[Command]:
    """The script's commands in order; NeurosymError(SYNTAX / UNSUPPORTED / REFUSED) located at line:column.

    Examples:
        >>> [c.name for c in parse_script("(declare-const x Int)\\n(assert (> x 1)) ; note\\n(check-sat)")]
        ['declare-const', 'assert', 'check-sat']
        >>> parse_script("(check-sat)\\n(exit)")
        Traceback (most recent call last):
        ...
        neurosym.result.NeurosymError: (exit) would end the solver before neurosym reads its answer
    """
    tree = parse_located(_parser(), source, "SMT-LIB script", spellings=TERMINAL_SPELLING, comment=SMT_COMMENT)
    commands = []
    for item in tree.children:
        line, column = item.meta.line, item.meta.column
        if item.data != "list":
            raise NeurosymError(ErrorKind.SYNTAX, f"expected a command in parentheses, found {_atom_text(item)!r}",
                                line, column)
        head = _atom_text(item.children[0]) if item.children else None
        if head is None:
            raise NeurosymError(ErrorKind.SYNTAX, "a command must start with its name, e.g. (check-sat)",
                                line, column)
        if head in REFUSED_COMMANDS:
            raise NeurosymError(ErrorKind.REFUSED, REFUSED_COMMANDS[head], line, column)
        if head not in KNOWN_COMMANDS:
            raise NeurosymError(ErrorKind.UNSUPPORTED, f"unknown SMT-LIB command {head!r}", line, column)
        if head == "set-option" and len(item.children) > 1:
            option = _atom_text(item.children[1]) or ""
            if REFUSED_OPTION.search(option):
                raise NeurosymError(ErrorKind.REFUSED, f"option {option} is refused: a script may not redirect "
                                                       f"the solver's output or name files", line, column)
        text = source[item.meta.start_pos:item.meta.end_pos]
        commands.append(Command(head, text, line, column))
    return commands


class SmtLanguage(Language):
    name = "smt"
    suffixes = (".smt2",)

    def program_from_problem(self, problem: Problem) -> Program:
        return Program("smt", {"script": require_field(problem, "script")})

    def check(self, program: Program) -> dict[str, Any]:
        commands = parse_script(program.fields["script"])
        checks = sum(c.name in CHECK_COMMANDS for c in commands)
        if not checks:
            raise NeurosymError(ErrorKind.INPUT, "the script has no (check-sat): there is nothing to answer")
        return {"commands": len(commands), "check_sat": checks}

    def normalize_answer(self, value: Any) -> Any:
        """sat / unsat / unknown; a script with several (check-sat) answers with the list of them."""
        if isinstance(value, (list, tuple)):
            return [super(SmtLanguage, self).normalize_answer(v) for v in value]
        return super().normalize_answer(value)

    def problem_from_bare_file(self, text: str, path: Path) -> Problem:
        match = EXPECT_COMMENT.search(text)
        data = {"id": path.stem, "language": "smt", "script": text, "expect": match.group(1) if match else None}
        return Problem.from_dict(data, path.stem, source=str(path))


LANGUAGE = SmtLanguage()
