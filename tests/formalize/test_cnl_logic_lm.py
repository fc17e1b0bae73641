"""Logic-LM's data files (`--format logic-lm`): loading, letter mapping, and the ProofWriter bench."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from neurosym.bench import summarize
from neurosym.cli import main
from neurosym.datasets import get_loader
from neurosym.datasets.logic_lm import letter_map, load, option_letter


@pytest.fixture(scope="module")
def proofwriter(data_dir: Path) -> Path:
    path = data_dir / "proofwriter" / "dev.json"
    if not path.is_file():
        pytest.skip(f"ProofWriter dev set not found at {path}")
    return path


def test_letters_map_both_ways() -> None:
    options = ["A) True", "B) False", "C) Unknown"]
    assert letter_map(options) == {"A": "true", "B": "false", "C": "uncertain"}
    answers = ("true", "false", "uncertain", "inconsistent")
    assert [option_letter(a, options) for a in answers] == ["A", "B", "C", None]
    assert letter_map(["A) Unknown", "B) True"]) == {"A": "uncertain", "B": "true"}


def test_loader_reads_rows_as_text_problems(proofwriter: Path) -> None:
    assert get_loader("logic-lm") is load
    problems = list(load(proofwriter))
    rows = json.loads(proofwriter.read_text())
    assert len(problems) == len(rows) == 600
    first = problems[0]
    assert first.id == rows[0]["id"] and first.text == rows[0]["context"] and not first.formal
    assert first.expect == letter_map(rows[0]["options"])[rows[0]["answer"]]
    assert {p.expect for p in problems} == {"true", "false", "uncertain"}


def test_bad_rows_are_load_errors(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    rows = [{"id": "ok", "context": "Bob is big.", "question": "Bob is big.", "answer": "A"},
            {"id": "no-context", "question": "Bob is big.", "answer": "A"}]
    path.write_text(json.dumps(rows))
    good, bad = load(path)
    assert good.load_error is None and good.expect == "true"
    assert bad.load_error is not None and "context" in bad.load_error.message
    path.write_text("{not json")
    [broken] = load(path)
    assert broken.load_error is not None


def test_proofwriter_bench_slice(engine, proofwriter: Path) -> None:
    problems = list(load(proofwriter))[::10]  # 60 problems spread over all four theory kinds
    results = engine.solve_many(problems)
    summary = summarize(results, 0.0)
    assert summary["executable_rate"] == 1.0  # every sentence inside the fragment
    assert summary["accuracy"] >= 0.95, [(r.id, r.expected, r.answer) for r in results if not r.correct]
    assert all(r.language == "fol" and r.backend == "z3" for r in results)


def test_cli_bench_prints_summary(proofwriter: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["bench", str(proofwriter), "--format", "logic-lm", "--limit", "12", "--json",
                 "--workers", "2"])
    lines = capsys.readouterr().out.strip().splitlines()
    summary = json.loads(lines[-1])
    assert summary["n"] == 12 and summary["executable_rate"] == 1.0
    assert code == (0 if summary["correct"] == 12 else 1)
    assert all(json.loads(line)["status"] == "solved" for line in lines[:-1])


def test_proofwriter_slice_in_the_rules_world(engine, proofwriter: Path) -> None:
    problems = list(load(proofwriter))[5::10]
    for problem in problems:
        problem.options["world"] = "rules"
    results = engine.solve_many(problems)
    assert [r.id for r in results if not r.correct] == []
