"""``GenPOActor``: an rsl-rl-lib 5 model whose output distribution is the GenPO flow."""

from __future__ import annotations

import torch
import torch.nn as nn
from rsl_rl.models import MLPModel
from rsl_rl.modules import HiddenState
from tensordict import TensorDict

from genpo_rsl.config_keys import accepted_keys
from genpo_rsl.policy import FlowPolicy, check_finite_condition, gaussian_only
from genpo_rsl.rsl5.export import FlowPolicyExport, FlowPolicyOnnx
from genpo_rsl.settings import build_flow, check_inference_mode, take_flat_flow_keys


@gaussian_only("genpo_rsl:GenPO", "output_mean", "output_entropy", "output_distribution_params", "get_output_log_prob")
class GenPOActor(FlowPolicy, MLPModel):
    """Flow policy over the doubled action ``ã = (x, y)``; the environment receives ``(x + y) / 2``.

    Same constructor contract as :class:`rsl_rl.models.MLPModel`, plus the flow: ``flow_cfg`` (a sub-config with a
    ``class_name``, default :class:`~genpo_rsl.flow.GenPOFlow`, like rsl_rl's ``distribution_cfg``) or the flat keys
    ``num_flow_steps``, ``mix_p``, ``time_embed_dim``, ``time_hidden_dims``, ``time_embedding``. The flow is
    conditioned on :meth:`get_latent` (the model's observation latent), so an encoder model (CNN, RNN) can take the
    place of :class:`MLPModel`. Train it with :class:`genpo_rsl.GenPO`; the stock Gaussian ``PPO`` cannot.
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
        flow_cfg: dict | None = None,
        inference_mode: str = "zero_noise",
        **flat_flow_keys,
    ) -> None:
        """Build the observation latent as ``MLPModel`` does and the flow on it (see the class docstring)."""
        if distribution_cfg:
            raise ValueError(
                f"GenPOActor: distribution_cfg={distribution_cfg!r} is not allowed; the flow is the distribution. "
                f"Remove distribution_cfg (or set it to None)."
            )
        check_inference_mode("GenPOActor", inference_mode)
        flat = take_flat_flow_keys("GenPOActor", "actor", flat_flow_keys, accepted_keys(GenPOActor) - {"output_dim"})
        super().__init__(obs, obs_groups, obs_set, output_dim, [1], activation, obs_normalization, None)
        del self.mlp  # the velocity MLP lives in the flow
        self.action_dim, self.inference_mode = output_dim, inference_mode
        self.flow = build_flow(
            "GenPOActor", flow_cfg, flat, output_dim, self._get_latent_dim(), hidden_dims, activation
        )
        self.action_spread = torch.zeros(output_dim)

    def forward(
        self,
        obs: TensorDict,
        masks: torch.Tensor | None = None,
        hidden_state: HiddenState = None,
        stochastic_output: bool = False,
    ) -> torch.Tensor:
        """Return the environment action ``(x_N + y_N) / 2``; zero noise unless sampling is asked for."""
        cond = self.flow_condition(obs, masks, hidden_state)
        if stochastic_output or self.inference_mode == "sample":
            return self.flow.env_action(self.flow(self.flow.sample_latent(cond.shape[0], cond), cond))
        return self.flow.zero_noise_action(cond)

    def flow_condition(
        self, obs: TensorDict, masks: torch.Tensor | None = None, hidden_state: HiddenState = None
    ) -> torch.Tensor:
        """Return the model's observation latent (:meth:`get_latent`); raise on non-finite values."""
        return check_finite_condition("GenPOActor", self.get_latent(obs, masks, hidden_state), obs, self.obs_groups)

    @property
    def output_std(self) -> torch.Tensor:
        """Return the policy's per-dimension env-action std for a fixed state (measured at the last update)."""
        return self.action_spread

    def as_jit(self) -> nn.Module:
        """Return a TorchScript-able deterministic (zero-noise) policy: observations -> env actions."""
        return FlowPolicyExport(self.obs_normalizer, self.flow, self.obs_dim)

    def as_onnx(self, verbose: bool) -> nn.Module:
        """Return an ONNX-exportable deterministic (zero-noise) policy with the N flow steps unrolled."""
        return FlowPolicyOnnx(self.obs_normalizer, self.flow, self.obs_dim, verbose)
