"""Answer extraction: reasoning blocks, answer tags, boxed answers, the last-line rule, fences, the cap."""

from __future__ import annotations

import pytest

from neurosym.rewards.extract import TooLong, extract_answer, extract_block


def test_answer_after_reasoning_wins_over_answers_inside_it():
    text = "<think>maybe <answer>False</answer>?</think>\nSo: <answer>True</answer>"
    found = extract_answer(text, 1000)
    assert (found.text, found.how) == ("True", "answer_tag")


def test_last_answer_tag_counts():
    assert extract_answer("<answer>a</answer> wait <answer>b</answer>", 100).text == "b"


def test_boxed_with_nested_braces_and_text_macro():
    found = extract_answer(r"Thus \boxed{\text{Uncertain}} is the answer.", 100)
    assert (found.text, found.how) == ("Uncertain", "boxed")
    assert extract_answer(r"\boxed{a{b}c}", 100).text == "a{b}c"


def test_last_line_rule_drops_a_lead_in():
    found = extract_answer("I reasoned.\n\n**Final answer:** false\n\n", 100)
    assert (found.text, found.how, found.formatted) == ("false", "last_line", False)


def test_unclosed_reasoning_has_no_answer():
    assert extract_answer("<think>still thinking... True", 100).how == "unclosed_think"
    assert extract_block("<think>```fol\nP(a)\n```", "fol", 100).text is None


def test_empty_completion_has_no_answer():
    assert extract_answer("   \n", 100).text is None


def test_over_the_cap_is_refused_before_reading():
    with pytest.raises(TooLong, match="over the cap of 10"):
        extract_answer("x" * 11, 10)


def test_fence_of_the_tasks_language_only():
    text = "```python\nprint(1)\n```\n```fol\nP(a)\n⊢ P(a)\n```\n```prolog\np.\n```"
    assert extract_block(text, "fol", 1000).text == "P(a)\n⊢ P(a)\n"
    assert extract_block(text, "prolog", 1000).text == "p.\n"
    assert extract_block(text, "scm", 1000).text is None
