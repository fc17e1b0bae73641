"""End to end: the examples and the bad inputs through the sandboxed engine and the `neurosym` command,
bench on the CounterBench sample, and drawing (DOT marks, and a real SVG from Graphviz)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from neurosym.causal.draw import draw, query_marks, to_dot
from neurosym.lang.scm import parse_program
from neurosym.loading import load_problems
from neurosym.problem import Problem
from neurosym.result import Status

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / ".." / "shared" / "data" / "counterbench" / "sample.jsonl"


def neurosym(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "neurosym.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_examples_solve_correctly(engine) -> None:
    problems = [p for path in sorted((ROOT / "examples").glob("scm-*")) for p in load_problems(path)]
    assert len(problems) >= 7
    results = engine.solve_many(problems)
    for result in results:
        assert result.status == Status.SOLVED, (result.id, result.error)
        assert result.correct is not False, (result.id, result.answer, result.expected)
    by_id = {r.id: r for r in results}
    assert by_id["scm-rock-throwing"].answer == ["yes", "no", "no", 0.5]
    witness = by_id["scm-suzy-is-a-cause"].certificate["witness"]
    assert witness == {"W": {"BH": False}, "x_prime": {"ST": False}}
    json.dumps([r.to_dict() for r in results])  # answers and certificates are JSON


def test_bad_inputs_become_error_results_with_locations(engine) -> None:
    base = "exogenous U : bool = true\nendogenous A := U\n"
    cases = {
        "cycle": (base + "endogenous B := C\nendogenous C := B\n", "query value A", "cyclic"),
        "undefined": (base + "endogenous B := A and Q\n", "query value B", "'Q'"),
        "contradiction": (base, "query value A do(A = false) given not A", "contradicts"),
        "million": ("exogenous U : 0..999999 = 3\nendogenous A := U > 2\n", "query value A", "1000000"),
        "missing": (base, "query value A do(Z = true)", "'Z'"),
        "no-query": (base, None, "no query"),
    }
    problems = [
        Problem(id=name, language="scm", formal={"model": model, **({"query": q} if q else {})})
        for name, (model, q, _) in cases.items()
    ]
    for result in engine.solve_many(problems):
        assert result.status == Status.ERROR, result.id
        assert cases[result.id][2] in result.error.message, (result.id, result.error)
        if result.id not in {"no-query", "contradiction"}:
            assert result.error.line is not None and result.error.column is not None, result.id


def test_dot_marks_interventions_observations_and_targets() -> None:
    program = parse_program(
        "exogenous U : bool = true\nendogenous X := U\nendogenous Z := U\nendogenous Y := X and Z",
        "query value Y do(X = false) given Z",
    )
    dot = to_dot(program.model, *query_marks(program.queries[0]))
    assert '"X" [label="do(X = false)", shape=box' in dot
    assert '"U" -> "X" [style=dotted' in dot  # do() cuts the edge into X
    assert '"Z" [label="Z", peripheries=2' in dot
    assert '"Y" [label="Y", penwidth=2.5]' in dot
    assert '"U" [label="U", style=dashed]' in dot


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed")
def test_draw_writes_svg_and_cli_draw_option(tmp_path: Path) -> None:
    program = parse_program((ROOT / "examples" / "scm-rock-throwing.scm").read_text())
    svg = draw(program.model, tmp_path / "rocks.svg", program.queries[0])
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "do(ST = true)" in text
    run = neurosym("solve", "--draw", str(tmp_path / "drawn"), "examples/scm-firing-squad.yaml")
    assert run.returncode == 0, run.stdout + run.stderr
    drawn = sorted(p.name for p in (tmp_path / "drawn").iterdir())
    assert drawn == [
        "scm-firing-squad-counterfactual.svg",
        "scm-firing-squad-necessity.svg",
        "scm-firing-squad-probability.svg",
    ]


def test_bench_counterbench_sample() -> None:
    if not SAMPLE.is_file():
        pytest.skip(f"CounterBench sample not found at {SAMPLE}")
    run = neurosym("bench", str(SAMPLE), "--format", "counterbench", "--json", "--workers", "2")
    summary = json.loads(run.stdout.splitlines()[-1])
    assert summary["n"] == 100 and summary["correct"] == 97  # the dataset's reading (docs/causal.md)
    assert summary["executable_rate"] == 1.0
    run = neurosym("bench", str(SAMPLE), "--format", "counterbench", "--json", "--workers", "2",
                   "--option", "reading=strict")
    summary = json.loads(run.stdout.splitlines()[-1])
    assert summary["correct"] == 83  # the textbook reading
    assert summary["executable_rate"] == 0.85  # the 15 contradictory observations are errors, not guesses


def test_a_search_past_its_deadline_is_unknown_not_a_verdict() -> None:
    import time

    from neurosym.backends.causal import answer_query
    from neurosym.datasets.random_scm import random_model

    source, _, last = random_model(40, 3)
    model = parse_program(source).model
    x0 = str(model.world(model.actual_context())["X0"]).lower()
    program = parse_program(source, f"query cause X0 = {x0} -> not {last} or {last}")  # φ always true
    status, answer, certificate = answer_query(
        program.model, program.queries[0], "enumerate", time.monotonic()
    )
    assert (status, answer) == (Status.UNKNOWN, None) and "deadline" in certificate["reason"]
