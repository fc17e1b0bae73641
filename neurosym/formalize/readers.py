"""Read a model's completion into a language's fields: the completion formats of docs/formalize.md.

Each reader takes the text a model wrote and returns the formal fields of one program, or raises
NeurosymError(SYNTAX) with the line and column in that text. Besides neurosym's own formats (the ones the
constrained decoder enforces), the FOL reader takes the formats published systems emit, so their recorded
outputs replay here: Logic-LM's `Predicates:` / `Premises:` / `Conclusion:` sections with `:::` glosses,
and LINC's `TEXT:` / `FOL:` lines (NLTK syntax; the last FOL line is the conclusion).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from neurosym.result import ErrorKind, NeurosymError

FENCE = re.compile(r"```[ \t]*([\w+-]*)[ \t]*\n(.*?)(?:\n```|\Z)", re.DOTALL)
SECTION = re.compile(r"^\s*(Predicates|Premises|Conclusion)\s*:\s*(.*)$", re.IGNORECASE)
TURNSTILE = re.compile(r"^\s*(?:⊢|\|-)\s*(.*)$")
LINC_LINE = re.compile(r"^\s*(TEXT|FOL)\s*:\s*(.*)$")
PROLOG_QUERY = re.compile(r"^[ \t]*\?-(.*?)\.[ \t]*(?:%[^\n]*)?$", re.MULTILINE | re.DOTALL)
DEFINE = re.compile(r"\(\s*define\s*\(\s*(domain|problem)\b", re.IGNORECASE)

Fields = dict[str, Any]


def unfence(text: str) -> tuple[str, int]:
    """The first fenced code block's body (else the whole text), and the line offset where it starts.

    >>> unfence("Here it is:\\n```fol\\nP(a)\\n```\\nDone.")
    ('P(a)', 2)
    >>> unfence("P(a)")
    ('P(a)', 0)
    """
    match = FENCE.search(text)
    if match is None:
        return text, 0
    return match.group(2), text[: match.start(2)].count("\n")


def _fail(message: str, line: int, column: int = 1) -> NeurosymError:
    return NeurosymError(ErrorKind.SYNTAX, message, line, column)


def read_fol(text: str) -> Fields:
    """Premises and conclusion, with each formula's line in `text` (so errors point into the completion).

    neurosym's format is one premise a line and the conclusion on a last line after `⊢` (or `|-`), each
    formula optionally followed by `::: gloss`; Logic-LM's sections and LINC's lines are read too.

    Examples
    --------
    >>> read_fol("∀x (Man(x) → Mortal(x)) ::: All men are mortal.\\nMan(socrates)\\n⊢ Mortal(socrates)")
    {'premises': ['∀x (Man(x) → Mortal(x))', 'Man(socrates)'], 'conclusion': 'Mortal(socrates)', 'lines': [1, 2, 3]}
    >>> read_fol("Premises:\\n∀x (Man(x) → Mortal(x)) ::: All men are mortal.\\nMan(socrates)\\n"
    ...          "Conclusion:\\nMortal(socrates) ::: Socrates is mortal.")["conclusion"]
    'Mortal(socrates)'
    >>> read_fol("TEXT: All men are mortal.\\nFOL: all x. (Man(x) -> Mortal(x))\\n"
    ...          "TEXT: Socrates is mortal.\\nFOL: Mortal(socrates)")["dialect"]
    'nltk'
    >>> read_fol("Premises:\\nP(a)")
    Traceback (most recent call last):
    ...
    neurosym.result.NeurosymError: the program has no conclusion (a last line `⊢ formula`, or a Conclusion: section)
    """
    body, offset = unfence(text)
    if any(LINC_LINE.match(line) and line.lstrip().startswith("FOL") for line in body.splitlines()):
        return _read_linc(body, offset)
    section = None if any(SECTION.match(line) for line in body.splitlines()) else "premises"
    premises: list[str] = []
    lines: list[int] = []
    conclusions: list[tuple[str, int]] = []
    for number, raw in enumerate(body.splitlines(), start=offset + 1):
        if match := SECTION.match(raw):
            section, raw = match.group(1).lower(), match.group(2)
        elif match := TURNSTILE.match(raw):
            section, raw = "conclusion", match.group(1)
        formula = raw.split(":::")[0].strip()
        if not formula or section in (None, "predicates"):
            continue
        if section == "premises":
            premises.append(formula)
            lines.append(number)
        else:
            conclusions.append((formula, number))
    if not conclusions:
        raise _fail("the program has no conclusion (a last line `⊢ formula`, or a Conclusion: section)",
                    offset + body.count("\n") + 1)
    if len(conclusions) > 1:
        raise _fail("more than one conclusion: one formula after ⊢ (or under Conclusion:)", conclusions[1][1])
    conclusion, line = conclusions[0]
    return {"premises": premises, "conclusion": conclusion, "lines": [*lines, line]}


def _read_linc(body: str, offset: int) -> Fields:
    formulas = [(m.group(2).strip(), number) for number, raw in enumerate(body.splitlines(), start=offset + 1)
                if (m := LINC_LINE.match(raw)) and m.group(1) == "FOL" and m.group(2).strip()]
    if not formulas:
        raise _fail("no FOL: line holds a formula", offset + 1)
    *premises, (conclusion, line) = formulas
    return {"premises": [f for f, _ in premises], "conclusion": conclusion,
            "lines": [n for _, n in premises] + [line], "dialect": "nltk"}


def read_prolog(text: str) -> Fields:
    """Clauses, then the question as the last `?- Query.` line (blanked out of the program).

    >>> read_prolog("parent(ann, bob).\\n?- parent(ann, X).")
    {'program': 'parent(ann, bob).\\n', 'query': 'parent(ann, X)'}
    """
    body, _ = unfence(text)
    queries = list(PROLOG_QUERY.finditer(body))
    if not queries:
        raise _fail("the program has no `?- Query.` line", body.count("\n") + 1)
    program = PROLOG_QUERY.sub(lambda m: "\n" * m.group(0).count("\n"), body)
    return {"program": program, "query": queries[-1].group(1).strip()}


def _defines(body: str) -> list[tuple[str, str]]:
    """(kind, text) of each top-level `(define (domain|problem ...) ...)` block, split by balance."""
    blocks = []
    for match in DEFINE.finditer(body):
        depth, start = 0, match.start()
        for index in range(start, len(body)):
            depth += {"(": 1, ")": -1}.get(body[index], 0)
            if depth == 0:
                blocks.append((match.group(1).lower(), body[start: index + 1]))
                break
        else:
            blocks.append((match.group(1).lower(), body[start:]))  # unbalanced: the parser says where
    return blocks


def read_pddl_problem(text: str) -> Fields:
    """A PDDL problem file (the domain is the task's own, as in LLM+P).

    >>> read_pddl_problem("```pddl\\n(define (problem p) (:domain d) (:goal (done)))\\n```")["problem"][:17]
    '(define (problem '
    """
    body, _ = unfence(text)
    blocks = [b for kind, b in _defines(body) if kind == "problem"]
    if not blocks:
        raise _fail("no `(define (problem ...) ...)` in the completion", 1)
    return {"problem": blocks[0]}


def read_pddl_domain(text: str) -> Fields:
    """A whole planning task: a domain and a problem, in either order."""
    body, _ = unfence(text)
    found = dict(reversed(_defines(body)))
    missing = [kind for kind in ("domain", "problem") if kind not in found]
    if missing:
        raise _fail(f"no `(define ({missing[0]} ...) ...)` in the completion", 1)
    return {"domain": found["domain"], "problem": found["problem"]}


def read_scm(text: str) -> Fields:
    """An SCM model whose `query` lines ask the question."""
    body, _ = unfence(text)
    if not body.strip():
        raise _fail("the completion is empty", 1)
    return {"model": body}


def read_kk(text: str) -> Fields:
    """Knights and Knaves statements as a tuple literal, one claim per person."""
    body, _ = unfence(text)
    if not body.strip():
        raise _fail("the completion is empty", 1)
    return {"statements": body.strip()}


READERS: dict[str, Callable[[str], Fields]] = {
    "fol": read_fol,
    "prolog": read_prolog,
    "pddl-problem": read_pddl_problem,
    "pddl": read_pddl_domain,
    "scm": read_scm,
    "kk": read_kk,
}
