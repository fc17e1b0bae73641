"""CounterBench: every sentence pattern of the data read into equations, the sample answered, and the
items where the engine and the gold label part ways pinned down (docs/causal.md explains each)."""

from __future__ import annotations

from pathlib import Path

import pytest

from neurosym.backends.causal import answer_query
from neurosym.datasets.counterbench import load, parse_mechanisms, to_scm
from neurosym.formalize.deterministic import UnreadableStory
from neurosym.lang import get_language
from neurosym.lang.scm import parse_program
from neurosym.result import NeurosymError, Status

SAMPLE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "counterbench" / "sample.jsonl"

# Gold labels that contradict the stated equations: "Pex or not Razz causes Zurn" makes Zurn true once
# Razz is false, and everything downstream follows, so Zlim (Klep) occurs; the label says it does not.
GOLD_CONTRADICTS_EQUATIONS = {"counterbench-270-conditional", "counterbench-470-conditional"}
# 875: "Skrim causes not Zimb, Zimb causes Yurd, Yurd causes Wrox. We observed Zimb." Zimb holds whether
# it is held at its observation or follows from do(Nuv = false), so Wrox occurs; the label says no.
GOLD_CONTRADICTS_DATASET_READING = GOLD_CONTRADICTS_EQUATIONS | {"counterbench-875-conditional"}
# Strict reading: the observation contradicts the factual world the question presupposes.
CONTRADICTORY_OBSERVATIONS = {853, 254, 457, 67, 69, 271, 671, 871, 74, 474, 875, 678, 280, 680, 81}


def test_sentence_patterns() -> None:
    text = (
        "We know that Fizo causes Blorn, Plim and Quaz, not Quaz causes Skul, Skul and Plim together cause "
        "not Triv, Triv or not Skul causes Yex, Sline or Ziklo together cause Frim, and Yex causes not Rild "
        "and Jext."
    )
    assert parse_mechanisms(text) == [
        ("Blorn", "Fizo"),
        ("Plim", "Fizo"),
        ("Quaz", "Fizo"),
        ("Skul", "not Quaz"),
        ("Triv", "not (Skul and Plim)"),
        ("Yex", "Triv or not Skul"),
        ("Frim", "Sline or Ziklo"),
        ("Rild", "not (Yex)"),
        ("Jext", "Yex"),
    ]


@pytest.mark.parametrize(
    "question, dataset, strict",
    [
        ("Would D occur if not A instead of A?", "query value D do(A = false, C = false)",
         "query value D do(A = false) given A and not C"),
        ("Would D occur if not A and not B?", "query value D do(A = false, B = false, C = false)",
         "query value D do(A = false, B = false) given not C"),
        # the action wins over an observation of the same variable
        ("Assume not A, and based on this assumption, further suppose C. Would D occur?",
         "query value D do(A = false, C = true)", "query value D do(A = false, C = true) given not C"),
    ],
)
def test_questions_become_queries(question: str, dataset: str, strict: str) -> None:
    row = {"given_info": "We know that A causes B, B and C together cause D. We observed not C.", "question": question}
    assert to_scm(row)[1] == dataset
    assert to_scm(row, reading="strict")[1] == strict


def test_an_observation_is_held_like_the_action_in_the_dataset_reading() -> None:
    # the generator's world: Druk is set as observed next to do(Nuv = false); strictly, Nuv and Druk
    # describe no world (Druk = not Nuv), so the strict reading refuses the question
    row = {"given_info": "We know that Nuv causes not Druk, and Druk causes Wrox. We observed Druk",
           "question": "Would Wrox occur if not Nuv instead of Nuv?"}
    for reading, expected in (("dataset", "yes"), ("strict", None)):
        program = parse_program(*to_scm(row, reading))
        if expected is None:
            with pytest.raises(NeurosymError, match="contradicts the model"):
                answer_query(program.model, program.queries[0])
        else:
            assert answer_query(program.model, program.queries[0])[:2] == (Status.SOLVED, True)


def test_a_problem_carries_both_readings_and_the_option_picks_one() -> None:
    from neurosym.datasets.counterbench import _problem
    from neurosym.lang.scm import with_reading
    from neurosym.problem import Problem

    row = {"given_info": "We know that A causes not B. We observed B.",
           "question": "Would B occur if not A instead of A?", "question_id": 7, "type": "conditional"}
    problem = Problem.from_dict(_problem(row, "x", "dataset"), "x")
    assert problem.formal["query"] == "query value B do(A = false, B = true)"
    problem.options["reading"] = "strict"
    assert with_reading(problem).formal["query"] == "query value B do(A = false) given A and B"
    assert "readings" not in with_reading(problem).formal
    problem.options["reading"] = "loose"
    with pytest.raises(NeurosymError, match="has no reading 'loose' \\(readings: dataset, strict\\)"):
        with_reading(problem)


def test_an_unknown_reading_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown reading 'loose' of a deterministic story"):
        to_scm({"given_info": "We know that A causes B.", "question": "Would B occur if not A instead of A?"},
               reading="loose")


@pytest.mark.parametrize(
    "info, question, named",
    [
        ("We know that A causes B, B prevents C.", "Would C occur if not A instead of A?", "prevents"),
        ("We know that A causes B and C or D causes E.", "Would E occur if not A instead of A?", "C or D"),
        ("We know that A causes B.", "What if A had not happened?", "What if"),
        ("We know that A and B or C causes D.", "Would D occur if not A instead of A?", "mixes"),
        ("We know that A causes B, C causes B.", "Would B occur if not A instead of A?", "two statements"),
    ],
)
def test_a_sentence_outside_the_patterns_is_an_error_naming_it(info: str, question: str, named: str) -> None:
    with pytest.raises(UnreadableStory, match=named):
        to_scm({"given_info": info, "question": question})


def test_the_sample_reads_and_answers_as_documented_in_the_dataset_reading() -> None:
    if not SAMPLE.is_file():
        pytest.skip(f"CounterBench sample not found at {SAMPLE}")
    scm = get_language("scm")
    problems = list(load(SAMPLE))
    assert len(problems) == 100
    wrong = set()
    for problem in problems:
        assert problem.load_error is None, problem.load_error
        program = parse_program(problem.formal["model"], problem.formal["query"])
        status, answer, _ = answer_query(program.model, program.queries[0])  # every row executes
        assert status == Status.SOLVED, problem.id
        if not scm.answers_match(answer, problem.expect):
            wrong.add(problem.id)
    assert wrong == GOLD_CONTRADICTS_DATASET_READING  # 97 correct


def test_the_sample_reads_and_answers_as_documented_in_the_strict_reading() -> None:
    if not SAMPLE.is_file():
        pytest.skip(f"CounterBench sample not found at {SAMPLE}")
    scm = get_language("scm")
    correct, wrong, contradictions = 0, set(), set()
    problems = list(load(SAMPLE, reading="strict"))
    assert len(problems) == 100
    for problem in problems:
        assert problem.load_error is None, problem.load_error
        program = parse_program(problem.formal["model"], problem.formal["query"])
        try:
            status, answer, _ = answer_query(program.model, program.queries[0])
        except NeurosymError as exc:
            assert "contradicts the model" in exc.info.message
            contradictions.add(int(problem.id.split("-")[1]))
            continue
        assert status == Status.SOLVED, problem.id  # no row leaves its answer undetermined
        if scm.answers_match(answer, problem.expect):
            correct += 1
        else:
            wrong.add(problem.id)
    assert wrong == GOLD_CONTRADICTS_EQUATIONS
    assert contradictions == CONTRADICTORY_OBSERVATIONS
    assert correct == 83
