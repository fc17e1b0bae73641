"""Knights and Knaves: the gold formalization parsed, translated to Prolog (swipl) and to Z3, both run on
the real provers over the shared K&K data, with answers compared by name and uniqueness reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from neurosym import Engine
from neurosym.backends.swipl import SwiplBackend
from neurosym.backends.swipl_kk import to_prolog
from neurosym.datasets import get_loader
from neurosym.lang import get_language
from neurosym.lang.kk import parse_statements
from neurosym.result import ErrorKind, NeurosymError, Status

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "knights-knaves"
needs_swipl = pytest.mark.skipif(not SwiplBackend.available(), reason=SwiplBackend.unavailable_reason())
BACKENDS = [pytest.param("swipl", marks=needs_swipl), "z3"]


@pytest.fixture(scope="module")
def kk_data() -> Path:
    if not DATA.is_dir():
        pytest.skip(f"K&K data not found at {DATA.resolve()}")
    return DATA


def test_statements_parse_and_translate() -> None:
    raw = "(('not', ('telling-truth', 1)), ('<=>', ('lying', 0), ('telling-truth', 1)))"
    formulas = parse_statements(raw, 2)
    assert formulas == [["not", ["truth", 1]], ["<=>", ["lying", 0], ["truth", 1]]]
    program, query = to_prolog(formulas)
    assert query == "kk(P0, P1)" and "P1 == knight" in program and "P0 == knave" in program


@pytest.mark.parametrize(("raw", "people", "words"), [
    ("(('lying', 3),)", 1, "index"),
    ("(('maybe', ('lying', 0)),)", 1, "operator 'maybe'"),
    ("(('lying', 0),)", 2, "1 statements for 2 people"),
    ("(('lying', 0)", 1, "not a tuple literal"),
    ("__import__('os')", 1, "not a tuple literal"),
])
def test_bad_statements_are_reported(raw: str, people: int, words: str) -> None:
    with pytest.raises(NeurosymError) as caught:
        parse_statements(raw, people)
    assert caught.value.info.kind in {ErrorKind.SYNTAX, ErrorKind.TYPE}
    assert words in caught.value.info.message


def test_answers_match_names_and_the_datasets_booleans() -> None:
    language = get_language("kk")
    answer = {"Ann": "knight", "Bob": "knave"}
    assert language.answers_match(answer, [True, False])
    assert not language.answers_match(answer, [False, False])
    assert language.answers_match(answer, {"Bob": "knave", "Ann": "knight"})
    assert not language.answers_match(answer, {"Ann": "knave", "Bob": "knave"})
    assert not language.answers_match([answer, answer], [True, False])


@pytest.mark.parametrize("backend", BACKENDS)
def test_uniqueness_and_inconsistency_are_reported(backend: str) -> None:
    self_praise = {"id": "open", "language": "kk", "names": ["Ann"], "statements": "(('telling-truth', 0),)"}
    liar = {"id": "paradox", "language": "kk", "names": ["Ann"], "statements": "(('lying', 0),)"}
    one = {"id": "one", "language": "kk", "names": ["Ann", "Bob"],
           "statements": [["lying", 1], ["lying", 1]]}  # Bob calling himself a knave is a paradox...
    both, none, single = Engine(workers=1, backend=backend).solve_many([self_praise, liar, one])
    assert both.status == Status.SOLVED and not both.certificate["unique"]
    assert both.certificate["solutions"] == 2
    assert sorted(a["Ann"] for a in both.answer) == ["knave", "knight"]
    assert none.status == Status.SOLVED and none.answer == "no solution"
    assert none.certificate["solutions"] == 0
    assert single.answer == "no solution"  # ...so this puzzle has no consistent assignment either


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_puzzle_of_the_3_4_5_person_sets(kk_data: Path, backend: str) -> None:
    problems = list(get_loader("kk")(kk_data, backend=backend))
    assert len(problems) == 300 and not any(p.load_error for p in problems)
    results = Engine(workers=2, backend=backend).solve_many(problems)
    wrong = [(r.id, r.status, r.answer, r.expected) for r in results if not r.correct]
    assert not wrong, wrong[:3]
    assert all(r.backend == backend and r.certificate["unique"] for r in results)
