"""A plain flow-matching policy and the FPO++ objective (McAllister et al. 2025; Yi, Choi et al. 2026).

Policy: ``a = x_1`` from ``x_0 ~ N(0, I_d)`` (or ``x_0 = 0``: zero-noise evaluation) by Euler steps of
``dx/dτ = v(x_τ, c, τ)``. No likelihood is ever computed. The FPO ratio of a stored action ``a`` uses the
conditional flow-matching (CFM) loss at Monte-Carlo pairs ``(ε_i, τ_i)`` fixed at rollout time:

    ℓ_i(θ) = ‖v_θ(τ_i a + (1 − τ_i) ε_i, c, τ_i) − (a − ε_i)‖²,     log r_i = ℓ_i(θ_old) − ℓ_i(θ)

(the squared L2 norm over the ``d`` action dimensions, as in FPO).

FPO++ keeps one ratio per pair (``per_sample_ratio``) and uses an asymmetric trust region (``trust_region="aspo"``):
PPO's clipped surrogate for ``A ≥ 0`` and SPO's quadratic penalty ``r·A − |A|/(2ε)·(r − 1)²`` for ``A < 0``.
"""

from __future__ import annotations

import torch
import torch.nn as nn

from genpo_rsl.modules.velocity import VelocityField

TRUST_REGIONS = ("aspo", "ppo")
"""``"aspo"``: PPO clip for positive, SPO penalty for negative advantages (FPO++); ``"ppo"``: PPO clip for both."""


class FlowMatchingPolicy(nn.Module):
    """``v(x, c, τ)`` (GenPO's :class:`~genpo_rsl.modules.velocity.VelocityField`) and its Euler sampler; no doubled action."""

    def __init__(self, velocity: VelocityField, num_flow_steps: int = 10) -> None:
        """Wrap a velocity field over ``x ∈ R^d`` (the same network code as GenPO's) with an Euler sampler.

        Args:
            velocity: ``v(x, c, τ)`` (:meth:`VelocityField.build`).
            num_flow_steps: Euler steps of the sampler (FPO++: 10).
        """
        super().__init__()
        if num_flow_steps < 1:
            raise ValueError(f"FPOActor: num_flow_steps={num_flow_steps!r} is invalid; allowed: >= 1.")
        self.velocity, self.num_flow_steps = velocity, num_flow_steps
        self.action_dim, self.cond_dim = velocity.action_dim, velocity.cond_dim

    def forward(self, x0: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        """Return ``x_1`` from ``x_0`` by ``num_flow_steps`` Euler steps of ``v(x, c, τ)`` over τ ∈ [0, 1]."""
        times = torch.arange(self.num_flow_steps, dtype=cond.dtype, device=cond.device) / self.num_flow_steps
        h_cond, h_time = self.velocity.conditioning(cond, times)
        x = x0
        for i in range(self.num_flow_steps):
            x = x + self.velocity(x, h_cond + h_time[i]) / self.num_flow_steps
        return x

    def sample_action(self, cond: torch.Tensor) -> torch.Tensor:
        """Return actions ``[B, d]`` from fresh noise ``x_0 ~ N(0, I)`` for the conditioning ``cond`` ``[B, cond_dim]``."""
        return self(torch.randn(cond.shape[0], self.action_dim, dtype=cond.dtype, device=cond.device), cond)

    def zero_noise_action(self, cond: torch.Tensor) -> torch.Tensor:
        """Return the deterministic actions ``[B, d]`` of ``x_0 = 0`` (FPO++'s zero-noise evaluation)."""
        return self(torch.zeros(cond.shape[0], self.action_dim, dtype=cond.dtype, device=cond.device), cond)

    def cfm_losses(
        self, cond: torch.Tensor, actions: torch.Tensor, eps: torch.Tensor, tau: torch.Tensor
    ) -> torch.Tensor:
        """Return the CFM losses ``ℓ_i`` of actions at Monte-Carlo pairs ``(ε_i, τ_i)`` (module docstring).

        Args:
            cond: The conditioning ``[B, cond_dim]``.
            actions: The actions ``a`` ``[B, d]``.
            eps: The noise samples ``ε_i`` ``[B, M, d]``.
            tau: The flow times ``τ_i`` ``[B, M]``.

        Returns:
            ``ℓ_i`` ``[B, M]``.
        """
        b, m, d = eps.shape
        x_tau = tau.unsqueeze(-1) * actions.unsqueeze(1) + (1.0 - tau.unsqueeze(-1)) * eps
        h_cond, h_time = self.velocity.conditioning(cond, tau.reshape(-1))
        v = self.velocity(x_tau.reshape(b * m, d), h_cond.repeat_interleave(m, dim=0) + h_time).view(b, m, d)
        return (v - (actions.unsqueeze(1) - eps)).pow(2).sum(-1)


def fpo_surrogate(
    log_ratio: torch.Tensor, advantages: torch.Tensor, clip_param: float, trust_region: str
) -> torch.Tensor:
    """Return the FPO policy loss (to minimize) of log-ratios and advantages.

    Args:
        log_ratio: The log-ratios ``[B, M]`` (one per pair) or ``[B, 1]``.
        advantages: The advantages ``[B]``.
        clip_param: PPO's clip ``ε`` (also the SPO penalty's ``ε``).
        trust_region: One of :data:`TRUST_REGIONS`: ``"ppo"`` clips both signs, ``"aspo"`` uses SPO's penalty
            for ``A < 0``.

    Returns:
        The mean loss over all entries (a scalar).
    """
    ratio = torch.exp(log_ratio)
    adv = advantages.unsqueeze(-1)
    clipped = torch.max(-adv * ratio, -adv * ratio.clamp(1.0 - clip_param, 1.0 + clip_param))
    if trust_region == "ppo":
        return clipped.mean()
    spo = -(adv * ratio - adv.abs() / (2.0 * clip_param) * (ratio - 1.0).pow(2))
    return torch.where(adv >= 0, clipped, spo).mean()
