"""``FlowModel``: an rsl-rl-lib 5 ``MLPModel`` whose actions come from a flow on the observation latent."""

from __future__ import annotations

import torch
import torch.nn as nn
from rsl_rl.models import MLPModel
from rsl_rl.modules import HiddenState
from tensordict import TensorDict

from genpo_rsl.models.export import FlowPolicyExport, FlowPolicyOnnx
from genpo_rsl.modules.policy import check_finite_condition
from genpo_rsl.utils.settings import check_inference_mode


class FlowModel(MLPModel):
    """The part GenPO's and FPO's actors share: latent, zero-noise/sampled forward, spread, export.

    A subclass builds ``self.flow`` on :meth:`_get_latent_dim` inputs: a module with ``velocity``,
    ``sample_action(c)`` (a fresh sample's environment action) and ``zero_noise_action(c)``.
    """

    flow: nn.Module

    def __init__(
        self,
        obs: TensorDict,
        obs_groups: dict[str, list[str]],
        obs_set: str,
        output_dim: int,
        activation: str,
        obs_normalization: bool,
        distribution_cfg: dict | None,
        inference_mode: str,
    ) -> None:
        """Build the observation latent as ``MLPModel`` does, without its MLP (the flow holds the network)."""
        who = type(self).__name__
        if distribution_cfg:
            raise ValueError(
                f"{who}: distribution_cfg={distribution_cfg!r} is not allowed; the flow is the distribution. "
                f"Remove distribution_cfg (or set it to None)."
            )
        check_inference_mode(who, inference_mode)
        super().__init__(obs, obs_groups, obs_set, output_dim, [1], activation, obs_normalization, None)
        del self.mlp
        self.action_dim, self.inference_mode = output_dim, inference_mode
        self.action_spread = torch.zeros(output_dim)

    def forward(
        self,
        obs: TensorDict,
        masks: torch.Tensor | None = None,
        hidden_state: HiddenState = None,
        stochastic_output: bool = False,
    ) -> torch.Tensor:
        """Return the environment action: zero noise unless sampling is asked for."""
        cond = self.flow_condition(obs, masks, hidden_state)
        if stochastic_output or self.inference_mode == "sample":
            return self.flow.sample_action(cond)
        return self.flow.zero_noise_action(cond)

    def flow_condition(
        self, obs: TensorDict, masks: torch.Tensor | None = None, hidden_state: HiddenState = None
    ) -> torch.Tensor:
        """Return the model's observation latent (:meth:`get_latent`); raise on non-finite values."""
        latent = self.get_latent(obs, masks, hidden_state)
        return check_finite_condition(type(self).__name__, latent, obs, self.obs_groups)

    @property
    def output_std(self) -> torch.Tensor:
        """Return the policy's per-dimension action std for a fixed state (measured at the last update)."""
        return self.action_spread

    def as_jit(self) -> nn.Module:
        """Return a TorchScript-able deterministic (zero-noise) policy: observations -> actions."""
        return FlowPolicyExport(self.obs_normalizer, self.flow, self.obs_dim)

    def as_onnx(self, verbose: bool) -> nn.Module:
        """Return an ONNX-exportable deterministic (zero-noise) policy with the flow steps unrolled."""
        return FlowPolicyOnnx(self.obs_normalizer, self.flow, self.obs_dim, verbose)
