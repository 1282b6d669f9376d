"""PPO loss terms on flow log-likelihoods, independent of the rsl-rl-lib version (spec ``genpo.md`` §2)."""

from __future__ import annotations

import torch


def clipped_surrogate(
    log_prob: torch.Tensor, old_log_prob: torch.Tensor, advantages: torch.Tensor, clip_param: float
) -> torch.Tensor:
    """Return PPO's clipped surrogate loss with the ratio ``exp(log π - log π_old)`` (all tensors ``[B]``)."""
    ratio = torch.exp(log_prob - old_log_prob)
    clipped = torch.clamp(ratio, 1.0 - clip_param, 1.0 + clip_param)
    return torch.max(-advantages * ratio, -advantages * clipped).mean()


def value_loss(
    values: torch.Tensor, old_values: torch.Tensor, returns: torch.Tensor, clip_param: float, clipped: bool
) -> torch.Tensor:
    """Return the value loss exactly as rsl_rl's PPO computes it (clipped around the rollout values if asked)."""
    if not clipped:
        return (returns - values).pow(2).mean()
    values_clipped = old_values + (values - old_values).clamp(-clip_param, clip_param)
    return torch.max((values - returns).pow(2), (values_clipped - returns).pow(2)).mean()


def adapted_learning_rate(learning_rate: float, kl_mean: float, desired_kl: float) -> float:
    """Return rsl_rl's adaptive learning rate: ``/1.5`` above ``2·desired_kl``, ``×1.5`` below ``desired_kl/2``."""
    if kl_mean > desired_kl * 2.0:
        return max(1e-5, learning_rate / 1.5)
    if desired_kl / 2.0 > kl_mean > 0.0:
        return min(1e-2, learning_rate * 1.5)
    return learning_rate
