"""Reward configuration: the reward of each verdict status, partial credit, a format bonus, and limits.

A trainer must be able to tell a wrong answer from a verifier fault, so every verdict carries one of
`STATUSES`; the reward of each is a setting here, never hard-wired. Load it from a mapping (or a YAML /
JSON file) with `RewardConfig.from_dict`; unknown keys are an error naming them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

STATUSES = ("correct", "wrong", "no_answer", "parse_error", "timeout", "verifier_error")

DEFAULT_REWARDS = {"correct": 1.0, "wrong": 0.0, "no_answer": 0.0, "parse_error": 0.0, "timeout": 0.0,
                   "verifier_error": 0.0}


@dataclass(frozen=True)
class RewardConfig:
    """How verdicts become numbers, and the limits every item is checked under.

    - `rewards`: the reward of each status.
    - `partial_credit`: for an invalid plan, add `partial_scale` x (share of goals reached by the valid
      prefix) to the `wrong` reward.
    - `format_bonus`: added when the completion used the asked-for format (a closed reasoning block if
      any, and the answer in `<answer>` tags, `\\boxed{}` or a fenced block).
    - `max_completion_chars`: longer completions are a parse_error before anything parses them.
    - `item_seconds`: wall clock per item that needs a prover; past it the worker is killed: `timeout`.
    - `reference`: what an answer is checked against where a solver decides it (fol, prolog, scm):
      "solver" (the engine's verdict on the formal problem) or "expect" (the task's gold answer).

    >>> RewardConfig.from_dict({"rewards": {"parse_error": -0.5}}).reward_of("parse_error")
    -0.5
    """

    rewards: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_REWARDS))
    partial_credit: bool = False
    partial_scale: float = 0.5
    format_bonus: float = 0.0
    max_completion_chars: int = 32_000
    max_plan_steps: int = 10_000
    item_seconds: float = 5.0
    memory_mb: int = 2048
    workers: int | None = None
    reference: str = "solver"

    def __post_init__(self) -> None:
        unknown = set(self.rewards) - set(STATUSES)
        if unknown:
            raise ValueError(f"unknown status(es) in rewards: {', '.join(sorted(unknown))} "
                             f"(statuses: {', '.join(STATUSES)})")
        object.__setattr__(self, "rewards", {**DEFAULT_REWARDS, **{k: float(v) for k, v in self.rewards.items()}})
        if self.reference not in ("solver", "expect"):
            raise ValueError(f"reference must be 'solver' or 'expect', got {self.reference!r}")
        if self.item_seconds <= 0 or self.max_completion_chars <= 0 or self.max_plan_steps <= 0:
            raise ValueError("item_seconds, max_completion_chars and max_plan_steps must be positive")

    def reward_of(self, status: str) -> float:
        return self.rewards[status]

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> RewardConfig:
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown reward setting(s): {', '.join(sorted(unknown))} "
                             f"(known: {', '.join(sorted(known))})")
        return cls(**data)

    @classmethod
    def from_file(cls, path: str | Path) -> RewardConfig:
        import yaml

        return cls.from_dict(yaml.safe_load(Path(path).read_text(encoding="utf-8")))

    def with_changes(self, **changes: Any) -> RewardConfig:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
