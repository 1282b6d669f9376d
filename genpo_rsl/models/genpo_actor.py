"""``GenPOActor``: an rsl-rl-lib 5 model whose output distribution is the GenPO flow."""

from __future__ import annotations

import torch
from rsl_rl.modules import HiddenState
from tensordict import TensorDict

from genpo_rsl.models.flow_model import FlowModel
from genpo_rsl.modules.policy import FlowPolicy, gaussian_only
from genpo_rsl.utils.config_keys import accepted_keys
from genpo_rsl.utils.settings import build_flow, take_flat_flow_keys


@gaussian_only("genpo_rsl:GenPO", "output_mean", "output_entropy", "output_distribution_params", "get_output_log_prob")
class GenPOActor(FlowPolicy, FlowModel):
    """Flow policy over the doubled action ``ã = (x, y)``; the environment receives ``(x + y) / 2``.

    Same constructor contract as :class:`rsl_rl.models.MLPModel`, plus the flow: ``flow_cfg`` (a sub-config with a
    ``class_name``, default :class:`~genpo_rsl.modules.flow.GenPOFlow`, like rsl_rl's ``distribution_cfg``) or the flat keys
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
        flat = take_flat_flow_keys("GenPOActor", "actor", flat_flow_keys, accepted_keys(GenPOActor) - {"output_dim"})
        super().__init__(
            obs, obs_groups, obs_set, output_dim, activation, obs_normalization, distribution_cfg, inference_mode
        )
        self.flow = build_flow(
            "GenPOActor", flow_cfg, flat, output_dim, self._get_latent_dim(), hidden_dims, activation
        )

    def flow_condition(
        self, obs: TensorDict, masks: torch.Tensor | None = None, hidden_state: HiddenState = None
    ) -> torch.Tensor:
        """Return the model's observation latent (:meth:`get_latent`); raise on non-finite values."""
        return FlowModel.flow_condition(self, obs, masks, hidden_state)
