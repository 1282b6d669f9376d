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
    """Coefficients of the GenPO loss (PPO's, plus ν and the compression form).

    Args:
        clip_param: PPO's clip ``ε`` of the ratio (and of the value loss).
        value_loss_coef: ``c_v``.
        entropy_coef: ``λ``.
        compression_coef: ``ν``, the weight of the compression loss ``C``.
        compression_form: A key of :data:`COMPRESSION_FORMS`.
        use_clipped_value_loss: Whether the value loss is clipped around the rollout values (rsl_rl's PPO rule).
        normalize_advantage_per_mini_batch: Whether the advantages are normalized within each minibatch.
        entropy_form: One of :data:`ENTROPY_FORMS`.
    """

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
    """Return PPO's clipped surrogate loss with the ratio ``exp(log π − log π_old)``.

    Args:
        log_prob: ``log π`` under the current parameters ``[B]``.
        old_log_prob: ``log π_old`` from the rollout ``[B]``.
        advantages: The advantages ``[B]``.
        clip_param: The clip ``ε`` of the ratio.

    Returns:
        The mean loss (a scalar).
    """
    ratio = torch.exp(log_prob - old_log_prob)
    clipped = torch.clamp(ratio, 1.0 - clip_param, 1.0 + clip_param)
    return torch.max(-advantages * ratio, -advantages * clipped).mean()


def value_loss(
    values: torch.Tensor, old_values: torch.Tensor, returns: torch.Tensor, clip_param: float, clipped: bool
) -> torch.Tensor:
    """Return the value loss exactly as rsl_rl's PPO computes it (clipped around the rollout values if asked).

    Args:
        values: The critic's current values ``[B]``.
        old_values: The rollout values ``[B]``.
        returns: The returns ``[B]``.
        clip_param: The clip of ``values − old_values``.
        clipped: Whether to use the clipped loss.

    Returns:
        The mean squared error (a scalar).
    """
    if not clipped:
        return (returns - values).pow(2).mean()
    values_clipped = old_values + (values - old_values).clamp(-clip_param, clip_param)
    return torch.max((values - returns).pow(2), (values_clipped - returns).pow(2)).mean()


def adapted_learning_rate(learning_rate: float, kl_mean: float, desired_kl: float) -> float:
    """Return rsl_rl's adaptive learning rate: ``/1.5`` above ``2·desired_kl``, ``×1.5`` below ``desired_kl/2``.

    Args:
        learning_rate: The current learning rate.
        kl_mean: The mean KL divergence of the minibatch.
        desired_kl: The target KL divergence.

    Returns:
        The new learning rate, kept within ``[1e-5, 1e-2]`` when it changes.
    """
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
    """Return the GenPO loss ``L`` of one minibatch and its terms.

    Args:
        cfg: The loss's coefficients.
        log_prob: ``log π(ã|s)`` under the current parameters ``[B]``.
        old_log_prob: ``log π_old(ã|s)`` from the rollout ``[B]``.
        advantages: The advantages ``[B]``.
        values: The critic's current values ``[B]``.
        old_values: The rollout values ``[B]``.
        returns: The returns ``[B]``.
        halves_gap: ``x_N − y_N`` of fresh samples ``[B, d]`` (the compression loss's input).
        exact_entropy: The closed-form ``H(ã|s)`` per state ``[B]``; needed with ``entropy_form="exact"``, and when
            given also returned as the term ``entropy_exact``.

    Returns:
        ``(L, terms)``: the scalar loss and its terms ``surrogate``, ``value``, ``entropy`` and ``compression`` (and
        ``entropy_exact``).

    Raises:
        ValueError: If ``entropy_form="exact"`` and ``exact_entropy`` is ``None``.
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
