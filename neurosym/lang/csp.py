"""Logic-LM's constraint language (LogicalDeduction), read by grammars/csp.lark.

    Domain:       1: leftmost                      (notes only)
    Variables:    green_book [IN] [1, 2, 3, 4, 5]
    Constraints:  blue_book > yellow_book ::: gloss
                  AllDifferentConstraint([green_book, blue_book])
    Query:        A) green_book == 2

Constraints are Python-style expressions (comparisons, chained; + - * // %; abs; and / or / not); the
parser builds a tree, nothing is evaluated. As Logic-LM defines it, an option is chosen only when it holds
in every solution of the constraints. A problem has a `program` field.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import lark

from neurosym.lang.base import Language, Program, require_field
from neurosym.lang.syntax import parse_located
from neurosym.problem import Problem
from neurosym.resources import grammar_text
from neurosym.result import ErrorKind, NeurosymError

TERMINAL_SPELLING = {"NAME": "a name", "INT": "a number", "SIGNED_INT": "a number", "_NL": "a new line",
                     "COMPARE": "a comparison", "ADD": "'+' or '-'", "MUL": "'*', '//' or '%'",
                     "NOTE": "a note", "$END": "the end of the program"}


@dataclass(frozen=True)
class Variable:
    name: str
    values: tuple[int | str, ...]
    line: int
    column: int


@dataclass(frozen=True)
class Statement:
    """A constraint or an option (`label` set): its expression tree and where it sits."""

    tree: lark.Tree
    line: int
    column: int
    label: str | None = None


@dataclass(frozen=True)
class CspProgram:
    variables: dict[str, Variable]
    constraints: tuple[Statement, ...]
    options: tuple[Statement, ...]


@cache
def _parser() -> lark.Lark:
    return lark.Lark(grammar_text("csp"), start="start", parser="lalr", propagate_positions=True)


def _value(tree: lark.Tree) -> int | str:
    token = tree.children[0]
    return int(token) if tree.data == "int_value" else str(token)


def parse_program(source: str) -> CspProgram:
    """The program as data; NeurosymError at line:column for syntax errors and undeclared names.

    Examples:
        >>> program = parse_program("Domain:\\n1: left\\nVariables:\\na [IN] [1, 2]\\nb [IN] [1, 2]\\n"
        ...                         "Constraints:\\na < b\\nQuery:\\nA) a == 1\\nB) b == 1")
        >>> sorted(program.variables), [o.label for o in program.options]
        (['a', 'b'], ['A', 'B'])
    """
    tree = parse_located(_parser(), source + "\n", "constraint program", spellings=TERMINAL_SPELLING)
    _domain, variables_tree, constraints_tree, query_tree = tree.children
    variables: dict[str, Variable] = {}
    for item in variables_tree.children:
        name, *values = item.children
        if str(name) in variables:
            raise NeurosymError(ErrorKind.TYPE, f"variable {name} is declared twice", name.line, name.column)
        variables[str(name)] = Variable(str(name), tuple(_value(v) for v in values), name.line, name.column)
    symbols = {v for var in variables.values() for v in var.values if isinstance(v, str)}
    constraints = tuple(Statement(t, t.meta.line, t.meta.column) for t in constraints_tree.children)
    options = tuple(Statement(o.children[1], o.meta.line, o.meta.column, str(o.children[0]))
                    for o in query_tree.children)
    for statement in (*constraints, *options):
        for token in statement.tree.scan_values(lambda v: isinstance(v, lark.Token) and v.type == "NAME"):
            if str(token) not in variables and str(token) not in symbols:
                raise NeurosymError(ErrorKind.TYPE, f"{token} is not a declared variable", token.line, token.column)
    if not options:
        raise NeurosymError(ErrorKind.INPUT, "the Query: section has no option")
    return CspProgram(variables, constraints, options)


class CspLanguage(Language):
    name = "csp"

    def program_from_problem(self, problem: Problem) -> Program:
        return Program("csp", {"program": require_field(problem, "program")})

    def check(self, program: Program) -> dict[str, Any]:
        parsed = parse_program(program.fields["program"])
        return {"variables": len(parsed.variables), "constraints": len(parsed.constraints),
                "options": len(parsed.options)}

    def normalize_answer(self, value: Any) -> Any:
        """An option letter, compared without case or brackets: `(A)`, `a` and `A` agree."""
        normalized = super().normalize_answer(value)
        return normalized.strip("()") if isinstance(normalized, str) else normalized


LANGUAGE = CspLanguage()
