"""CLadder (causal questions on Pearl's three rungs in templated English) as SCM problems.

Formats: `cladder` reads CLadder v1.5 rows (JSON lines or CSV) from their `prompt`; `cladder-json` reads
the generator's JSON files (`given_info`, `question`, `meta.graph_id`). The generator's files state no
graph sentences, so their graph is CLadder's graph of `meta.graph_id`, and the variable names a question
uses are placed by the question's template (treatment X, outcome Y, the mediators on X's paths to Y); for
backdoor questions the names the methods adjust for are placed by `meta.given_info` (the methods' sets).
Each row loads as a text problem for the `cladder` reader, which reads it in a sandbox worker under the
row's limits; a row it cannot read is an `input` error that quotes the sentence (neurosym.formalize.cladder).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from neurosym.datasets import json_line_problems
from neurosym.formalize import cladder as reader
from neurosym.problem import Problem


def _problem(problem_id: str, row: dict[str, Any], text: str, question: str, reading: str,
             **reader_options: Any) -> dict[str, Any]:
    """A text problem for the `cladder` reader: the row is read in a sandbox worker under its limits
    (neurosym.formalize.cladder.formalize_problem), not here, since reading it can take seconds."""
    return {"id": problem_id, "text": text, "question": question, "expect": row.get("label", row.get("answer")),
            "options": {"reader": "cladder", "reading": reading, **reader_options}}


def _v15(row: dict[str, Any], line_id: str, reading: str = "dataset") -> dict[str, Any]:
    problem_id = f"cladder-{row.get('id', line_id)}-{row.get('query_type', '')}"
    prompt = row["prompt"]
    if not isinstance(prompt, str):
        raise ValueError(f"its prompt is {type(prompt).__name__}, not text")
    return _problem(problem_id, row, prompt, prompt.rsplit(". ", 1)[-1], reading)


def _json_names(row: dict[str, Any]) -> dict[str, str]:
    """Question names -> CLadder roles, by the question's template (the generator gives no graph text)."""
    meta = row.get("meta") or {}
    question = str(row["question"])
    graph = nx.DiGraph([tuple(e.split("->")) for e in reader.GRAPHS.get(meta.get("graph_id"), "").split(",") if e])
    names: dict[str, str] = {}
    for pattern, x, y, m in ((reader.Q_NDE, 2, 4, 1), (reader.Q_NIE, 1, 3, 4), (reader.Q_COLLIDER, 2, 4, None),
                             (reader.Q_BACKADJ, 1, 2, None)):
        if match := pattern.match(question):
            names[match.group(x)] = "X"
            names[match.group(y)] = "Y"
            if m is not None and graph.number_of_nodes():
                mediators = sorted({n for path in nx.all_simple_paths(graph, "X", "Y") for n in path[1:-1]})
                named = re.split(r",\s*(?:and\s+)?|\s+and\s+", match.group(m))
                if len(named) == len(mediators) == 1:
                    names[named[0]] = mediators[0]
                elif len(named) == len(mediators):
                    for name, node in zip(named, mediators, strict=True):
                        names[name] = node  # the order does not change an effect through all of them
    info = str(row.get("given_info") or "")
    sets = meta.get("given_info") if meta.get("query_type") == "backadj" else None
    for match in re.finditer(r"Method ([12]): We look [^.]*? case by case according to ([^.]+)\.", info):
        roles = sets[int(match.group(1)) - 1] if isinstance(sets, list) and len(sets) == 2 else []
        named = re.split(r"\s+and\s+", match.group(2))
        if len(roles) == len(named):
            names.update(zip(named, roles, strict=True))
    return names


def _generator(row: dict[str, Any], line_id: str, reading: str = "dataset") -> dict[str, Any]:
    meta = row.get("meta") or {}
    problem_id = f"cladder-{row.get('question_id', line_id)}-{meta.get('query_type', '')}"
    return _problem(problem_id, {**row, "query_type": meta.get("query_type")}, str(row["given_info"]),
                    str(row["question"]), reading, cladder_graph=meta.get("graph_id"),
                    cladder_names=_json_names(row))


def load(path: Path, backend: str | None = None, reading: str = "dataset") -> Iterator[Problem]:
    """Problems from CLadder v1.5 rows: a .jsonl file (or folder of them) or a .csv file. `reading`
    ('dataset' or 'strict') is how deterministic stories are read (docs/cladder.md)."""
    reader.check_reading(reading)
    path = Path(path)
    if path.suffix == ".csv":
        return _csv(path, reading)
    return json_line_problems(path, lambda row, line_id: _v15(row, line_id, reading),
                              lambda file, number: f"{file.stem}:{number}", "CLadder v1.5")


def _csv(path: Path, reading: str) -> Iterator[Problem]:
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            problem_id = f"{path.stem}:{number}"
            try:
                yield Problem.from_dict(_v15(row, problem_id, reading), problem_id, source=str(path))
            except (KeyError, ValueError) as exc:
                yield Problem.broken(problem_id, f"{path}: line {number} is not a CLadder v1.5 row: {exc}",
                                     str(path), line=number)


def load_generator(path: Path, backend: str | None = None, reading: str = "dataset") -> Iterator[Problem]:
    """Problems from the CLadder generator's JSON file (a list of rows); `reading` as for `load`."""
    reader.check_reading(reading)
    path = Path(path)
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        yield Problem.broken(path.stem, f"cannot read {path}: {exc}", str(path))
        return
    for index, row in enumerate(rows if isinstance(rows, list) else [], start=1):
        problem_id = f"{path.stem}:{index}"
        try:
            yield Problem.from_dict(_generator(row, problem_id, reading), problem_id, source=str(path))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            yield Problem.broken(problem_id, f"{path}: row {index} is not a CLadder generator row: {exc}", str(path))
