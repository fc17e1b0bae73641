"""The `neurosym` command as users run it: a real subprocess, its output and its exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from neurosym.bench import SUMMARY_KEYS

ROOT = Path(__file__).resolve().parents[1]


def neurosym(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "neurosym.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_solve_prints_a_table_and_exits_zero_when_all_correct() -> None:
    run = neurosym("solve", "examples/fol-socrates.fol", "examples/fol-bonnie.yaml")
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["id", "language", "backend", "status", "answer", "expected", "ok", "seconds"]
    assert lines[1].split()[:7] == ["fol-socrates", "fol", "z3", "solved", "true", "true", "yes"]


def test_solve_json_is_one_object_a_line(tmp_path: Path) -> None:
    problems = tmp_path / "p.jsonl"
    problems.write_text('{"id": "ok", "language": "fol", "premises": ["P(a)"], "conclusion": "P(a)"}\n'
                        '{"id": "wrong", "language": "fol", "premises": ["P(a)"], "conclusion": "P(a)", '
                        '"expect": "false"}\n', encoding="utf-8")
    run = neurosym("solve", "--json", str(problems))
    assert run.returncode == 1  # one answer differs from its expectation
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(r["id"], r["answer"], r["correct"]) for r in rows] == [("ok", "true", None), ("wrong", "true", False)]


def test_missing_file_and_bad_yaml_are_results_not_tracebacks(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("premises: [\n", encoding="utf-8")
    run = neurosym("solve", "--json", str(tmp_path / "missing.yaml"), str(bad), "examples/fol-socrates.fol")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["status"] for r in rows] == ["error", "error", "solved"]
    assert "no such file" in rows[0]["error"]["message"] and rows[1]["error"]["line"] is not None


def test_check_reports_located_errors(tmp_path: Path) -> None:
    path = tmp_path / "broken.fol"
    path.write_text("# a comment\nP(a) ∧ (Q(a)\n|- P(a)\n", encoding="utf-8")
    run = neurosym("check", str(path), "examples/fol-bonnie.yaml")
    assert run.returncode == 1
    assert "line 2, column 8" in run.stdout and "not closed" in run.stdout and "fol-bonnie: ok" in run.stdout


def test_bad_usage_exits_two() -> None:
    assert neurosym("solve").returncode == 2
    assert neurosym("solve", "--timeout", "0", "examples").returncode == 2
    run = neurosym("bench", "examples", "--format", "no-such-format")
    assert run.returncode == 2 and "unknown dataset format" in run.stderr


def test_bench_json_ends_with_the_summary_contract() -> None:
    run = neurosym("bench", "examples/fol-socrates.fol", "--format", "neurosym", "--json")
    lines = run.stdout.splitlines()
    summary = json.loads(lines[-1])
    assert tuple(summary) == SUMMARY_KEYS
    assert summary["n"] == 1 and summary["correct"] == 1 and summary["executable_rate"] == 1.0
    assert json.loads(lines[0])["id"] == "fol-socrates"


def test_option_applies_to_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "nl.yaml"
    path.write_text("text: Bob is big. If something is big then it is red.\nquestion: Is Bob red?\nexpect: true\n",
                    encoding="utf-8")
    open_world = json.loads(neurosym("solve", "--json", str(path)).stdout)
    closed_world = json.loads(neurosym("solve", "--json", "--option", "world=closed", str(path)).stdout)
    assert (open_world["language"], open_world["answer"]) == ("fol", "true")
    assert (closed_world["language"], closed_world["backend"], closed_world["answer"]) == ("prolog", "swipl", "true")
    assert neurosym("solve", "--option", "no-equals-sign", str(path)).returncode == 2
