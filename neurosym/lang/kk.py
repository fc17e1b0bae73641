"""Knights and Knaves: the gold `statements` formalization of a puzzle, and its translations.

A kk problem has `names` (the inhabitants, in order) and `statements`: one claim per inhabitant, written
as in the K&K dataset (a Python-literal tuple such as `(('not', ('telling-truth', 2)), ('lying', 1))`)
or as the equivalent nested lists. Knights' claims are true and knaves' are false; the answer is the
assignment name -> "knight"/"knave". The same tree is translated to Prolog (for swipl) and to Z3 terms
(neurosym.backends.z3_kk), so the two backends solve exactly the same puzzle.
"""

from __future__ import annotations

import ast
from typing import Any

from neurosym.lang.base import Language, Program, require_field
from neurosym.problem import Problem
from neurosym.result import ErrorKind, NeurosymError, Outcome, Status

MAX_STATEMENT_CHARS = 100_000
MAX_DEPTH = 100
KK_MAX_SOLUTIONS = 1024  # a puzzle has at most 2**people assignments; 10 people is plenty
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


def _prolog_formula(f: Formula) -> str:
    """A Prolog goal that holds iff the formula is true, once every person variable P<i> is bound."""
    op = f[0]
    if op == "truth":
        return f"P{f[1]} == knight"
    if op == "lying":
        return f"P{f[1]} == knave"
    parts = [_prolog_formula(arg) for arg in f[1:]]
    if op == "not":
        return f"\\+ ({parts[0]})"
    if op == "and":
        return "(" + ", ".join(parts) + ")"
    if op == "or":
        return "(" + " ; ".join(parts) + ")"
    if op == "->":
        return f"(\\+ ({parts[0]}) ; {parts[1]})"
    return f"(({parts[0]}), ({parts[1]}) ; \\+ ({parts[0]}), \\+ ({parts[1]}))"  # <=>


def to_prolog(statements: list[Formula]) -> tuple[str, str]:
    """(program, query): kk(P0, ..., Pn-1) enumerates the consistent knight/knave assignments."""
    variables = ", ".join(f"P{i}" for i in range(len(statements)))
    goals = [f"role(P{i})" for i in range(len(statements))]
    for i, claim in enumerate(statements):
        body = _prolog_formula(claim)
        # \+ \+ proves the claim at most once: a disjunction true both ways must not double a solution.
        goals.append(f"( P{i} == knight -> \\+ \\+ ({body}) ; \\+ ({body}) )")
    program = "role(knight).\nrole(knave).\n" + f"kk({variables}) :-\n    " + ",\n    ".join(goals) + ".\n"
    return program, f"kk({variables})"


def assignment(names: list[str], knights: list[bool]) -> dict[str, str]:
    return {name: "knight" if is_knight else "knave" for name, is_knight in zip(names, knights, strict=True)}


def kk_outcome(assignments: list[dict[str, str]], capped: bool = False, **extra: Any) -> Outcome:
    """The Outcome of a K&K puzzle given every consistent assignment the prover found.

    One assignment: that is the answer. None: the answer is "no solution" (the puzzle is inconsistent).
    Several: the answer is the list of them; `unique` is false. The prover decided in each case.
    """
    certificate: dict[str, Any] = {"unique": len(assignments) == 1, "solutions": len(assignments),
                                   "capped": capped, **extra}
    if len(assignments) == 1:
        return Outcome(Status.SOLVED, answer=assignments[0], certificate=certificate)
    if not assignments:
        return Outcome(Status.SOLVED, answer="no solution", certificate=certificate)
    certificate["assignments"] = assignments
    return Outcome(Status.SOLVED, answer=assignments, certificate=certificate)


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
