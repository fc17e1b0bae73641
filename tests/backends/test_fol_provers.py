"""Z3 and the E prover decide FOL problems with certificates; bad input ends as a clear error or timeout."""

from __future__ import annotations

import time

import pytest

from neurosym import Engine, Problem, Status
from neurosym.result import ErrorKind


def fol(premises: list[str], conclusion: str, **extra) -> dict:
    return {"language": "fol", "premises": premises, "conclusion": conclusion, **extra}


SYLLOGISM = fol(["∀x (Human(x) → Mortal(x))", "Human(socrates)", "Rich(plato)"], "Mortal(socrates)")
NEGATED = fol(["∀x (Penguin(x) → ¬Flies(x))", "Penguin(pingu)"], "Flies(pingu)")
OPEN = fol(["∀x (Cat(x) → Animal(x))", "Animal(tom)"], "Cat(tom)")


@pytest.mark.parametrize("backend", ["z3", "eprover"])
def test_true_false_uncertain(engine: Engine, backend: str) -> None:
    results = Engine(workers=2, backend=backend, pool=engine.pool).solve_many([SYLLOGISM, NEGATED, OPEN])
    assert [r.answer for r in results] == ["true", "false", "uncertain"]
    assert all(r.status == Status.SOLVED and r.backend == backend for r in results)
    assert results[0].certificate["premises_used"] == [1, 2]  # the premise about plato is not needed
    assert results[1].certificate["premises_used"] == [1, 2]


def test_uncertain_comes_with_a_countermodel_for_each_side(engine: Engine) -> None:
    [result] = engine.solve_many([OPEN])
    false_side = result.certificate["countermodel_conclusion_false"]
    true_side = result.certificate["countermodel_conclusion_true"]
    tom_false, tom_true = false_side["constants"]["tom"], true_side["constants"]["tom"]
    assert [tom_false] in false_side["predicates"]["Animal"] and [tom_false] not in false_side["predicates"]["Cat"]
    assert [tom_true] in true_side["predicates"]["Cat"]


@pytest.mark.parametrize("backend", ["z3", "eprover"])
def test_inconsistent_premises_are_reported_not_guessed(engine: Engine, backend: str) -> None:
    contradictory = fol(["P(a)", "¬P(a)", "Q(b)"], "R(c)")
    entailed_anyway = fol(["∀x (Big(x) → Red(x))", "Big(a)", "¬Red(a)"], "Red(a)")
    results = Engine(backend=backend, pool=engine.pool).solve_many([contradictory, entailed_anyway])
    assert [r.answer for r in results] == ["inconsistent", "inconsistent"]
    if backend == "z3":
        assert results[0].certificate["premises_used"] == [1, 2]


def test_equality_and_functions(engine: Engine) -> None:
    [result] = engine.solve_many([fol(["∀x (f(x) = x)", "P(a)"], "P(f(f(a)))")])
    assert result.answer == "true"


def test_expected_answers_are_compared(engine: Engine) -> None:
    results = engine.solve_many([dict(SYLLOGISM, expect=True), dict(OPEN, expect="Unknown"),
                                 dict(NEGATED, expect="true")])
    assert [r.correct for r in results] == [True, True, False]


def test_cross_check_reports_both_verdicts(engine: Engine) -> None:
    [result] = Engine(workers=2, cross_check=True, pool=engine.pool).solve_many([SYLLOGISM])
    assert result.certificate["cross_check"] == {"verdicts": {"z3": "true", "eprover": "true"}, "agree": True}


def test_result_json_has_the_documented_keys(engine: Engine) -> None:
    [result] = engine.solve_many([SYLLOGISM])
    assert set(result.to_dict()) >= {"id", "language", "backend", "status", "answer", "expected", "correct",
                                     "certificate", "error", "seconds"}


# ------------------------------------------------------------------ bad input: one test each, batch goes on


def pigeonhole(holes: int) -> list[str]:
    """n+1 pigeons in n holes: unsatisfiable, and exponentially hard for resolution-based solvers."""
    pigeons = [f"p{i}" for i in range(holes + 1)]
    premises = [" ∨ ".join(f"In({p}, h{j})" for j in range(holes)) for p in pigeons]
    premises += [f"¬(In({pigeons[i]}, h{j}) ∧ In({pigeons[k]}, h{j}))"
                 for j in range(holes) for i in range(len(pigeons)) for k in range(i + 1, len(pigeons))]
    return premises


def test_bad_inputs_each_fail_clearly_and_the_batch_goes_on(engine: Engine) -> None:
    huge = " ∧ ".join(f"P{i}(a)" for i in range(80_000))  # about 1 MB
    batch = [
        dict(fol(["∀x (P(x) → Q(x)"], "Q(a)"), id="malformed"),
        dict(fol(["P(a) ⇒ Q(a)"], "Q(a)"), id="unknown-connective"),
        dict(fol(["P(a)", "P(a, b)"], "P(a)"), id="arity-clash"),
        dict(fol([], "P(a)"), id="empty-premises"),
        dict(fol([huge], "P79999(a)"), id="one-megabyte", limits={"seconds": 120}),
        dict(fol(["(" * 10_000 + "P(a)" + ")" * 10_000], "P(a)"), id="nested-10000"),
        dict(fol(pigeonhole(10), "Q(a)"), id="too-hard", limits={"seconds": 2}),
        dict(SYLLOGISM, id="fine"),
    ]
    started = time.monotonic()
    results = {r.id: r for r in engine.solve_many(batch)}
    elapsed = time.monotonic() - started

    def error(name: str) -> tuple[str, int | None]:
        result = results[name]
        assert result.status == Status.ERROR and result.error is not None, name
        return result.error.kind, result.error.line

    assert error("malformed") == (ErrorKind.SYNTAX, 1) and results["malformed"].error.column == 4
    assert error("unknown-connective")[0] == ErrorKind.SYNTAX and "'⇒'" in results["unknown-connective"].error.message
    assert error("arity-clash") == (ErrorKind.TYPE, 2)
    assert error("empty-premises")[0] == ErrorKind.INPUT and "empty" in results["empty-premises"].error.message
    assert results["one-megabyte"].status == Status.SOLVED and results["one-megabyte"].answer == "true"
    assert error("nested-10000")[0] == ErrorKind.INPUT and "nested" in results["nested-10000"].error.message
    assert results["too-hard"].status == Status.TIMEOUT
    assert results["fine"].answer == "true"
    assert elapsed < 60


def test_input_over_the_size_cap_is_refused_before_any_worker(engine: Engine) -> None:
    problem = Problem.from_dict(fol(["P(a)"], "P(a)", limits={"max_input_bytes": 10}), "capped")
    [result] = engine.solve_many([problem])
    assert result.status == Status.ERROR and result.error.kind == ErrorKind.INPUT and "cap" in result.error.message


def test_missing_language_and_unknown_backend(engine: Engine) -> None:
    no_language = {"premises": ["P(a)"], "conclusion": "P(a)"}
    [result] = engine.solve_many([no_language])
    assert result.error.kind == ErrorKind.INPUT and "'language'" in result.error.message
    [result] = Engine(backend="no-such-prover", pool=engine.pool).solve_many([SYLLOGISM])
    assert result.error.kind == ErrorKind.UNSUPPORTED and "unknown backend" in result.error.message
