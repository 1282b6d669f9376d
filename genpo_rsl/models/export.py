"""Deterministic flow policies for TorchScript and ONNX export: normalize, then the flow's zero-noise action.

``flow`` is any module with a ``velocity`` field and ``zero_noise_action(cond)``: GenPO's flow (mean of the halves of
``F(0)``) or FPO's flow-matching policy (Euler steps from ``x_0 = 0``).
"""

from __future__ import annotations

import copy

import torch
import torch.nn as nn


class FlowPolicyExport(nn.Module):
    """Observations ``[B, obs_dim]`` -> zero-noise env actions ``[B, d]``, with the N flow steps unrolled."""

    def __init__(self, normalizer: nn.Module, flow: nn.Module, obs_dim: int) -> None:
        """Copy the normalizer and the flow (eager, so the copy scripts and exports)."""
        super().__init__()
        self.obs_normalizer = copy.deepcopy(normalizer)
        with flow.velocity.eager():
            self.flow = copy.deepcopy(flow)
        self.input_size = obs_dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map concatenated observations to environment actions."""
        return self.flow.zero_noise_action(self.obs_normalizer(x))

    @torch.jit.export
    def reset(self) -> None:
        """No recurrent state to reset."""


class FlowPolicyOnnx(FlowPolicyExport):
    """ONNX flavour of :class:`FlowPolicyExport` with the names rsl_rl's exporter reads."""

    is_recurrent: bool = False

    def __init__(self, normalizer: nn.Module, flow: nn.Module, obs_dim: int, verbose: bool) -> None:
        """Copy the policy; ``verbose`` is kept for rsl_rl's exporter."""
        super().__init__(normalizer, flow, obs_dim)
        self.verbose = verbose

    def get_dummy_inputs(self) -> tuple[torch.Tensor]:
        """Return a dummy observation batch for tracing."""
        return (torch.zeros(1, self.input_size),)

    @property
    def input_names(self) -> list[str]:
        """Return the ONNX input names."""
        return ["obs"]

    @property
    def output_names(self) -> list[str]:
        """Return the ONNX output names."""
        return ["actions"]
