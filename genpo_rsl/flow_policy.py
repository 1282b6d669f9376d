"""Sampling, likelihood and compression of a flow policy: shared by the rsl-rl-lib 5.x and 3.x actors."""

from __future__ import annotations

import torch
from tensordict import TensorDict

from genpo_rsl.flow import GenPOFlow


class FlowPolicyMixin:
    """Needs ``flow`` (:class:`GenPOFlow`), ``action_dim`` and ``flow_obs(obs)`` (normalized, concatenated obs)."""

    flow: GenPOFlow
    action_dim: int
    _action_std: torch.Tensor

    def flow_obs(self, obs: TensorDict) -> torch.Tensor:
        """Return the normalized observation the flow is conditioned on."""
        raise NotImplementedError

    def sample(self, obs: TensorDict) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Sample ``(ã, z, log π(ã|s))`` for a rollout step; no autograd needed."""
        latent = self.flow_obs(obs)
        z = self.noise(latent)
        dummy = self.flow(z, latent)
        self._action_std = self.env_action(dummy).std(0) if dummy.shape[0] > 1 else torch.zeros(self.action_dim)
        return dummy, z, self.flow.latent_log_prob(z)

    def log_prob(self, obs: TensorDict, dummy_actions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(log π(ã|s), z = F⁻¹(ã))`` of stored dummy actions under the current parameters."""
        return self.flow.log_prob(dummy_actions, self.flow_obs(obs))

    def compression(self, obs: TensorDict) -> torch.Tensor:
        """Return the compression loss ``E[(x_N - y_N)^2]`` on a fresh sample, with gradient."""
        latent = self.flow_obs(obs)
        dummy = self.flow(self.noise(latent), latent)
        return (dummy[:, : self.action_dim] - dummy[:, self.action_dim :]).pow(2).mean()

    def env_action(self, dummy_actions: torch.Tensor) -> torch.Tensor:
        """Map dummy actions ``(x, y)`` to environment actions ``(x + y) / 2``."""
        return 0.5 * (dummy_actions[..., : self.action_dim] + dummy_actions[..., self.action_dim :])

    def noise(self, latent: torch.Tensor) -> torch.Tensor:
        """Return a latent ``z ~ N(0, I_2d)`` for each row of ``latent``."""
        return torch.randn(latent.shape[0], 2 * self.action_dim, dtype=latent.dtype, device=latent.device)


def check_finite_obs(who: str, latent: torch.Tensor, obs: TensorDict, groups: list[str]) -> torch.Tensor:
    """Return ``latent``; raise ``ValueError`` naming the observation groups with NaN/inf values."""
    if not torch.isfinite(latent).all():
        bad = [g for g in groups if not torch.isfinite(obs[g]).all()]
        raise ValueError(
            f"{who} got non-finite observations in group(s) {bad or groups} "
            f"(after normalization: {int((~torch.isfinite(latent)).sum())} values); all observations must be finite."
        )
    return latent
