"""The reward function shapes RL frameworks call, all over one shared Verifier (one warm pool).

- TRL (GRPOTrainer `reward_funcs`): `trl_reward()` returns `f(completions, **columns) -> list[float]`; the
  dataset's `task` column (a mapping or its JSON text) says what each completion is checked against.
  Plain and conversational completions; `trl_reward(asynchronous=True)` is the `async def` variant.
- verl (`custom_reward_function`): `compute_score(data_source, solution_str, ground_truth, extra_info)`
  returns a dict with `score` (and `status`, `reason`); `compute_score_batch(...)` is the batched form.
  The task is the `ground_truth` (JSON text, as `neurosym tasks --parquet` writes it).
- OpenRLHF (`--remote_rm_url`): `openrlhf_rewards(query, prompts, labels)` is what the HTTP service's
  `/get_reward` answers: the completion is the query with its prompt removed, the label is the task.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from typing import Any

from neurosym.rewards.config import RewardConfig
from neurosym.rewards.verify import Verdict, Verifier, default_verifier


def _verifier(config: RewardConfig | dict[str, Any] | None, verifier: Verifier | None) -> Verifier:
    if verifier is not None:
        return verifier
    return default_verifier() if config is None else Verifier(config)


def trl_reward(config: RewardConfig | dict[str, Any] | None = None, *, task_column: str = "task",
               asynchronous: bool = False, verifier: Verifier | None = None) -> Callable[..., Any]:
    """A TRL reward function over the dataset column `task_column`.

    >>> reward = trl_reward()
    >>> task = {"language": "fol", "premises": ["P(a)"], "conclusion": "P(a)", "reference": "expect",
    ...         "expect": "true"}
    >>> reward(["<answer>True</answer>", "False"], task=[task, task])
    [1.0, 0.0]
    """
    chosen = _verifier(config, verifier)

    def scores(completions: Sequence[Any], kwargs: dict[str, Any]) -> list[float]:
        tasks = kwargs.get(task_column)
        if tasks is None:
            raise KeyError(f"the dataset has no {task_column!r} column; pass the tasks in it "
                           f"(see `neurosym tasks`)")
        return [v.reward for v in chosen.verify_batch(list(tasks), list(completions))]

    if asynchronous:
        async def neurosym_reward_async(completions: Sequence[Any], **kwargs: Any) -> list[float]:
            return await asyncio.to_thread(scores, completions, kwargs)

        return neurosym_reward_async

    def neurosym_reward(completions: Sequence[Any], **kwargs: Any) -> list[float]:
        return scores(completions, kwargs)

    return neurosym_reward


def _score_dict(verdict: Verdict) -> dict[str, Any]:
    return {"score": verdict.reward, "status": verdict.status, "reason": verdict.reason,
            "acc": 1.0 if verdict.status == "correct" else 0.0}


def compute_score(data_source: str | None, solution_str: str, ground_truth: Any, extra_info: Any = None,
                  **kwargs: Any) -> dict[str, Any]:
    """verl's custom reward function: the task is `ground_truth` (or `extra_info["task"]`)."""
    task = extra_info.get("task") if isinstance(extra_info, dict) and "task" in extra_info else ground_truth
    return _score_dict(default_verifier().verify(task, solution_str))


def compute_score_batch(data_sources: Sequence[Any], solution_strs: Sequence[str], ground_truths: Sequence[Any],
                        extra_infos: Sequence[Any] | None = None, **kwargs: Any) -> list[dict[str, Any]]:
    """verl's batched reward function (BatchRewardManager): one dict per item, in order."""
    infos = list(extra_infos) if extra_infos is not None else [None] * len(solution_strs)
    tasks = [info["task"] if isinstance(info, dict) and "task" in info else truth
             for info, truth in zip(infos, ground_truths, strict=True)]
    return [_score_dict(v) for v in default_verifier().verify_batch(tasks, list(solution_strs))]


def completion_from_query(query: str, prompt: str | None) -> str:
    """OpenRLHF sends prompt + response as one `query`: the response is what follows the prompt.

    >>> completion_from_query("Q: is it? A: yes", "Q: is it?")
    ' A: yes'
    """
    if prompt and query.startswith(prompt):
        return query[len(prompt):]
    return query


def openrlhf_rewards(verifier: Verifier, query: Sequence[str], prompts: Sequence[str] | None,
                     labels: Sequence[Any]) -> dict[str, Any]:
    """OpenRLHF's remote reward answer: `rewards` (and `scores`, `extra_logs`) for each query, in order."""
    if prompts is not None and len(prompts) != len(query):
        raise ValueError(f"{len(query)} queries but {len(prompts)} prompts")
    if len(labels) != len(query):
        raise ValueError(f"{len(query)} queries but {len(labels)} labels: each label is the query's task")
    completions = [completion_from_query(q, prompts[i] if prompts is not None else None)
                   for i, q in enumerate(query)]
    verdicts = verifier.verify_batch([_label_task(label) for label in labels], completions)
    rewards = [v.reward for v in verdicts]
    return {"rewards": rewards, "scores": rewards,
            "extra_logs": {"correct": [1.0 if v.status == "correct" else 0.0 for v in verdicts]},
            "verdicts": [v.to_dict(details=False) for v in verdicts]}


def _label_task(label: Any) -> Any:
    if isinstance(label, str):
        try:
            return json.loads(label)
        except json.JSONDecodeError:
            return label  # the verifier reports it as a bad task
    return label
