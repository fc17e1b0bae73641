"""Knights and Knaves: the gold `statements` formalization of a puzzle, and its translations.

A kk problem has `names` (the inhabitants, in order) and `statements`: one claim per inhabitant, written
as in the K&K dataset (a Python-literal tuple such as `(('not', ('telling-truth', 2)), ('lying', 1))`)
or as the equivalent nested lists. Knights' claims are true and knaves' are false; the answer is the
assignment name -> "knight"/"knave". The backends translate the same tree (to Prolog in
neurosym.backends.swipl_kk, to Z3 terms in neurosym.backends.z3_kk), so both solve exactly the same puzzle.
"""

from __future__ import annotations

import ast
from typing import Any

from neurosym.lang.base import Language, Program, require_field
from neurosym.problem import Problem
from neurosym.result import ErrorKind, NeurosymError

MAX_STATEMENT_CHARS = 100_000
MAX_DEPTH = 100
ATOMS = {"telling-truth": "truth", "lying": "lying"}
UNARY = {"not"}
NARY = {"and", "or"}
BINARY = {"->", "<=>"}

# A normalized formula is a list: ["truth", i] | ["lying", i] | ["not", f] | ["and", f, ...] |
# ["or", f, ...] | ["->", a, b] | ["<=>", a, b].
Formula = list[Any]


def parse_statements(raw: Any, people: int) -> list[Formula]:
    """The statements as normalized formulas, one per person; NeurosymError(SYNTAX/TYPE) saying why not."""
    if isinstance(raw, str):
        if len(raw) > MAX_STATEMENT_CHARS:
            raise NeurosymError(ErrorKind.INPUT, f"statements longer than {MAX_STATEMENT_CHARS} characters")
        try:
            raw = ast.literal_eval(raw.strip())
        except (ValueError, SyntaxError, MemoryError, RecursionError) as exc:
            line = getattr(exc, "lineno", None)
            column = getattr(exc, "offset", None)
            raise NeurosymError(ErrorKind.SYNTAX, f"statements are not a tuple literal: {exc}", line,
                                column) from None
    if not isinstance(raw, list | tuple):
        raise NeurosymError(ErrorKind.TYPE, "statements must be a tuple or list with one claim per person")
    if len(raw) != people:
        raise NeurosymError(ErrorKind.TYPE, f"{len(raw)} statements for {people} people: one claim each")
    return [_formula(claim, people, f"statement {i + 1}", 0) for i, claim in enumerate(raw)]


def _formula(node: Any, people: int, where: str, depth: int) -> Formula:
    if depth > MAX_DEPTH:
        raise NeurosymError(ErrorKind.INPUT, f"{where}: nested deeper than {MAX_DEPTH}")
    if not isinstance(node, list | tuple) or not node or not isinstance(node[0], str):
        raise NeurosymError(ErrorKind.TYPE, f"{where}: expected (operator, ...), got {node!r:.80}")
    op, args = node[0], list(node[1:])
    if op in ATOMS:
        if len(args) != 1 or not isinstance(args[0], int) or isinstance(args[0], bool) \
                or not 0 <= args[0] < people:
            raise NeurosymError(ErrorKind.TYPE, f"{where}: ({op!r}, i) needs a person index 0..{people - 1}")
        return [ATOMS[op], args[0]]
    arity_ok = (op in UNARY and len(args) == 1) or (op in BINARY and len(args) == 2) or \
               (op in NARY and len(args) >= 1)
    if not arity_ok:
        known = ", ".join(sorted([*ATOMS, *UNARY, *NARY, *BINARY]))
        raise NeurosymError(ErrorKind.TYPE, f"{where}: operator {op!r} with {len(args)} argument(s) "
                                            f"(known operators: {known})")
    return [op, *(_formula(arg, people, where, depth + 1) for arg in args)]


def assignment(names: list[str], knights: list[bool]) -> dict[str, str]:
    """Name -> "knight"/"knave" from one Boolean per person (true = knight).

    >>> assignment(["Ann", "Bo"], [True, False])
    {'Ann': 'knight', 'Bo': 'knave'}
    """
    return {name: "knight" if is_knight else "knave" for name, is_knight in zip(names, knights, strict=True)}


class KnightsKnavesLanguage(Language):
    name = "kk"

    def program_from_problem(self, problem: Problem) -> Program:
        names = require_field(problem, "names", list)
        if not names or not all(isinstance(n, str) and n for n in names) or len(set(names)) != len(names):
            raise NeurosymError(ErrorKind.INPUT, f"problem {problem.id!r}: 'names' must be distinct "
                                                 f"non-empty strings")
        raw = require_field(problem, "statements", (str, list))
        return Program("kk", {"names": list(names), "statements": raw})

    def check(self, program: Program) -> dict[str, Any]:
        statements = parse_statements(program.fields["statements"], len(program.fields["names"]))
        return {"people": len(statements)}

    def normalize_answer(self, value: Any) -> Any:
        if isinstance(value, dict):
            return tuple((str(k), self._role(v)) for k, v in value.items())
        if isinstance(value, list | tuple) and value and all(isinstance(v, bool) for v in value):
            return tuple(self._role(v) for v in value)
        return super().normalize_answer(value)

    @staticmethod
    def _role(value: Any) -> str:
        if isinstance(value, bool):
            return "knight" if value else "knave"
        return str(value).strip().lower()

    def answers_match(self, answer: Any, expected: Any) -> bool:
        """An assignment matches a dict (by name) or the dataset's list of booleans (by position)."""
        got = self.normalize_answer(answer)
        want = self.normalize_answer(expected)
        if isinstance(expected, dict):
            return isinstance(answer, dict) and sorted(got) == sorted(want)
        if isinstance(answer, dict) and isinstance(want, tuple):
            return tuple(role for _, role in got) == want
        return got == want

LANGUAGE = KnightsKnavesLanguage()
