"""Knights and Knaves answers are checked against the statements, not against a gold string."""

from __future__ import annotations

from rewards_helpers import flipped, kk_task


def test_every_gold_answer_of_the_dataset_is_correct_in_both_formats(verifier, kk_rows):
    tasks = [kk_task(row) for row in kk_rows for _ in range(2)]
    completions = [text for row in kk_rows
                   for text in (f"<think>...</think><answer>{row['solution_text']}</answer>",
                                row["solution_text_format"])]
    verdicts = verifier.verify_batch(tasks, completions)
    assert [v.status for v in verdicts] == ["correct"] * len(tasks)
    assert all(v.reward == 1.0 for v in verdicts)


def test_a_flipped_assignment_names_the_statement_it_breaks(verifier, kk_rows):
    row = kk_rows[0]  # Amelia, Penelope, Evelyn: knight, knight, knave
    verdict = verifier.verify(kk_task(row), f"<answer>{flipped(row['solution_text'])}</answer>")
    assert verdict.status == "wrong" and verdict.reward == 0.0
    assert "breaks the assignment" in verdict.reason
    statement = verdict.details["broken_statement"]
    assert row["names"][statement - 1] in verdict.reason


def test_any_assignment_consistent_with_the_statements_is_correct(verifier):
    # Each says the other is a knight: both knights and both knaves are consistent; the gold string says
    # knights, yet both knaves earns the reward too.
    task = {"language": "kk", "names": ["Ann", "Bo"], "expect": {"Ann": "knight", "Bo": "knight"},
            "statements": [["telling-truth", 1], ["telling-truth", 0]]}
    both_knaves = verifier.verify(task, "<answer>Ann is a knave and Bo is a knave</answer>")
    assert both_knaves.status == "correct"
    mixed = verifier.verify(task, "<answer>Ann is a knight, Bo is a knave</answer>")
    assert mixed.status == "wrong"


def test_missing_and_conflicting_roles(verifier, kk_rows):
    task = kk_task(kk_rows[0])
    missing = verifier.verify(task, "<answer>Amelia is a knight, Penelope is a knight</answer>")
    assert missing.status == "wrong" and "no role to Evelyn" in missing.reason
    both = verifier.verify(task, "<answer>Amelia is a knight, Amelia is a knave, Penelope is a knight, "
                                 "Evelyn is a knave</answer>")
    assert both.status == "wrong" and "both a knight and a knave" in both.reason
    nothing = verifier.verify(task, "<answer>I cannot tell</answer>")
    assert nothing.status == "no_answer"


def test_a_malformed_task_is_a_verifier_error_not_the_models_fault(verifier):
    task = {"language": "kk", "names": ["Ann"], "statements": "(('telling-truth', 5),)"}
    verdict = verifier.verify(task, "<answer>Ann is a knight</answer>")
    assert verdict.status == "verifier_error" and "person index" in verdict.reason


def test_the_last_line_rule_widens_upward_in_linear_time(verifier, kk_rows):
    row = kk_rows[0]
    lines = row["solution_text_format"]  # "(1) Amelia is a knight\n(2) ...\n(3) Evelyn is a knave"
    padded = "Suppose Amelia is a knave...\n" + "filler\n" * 3_000 + lines
    verdict = verifier.verify(kk_task(row), padded)
    assert verdict.status == "correct"
