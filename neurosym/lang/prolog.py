"""Prolog: the syntax gate (grammars/prolog.lark), Prolog problems, and bare `.pl` files.

The grammar decides only whether a program is in the Prolog dialect we accept (and locates errors by
line:column); SWI-Prolog remains the judge of what it means. A Prolog problem has a `program` (text, or
a `.pl` path that problem.py inlines) and a `query`; options: `proof`, `max_solutions`, `inferences`.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import lark

from neurosym.lang.base import Language, Program, require_field
from neurosym.lang.syntax import parse_located
from neurosym.problem import Problem
from neurosym.resources import grammar_text
from neurosym.result import ErrorKind, NeurosymError

QUERY_PREFIX = "?- "
EXPECT_COMMENT = re.compile(r"^\s*%+\s*expect:\s*(\S+)\s*$", re.IGNORECASE)
# A query term in a bare file: `?-` at the start of a line, up to a full stop followed by white space.
BARE_QUERY = re.compile(r"^[ \t]*\?-(.*?)\.[ \t]*(?:%[^\n]*)?$", re.MULTILINE | re.DOTALL)
OPTION_TYPES: dict[str, type] = {"proof": bool, "max_solutions": int, "inferences": int}

TERMINAL_SPELLING = {
    "NAME": "an atom", "VARIABLE": "a variable", "QUOTED": "a quoted atom", "STRING": "a string",
    "NUMBER": "a number", "BACKQUOTED": "a back-quoted string", "$END": "the end of the program",
    "CMP_SHARED": "a comparison (= == \\= =< >=)", "CMP_FUNCTOR": "a comparison (=:= =\\= \\== =.. @<)",
    "CMP_ONLY": "a comparison (#= #< =@= ...)", "ADD_SYMBOL": "an operator (/\\ \\/ ..)",
    "MUL_SYMBOL": "'*' or '/'", "SHIFT": "'<<' or '>>'",
}


PROLOG_COMMENT = r"%[^\n]*|(?s:/\*.*?\*/)"


@cache
def _parser() -> lark.Lark:
    return lark.Lark(grammar_text("prolog"), start="start", parser="lalr", propagate_positions=False)


def parse(source: str, what: str = "program", column_offset: int = 0) -> lark.Tree:
    """Parse Prolog source with the grammar; NeurosymError(SYNTAX) with line:column and what was expected."""
    return parse_located(_parser(), source, what, spellings=TERMINAL_SPELLING, comment=PROLOG_COMMENT,
                         first_line_shift=column_offset)


def clean_query(query: str) -> str:
    """The query without a leading `?-` and a trailing full stop, as term_string/2 wants it."""
    text = query.strip()
    if text.startswith("?-"):
        text = text[2:].strip()
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    return text


class PrologLanguage(Language):
    name = "prolog"
    suffixes = (".pl", ".pro")

    def program_from_problem(self, problem: Problem) -> Program:
        program = require_field(problem, "program")
        query = require_field(problem, "query")
        options = {}
        for key, kind in OPTION_TYPES.items():
            value = problem.formal.get(key, problem.options.get(key))
            if value is None:
                continue
            if not isinstance(value, kind) or (kind is int and (isinstance(value, bool) or value < 1)):
                wanted = "a positive integer" if kind is int else "true or false"
                raise NeurosymError(ErrorKind.INPUT,
                                    f"problem {problem.id!r}: option {key!r} must be {wanted}")
            options[key] = value
        # A referenced .pl file may carry its own `?-` lines: the query field is the question, so they go.
        program = BARE_QUERY.sub(lambda m: "\n" * m.group(0).count("\n"), program)
        return Program("prolog", {"program": program, "query": clean_query(query)}, options=options)

    def check(self, program: Program) -> dict[str, Any]:
        tree = parse(program.fields["program"])
        query = program.fields["query"]
        if not query:
            raise NeurosymError(ErrorKind.SYNTAX, "the query is empty", 1, 1)
        # The query is checked as `?- Query.`: columns are shifted back by the prefix we added.
        parse(f"{QUERY_PREFIX}{query} .", "query", column_offset=-len(QUERY_PREFIX))
        kinds: dict[str, int] = {}
        for item in tree.children:
            kinds[item.data] = kinds.get(item.data, 0) + 1
        return {"clauses": kinds.get("fact", 0) + kinds.get("rule", 0) + kinds.get("dcg_rule", 0),
                "directives": kinds.get("directive", 0) + kinds.get("declaration", 0)}

    def normalize_answer(self, value: Any) -> Any:
        """true/false, also spelled yes/no as Prolog top levels answer."""
        normalized = super().normalize_answer(value)
        return {"yes": "true", "no": "false"}.get(normalized, normalized) if isinstance(normalized, str) \
            else normalized

    def problem_from_bare_file(self, text: str, path: Path) -> Problem:
        """A `.pl` file with `?- Query.` lines: one problem whose query is the LAST `?-` query.

        Earlier queries are dropped (they are usually exploratory); every query line is blanked out of
        the program so clause line numbers stay those of the file. `% expect: true` sets the expectation.
        """
        expect = None
        for line in text.splitlines():
            if match := EXPECT_COMMENT.match(line):
                expect = match.group(1)
        queries = list(BARE_QUERY.finditer(text))
        if not queries:
            return Problem.broken(path.stem, f"{path}: no `?- Query.` line: a bare .pl file needs one",
                                  str(path))
        query = queries[-1].group(1).strip()
        data = {"id": path.stem, "language": "prolog", "program": text, "query": query, "expect": expect}
        return Problem.from_dict(data, path.stem, source=str(path))


LANGUAGE = PrologLanguage()
