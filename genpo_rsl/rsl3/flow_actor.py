"""The ``actor`` module of :class:`GenPOActorCritic`: the deterministic flow policy, exportable as IsaacLab 2.x does."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn

from genpo_rsl.modules.flow import GenPOFlow


@dataclass(frozen=True)
class InputLayerSpec:
    """What IsaacLab's ONNX exporter reads from ``actor[0]``: the observation size."""

    in_features: int


class FlowActor(nn.Module):
    """Normalized actor observations -> environment actions: the flow from ``z = 0``, mean of the two halves.

    IsaacLab 2.x's ``export_policy_as_jit`` / ``export_policy_as_onnx`` (rsl-rl-lib < 4) deep-copy
    ``policy.actor`` and ``actor_obs_normalizer``, run ``actor(normalizer(obs))`` and size the ONNX dummy input with
    ``actor[0].in_features``; this module supports exactly that, with the N flow steps unrolled in ``forward``.
    The flow's parameters live here (``actor.flow``), so the exported file holds the trained weights.

    Args:
        flow: The flow (shared, not copied: training and export use the same parameters).
    """

    def __init__(self, flow: GenPOFlow) -> None:
        """Wrap ``flow`` (see the class docstring)."""
        super().__init__()
        self.flow = flow
        self.action_dim = flow.action_dim
        self.obs_dim = flow.cond_dim

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        """Map normalized observations ``[B, obs_dim]`` to the zero-noise environment action ``[B, d]``."""
        return self.flow.zero_noise_action(obs)

    def __getitem__(self, index: int) -> InputLayerSpec:
        """Return the input size as ``actor[0].in_features`` (IsaacLab's ONNX exporter assumes a Sequential MLP)."""
        if index != 0:
            raise IndexError(f"FlowActor is not a Sequential; only actor[0].in_features exists, got index {index}.")
        return InputLayerSpec(self.obs_dim)
