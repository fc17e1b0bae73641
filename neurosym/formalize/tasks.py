"""Task shapes of the LLM formalizer: which prompt, which completion format (and its grammar), which
language the candidate is read into.

A shape is chosen from the problem: its `language` (the target, `fol` when none is named) and the formal
fields it already gives (a PDDL problem that gives its `domain` asks only for the problem file, as LLM+P
does; Knights and Knaves give the `names`). Prompts are files in `prompts/`, one per shape, each with
few-shot examples (written for this project) between `### Example` and `### End`; a test solves them all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from neurosym.formalize.readers import READERS, Fields
from neurosym.lang import get_language
from neurosym.lang.base import Program
from neurosym.problem import Problem
from neurosym.resources import grammar_text
from neurosym.result import ErrorKind, NeurosymError

EXAMPLE = re.compile(r"### Example\n(.*?)### Program\n(.*?)### Answer\n(.*?)### End", re.DOTALL)
GIVEN_FIELDS = {"pddl-problem": ("domain",), "kk": ("names",)}


@cache
def prompt_template(shape: str) -> str:
    """The text of prompts/<shape>.txt (shipped in the wheel)."""
    return (resources.files("neurosym.formalize") / "prompts" / f"{shape}.txt").read_text(encoding="utf-8")


def prompt_examples(shape: str) -> list[tuple[str, str, Any]]:
    """(problem part, program, expected answer) of every few-shot example in a prompt file.

    >>> [answer for _, _, answer in prompt_examples("fol")]
    ['true', 'false', 'uncertain']
    """
    found = []
    for match in EXAMPLE.finditer(prompt_template(shape)):
        answer = match.group(3).strip()
        found.append((match.group(1), match.group(2), json.loads(answer) if answer.startswith("{") else answer))
    return found


def fol_program_grammar() -> str:
    """The completion format of FOL as a grammar: premises one a line, then `⊢` and the conclusion, each
    formula optionally followed by `::: gloss`. It is grammars/fol.lark with another start rule.

    (The marker is `⊢`, not a word such as `Conclusion:`, because a word also lexes as a predicate name.)
    """
    rules = grammar_text("fol").replace("start: formula\n", "")
    return ('start: line* "⊢" line\n'
            'line: formula GLOSS?\n'
            'GLOSS: /:::[^\\n]*/\n' + rules)


def pddl_task_grammar() -> str:
    """A domain followed by a problem: grammars/pddl.lark with another start rule."""
    return grammar_text("pddl").replace("start: domain | problem\n", "start: domain problem\n")


@dataclass(frozen=True)
class Shape:
    """One task shape: its prompt file, the language its programs are in, and how a completion is read."""

    name: str
    language: str
    grammar: Callable[[], str | None]

    def prompt(self, problem: Problem) -> str:
        """The prompt for one problem: the template with the problem's text, question and given fields."""
        values = {
            "TEXT": problem.text or "",
            "QUESTION": problem.question or "",
            "DOMAIN": str(problem.formal.get("domain", "")).strip(),
            "NAMES": ", ".join(map(str, problem.formal.get("names") or [])),
        }
        text = prompt_template(self.name)
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        return text

    def read(self, problem: Problem, completion: str) -> Program:
        """The candidate program in a completion, with the problem's given fields and options.

        Raises NeurosymError (SYNTAX with line:column in the completion, or INPUT) when it cannot be read.
        """
        fields: Fields = READERS[self.name](completion)
        for name in GIVEN_FIELDS.get(self.name, ()):
            fields[name] = problem.formal[name]
        options = dict(problem.options)
        dialect = fields.pop("dialect", None)
        if dialect and "dialect" not in options:
            options["dialect"] = dialect
        draft = Problem(id=problem.id, language=self.language, formal=fields, options=options)
        program = get_language(self.language).program_from_problem(draft)
        program.options = {**options, **program.options}
        return program


SHAPES: dict[str, Shape] = {
    "fol": Shape("fol", "fol", fol_program_grammar),
    "prolog": Shape("prolog", "prolog", lambda: grammar_text("prolog")),
    "kk": Shape("kk", "kk", lambda: grammar_text("kk")),
    "scm": Shape("scm", "scm", lambda: grammar_text("scm")),
    "pddl-problem": Shape("pddl-problem", "pddl", lambda: grammar_text("pddl")),
    "pddl": Shape("pddl", "pddl", pddl_task_grammar),
}


def shape_for(problem: Problem) -> Shape:
    """The task shape of a natural-language problem (see the module docstring).

    >>> shape_for(Problem("p", language="pddl", formal={"domain": "(define (domain d))"}, text="...")).name
    'pddl-problem'
    >>> shape_for(Problem("q", text="All men are mortal.")).name
    'fol'
    """
    language = problem.language or "fol"
    if language == "pddl" and problem.formal.get("domain"):
        return SHAPES["pddl-problem"]
    if language not in SHAPES:
        written = ", ".join(sorted({shape.language for shape in SHAPES.values()}))
        raise NeurosymError(ErrorKind.UNSUPPORTED,
                            f"the LLM formalizer does not write {language!r} programs (it writes {written})")
    return SHAPES[language]
