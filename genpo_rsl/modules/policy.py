"""What a flow actor does, independent of the rsl-rl-lib version: sample, likelihood, the halves' gap, spreads."""

from __future__ import annotations

from collections.abc import Callable

import torch
from tensordict import TensorDict

from genpo_rsl.modules.cuda_graphs import sample_flow
from genpo_rsl.modules.flow import GenPOFlow

SPREAD_STATES, SPREAD_SAMPLES = 64, 16
"""States and latent samples per state used to measure the policy's own spread (:func:`per_state_std`)."""


class FlowPolicy:
    """Mixed into each adapter's actor; needs ``flow`` and :meth:`flow_condition` (the observation latent ``c``)."""

    flow: GenPOFlow
    action_dim: int
    action_spread: torch.Tensor
    """Per-dimension std of the env action for a fixed state, from the last update (what rsl_rl logs as the std)."""

    def flow_condition(self, obs: TensorDict) -> torch.Tensor:
        """Return the conditioning ``c`` of the flow: the actor's observation latent (normalized observations)."""
        raise NotImplementedError

    def sample(self, obs: TensorDict) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Sample dummy actions for a rollout step; no autograd needed.

        Args:
            obs: The observations.

        Returns:
            ``(ã, z, log π(ã|s))``: the dummy actions ``[B, 2d]``, latents ``[B, 2d]``, log-likelihoods ``[B]``.
        """
        return sample_flow(self.flow, self.flow_condition(obs))

    def log_prob(self, obs: TensorDict, dummy_actions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the log-likelihood of stored dummy actions under the current parameters.

        Args:
            obs: The observations.
            dummy_actions: The dummy actions ``ã`` ``[B, 2d]``.

        Returns:
            ``(log π(ã|s), z = F⁻¹(ã))``: ``[B]`` and ``[B, 2d]``.
        """
        return self.flow.log_prob(dummy_actions, self.flow_condition(obs))

    def halves_gap(self, obs: TensorDict) -> torch.Tensor:
        """Return ``x_N − y_N`` of a fresh sample, with gradient (the compression loss's input).

        Args:
            obs: The observations.

        Returns:
            The gap ``[B, d]``.
        """
        cond = self.flow_condition(obs)
        dummy = self.flow(self.flow.sample_latent(cond.shape[0], cond), cond)
        return dummy[:, : self.action_dim] - dummy[:, self.action_dim :]

    def env_action(self, dummy_actions: torch.Tensor) -> torch.Tensor:
        """Map dummy actions ``(x, y)`` to environment actions ``(x + y) / 2``.

        Args:
            dummy_actions: The dummy actions ``[..., 2d]``.

        Returns:
            The environment actions ``[..., d]``.
        """
        return self.flow.env_action(dummy_actions)

    def spreads(self, obs: TensorDict) -> dict[str, torch.Tensor]:
        """Return the policy's own spread per dimension on the first states of ``obs`` (:meth:`spreads_at`).

        Args:
            obs: The observations.

        Returns:
            What :meth:`spreads_at` returns.
        """
        return self.spreads_at(self.flow_condition(obs[:SPREAD_STATES]))

    def spreads_at(self, cond: torch.Tensor) -> dict[str, torch.Tensor]:
        """Return the policy's own spread per dimension (:func:`per_state_std` on the first rows of ``cond``).

        Args:
            cond: The flow's conditioning ``[B, c]`` (the observation latent).

        Returns:
            ``action_std`` (std of the env action, ``[d]``) and ``halves_gap_std`` (std of ``x − y``, ``[d]``); with a
            learnable σ also ``base_scale`` (σ averaged over dimensions and states).
        """

        def draw(cond: torch.Tensor) -> torch.Tensor:
            x, y = self.flow(self.flow.sample_latent(cond.shape[0], cond), cond).chunk(2, dim=-1)
            return torch.cat([0.5 * (x + y), x - y], dim=-1)

        cond = cond[:SPREAD_STATES]
        std = per_state_std(draw, cond)
        spreads = {"action_std": std[: self.action_dim], "halves_gap_std": std[self.action_dim :]}
        if not self.flow.base_noise.learnable:
            return spreads
        with torch.no_grad():  # a trained σ of z ~ N(0, diag σ²), averaged over dimensions (and states)
            return {**spreads, "base_scale": self.flow.base_noise.mean_scale(cond)}


@torch.no_grad()
def per_state_std(draw: Callable[[torch.Tensor], torch.Tensor], cond: torch.Tensor) -> torch.Tensor:
    """Return the std per dimension of ``draw(c)`` over fresh noise for a fixed state, averaged over the states.

    Measured on the first :data:`SPREAD_STATES` rows of ``cond`` with :data:`SPREAD_SAMPLES` draws each: the
    counterpart of a Gaussian policy's std.

    Args:
        draw: Maps conditioning rows ``[B, cond_dim]`` to one fresh random draw each, ``[B, k]``.
        cond: The conditioning ``[B, cond_dim]``.

    Returns:
        The std ``[k]``.
    """
    values = draw(cond[:SPREAD_STATES].repeat_interleave(SPREAD_SAMPLES, 0))
    return values.view(-1, SPREAD_SAMPLES, values.shape[-1]).std(1).mean(0)


class GaussianOnly:
    """An attribute of rsl_rl's Gaussian models that a flow policy lacks: reading it raises an error naming GenPO.

    The stock Gaussian ``PPO`` reads these (``output_entropy``, ``get_output_log_prob``, ...); a flow actor trained
    by it fails at once with a line that says which algorithm class to use instead.

    Args:
        algorithm: The ``class_name`` that trains the flow policy (e.g. ``'genpo_rsl:GenPO'``), named in the error.
    """

    def __init__(self, algorithm: str) -> None:
        """Store the algorithm's ``class_name`` (see the class docstring)."""
        self.algorithm = algorithm

    def __set_name__(self, owner: type, name: str) -> None:
        """Remember the attribute's name."""
        self.name = name

    def __get__(self, obj: object, owner: type | None = None) -> GaussianOnly:
        """Raise for instances (the class attribute itself stays inspectable)."""
        if obj is None:
            return self
        raise RuntimeError(
            f"{type(obj).__name__} has no '{self.name}': it is a flow policy and must be trained with algorithm "
            f"class_name '{self.algorithm}', not the Gaussian 'PPO'."
        )


def gaussian_only(algorithm: str, *names: str):
    """Class decorator: make ``names`` :class:`GaussianOnly` attributes naming ``algorithm``.

    Args:
        algorithm: The ``class_name`` that trains the flow policy, named in the error.
        *names: The attribute names to replace.

    Returns:
        The decorator (it returns the class it is given).
    """

    def decorate(cls: type) -> type:
        for name in names:
            attribute = GaussianOnly(algorithm)
            attribute.__set_name__(cls, name)
            setattr(cls, name, attribute)
        return cls

    return decorate


def check_finite_condition(who: str, cond: torch.Tensor, obs: TensorDict, groups: list[str]) -> torch.Tensor:
    """Check that the flow's conditioning is finite.

    Args:
        who: The actor's name, at the start of the error message.
        cond: The conditioning ``c``.
        obs: The observations ``c`` was computed from.
        groups: The observation groups in ``c``.

    Returns:
        ``cond`` unchanged.

    Raises:
        ValueError: If ``cond`` has NaN/inf values; the message names the observation groups with NaN/inf values.
    """
    if not torch.isfinite(cond).all():
        bad = [g for g in groups if not torch.isfinite(obs[g]).all()]
        raise ValueError(
            f"{who} got non-finite observations in group(s) {bad or groups} "
            f"(after normalization: {int((~torch.isfinite(cond)).sum())} values); all observations must be finite."
        )
    return cond
