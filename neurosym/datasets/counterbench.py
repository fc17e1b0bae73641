"""CounterBench (deterministic counterfactuals over nonsense-named Boolean variables) as SCM problems.

Each row's `given_info` ("We know that A causes B, B and C together cause D, ... We observed C.") becomes
a model (neurosym.formalize.deterministic reads the statements, the same reader as CLadder's
det-counterfactual rows): a variable that nothing causes is exogenous, every caused variable gets the
equation its sentence states; "not" binds to the literal after it ("A or not B" is A or (not B)). The
question becomes a query. Two readings of the question and the observations (docs/causal.md):

- `dataset` (the default, the dataset's own): as CLadder's generator computes its deterministic
  counterfactuals, the observations and the action are one setting of the story's world: each
  observed variable is held at its observed value next to the action, and "instead of X" only words the
  contrast (it is not evidence):
    basic / conditional  "Would Y occur if not X instead of X?"  -> value Y do(X = false[, obs])
    joint                "Would Y occur if not X and not Z?"     -> value Y do(X = false, Z = false[, obs])
    nested               "Assume not X, and based on this assumption, further suppose not Z. Would Y occur?"
                                                                 -> value Y do(X = false, Z = false[, obs])
- `strict`: the textbook counterfactual: "instead of X" and the observations are evidence about the
  factual world (abduction), so an observation the equations contradict is an input error:
    basic / conditional  -> value Y do(X = false) given X [and obs];  joint, nested -> given obs.
  On the command line: `--option reading=strict` (each problem carries both readings).

Anything else is a load error naming the sentence, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from neurosym.datasets import json_line_problems
from neurosym.formalize.deterministic import (
    KEYWORDS,
    NAME,
    READINGS,
    Literal,
    UnreadableStory,
    check_reading,
    literals,
    read_mechanisms,
    scm_model,
    value_query,
)
from neurosym.problem import Problem

BASIC = re.compile(rf"^Would ({NAME}) occur if not ({NAME}) instead of ({NAME})\?$")
JOINT = re.compile(rf"^Would ({NAME}) occur if (.+)\?$")
NESTED = re.compile(
    rf"^Assume (.+?), and based on this assumption, further suppose (.+?)\.\s*Would ({NAME}) occur\?$"
)


def parse_mechanisms(text: str) -> list[tuple[str, str]]:
    """(effect, SCM equation) for every causal statement in the 'We know that ...' part.

    >>> parse_mechanisms("We know that A causes B, and B or not A causes C.")
    [('B', 'A'), ('C', 'B or not A')]
    """
    return [(m.effect, m.expression({t: t for t, _ in m.causes})) for m in read_mechanisms(text)]


def _question(question: str) -> tuple[str, list[Literal], list[Literal]]:
    """(target, action, factual evidence the question words) of a question."""
    if match := BASIC.match(question):
        target, x, x_again = match.groups()
        if x != x_again:
            raise UnreadableStory(f"question compares two different variables: {question!r}")
        return target, [(x, False)], [(x, True)]
    if match := NESTED.match(question):
        first, second, target = match.groups()
        return target, literals(first, question) + literals(second, question), []
    if match := JOINT.match(question):
        target, setting = match.groups()
        return target, literals(setting, question), []
    raise UnreadableStory(f"cannot read the question {question!r}")


def to_scm(row: dict[str, Any], reading: str = "dataset") -> tuple[str, str]:
    """(model source, query source) of one CounterBench row under `reading` ('dataset' or 'strict').

    >>> to_scm({"given_info": "We know that A causes not B. We observed B.",
    ...         "question": "Would B occur if not A instead of A?"})[1]
    'query value B do(A = false, B = true)'
    >>> to_scm({"given_info": "We know that A causes not B. We observed B.",
    ...         "question": "Would B occur if not A instead of A?"}, reading="strict")[1]
    'query value B do(A = false) given A and B'
    """
    check_reading(reading)
    info = str(row["given_info"]).strip()
    known, _, observed = info.partition("We observed")
    equations: dict[str, str] = {}
    mentioned: set[str] = set()
    for mechanism in read_mechanisms(known):
        expression = mechanism.expression({t: t for t, _ in mechanism.causes})
        if mechanism.effect in equations:
            raise UnreadableStory(
                f"{mechanism.effect} is caused by two statements ({equations[mechanism.effect]!r} and "
                f"{expression!r}) in {info!r}; how they combine is not stated"
            )
        equations[mechanism.effect] = expression
        mentioned |= {mechanism.effect} | {t for t, _ in mechanism.causes}
    evidence = literals(observed.strip().rstrip("."), info) if observed.strip() else []
    target, do, factual = _question(str(row["question"]).strip())
    mentioned |= {n for n, _ in do} | {n for n, _ in evidence} | {target}
    if reading == "strict":
        query = value_query(target, do, factual + evidence)
    else:
        acted = {n for n, _ in do}
        query = value_query(target, do + [(n, v) for n, v in evidence if n not in acted])
    return scm_model(equations, mentioned - KEYWORDS), query


def _problem(row: dict[str, Any], line_id: str, reading: str) -> dict[str, Any]:
    """The row under `reading`, carrying every reading so that `--option reading=NAME` can pick another."""
    readings = {name: dict(zip(("model", "query"), to_scm(row, name), strict=True)) for name in READINGS}
    problem_id = f"counterbench-{row.get('question_id', line_id)}-{row.get('type', '')}"
    return {"id": problem_id, "language": "scm", **readings[reading], "readings": readings,
            "expect": row.get("answer"), "question": row.get("question")}


def load(path: Path, backend: str | None = None, reading: str = "dataset") -> Iterator[Problem]:
    """Problems from a CounterBench .jsonl file, or every .jsonl file in a folder, under `reading`; each
    carries both readings, so `--option reading=strict` picks the other on the command line."""
    check_reading(reading)
    return json_line_problems(path, lambda row, line_id: _problem(row, line_id, reading),
                              lambda file, number: f"{file.stem}:{number}", "CounterBench")
