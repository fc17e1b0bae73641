"""CounterBench (deterministic counterfactuals over nonsense-named Boolean variables) as SCM problems.

Each row's `given_info` ("We know that A causes B, B and C together cause D, ... We observed C.") becomes
a model: a variable that nothing causes is exogenous (no context value: the evidence pins it down, or the
answer must not depend on it), every caused variable gets the equation its sentence states. Patterns read:
"A causes B", "A causes not B", "not A causes B", "A and B (together) cause C", "A or B (together) cause
C", "A or not B causes C", and effect lists ("A causes B, C, and not D"). The question becomes a query:
  basic / conditional  "Would Y occur if not X instead of X?"  -> value Y do(X = false) given X [and obs]
  joint                "Would Y occur if not X and not Z?"     -> value Y do(X = false, Z = false) [given obs]
  nested               "Assume not X, and based on this assumption, further suppose not Z. Would Y occur?"
                                                               -> value Y do(X = false, Z = false)
Anything else is a load error naming the sentence, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from neurosym.datasets import json_line_problems
from neurosym.problem import Problem

NAME = r"[A-Za-z][A-Za-z0-9_]*"
LITERAL = re.compile(rf"^(not\s+)?({NAME})$")
KEYWORDS = {"and", "or", "not", "together", "cause", "causes"}
BASIC = re.compile(rf"^Would ({NAME}) occur if not ({NAME}) instead of ({NAME})\?$")
JOINT = re.compile(rf"^Would ({NAME}) occur if (.+)\?$")
NESTED = re.compile(
    rf"^Assume (.+?), and based on this assumption, further suppose (.+?)\.\s*Would ({NAME}) occur\?$"
)


class UnreadableSentence(ValueError):
    """A sentence outside the patterns above; the message names it."""


def _literal(text: str, sentence: str) -> tuple[str, bool]:
    """(name, positive) of "X" or "not X"."""
    match = LITERAL.match(text.strip())
    if not match or match.group(2) in KEYWORDS:
        raise UnreadableSentence(
            f"cannot read {text.strip()!r} as a variable or 'not' variable in {sentence!r}"
        )
    return match.group(2), match.group(1) is None


def _literals(text: str, sentence: str) -> list[tuple[str, bool]]:
    """A list of literals: "A, B, and not C" or "A and B"."""
    parts = [p for chunk in text.split(",") for p in re.split(r"\s+and\s+|^\s*and\s+", chunk) if p.strip()]
    return [_literal(p, sentence) for p in parts]


def _cause_expression(text: str, sentence: str) -> str:
    """SCM source for a cause: "A", "not A", "A and B together", "A or not B"."""
    text = re.sub(r"\s+together\s*$", "", text.strip())
    has_and, has_or = bool(re.search(r"\s+and\s+", text)), bool(re.search(r"\s+or\s+", text))
    if has_and and has_or:
        raise UnreadableSentence(f"cause {text!r} mixes 'and' and 'or' in {sentence!r}")
    joiner = "or" if has_or else "and"
    parts = re.split(rf"\s+{joiner}\s+", text)
    literals = [_literal(p, sentence) for p in parts]
    return f" {joiner} ".join(name if positive else f"not {name}" for name, positive in literals)


def parse_mechanisms(text: str) -> list[tuple[str, str]]:
    """(effect, SCM equation) for every causal statement in the 'We know that ...' part."""
    sentence = text.strip()
    body = re.sub(r"^We know that\s+", "", sentence).strip().rstrip(".").strip()
    segments = re.split(r"\s+(?:causes|cause)\s+", body)
    if len(segments) < 2:
        raise UnreadableSentence(f"no 'causes' statement in {sentence!r}")
    cause = _cause_expression(segments[0], sentence)
    equations: list[tuple[str, str]] = []
    for index, segment in enumerate(segments[1:], start=1):
        last = index == len(segments) - 1
        if last:
            effects_text, next_cause = segment, None
        else:
            pieces = segment.split(",")
            if len(pieces) < 2:
                raise UnreadableSentence(
                    f"cannot tell where one statement ends and the next begins in {segment!r} of {sentence!r}"
                )
            effects_text = ",".join(pieces[:-1])
            next_cause = re.sub(r"^\s*and\s+", "", pieces[-1])
        for name, positive in _literals(effects_text, sentence):
            equations.append((name, cause if positive else f"not ({cause})"))
        if next_cause is not None:
            cause = _cause_expression(next_cause, sentence)
    return equations


def _interventions(text: str, sentence: str) -> list[tuple[str, bool]]:
    return _literals(text, sentence)


def to_scm(row: dict[str, Any]) -> tuple[str, str]:
    """(model source, query source) of one CounterBench row; UnreadableSentence if a sentence is not read."""
    info = str(row["given_info"]).strip()
    known, _, observed = info.partition("We observed")
    equations = parse_mechanisms(known)
    defined: dict[str, str] = {}
    for effect, equation in equations:
        if effect in defined:
            raise UnreadableSentence(
                f"{effect} is caused by two statements ({defined[effect]!r} and "
                f"{equation!r}) in {info!r}; how they combine is not stated"
            )
        defined[effect] = equation
    evidence = _literals(observed.strip().rstrip("."), info) if observed.strip() else []
    question = str(row["question"]).strip()
    if match := BASIC.match(question):
        target, x, x_again = match.groups()
        if x != x_again:
            raise UnreadableSentence(f"question compares two different variables: {question!r}")
        do = [(x, False)]
        evidence = [(x, True), *evidence]
    elif match := NESTED.match(question):
        first, second, target = match.groups()
        do = _interventions(first, question) + _interventions(second, question)
    elif match := JOINT.match(question):
        target, setting = match.groups()
        do = _interventions(setting, question)
    else:
        raise UnreadableSentence(f"cannot read the question {question!r}")
    mentioned = {n for n, _ in do} | {n for n, _ in evidence} | {target}
    for effect, equation in equations:
        mentioned |= {effect} | set(re.findall(NAME, equation))
    mentioned -= KEYWORDS
    lines = [f"exogenous {name} : bool" for name in sorted(mentioned - set(defined))]
    lines += [f"endogenous {effect} := {equation}" for effect, equation in equations]
    query = f"query value {target} do({', '.join(f'{n} = {str(v).lower()}' for n, v in do)})"
    if evidence:
        query += " given " + " and ".join(n if v else f"not {n}" for n, v in evidence)
    return "\n".join(lines) + "\n", query


def _problem(row: dict[str, Any], line_id: str) -> dict[str, Any]:
    model, query = to_scm(row)
    problem_id = f"counterbench-{row.get('question_id', line_id)}-{row.get('type', '')}"
    return {"id": problem_id, "language": "scm", "model": model, "query": query, "expect": row.get("answer"),
            "question": row.get("question")}


def load(path: Path, backend: str | None = None) -> Iterator[Problem]:
    """Problems from a CounterBench .jsonl file, or every .jsonl file in a folder."""
    return json_line_problems(path, _problem, lambda file, number: f"{file.stem}:{number}", "CounterBench")
