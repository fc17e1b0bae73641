"""Program mode: the formal program a completion wrote in a fenced block, as an engine Problem.

The block is read with the language's own bare-file reader (a `.fol` file: premises a line, the conclusion
after ⊢; a `.pl` file with a `?- Query.` line; an `.scm` model with its queries), or for PDDL split into
its `(define (domain ...))` and `(define (problem ...))` forms (a task may give the domain and leave the
problem to the model). Nothing is parsed or run here beyond that split: the engine parses, type-checks
and solves in a sandbox worker. The expected answer always comes from the task, never from the
completion (a `# expect:` comment in the block is ignored).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from neurosym.lang import get_language
from neurosym.problem import Limits, Problem

PROGRAM_LANGUAGES = ("fol", "prolog", "pddl", "scm")
_DEFINE = re.compile(r"\(\s*define\s*\(\s*(domain|problem)\b", re.IGNORECASE)


def split_pddl(text: str) -> dict[str, str]:
    """The top-level `(define (domain|problem ...))` forms of a PDDL block, by kind (the last of each).

    >>> sorted(split_pddl("(define (domain d) (:predicates (p)))\\n(define (problem x) (:domain d))"))
    ['domain', 'problem']
    """
    found: dict[str, str] = {}
    for match in _DEFINE.finditer(text):
        start, depth, i = match.start(), 0, match.start()
        while i < len(text):
            char = text[i]
            if char == ";":
                end = text.find("\n", i)
                i = len(text) if end == -1 else end
                continue
            depth += {"(": 1, ")": -1}.get(char, 0)
            i += 1
            if depth == 0:
                break
        found[match.group(1).lower()] = text[start:i]
    return found


def program_problem(block: str, task: dict[str, Any], problem_id: str, limits: Limits) -> Problem:
    """The engine Problem for a program-mode completion's block (a broken Problem if it cannot be read)."""
    language = task["language"]
    expect = task.get("expect")
    name = f"{problem_id}.{language}"
    if language == "pddl":
        parts = split_pddl(block)
        domain = parts.get("domain") or task.get("domain")
        if "problem" not in parts or domain is None:
            missing = "(define (problem ...))" if "problem" not in parts else "(define (domain ...))"
            return Problem.broken(problem_id, f"the pddl block has no {missing} form")
        problem = Problem(problem_id, "pddl", {"domain": domain, "problem": parts["problem"]}, expect=expect,
                          backend=task.get("backend"))
    else:
        suffix = {"fol": ".fol", "prolog": ".pl", "scm": ".scm"}[language]
        problem = get_language(language).problem_from_bare_file(block, Path(name).with_suffix(suffix))
        problem = replace(problem, id=problem_id, expect=expect, source=None, backend=task.get("backend"))
        if problem.load_error is not None:
            return problem
    return replace(problem, limits=limits)
