"""Rewards from verdicts: policies (pure functions) and the reward / reward_batch API."""

from visual_erm.reward.api import RewardResult, areward_batch, resolve_judge, reward, reward_batch, score_verdicts
from visual_erm.reward.policies import Outcome, Policy, get_policy, list_policies, register_policy, weighted_severity

__all__ = [
    "Outcome",
    "Policy",
    "RewardResult",
    "areward_batch",
    "get_policy",
    "list_policies",
    "register_policy",
    "resolve_judge",
    "reward",
    "reward_batch",
    "score_verdicts",
    "weighted_severity",
]
