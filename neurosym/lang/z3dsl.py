"""Logic-LM's Z3 language (AR-LSAT), read by grammars/z3dsl.lark.

    # Declarations
    children = EnumSort([Fred, Juan, Marc])      lockers = EnumSort([1, 2, 3])
    assigned = Function([children] -> [lockers])
    # Constraints
    ForAll([c:children], Count([d:children], assigned(d) == assigned(c)) <= 2) ::: gloss
    # Options
    Question ::: Which one of the following ...
    is_valid(assigned(Fred) == 3) ::: (A)

The program is parsed into a tree and never evaluated: backends/z3_dsl.py builds Z3 terms from it. Option
semantics are those of Logic-LM's translator: is_valid (holds in every solution), is_sat, is_unsat,
is_accurate_list (the disjunction is valid and each item satisfiable), is_exception (the option's check
fails); the options are lettered A, B, C... in order. A problem has a `program` field.
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

TERMINAL_SPELLING = {"NAME": "a name", "NUMBER": "a number", "STRING": "a string", "_NL": "a new line",
                     "COMPARE": "a comparison", "ADD": "'+' or '-'", "MUL": "'*', '/' or '%'",
                     "DECLARATIONS": "'# Declarations'", "CONSTRAINTS": "'# Constraints'",
                     "OPTIONS": "'# Options'", "$END": "the end of the program"}
LETTERS = "ABCDEFGHIJ"


@dataclass(frozen=True)
class Declaration:
    kind: str  # enum_sort | int_sort | function
    name: str
    items: tuple[str, ...]  # sort members, or the function's argument sorts then its range
    line: int
    column: int


@dataclass(frozen=True)
class Z3DslProgram:
    declarations: tuple[Declaration, ...]
    constraints: tuple[lark.Tree, ...]  # the declaration section's own constraints come first
    options: tuple[tuple[str, lark.Tree], ...]  # (letter, expression)


@cache
def _parser() -> lark.Lark:
    return lark.Lark(grammar_text("z3dsl"), start="start", parser="lalr", propagate_positions=True)


def unwrap(node: Any) -> Any:
    """The node itself, without the one-child and/or/=> layers the grammar's aliases leave around it."""
    while isinstance(node, lark.Tree) and node.data in ("implies_op", "or_op", "and_op") and \
            len([k for k in node.children if k is not None]) == 1:
        node = next(k for k in node.children if k is not None)
    return node


def _value(token: Any) -> str:
    text = str(token)
    return text[1:-1] if text.startswith('"') else text


def parse_program(source: str) -> Z3DslProgram:
    """The program as data; NeurosymError(SYNTAX) at line:column when it does not parse.

    Examples:
        >>> program = parse_program("# Declarations\\nkids = EnumSort([Ann, Bo])\\nage = Function([kids] -> [int])\\n"
        ...                         "# Constraints\\nage(Ann) > age(Bo)\\n# Options\\nQuestion ::: Who?\\n"
        ...                         "is_valid(age(Bo) < age(Ann)) ::: (A)")
        >>> [d.name for d in program.declarations], [letter for letter, _ in program.options]
        (['kids', 'age'], ['A'])
        >>> parse_program("# Declarations\\n# Constraints\\n__import__('os').system('ls')\\n# Options\\n")
        Traceback (most recent call last):
        ...
        neurosym.result.NeurosymError: Z3 program: unexpected character "'"; expected '(', ')', ...
    """
    tree = parse_located(_parser(), source.rstrip("\n") + "\n", "Z3 program", spellings=TERMINAL_SPELLING)
    declarations_tree, constraints_tree, options_tree = tree.children
    declarations = []
    constraints = []
    for item in declarations_tree.children:
        if not isinstance(item, lark.Tree):
            continue
        if item.data == "declared_constraint":
            constraints.append(unwrap(item.children[0]))
            continue
        name, *rest = item.children
        items = tuple(_value(v) for v in rest if v is not None)
        declarations.append(Declaration(item.data, str(name), items, item.meta.line, item.meta.column))
    constraints.extend(unwrap(c) for c in constraints_tree.children if isinstance(c, lark.Tree))
    options = []
    for item in map(unwrap, options_tree.children):
        if not isinstance(item, lark.Tree) or (item.data == "name" and str(item.children[0]) == "Question"):
            continue  # the `Question ::: ...` line restates the question
        if len(options) == len(LETTERS):
            raise NeurosymError(ErrorKind.INPUT, f"more than {len(LETTERS)} options", item.meta.line,
                                item.meta.column)
        options.append((LETTERS[len(options)], item))
    return Z3DslProgram(tuple(declarations), tuple(constraints), tuple(options))


class Z3DslLanguage(Language):
    name = "z3dsl"

    def program_from_problem(self, problem: Problem) -> Program:
        return Program("z3dsl", {"program": require_field(problem, "program")})

    def check(self, program: Program) -> dict[str, Any]:
        parsed = parse_program(program.fields["program"])
        return {"declarations": len(parsed.declarations), "constraints": len(parsed.constraints),
                "options": len(parsed.options)}

    def normalize_answer(self, value: Any) -> Any:
        """An option letter, compared without case or brackets: `(A)`, `a` and `A` agree."""
        normalized = super().normalize_answer(value)
        return normalized.strip("()") if isinstance(normalized, str) else normalized


LANGUAGE = Z3DslLanguage()
