"""``FPOActor``: an rsl-rl-lib 5 model whose actions come from a plain flow-matching policy (trained by ``FPO``)."""

from __future__ import annotations

import torch
from tensordict import TensorDict

from genpo_rsl.models.flow_model import FlowModel
from genpo_rsl.modules.cfm import FlowMatchingPolicy
from genpo_rsl.modules.policy import SPREAD_STATES, gaussian_only, per_state_std


@gaussian_only("genpo_rsl:FPO", "output_mean", "output_entropy", "output_distribution_params", "get_output_log_prob")
class FPOActor(FlowModel):
    """Flow-matching velocity policy ``v(x, c, τ)`` on the observation latent ``c``; Euler sampling, no likelihood.

    Same constructor contract as :class:`rsl_rl.models.MLPModel`, plus ``num_flow_steps`` (Euler steps, default 10),
    ``time_embed_dim``, ``time_hidden_dims``, ``time_embedding`` (the velocity network is GenPO's). ``forward`` returns
    the zero-noise action (``x_0 = 0``) unless sampling is asked for (``stochastic_output`` or
    ``inference_mode="sample"``). Train it with :class:`genpo_rsl.FPO`.
    """

    flow: FlowMatchingPolicy

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
        super().__init__(
            obs, obs_groups, obs_set, output_dim, activation, obs_normalization, distribution_cfg, inference_mode
        )
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

    def measure_spread(self, obs: TensorDict) -> torch.Tensor:
        """Set and return the std of sampled actions over fresh noise for a fixed state, per dimension."""
        self.action_spread = per_state_std(self.flow.sample_action, self.flow_condition(obs[:SPREAD_STATES]))
        return self.action_spread
