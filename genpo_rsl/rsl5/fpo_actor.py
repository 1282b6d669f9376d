"""``FPOActor``: an rsl-rl-lib 5 model whose actions come from a plain flow-matching policy (trained by ``FPO``)."""

from __future__ import annotations

import torch
import torch.nn as nn
from rsl_rl.models import MLPModel
from rsl_rl.modules import HiddenState
from tensordict import TensorDict

from genpo_rsl.cfm import FlowMatchingPolicy
from genpo_rsl.policy import check_finite_condition, gaussian_only
from genpo_rsl.rsl5.export import FlowPolicyExport, FlowPolicyOnnx
from genpo_rsl.settings import check_inference_mode


@gaussian_only("genpo_rsl:FPO", "output_mean", "output_entropy", "output_distribution_params", "get_output_log_prob")
class FPOActor(MLPModel):
    """Flow-matching velocity policy ``v(x, c, τ)`` on the observation latent ``c``; Euler sampling, no likelihood.

    Same constructor contract as :class:`rsl_rl.models.MLPModel`, plus ``num_flow_steps`` (Euler steps, default 10),
    ``time_embed_dim``, ``time_hidden_dims``, ``time_embedding`` (the velocity network is GenPO's). ``forward`` returns
    the zero-noise action (``x_0 = 0``) unless sampling is asked for (``stochastic_output`` or
    ``inference_mode="sample"``). Train it with :class:`genpo_rsl.FPO`.
    """

    def __init__(
        self,
        obs: TensorDict,
        obs_groups: dict[str, list[str]],
        obs_set: str,
        output_dim: int,
        hidden_dims: tuple[int, ...] | list[int] = (256, 256, 256),
        activation: str = "mish",
        obs_normalization: bool = False,
        distribution_cfg: dict | None = None,
        num_flow_steps: int = 10,
        time_embed_dim: int = 32,
        time_hidden_dims: tuple[int, ...] | list[int] = (256, 256),
        time_embedding: str = "scaled",
        inference_mode: str = "zero_noise",
    ) -> None:
        """Build the observation latent as ``MLPModel`` does and the flow-matching policy on it."""
        if distribution_cfg:
            raise ValueError(
                f"FPOActor: distribution_cfg={distribution_cfg!r} is not allowed; the flow is the distribution. "
                f"Remove distribution_cfg (or set it to None)."
            )
        check_inference_mode("FPOActor", inference_mode)
        super().__init__(obs, obs_groups, obs_set, output_dim, [1], activation, obs_normalization, None)
        del self.mlp  # the velocity MLP lives in the flow
        self.action_dim, self.inference_mode = output_dim, inference_mode
        self.flow = FlowMatchingPolicy(
            output_dim,
            self._get_latent_dim(),
            list(hidden_dims),
            activation,
            num_flow_steps,
            time_embed_dim,
            time_hidden_dims,
            time_embedding,
        )
        self.action_spread = torch.zeros(output_dim)

    def forward(
        self,
        obs: TensorDict,
        masks: torch.Tensor | None = None,
        hidden_state: HiddenState = None,
        stochastic_output: bool = False,
    ) -> torch.Tensor:
        """Return the action: zero noise unless sampling is asked for."""
        cond = self.flow_condition(obs, masks, hidden_state)
        if stochastic_output or self.inference_mode == "sample":
            return self.flow.sample(cond)
        return self.flow.zero_noise_action(cond)

    def flow_condition(
        self, obs: TensorDict, masks: torch.Tensor | None = None, hidden_state: HiddenState = None
    ) -> torch.Tensor:
        """Return the model's observation latent (:meth:`get_latent`); raise on non-finite values."""
        return check_finite_condition("FPOActor", self.get_latent(obs, masks, hidden_state), obs, self.obs_groups)

    @property
    def output_std(self) -> torch.Tensor:
        """Return the per-dimension std of sampled actions for a fixed state (measured at the last update)."""
        return self.action_spread

    @torch.no_grad()
    def measure_spread(self, obs: TensorDict, states: int = 64, samples: int = 16) -> torch.Tensor:
        """Set and return the std of sampled actions over fresh noise, per dimension, averaged over ``states`` states."""
        cond = self.flow_condition(obs[:states]).repeat_interleave(samples, 0)
        actions = self.flow.sample(cond).view(-1, samples, self.action_dim)
        self.action_spread = actions.std(1).mean(0)
        return self.action_spread

    def as_jit(self) -> nn.Module:
        """Return a TorchScript-able deterministic (zero-noise) policy: observations -> actions."""
        return FlowPolicyExport(self.obs_normalizer, self.flow, self.obs_dim)

    def as_onnx(self, verbose: bool) -> nn.Module:
        """Return an ONNX-exportable deterministic (zero-noise) policy with the Euler steps unrolled."""
        return FlowPolicyOnnx(self.obs_normalizer, self.flow, self.obs_dim, verbose)
