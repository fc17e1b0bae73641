"""Ray fan-out on a local Ray instance (two CPUs), through the same verify_batch."""

from __future__ import annotations

import pytest
from rewards_helpers import flipped, kk_task

ray = pytest.importorskip("ray", reason="ray is an optional extra: pip install neurosym[ray]")


@pytest.mark.slow
def test_ray_fan_out_keeps_every_verdict_in_order(kk_rows):
    from neurosym.rewards.distributed import RayVerifier

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        verifier = RayVerifier(actors=2, chunk_size=7, num_cpus=0.5)
        tasks, completions, expected = [], [], []
        for row in kk_rows[:20]:
            tasks += [kk_task(row), kk_task(row)]
            completions += [f"<answer>{row['solution_text']}</answer>", flipped(row["solution_text"])]
            expected += ["correct", "wrong"]
        verdicts = verifier.verify_batch(tasks, completions)
        assert [v.status for v in verdicts] == expected
        fol = {"language": "fol", "premises": ["P(a)"], "conclusion": "P(a)"}
        assert verifier.verify_batch([fol], ["<answer>true</answer>"])[0].status == "correct"
        verifier.close()
    finally:
        ray.shutdown()
