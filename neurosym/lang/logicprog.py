"""Logic-LM's logic-program language (ProofWriter, ProntoQA), read by grammars/logicprog.lark.

    Predicates:  Cold($x, bool) ::: Is x cold?
    Facts:       Cold(Bob, True) ::: Bob is cold.
    Rules:       Quiet($x, True) && Cold($x, True) >>> Smart($x, True)
    Query:       Smart(Bob, False)

Every atom carries its truth value as its last argument: `P(a, False)` is an explicit negative fact, not
negation as failure. `!P(a, True)` (GPT-4 writes it a few times) means `P(a, False)`. The answer is read
the open-world way of the task (Logic-LM's ProofWriter reading): the query with its value derivable: true;
with the opposite value derivable: false; neither: unknown. A problem has a `program` field.
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

TRUTH = {"true": True, "false": False}
TERMINAL_SPELLING = {"NAME": "a name", "VAR": "a $variable", "$END": "the end of the program", "NOT": "'!'"}


@dataclass(frozen=True)
class Literal:
    """`predicate(args..., value)`; args are constants or `$variables`; where it sits in the program."""

    predicate: str
    args: tuple[str, ...]
    value: bool
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.predicate}({', '.join((*self.args, str(self.value)))})"


@dataclass(frozen=True)
class Rule:
    body: tuple[Literal, ...]
    head: tuple[Literal, ...]


@dataclass(frozen=True)
class LogicProgram:
    predicates: dict[str, int]  # name -> arity without the truth value
    facts: tuple[Literal, ...]
    rules: tuple[Rule, ...]
    query: Literal


@cache
def _parser() -> lark.Lark:
    return lark.Lark(grammar_text("logicprog"), start="start", parser="lalr", propagate_positions=True)


def _literal(tree: lark.Tree) -> Literal:
    negated = len(tree.children) == 2
    atom = tree.children[-1]
    name, *args = [str(c) for c in atom.children if c is not None]
    line, column = atom.meta.line, atom.meta.column
    if not args or args[-1].lower() not in TRUTH:
        raise NeurosymError(ErrorKind.TYPE, f"{name}(...): the last argument must be True or False, "
                                            f"got {args[-1] if args else 'no argument'}", line, column)
    value = TRUTH[args[-1].lower()] != negated
    return Literal(name, tuple(args[:-1]), value, line, column)


def parse_program(source: str) -> LogicProgram:
    """The program as data; NeurosymError located at line:column when it does not parse or is ill-formed.

    Examples:
        >>> program = parse_program("Predicates:\\nBig($x, bool)\\nFacts:\\nBig(Bob, True)\\nRules:\\n"
        ...                         "Big($x, True) >>> Red($x, False)\\nQuery:\\nRed(Bob, True)")
        >>> str(program.rules[0].head[0]), str(program.query)
        ('Red($x, False)', 'Red(Bob, True)')
    """
    tree = parse_located(_parser(), source, "logic program", spellings=TERMINAL_SPELLING)
    predicates_tree, facts_tree, rules_tree, query_tree = tree.children
    predicates = {}
    for atom in predicates_tree.children:
        name, *args = [str(c) for c in atom.children if c is not None]
        predicates[name] = max(0, len(args) - 1)
    facts = tuple(_literal(t) for t in facts_tree.children)
    rules = []
    for rule in rules_tree.children:
        body, head = ([_literal(t) for t in part.children] for part in rule.children)
        rules.append(Rule(tuple(body), tuple(head)))
    query = _literal(query_tree.children[0])
    for literal in (*facts, query):
        variable = next((a for a in literal.args if a.startswith("$")), None)
        if variable:
            what = "the query" if literal is query else "a fact"
            raise NeurosymError(ErrorKind.UNSUPPORTED, f"{what} with a variable ({variable}) is not supported: "
                                                       f"{literal}", literal.line, literal.column)
    for rule in rules:
        bound = {a for lit in rule.body for a in lit.args if a.startswith("$")}
        for literal in rule.head:
            free = [a for a in literal.args if a.startswith("$") and a not in bound]
            if free:
                raise NeurosymError(ErrorKind.TYPE, f"variable {free[0]} of the rule's conclusion {literal} does "
                                                    f"not occur in its premises", literal.line, literal.column)
    return LogicProgram(predicates, facts, tuple(rules), query)


class LogicProgLanguage(Language):
    name = "logicprog"

    def program_from_problem(self, problem: Problem) -> Program:
        return Program("logicprog", {"program": require_field(problem, "program")})

    def check(self, program: Program) -> dict[str, Any]:
        parsed = parse_program(program.fields["program"])
        return {"facts": len(parsed.facts), "rules": len(parsed.rules), "query": str(parsed.query)}

    def normalize_answer(self, value: Any) -> Any:
        """true / false / unknown; `uncertain` is the same answer as `unknown`."""
        normalized = super().normalize_answer(value)
        return "unknown" if normalized == "uncertain" else normalized


LANGUAGE = LogicProgLanguage()
