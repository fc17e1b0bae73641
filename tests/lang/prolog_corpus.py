"""The Prolog corpus both Prolog grammars are compared on: every program neurosym writes or ships.

Sources: examples/*.pl and the Prolog example problems, every program the controlled-English closed world
writes for ProofWriter (../shared/data/proofwriter/dev.json), the K&K translations of every puzzle in
../shared/data/knights-knaves, every string in the Prolog tests (the hostile corpus among them), and
their queries as `?- Q .`. `mutants` derives, deterministically, broken variants of each program (a
character deleted, doubled or replaced), so rejection and error positions are compared too.
"""

from __future__ import annotations

import ast
import json
import random
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_FILES = ["tests/lang/test_prolog.py", "tests/backends/test_swipl_sandbox.py", "tests/backends/test_kk.py",
              "tests/formalize/test_cnl_solve.py"]
PUNCTUATION = list("()[]{},.;|:-=<>\\+*/^#@!'\"`%0aX_ ")


def _strings_in(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip():
            yield node.value


def corpus(data_dir: Path | None) -> dict[str, str]:
    """name -> Prolog text (programs, and queries wrapped as `?- Q .`)."""
    import yaml

    texts: dict[str, str] = {}
    for path in sorted((ROOT / "examples").rglob("*.pl")):
        texts[f"examples/{path.name}"] = path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "examples").glob("prolog-*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, row in enumerate(data if isinstance(data, list) else [data]):
            for key in ("program", "query"):
                value = row.get(key) if isinstance(row, dict) else None
                if isinstance(value, str) and not value.endswith(".pl"):
                    texts[f"{path.name}#{i}.{key}"] = value if key == "program" else f"?- {value} ."
    for file in TEST_FILES:
        for i, text in enumerate(_strings_in(ROOT / file)):
            texts[f"{file}#{i}"] = text
    if data_dir is not None:
        texts.update(_cnl_programs(data_dir))
        texts.update(_kk_programs(data_dir))
    return texts


def _cnl_programs(data_dir: Path) -> dict[str, str]:
    from neurosym.datasets import get_loader
    from neurosym.formalize.cnl import formalize_problem
    from neurosym.result import NeurosymError

    texts = {}
    for problem in get_loader("logic-lm")(data_dir / "proofwriter" / "dev.json"):
        problem.options["world"] = "closed"
        try:
            program = formalize_problem(problem)
        except NeurosymError:
            continue
        texts[f"proofwriter/{problem.id}"] = program.fields["program"]
        texts[f"proofwriter/{problem.id}?"] = f"?- {program.fields['query']} ."
    return texts


def _kk_programs(data_dir: Path) -> dict[str, str]:
    from neurosym.backends.swipl_kk import to_prolog
    from neurosym.lang.kk import parse_statements

    texts = {}
    for path in sorted((data_dir / "knights-knaves").glob("*.jsonl")):
        for number, line in enumerate(path.open(encoding="utf-8"), 1):
            row = json.loads(line)
            program, query = to_prolog(parse_statements(row["statements"], len(row["names"])))
            texts[f"{path.name}:{number}"] = program
            texts[f"{path.name}:{number}?"] = f"?- {query} ."
    return texts


def mutants(text: str, count: int, seed: int) -> list[str]:
    """`count` variants of `text` with one character deleted, doubled or replaced (deterministic)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count if text else 0):
        i = rng.randrange(len(text))
        kind = rng.randrange(3)
        if kind == 0:
            out.append(text[:i] + text[i + 1:])
        elif kind == 1:
            out.append(text[:i] + text[i] + text[i:])
        else:
            out.append(text[:i] + rng.choice(PUNCTUATION) + text[i + 1:])
    return out


OPERATORS = ["=", "\\=", "==", "\\==", "@<", "@>", "@=<", "@>=", "=..", "is", "=:=", "=\\=", "<", ">", "=<", ">=",
             "#=", "#\\=", "#<", "#>", "#=<", "#>=", "in", "ins", "=@=", "\\=@=", "#<==>", "#==>", "#<==", "#\\/",
             "#/\\", "as", "+", "-", "/\\", "\\/", "xor", "..", "*", "/", "//", "mod", "rem", "div", "<<", ">>",
             "**", "^", "\\", "#\\", "\\+", ",", ";", "|", "->", "*->", ":-", "-->", "?-", ".", ":", "!"]
CONTEXTS = ["p :- X {a}{b} Y.", "p :- X{a}{b}1.", "p :- X {a} {b} Y.", "p([{a}{b}]).", "p({a}({b})).",
            "p :- X = ({a}), Y = ({b}).", "p :- {a}{b} X.", "p :- X{a}{b}(Y).", "p({a}, {b})."]


def operator_texts() -> dict[str, str]:
    """Every pair of operator spellings, glued and apart, in the places terms and operators go: the
    lexer's longest-match choices between operators are where two grammars could part."""
    return {f"ops:{a}:{b}:{i}": context.format(a=a, b=b) for a in OPERATORS for b in OPERATORS
            for i, context in enumerate(CONTEXTS)}
