"""Sampling, likelihood and compression of a flow policy: shared by the rsl-rl-lib 5.x and 3.x actors."""

from __future__ import annotations

import warnings

import torch
from tensordict import TensorDict

from genpo_rsl.flow import GenPOFlow

INFERENCE_MODES = ("zero_noise", "sample")
"""Deterministic (``z = 0``) or sampled actions at inference / play time."""

ROUNDTRIP_WARN = 1e-4
"""Warn when the expected float32 round-trip error ``eps32 * mix_p^(-2N)`` of the inverse exceeds this."""


def validate_flow_settings(
    who: str,
    action_dim: int,
    hidden_dims: tuple[int, ...] | list[int],
    num_flow_steps: int,
    mix_p: float,
    time_embed_dim: int,
    inference_mode: str,
    names: tuple[str, str] = ("output_dim", "hidden_dims"),
) -> None:
    """Raise ``ValueError`` naming the bad flow setting and what is allowed; warn if the inverse is ill-conditioned.

    ``names`` are how the adapter calls the action size and the hidden sizes in its config.
    """
    if not 0.0 < float(mix_p) < 1.0:
        raise ValueError(f"{who}: mix_p={mix_p!r} is invalid; allowed: 0 < mix_p < 1 (paper: 0.9).")
    if isinstance(num_flow_steps, bool) or int(num_flow_steps) != num_flow_steps or num_flow_steps < 1:
        raise ValueError(f"{who}: num_flow_steps={num_flow_steps!r} is invalid; allowed: an integer >= 1 (paper: 5).")
    if inference_mode not in INFERENCE_MODES:
        raise ValueError(f"{who}: inference_mode={inference_mode!r} is invalid; allowed: {list(INFERENCE_MODES)}.")
    if int(time_embed_dim) < 2:
        raise ValueError(f"{who}: time_embed_dim={time_embed_dim!r} is invalid; allowed: an integer >= 2.")
    if len(hidden_dims) == 0 or any(int(h) < 1 for h in hidden_dims):
        raise ValueError(
            f"{who}: {names[1]}={list(hidden_dims)!r} is invalid; allowed: a non-empty list of sizes >= 1."
        )
    if action_dim < 1:
        raise ValueError(f"{who}: {names[0]}={action_dim!r} is invalid; allowed: >= 1.")
    amplification = float(mix_p) ** (-2 * int(num_flow_steps))  # the inverse's rounding amplification
    if torch.finfo(torch.float32).eps * amplification > ROUNDTRIP_WARN:
        warnings.warn(
            f"{who}: mix_p={mix_p} with num_flow_steps={num_flow_steps} is ill-conditioned: the inverse amplifies "
            f"float32 rounding by mix_p^(-2N) = {amplification:.3g}, so the inverse recovers the latent (and the "
            f"log-prob) only to about {torch.finfo(torch.float32).eps * amplification:.2g} (> {ROUNDTRIP_WARN}). "
            f"Use mix_p >= 0.9 or fewer steps (paper: mix_p=0.9, num_flow_steps=5).",
            stacklevel=4,
        )


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
