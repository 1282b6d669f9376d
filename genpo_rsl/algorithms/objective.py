"""The GenPO objective of one minibatch, independent of the rsl-rl-lib version (docs/algorithm.md §2).

L = L_clip(r) + c_v·L_value − λ·H + ν·C,     r = exp(log π(ã|s) − log π_old(ã|s))

H is the paper's estimate ``−mean log π(ã_old|s)`` (``entropy_form="estimate"``) or the exact entropy of the doubled
action ``mean H(N(0, diag σ(s)²)) + 2dN·log p`` (``"exact"``), which moves only through a trained base-noise scale σ,
as PPO's entropy term moves only through its std.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

COMPRESSION_FORMS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "squared_norm": lambda gap: gap.pow(2).sum(-1).mean(),
    "norm": lambda gap: torch.linalg.vector_norm(gap, dim=-1).mean(),
    "mean_square": lambda gap: gap.pow(2).mean(),
}
"""Compression loss ``C`` of the halves' gap ``x_N − y_N`` ``[B, d]``: the paper's ``E‖x−y‖²`` ("squared_norm"), the
released code's ``E‖x−y‖₂`` ("norm"), or the per-dimension mean ``E‖x−y‖²/d`` ("mean_square", genpo_rsl 0.1)."""


ENTROPY_FORMS = ("estimate", "exact")
"""The entropy term ``H``: the paper's cross-entropy estimate on the stored actions, or the closed form."""


@dataclass(frozen=True)
class ObjectiveCfg:
    """Coefficients of the GenPO loss (PPO's, plus ν and the compression form)."""

    clip_param: float
    value_loss_coef: float
    entropy_coef: float
    compression_coef: float
    compression_form: str
    use_clipped_value_loss: bool
    normalize_advantage_per_mini_batch: bool
    entropy_form: str = "estimate"


def clipped_surrogate(
    log_prob: torch.Tensor, old_log_prob: torch.Tensor, advantages: torch.Tensor, clip_param: float
) -> torch.Tensor:
    """Return PPO's clipped surrogate loss with the ratio ``exp(log π − log π_old)`` (all tensors ``[B]``)."""
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


def genpo_loss(
    cfg: ObjectiveCfg,
    log_prob: torch.Tensor,
    old_log_prob: torch.Tensor,
    advantages: torch.Tensor,
    values: torch.Tensor,
    old_values: torch.Tensor,
    returns: torch.Tensor,
    halves_gap: torch.Tensor,
    exact_entropy: torch.Tensor | None = None,
) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """Return ``(L, terms)`` of one minibatch (``log_prob``/``old_log_prob``/``advantages``/``exact_entropy`` ``[B]``).

    ``exact_entropy`` (the closed-form ``H(ã|s)`` per state) is needed with ``entropy_form="exact"``; when given it is
    also returned as the term ``entropy_exact``.
    """
    if cfg.normalize_advantage_per_mini_batch:
        advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
    surrogate = clipped_surrogate(log_prob, old_log_prob, advantages, cfg.clip_param)
    v_loss = value_loss(values, old_values, returns, cfg.clip_param, cfg.use_clipped_value_loss)
    if cfg.entropy_form == "exact":
        if exact_entropy is None:
            raise ValueError("genpo_loss: entropy_form='exact' needs exact_entropy; allowed: a [B] tensor.")
        entropy = exact_entropy.mean()
    else:
        entropy = -log_prob.mean()
    compression = COMPRESSION_FORMS[cfg.compression_form](halves_gap)
    loss = surrogate + cfg.value_loss_coef * v_loss - cfg.entropy_coef * entropy + cfg.compression_coef * compression
    terms = {"surrogate": surrogate, "value": v_loss, "entropy": entropy, "compression": compression}
    if exact_entropy is not None:
        terms["entropy_exact"] = exact_entropy.detach().mean()
    return loss, terms
