"""The shapes TRL, verl and OpenRLHF call."""

from __future__ import annotations

import asyncio
import inspect
import json

import pytest
from rewards_helpers import flipped, kk_task

from neurosym.rewards import frameworks
from neurosym.rewards.frameworks import compute_score, compute_score_batch, openrlhf_rewards, trl_reward


@pytest.fixture(scope="module")
def kk_pair(kk_rows):
    row = kk_rows[3]
    return kk_task(row), f"<answer>{row['solution_text']}</answer>", f"<answer>{flipped(row['solution_text'])}</answer>"


def test_trl_plain_and_conversational(verifier, kk_pair):
    task, right, wrong = kk_pair
    reward = trl_reward(verifier=verifier)
    assert reward([right, wrong], task=[task, json.dumps(task)], prompts=["p", "p"]) == [1.0, 0.0]
    conversation = [[{"role": "assistant", "content": right}], [{"role": "assistant", "content": wrong}]]
    assert reward(conversation, task=[task, task]) == [1.0, 0.0]


def test_trl_async(verifier, kk_pair):
    task, right, wrong = kk_pair
    reward = trl_reward(verifier=verifier, asynchronous=True)
    assert inspect.iscoroutinefunction(reward)
    assert asyncio.run(reward([wrong, right], task=[task, task])) == [0.0, 1.0]


def test_trl_without_the_task_column_says_so(verifier):
    with pytest.raises(KeyError, match="no 'task' column"):
        trl_reward(verifier=verifier)(["x"], answer=["y"])


def test_verl_single_and_batch(kk_pair, monkeypatch, verifier):
    monkeypatch.setattr(frameworks, "default_verifier", lambda: verifier)
    task, right, wrong = kk_pair
    one = compute_score("neurosym/kk", right, json.dumps(task), {"index": 0})
    assert one["score"] == 1.0 and one["status"] == "correct" and one["acc"] == 1.0
    from_extra = compute_score("neurosym/kk", wrong, None, {"task": task})
    assert from_extra["score"] == 0.0 and from_extra["status"] == "wrong"
    batch = compute_score_batch(["k", "k"], [right, wrong], [json.dumps(task)] * 2, [{}, {}])
    assert [b["score"] for b in batch] == [1.0, 0.0]


def test_openrlhf_strips_the_prompt_from_the_query(verifier, kk_pair):
    task, right, wrong = kk_pair
    prompt = "Solve: who is a knight? Write <answer>...</answer>."
    out = openrlhf_rewards(verifier, [prompt + right, prompt + wrong], [prompt, prompt],
                           [json.dumps(task), json.dumps(task)])
    assert out["rewards"] == [1.0, 0.0] and out["scores"] == out["rewards"]
    with pytest.raises(ValueError, match="labels"):
        openrlhf_rewards(verifier, [right], None, [])
