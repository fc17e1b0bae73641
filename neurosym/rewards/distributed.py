"""Beyond one machine: fan a batch out over a Ray cluster through the same verify_batch.

verl and OpenRLHF already run on Ray, so the reward layer uses the cluster they have: `RayVerifier` starts
`actors` Ray actors, each holding one `Verifier` (its own warm pool of sandboxed workers on its node),
cuts a batch into chunks, sends the chunks round-robin and puts the verdicts back in the batch's order.
An actor that dies costs its chunk a second try on another actor; a chunk that fails twice comes back as
verifier_error verdicts, never as a missing result. `ray` stays an optional extra.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from neurosym.rewards.config import RewardConfig
from neurosym.rewards.verify import Verdict, Verifier


class _VerifierActor:
    """The body of a Ray actor: one Verifier, kept warm between chunks."""

    def __init__(self, config: dict[str, Any]):
        self.verifier = Verifier(RewardConfig.from_dict(config))

    def verify_batch(self, tasks: list[Any], completions: list[Any]) -> list[dict[str, Any]]:
        return [v.to_dict() for v in self.verifier.verify_batch(tasks, completions)]


class RayVerifier:
    """verify_batch over `actors` Ray actors (each with `workers_per_actor` sandboxed workers)."""

    def __init__(self, config: RewardConfig | dict[str, Any] | None = None, actors: int = 2,
                 workers_per_actor: int = 1, chunk_size: int = 256, num_cpus: float = 1.0):
        import ray

        if not ray.is_initialized():
            ray.init(ignore_reinit_error=True)
        base = config if isinstance(config, RewardConfig) else RewardConfig.from_dict(config)
        self.config = base.with_changes(workers=workers_per_actor)
        remote = ray.remote(num_cpus=num_cpus, max_restarts=1)(_VerifierActor)
        self.actors = [remote.remote(self.config.to_dict()) for _ in range(max(1, actors))]
        self.chunk_size = max(1, chunk_size)

    def verify_batch(self, tasks: Sequence[Any], completions: Sequence[Any]) -> list[Verdict]:
        import ray

        if len(tasks) != len(completions):
            raise ValueError(f"{len(tasks)} tasks for {len(completions)} completions: give one task each")
        starts = list(range(0, len(tasks), self.chunk_size))
        chunks = [(list(tasks[s:s + self.chunk_size]), list(completions[s:s + self.chunk_size])) for s in starts]
        refs = [self.actors[i % len(self.actors)].verify_batch.remote(*chunk) for i, chunk in enumerate(chunks)]
        out: list[Verdict] = []
        for i, (ref, chunk) in enumerate(zip(refs, chunks, strict=True)):
            try:
                rows = ray.get(ref)
            except Exception:  # the actor died: one more try on the next actor
                try:
                    rows = ray.get(self.actors[(i + 1) % len(self.actors)].verify_batch.remote(*chunk))
                except Exception as exc:
                    reason = f"the Ray actor failed twice on this chunk: {type(exc).__name__}: {exc}"
                    rows = [{"reward": self.config.reward_of("verifier_error"), "status": "verifier_error",
                             "reason": reason}] * len(chunk[0])
            out += [Verdict(r["reward"], r["status"], r["reason"], r.get("details") or {}) for r in rows]
        return out

    def close(self) -> None:
        import ray

        for actor in self.actors:
            ray.kill(actor)
