"""Task sets for training: prompts with their tasks, from imported datasets and from generators.

A record is `{"id", "data_source", "prompt", "task"}`; `task` is what `verify` checks a completion against
(the formal problem with its expected answer and mode). `write_jsonl` writes one record a line;
`write_parquet` writes the columns verl's RL dataset reads (`data_source`, `prompt` as chat messages,
`ability`, `reward_model.ground_truth` = the task as JSON, `extra_info`).

Generators have a difficulty knob: Knights and Knaves with n people, Blocksworld with n blocks, causal
chains with n variables. Every generated task (and, unless told not to, every dataset task) is solved once
by the engine, and kept only if the solver reaches the answer the task claims.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import product
from pathlib import Path
from typing import Any

from neurosym.engine import Engine
from neurosym.problem import Problem
from neurosym.result import ErrorInfo, Status
from neurosym.rewards.answers import _holds, say

NAMES = ["Ann", "Bo", "Cy", "Dee", "Eve", "Fay", "Gus", "Hal", "Ida", "Jo", "Kim", "Lu"]
CHECK_SECONDS = 60.0  # the one solve that confirms a generated task
ANSWER_FORMAT = "Think it through, then give the final answer inside <answer></answer>."


@dataclass
class TaskRecord:
    id: str
    data_source: str
    prompt: str
    task: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "data_source": self.data_source, "prompt": self.prompt, "task": self.task}


# ------------------------------------------------------------------------------------------------ prompts

def prompt_for(problem: Problem, mode: str = "answer") -> str:
    """The prompt a policy model sees for a problem (answer or program mode)."""
    language, formal = problem.language, problem.formal
    if mode == "program":
        if language not in ("fol", "prolog", "pddl", "scm"):
            raise ValueError(f"{problem.id}: program mode takes fol, prolog, pddl or scm, not {language!r}")
        story = problem.text or problem.question
        if not story:
            raise ValueError(f"{problem.id}: program mode needs the problem in natural language (text)")
        fence = {"fol": "fol", "prolog": "prolog", "pddl": "pddl", "scm": "scm"}[language or ""]
        how = {"fol": "one premise a line, then the conclusion on a line starting with ⊢",
               "prolog": "clauses, then the question as a line `?- Query.`",
               "pddl": "the (define (problem ...)) for the domain given",
               "scm": "exogenous and endogenous equations, then a `query` line"}[fence]
        return (f"{story}\n\nWrite this problem as a formal program in a ```{fence} block ({how}). "
                f"It will be solved by a prover.")
    if language == "kk":
        quiz = problem.question or kk_english(formal["names"], formal["statements"])
        example = ", ".join(f"{n} is a knight" for n in formal["names"][:2])
        return f"{quiz}\n\n{ANSWER_FORMAT} Example: <answer>{example}</answer>"
    if language == "pddl":
        return (f"PDDL domain:\n{formal['domain']}\nPDDL problem:\n{formal['problem']}\n"
                f"Give a plan that reaches the goal, one step `(action args)` a line. {ANSWER_FORMAT}")
    if language == "fol":
        premises = "\n".join(f"- {p}" for p in _premise_list(formal["premises"]))
        return (f"Premises (first-order logic):\n{premises}\nConclusion: {formal['conclusion']}\n"
                f"Given the premises, is the conclusion true, false, or uncertain? {ANSWER_FORMAT}")
    if language == "scm":
        query = formal.get("query") or ""
        return (f"Structural causal model:\n{formal['model']}\nQuestion: {query}\n"
                f"Answer with the value (true/false, yes/no, or a number). {ANSWER_FORMAT}")
    if language == "prolog":
        return (f"Prolog program:\n{formal['program']}\nQuery: {formal['query']}\n"
                f"Does the query succeed (true or false)? {ANSWER_FORMAT}")
    raise ValueError(f"{problem.id}: no prompt for language {language!r}")


def _premise_list(premises: Any) -> list[str]:
    return premises if isinstance(premises, list) else [p for p in str(premises).splitlines() if p.strip()]


def kk_english(names: list[str], statements: Any) -> str:
    from neurosym.rewards.answers import kk_formulas

    formulas = kk_formulas(names, statements)
    said = " ".join(f'{name} says: "{say(f, names)}".' for name, f in zip(names, formulas, strict=True))
    return (f"On an island every inhabitant is a knight, who always tells the truth, or a knave, who always "
            f"lies. You meet {len(names)} inhabitants: {', '.join(names)}. {said} Who is a knight and who is "
            f"a knave?")


def task_of(problem: Problem, mode: str = "answer") -> dict[str, Any]:
    """The task a verifier checks against: the formal problem, its expected answer, its mode."""
    task = {"language": problem.language, **problem.formal, "expect": problem.expect}
    if mode != "answer":
        task["mode"] = mode
        if problem.language != "pddl":  # program mode: the model writes the whole program
            task = {"language": problem.language, "expect": problem.expect, "mode": mode}
        else:
            task = {"language": "pddl", "domain": problem.formal["domain"], "expect": problem.expect,
                    "mode": mode}
    return task


def records(problems: Iterable[Problem], source: str, mode: str = "answer") -> Iterator[TaskRecord]:
    for problem in problems:
        yield TaskRecord(problem.id, source, prompt_for(problem, mode), task_of(problem, mode))


# ---------------------------------------------------------------------------------------------- checking

def solved_as_claimed(problems: list[Problem], engine: Engine | None = None) -> tuple[list[Problem], list[str]]:
    """The problems whose engine verdict matches their expected answer, and why each other one was dropped."""
    engine = engine or Engine()
    kept, dropped = [], []
    readable = [p for p in problems if p.load_error is None]
    dropped += [f"{p.id}: {p.load_error}" for p in problems if p.load_error is not None]
    for problem, result in zip(readable, engine.solve_many(readable), strict=True):
        if result.status == Status.SOLVED and result.correct:
            kept.append(problem)
        else:
            why = result.error or f"{result.status}, answer {result.answer!r}, claimed {problem.expect!r}"
            dropped.append(f"{problem.id}: {why}")
    return kept, dropped


def from_dataset(fmt: str, path: str | Path, limit: int | None = None, check: bool = True,
                 engine: Engine | None = None) -> tuple[list[Problem], list[str]]:
    """Problems of an imported dataset (neurosym's own formats), checked by the solver unless told not to."""
    from neurosym.datasets import get_loader

    problems = []
    for problem in get_loader(fmt)(Path(path)):
        if limit is not None and len(problems) >= limit:
            break
        problems.append(problem)
    problems, unread = formal_problems(problems, engine)
    if not check:
        return [p for p in problems if p.load_error is None], unread + [
            f"{p.id}: {p.load_error}" for p in problems if p.load_error is not None]
    kept, dropped = solved_as_claimed(problems, engine)
    return kept, unread + dropped


def formal_problems(problems: list[Problem], engine: Engine | None = None) -> tuple[list[Problem], list[str]]:
    """The problems with a dataset's English read into formal fields (rows whose text names a reader, as
    CLadder's do; read in the engine's workers under each row's limits), the text kept for program mode;
    and why each row that could not be read was dropped. Other problems pass through."""
    to_read = [i for i, p in enumerate(problems)
               if p.load_error is None and p.text is not None and "reader" in p.options]
    if not to_read:
        return problems, []
    read = dict(zip(to_read, (engine or Engine()).formalize_many([problems[i] for i in to_read]), strict=True))
    kept, dropped = [], []
    for index, problem in enumerate(problems):
        program = read.get(index)
        if program is None:
            kept.append(problem)
        elif isinstance(program, ErrorInfo):
            dropped.append(f"{problem.id}: {program}")
        else:
            kept.append(replace(problem, language=program.language, formal=dict(program.fields),
                                options=dict(program.options)))  # the reader's own options are spent
    return kept, dropped


# -------------------------------------------------------------------------------------------- generators

def _random_claim(rng: random.Random, people: int, depth: int) -> list[Any]:
    if depth == 0 or rng.random() < 0.35:
        return [rng.choice(["telling-truth", "lying"]), rng.randrange(people)]
    op = rng.choice(["not", "and", "or", "->", "<=>"])
    if op == "not":
        return ["not", _random_claim(rng, people, depth - 1)]
    return [op, _random_claim(rng, people, depth - 1), _random_claim(rng, people, depth - 1)]


def _kk_solutions(statements: list[Any], people: int) -> list[tuple[bool, ...]]:
    from neurosym.lang import kk

    formulas = kk.parse_statements(statements, people)
    return [knights for knights in product((True, False), repeat=people)
            if all(_holds(f, list(knights)) == knights[i] for i, f in enumerate(formulas))]


def generate_kk(people: int, count: int, seed: int = 0) -> list[Problem]:
    """Knights and Knaves puzzles with `people` inhabitants and exactly one solution (found by
    enumeration here; the engine confirms it before the task is kept)."""
    if not 2 <= people <= len(NAMES):
        raise ValueError(f"people must be 2..{len(NAMES)}")
    rng = random.Random(seed)
    names = NAMES[:people]
    problems: list[Problem] = []
    attempts = 0
    while len(problems) < count and attempts < 1000 * count:
        attempts += 1
        statements = [_random_claim(rng, people, 2) for _ in range(people)]
        solutions = _kk_solutions(statements, people)
        if len(solutions) != 1:
            continue
        expect = {n: "knight" if k else "knave" for n, k in zip(names, solutions[0], strict=True)}
        problems.append(Problem(f"kk-gen-{people}-{seed}-{len(problems)}", "kk",
                                {"names": names, "statements": statements}, expect=expect))
    return problems


def generate_blocksworld(blocks: int, count: int, seed: int = 0) -> list[Problem]:
    """Blocksworld problems with `blocks` blocks (always solvable; the planner confirms it)."""
    from neurosym.planning.blocksworld import BLOCKSWORLD_DOMAIN, generate_problem

    return [Problem(f"bw-gen-{blocks}-{seed + i}", "pddl",
                    {"domain": BLOCKSWORLD_DOMAIN, "problem": generate_problem(blocks, seed + i)},
                    expect="solvable") for i in range(count)]


def generate_causal(variables: int, count: int, seed: int = 0) -> list[Problem]:
    """Causal chains of `variables` Boolean variables, each caused by the one before (some negated,
    some joined with a side input), and a counterfactual question on the last: "would it have happened
    had the first been otherwise?". The claimed answer is propagated here; the engine confirms it."""
    if variables < 2:
        raise ValueError("a causal chain needs at least 2 variables")
    rng = random.Random(seed)
    problems = []
    for i in range(count):
        u = rng.choice([True, False])
        side = rng.choice([True, False])
        lines = [f"exogenous U : bool = {str(u).lower()}", f"exogenous S : bool = {str(side).lower()}",
                 "endogenous X0 := U"]
        sentences = ["X0 happens exactly when U happens."]
        for k in range(1, variables):
            kind = rng.choice(["same", "same", "not", "and", "or"])
            body = {"same": f"X{k - 1}", "not": f"not X{k - 1}", "and": f"X{k - 1} and S",
                    "or": f"X{k - 1} or S"}[kind]
            lines.append(f"endogenous X{k} := {body}")
            sentences.append({"same": f"X{k - 1} causes X{k}.", "not": f"X{k - 1} prevents X{k}.",
                              "and": f"X{k - 1} and S together cause X{k}.",
                              "or": f"X{k - 1} or S causes X{k}."}[kind])
        flip = "false" if u else "true"
        query = f"query value X{variables - 1} do(X0 = {flip})"
        expect = _chain_value(lines[2:], not u, side)
        text = (" ".join(sentences) + f" U {'happened' if u else 'did not happen'}; S "
                f"{'happened' if side else 'did not happen'}. Would X{variables - 1} happen if X0 had "
                f"{'not ' if u else ''}happened?")
        problems.append(Problem(f"scm-gen-{variables}-{seed}-{i}", "scm",
                                {"model": "\n".join(lines) + "\n", "query": query},
                                text=text, expect="true" if expect else "false"))
    return problems


def _chain_value(lines: list[str], first: bool, side: bool) -> bool:
    value = first
    for line in lines[1:]:
        body = line.split(":=", 1)[1].strip()
        if body.startswith("not "):
            value = not value
        elif body.endswith(" and S"):
            value = value and side
        elif body.endswith(" or S"):
            value = value or side
    return value


GENERATORS = {"kk": generate_kk, "blocksworld": generate_blocksworld, "causal": generate_causal}
SOURCES = {"kk": "neurosym/kk", "blocksworld": "neurosym/blocksworld", "causal": "neurosym/causal"}


def generate(kind: str, size: int, count: int, seed: int = 0, engine: Engine | None = None) -> list[Problem]:
    """Generated problems of one kind and size, each solved once and kept only if the solver agrees."""
    if kind not in GENERATORS:
        raise ValueError(f"unknown generator {kind!r} (known: {', '.join(GENERATORS)})")
    made = GENERATORS[kind](size, count, seed)
    problems = [replace(p, limits=replace(p.limits, seconds=CHECK_SECONDS)) for p in made]
    kept, dropped = solved_as_claimed(problems, engine)
    for reason in dropped:
        print(f"neurosym tasks: dropped {reason}", file=sys.stderr)
    return kept


# ---------------------------------------------------------------------------------------------- writing

def write_jsonl(items: Iterable[TaskRecord], path: str | Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for record in items:
            handle.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    return count


def verl_rows(items: Iterable[TaskRecord], split: str = "train") -> list[dict[str, Any]]:
    """The rows verl's RLHFDataset reads; the task travels as JSON text in reward_model.ground_truth."""
    return [{"data_source": r.data_source, "prompt": [{"role": "user", "content": r.prompt}],
             "ability": "logic", "reward_model": {"style": "rule", "ground_truth": json.dumps(r.task)},
             "extra_info": {"index": i, "id": r.id, "split": split}} for i, r in enumerate(items)]


def write_parquet(items: Iterable[TaskRecord], path: str | Path, split: str = "train") -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = verl_rows(items, split)
    pq.write_table(pa.Table.from_pylist(rows), str(path))
    return len(rows)
