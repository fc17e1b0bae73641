"""The LLM formalizer end to end: recorded completions (replay) through reading, the sandbox, the vote and
refinement; the tiny random-weight model (built in the test, no download) for the loop with a real model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from neurosym.bench import summarize
from neurosym.problem import Problem
from neurosym.result import Status

ROOT = Path(__file__).resolve().parents[2]

SOCRATES = Problem("socrates", language="fol", text="All men are mortal. Socrates is a man.",
                   question="Socrates is mortal.", expect="true")
GOOD = "∀x (Man(x) → Mortal(x)) ::: All men are mortal.\nMan(socrates)\n⊢ Mortal(socrates)"
WRONG = "∀x (Man(x) → Mortal(x))\nMan(plato)\n⊢ Mortal(socrates)"  # decides: uncertain
BROKEN = "∀x (Man(x) → Mortal(x)\nMan(socrates)\n⊢ Mortal(socrates)"  # a '(' never closed
LINC = ("TEXT: All men are mortal.\nFOL: all x. (Man(x) -> Mortal(x))\nTEXT: Socrates is a man.\n"
        "FOL: Man(socrates)\nTEXT: Socrates is mortal.\nFOL: Mortal(socrates)")
LOGIC_LM = ("Predicates:\nMan(x) ::: x is a man.\nPremises:\n∀x (Man(x) → Mortal(x)) ::: All men are mortal.\n"
            "Man(socrates) ::: Socrates is a man.\nConclusion:\nMortal(socrates) ::: Socrates is mortal.")


def replay(tmp_path: Path, records: dict[str, list[str]]) -> str:
    path = tmp_path / "replay.jsonl"
    path.write_text("".join(json.dumps({"id": k, "completions": v}) + "\n" for k, v in records.items()))
    return f"replay:{path}"


def test_the_majority_of_decided_samples_wins_and_errors_are_counted(engine, tmp_path: Path) -> None:
    engine.model = replay(tmp_path, {"socrates": [BROKEN, GOOD, WRONG, GOOD]})
    engine.samples = 4
    try:
        result = engine.solve_many([SOCRATES])[0]
    finally:
        engine.model = engine.samples = None
    vote = result.certificate["vote"]
    assert (result.status, result.answer, result.correct) == ("solved", "true", True)
    assert vote["votes"] == [{"answer": "true", "count": 2}, {"answer": "uncertain", "count": 1}]
    assert vote["not_decided"] == {"error": 1} and vote["tie"] is False
    assert [c["status"] for c in result.candidates] == ["error", "solved", "solved", "solved"]
    assert result.candidates[0]["error"]["kind"] == "syntax" and result.candidates[0]["error"]["line"] == 1
    assert result.certificate["samples"] == 4 and result.certificate["decided"] == 3
    summary = summarize([result], 1.0)  # the vote is right where the first sample alone errored
    assert (summary["accuracy"], summary["first_sample_accuracy"]) == (1.0, 0.0)
    assert (summary["samples"], summary["samples_parsed"], summary["samples_decided"]) == (4, 3, 3)


def test_a_tie_is_reported_and_broken_by_the_earliest_sample(engine, tmp_path: Path) -> None:
    engine.model = replay(tmp_path, {"socrates": [WRONG, GOOD]})
    engine.samples = 2
    try:
        result = engine.solve_many([SOCRATES])[0]
    finally:
        engine.model = engine.samples = None
    assert result.answer == "uncertain" and result.correct is False
    assert result.certificate["vote"]["tie"] is True
    assert result.certificate["vote"]["tie_rule"] == "earliest candidate"


def test_no_decided_sample_is_an_error_never_a_guess(engine, tmp_path: Path) -> None:
    engine.model = replay(tmp_path, {"socrates": [BROKEN, "no program here"]})
    engine.samples = 2
    try:
        result = engine.solve_many([SOCRATES])[0]
    finally:
        engine.model = engine.samples = None
    assert result.status == "error" and result.answer is None and result.correct is False
    assert "no candidate decided (2 error)" in result.error.message
    assert result.certificate["vote"]["decided"] == 0


def test_published_formats_replay(engine, tmp_path: Path) -> None:
    problems = [Problem(name, language="fol", text=SOCRATES.text, question=SOCRATES.question, expect="true")
                for name in ("linc", "logic-lm")]
    engine.model = replay(tmp_path, {"linc": [LINC], "logic-lm": [LOGIC_LM]})
    try:
        results = engine.solve_many(problems)
    finally:
        engine.model = None
    assert [r.answer for r in results] == ["true", "true"]


def test_a_missing_record_fails_that_problem_only(engine, tmp_path: Path) -> None:
    other = Problem("other", language="fol", text="x", question="y", expect="true")
    engine.model = replay(tmp_path, {"socrates": [GOOD]})
    try:
        first, second = engine.solve_many([SOCRATES, other])
    finally:
        engine.model = None
    assert first.correct is True
    assert second.status == "error" and "'other' has no record" in second.error.message


def test_refinement_rounds_are_recorded(engine, tmp_path: Path) -> None:
    """A replayed model whose second completion is the corrected program: the failed one is superseded."""
    from neurosym.formalize.llm import LLMFormalizer
    from neurosym.llm import Completion

    class Scripted:
        spec = "scripted"

        def __init__(self) -> None:
            self.prompts: list[str] = []

        def generate(self, prompts, *, grammar=None, n=1, temperature=1.0, max_tokens=512, stop=None, seed=None):
            self.prompts.extend(prompts)
            text = BROKEN if len(self.prompts) == 1 else GOOD
            return [[Completion(text) for _ in range(n)] for _ in prompts]

        def close(self) -> None:
            pass

    client = Scripted()
    candidates = LLMFormalizer(client, samples=1, refine=2).formalize([SOCRATES], engine._solve_programs)[0]
    assert [(c.round, c.superseded, c.result.status if c.result else None) for c in candidates] == [
        (0, True, "error"), (1, False, "solved")]
    retry = client.prompts[1]
    assert "### Error\nline 1, column 4:" in retry and "> ∀x (Man(x) → Mortal(x)" in retry
    assert retry.endswith("Write the whole program again with this error fixed.\n### Program\n")


@pytest.mark.slow
def test_refinement_with_the_tiny_model_until_every_sample_parses(engine, tiny_client) -> None:
    """The tiny random model writes unconstrained nonsense: each round re-asks for the failures, and every
    round is kept. With the grammar on, the first round's samples are sentences of it."""
    from neurosym.formalize.llm import LLMFormalizer

    loose = LLMFormalizer(tiny_client, samples=2, refine=2, constrained=False, max_tokens=24)
    candidates = loose.formalize([SOCRATES], engine._solve_programs)[0]
    assert max(c.round for c in candidates) == 2  # random text never parses: both rounds were used
    assert sum(not c.superseded for c in candidates) == 2  # one voting candidate per sample
    strict = LLMFormalizer(tiny_client, samples=2, refine=0, constrained=True, max_tokens=48)
    for candidate in strict.formalize([SOCRATES], engine._solve_programs)[0]:
        assert candidate.constrained is True
        if candidate.finish_reason == "stop":
            assert candidate.error is None or candidate.error.kind != "syntax", candidate.text


def test_cli_solve_with_a_model(tmp_path: Path) -> None:
    spec = replay(tmp_path, {"socrates": [GOOD, GOOD, WRONG]})
    problem = tmp_path / "socrates.yaml"
    problem.write_text("id: socrates\nlanguage: fol\ntext: All men are mortal. Socrates is a man.\n"
                       "question: Socrates is mortal.\nexpect: true\n")
    run = subprocess.run([sys.executable, "-m", "neurosym.cli", "solve", str(problem), "--model", spec,
                          "--samples", "3", "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.splitlines()[-1])
    assert result["answer"] == "true" and len(result["candidates"]) == 3


def test_model_key_is_a_spec_or_an_scm_field() -> None:
    asked = Problem.from_dict({"model": "replay:runs/gpt4.jsonl", "text": "All men are mortal."}, "p")
    assert asked.model == "replay:runs/gpt4.jsonl" and "model" not in asked.formal
    causal = Problem.from_dict({"language": "scm", "model": "exogenous U : bool = true"}, "q")
    assert causal.model is None and causal.formal["model"] == "exogenous U : bool = true"


def test_controlled_english_behind_the_same_seam(engine) -> None:
    """`--model cnl`: the controlled-English parser as a formalizer gives the direct path's answer, with its
    one candidate and the vote in the Result."""
    text = {"id": "wumpus", "text": "Every wumpus is a tumpus. Max is a wumpus.", "question": "Is Max a tumpus?",
            "expect": "true"}
    direct, seam = engine.solve_many([Problem.from_dict(text, "a"), Problem.from_dict({**text, "model": "cnl"}, "b")])
    assert direct.answer == seam.answer == "true" and seam.correct
    assert direct.candidates is None
    assert [c["origin"] for c in seam.candidates] == ["cnl"] and seam.certificate["formalizer"] == "cnl"


def test_controlled_english_behind_the_seam_is_read_under_the_problems_limit(engine) -> None:
    """`--model cnl` reads the text in a worker, under the problem's wall clock (as the direct path does):
    4 MB of English that takes seconds to read ends as a timeout of its one candidate, and the batch goes
    on; a sentence outside the fragment is that candidate's located error."""
    huge = {"id": "huge", "model": "cnl", "text": "Every wumpus is a tumpus. " * 150_000 + "Max is a wumpus.",
            "question": "Is Max a tumpus?", "limits": {"seconds": 1, "max_input_bytes": 8_000_000}}
    odd = {"id": "odd", "model": "cnl", "text": "Blorp the zing.", "question": "Is Max a tumpus?"}
    fine = {"id": "fine", "model": "cnl", "text": "Every wumpus is a tumpus. Max is a wumpus.",
            "question": "Is Max a tumpus?", "expect": "true"}
    huge_result, odd_result, fine_result = engine.solve_many([Problem.from_dict(p, "x") for p in (huge, odd, fine)])
    assert huge_result.status == Status.TIMEOUT and [c["status"] for c in huge_result.candidates] == ["timeout"]
    assert odd_result.status == Status.ERROR and odd_result.certificate["read"] == 0
    assert "Blorp the zing." in odd_result.error.message and odd_result.error.column == 1
    assert fine_result.correct and fine_result.certificate["read"] == 1
