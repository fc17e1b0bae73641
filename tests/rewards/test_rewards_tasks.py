"""Task sets: generators with a difficulty knob (each task solved once), dataset export, verl's parquet,
and the `neurosym tasks` / `neurosym verify` commands."""

from __future__ import annotations

import json

import pytest

from neurosym.cli import main
from neurosym.rewards import Verifier, tasks


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "size"), [("kk", 4), ("blocksworld", 4), ("causal", 5)])
def test_generated_tasks_are_solved_and_their_claimed_answer_earns_the_reward(kind, size, engine):
    problems = tasks.generate(kind, size, 3, seed=7, engine=engine)
    assert len(problems) == 3
    records = list(tasks.records(problems, kind))
    verifier = Verifier({"item_seconds": 60.0}, engine=engine)
    if kind == "kk":
        assert all(len(r.task["names"]) == size for r in records)
        answers = [", ".join(f"{n} is a {role}" for n, role in r.task["expect"].items()) for r in records]
    elif kind == "blocksworld":
        assert all(f"b{size}" in r.task["problem"] and f"b{size + 1}" not in r.task["problem"] for r in records)
        results = engine.solve_many(problems)
        answers = ["\n".join(result.answer) for result in results]
    else:
        assert all(f"X{size - 1} :=" in r.task["model"] for r in records)
        answers = [r.task["expect"] for r in records]
    verdicts = verifier.verify_batch([r.task for r in records], [f"<answer>{a}</answer>" for a in answers])
    assert [v.status for v in verdicts] == ["correct"] * 3, [v.reason for v in verdicts]


def test_kk_generator_makes_puzzles_with_one_solution():
    for problem in tasks.generate_kk(3, 5, seed=1):
        assert len(tasks._kk_solutions(problem.formal["statements"], 3)) == 1


def test_causal_program_mode_prompt_and_task(engine):
    problem = tasks.generate("causal", 3, 1, seed=2, engine=engine)[0]
    record = next(tasks.records([problem], "c", mode="program"))
    assert "```scm" in record.prompt and "Would X2 happen" in record.prompt
    assert record.task == {"language": "scm", "expect": problem.expect, "mode": "program"}
    block = f"```scm\n{problem.formal['model']}{problem.formal['query']}\n```"
    assert Verifier(engine=engine).verify(record.task, block).status == "correct"


def test_dataset_export_drops_tasks_the_solver_disagrees_with(data_dir, engine):
    problems, dropped = tasks.from_dataset("folio", data_dir / "folio" / "folio-validation.jsonl", limit=30,
                                           engine=engine)
    assert len(problems) + len(dropped) == 30 and dropped
    assert all(":" in reason for reason in dropped)


def test_cladder_rows_become_formal_causal_tasks_read_in_the_workers(data_dir, engine):
    """CLadder rows load as English for the `cladder` reader; a task set needs their formal model, read in
    the engine's workers. Answer mode shows the model; program mode shows the English as the story."""
    problems, dropped = tasks.from_dataset("cladder", data_dir / "cladder" / "sample.jsonl", limit=8, engine=engine)
    assert len(problems) == 8 and dropped == []
    assert all(p.language == "scm" and "reader" not in p.options for p in problems)
    answer = next(tasks.records(problems, "cladder"))
    assert answer.prompt.startswith("Structural causal model:\ngraph ") and answer.task["query"].startswith("query")
    assert Verifier(engine=engine).verify(answer.task, f"<answer>{problems[0].expect}</answer>").status == "correct"
    program = next(tasks.records(problems, "cladder", mode="program"))
    assert program.prompt.startswith("Imagine a self-contained") and program.task["language"] == "scm"


def test_tasks_command_writes_jsonl_and_verl_parquet(tmp_path, data_dir, capsys):
    import pyarrow.parquet as pq

    out, parquet = tmp_path / "t.jsonl", tmp_path / "t.parquet"
    code = main(["tasks", "--dataset", f"kk:{data_dir / 'knights-knaves' / '3ppl-test.jsonl'}", "--limit", "4",
                 "--generate", "kk:3", "--count", "2", "--out", str(out), "--parquet", str(parquet)])
    assert code == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 6 and all(set(r) == {"id", "data_source", "prompt", "task"} for r in rows)
    table = pq.read_table(parquet).to_pylist()
    assert table[0]["prompt"][0]["role"] == "user"
    assert json.loads(table[0]["reward_model"]["ground_truth"]) == rows[0]["task"]
    assert main(["tasks", "--generate", "kk"]) == 2
    assert main(["tasks", "--generate", "kk:1"]) == 2
    no_text = main(["tasks", "--dataset", f"kk:{data_dir / 'knights-knaves' / '3ppl-test.jsonl'}", "--limit", "1",
                    "--mode", "program"])
    assert no_text == 2 and "program mode takes" in capsys.readouterr().err


def test_verify_command_prints_a_verdict_a_line_and_a_summary(tmp_path, kk_rows, capsys):
    row = kk_rows[0]
    task = {"language": "kk", "names": row["names"], "statements": row["statements"]}
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"task": task, "completion": f"<answer>{row['solution_text']}</answer>"}) + "\n"
                    + "{broken\n" + json.dumps({"task": task}) + "\n")
    code = main(["verify", str(path)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert [line.get("status") for line in lines[:3]] == ["correct", "verifier_error", "verifier_error"]
    assert lines[1]["line"] == 2 and "not JSON" in lines[1]["reason"]
    assert "completion" in lines[2]["reason"]
    assert lines[3]["summary"]["correct"] == 1 and lines[3]["summary"]["verifier_error"] == 2
    assert main(["verify", str(tmp_path / "missing.jsonl")]) == 2
