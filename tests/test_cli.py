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
    assert run.returncode == 2 and "Traceback" not in run.stderr  # a missing path is bad usage
    assert "no such file or folder" in run.stderr
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


def test_version() -> None:
    run = neurosym("--version")
    assert run.returncode == 0 and run.stdout.startswith("neurosym ")


def test_dash_reads_standard_input(tmp_path: Path) -> None:
    text = "id: piped\nlanguage: fol\npremises: [P(a)]\nconclusion: P(a)\nexpect: true\n"
    run = subprocess.run([sys.executable, "-m", "neurosym.cli", "solve", "--json", "-"], input=text, cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    [row] = [json.loads(line) for line in run.stdout.splitlines()]
    assert (row["id"], row["answer"], row["correct"]) == ("piped", "true", True)


def test_empty_folder_is_bad_usage(tmp_path: Path) -> None:
    run = neurosym("solve", str(tmp_path))
    assert run.returncode == 2 and "no problem files" in run.stderr and not run.stdout


def test_control_characters_in_an_id_cannot_draw_rows(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text('id: "x\\nfake  fol  z3  solved  true\\x1b[2J\\u202e"\nlanguage: fol\npremises: [P(a)]\n'
                    "conclusion: P(a)\n", encoding="utf-8")
    run = neurosym("solve", str(path))
    lines = run.stdout.splitlines()
    assert len(lines) == 2 and "\x1b" not in run.stdout and "\u202e" not in run.stdout
    assert lines[1].startswith("x fake")


def test_draw_onto_an_existing_file_is_bad_usage(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("mine", encoding="utf-8")
    run = neurosym("solve", "--draw", str(target), "examples/scm-rock-throwing.scm")
    assert run.returncode == 2 and "not a folder" in run.stderr and "Traceback" not in run.stderr
    assert target.read_text(encoding="utf-8") == "mine"


def test_no_file_references_refuses_the_problem() -> None:
    run = neurosym("solve", "--json", "--no-file-references", "examples/prolog-family.yaml")
    [row] = [json.loads(line) for line in run.stdout.splitlines()]
    assert row["status"] == "error" and row["error"]["kind"] == "refused"
