"""RL rewards checked by the solvers: verify(task, completion) -> {reward, status, reason}.

See docs/rewards.md. The shapes RL frameworks call live in `neurosym.rewards.frameworks` (TRL, verl,
OpenRLHF), the HTTP service in `neurosym.rewards.service`, the Ray fan-out in `neurosym.rewards.distributed`,
training task sets in `neurosym.rewards.tasks`.
"""

from neurosym.rewards.config import STATUSES, RewardConfig
from neurosym.rewards.verify import Verdict, Verifier, default_verifier, verify, verify_batch

__all__ = ["STATUSES", "RewardConfig", "Verdict", "Verifier", "default_verifier", "verify", "verify_batch"]
