"""``FPOActor``: an rsl-rl-lib 5 model whose actions come from a plain flow-matching policy (trained by ``FPO``)."""

from __future__ import annotations

import torch
from rsl_rl.models import CNNModel, MLPModel, RNNModel

from genpo_rsl.models.flow_model import FlowModel, HeadSizes
from genpo_rsl.modules.cfm import FlowMatchingPolicy
from genpo_rsl.modules.policy import SPREAD_STATES, gaussian_only, per_state_std
from genpo_rsl.modules.velocity import VelocityField


@gaussian_only("genpo_rsl:FPO", "output_mean", "output_entropy", "output_distribution_params", "get_output_log_prob")
class FPOHead(FlowModel):
    """Flow-matching velocity policy ``v(x, c, τ)`` on the observation latent ``c``; Euler sampling, no likelihood.

    Same constructor contract as :class:`rsl_rl.models.MLPModel` (the constructor is
    :class:`~genpo_rsl.models.flow_model.FlowModel`'s, whose docstring lists its arguments), plus the flow keys of
    :meth:`build_flow` (the velocity network is GenPO's). ``forward`` returns the zero-noise action (``x_0 = 0``)
    unless sampling is asked for (``stochastic_output`` or ``inference_mode="sample"``). Train it with
    :class:`genpo_rsl.FPO`.

    Args:
        obs: Observation dictionary (as ``MLPModel``).
        obs_groups: Observation sets to groups (as ``MLPModel``).
        obs_set: This model's observation set (``"actor"``).
        output_dim: Environment action size ``d``.
        hidden_dims: Hidden sizes of the velocity MLP.
        activation: Activation of the velocity and time MLPs.
        obs_normalization: Normalize the observations (as ``MLPModel``).
        distribution_cfg: Must be ``None``: the flow is the distribution.
        inference_mode: ``"zero_noise"`` (deterministic, the default) or ``"sample"`` at play/export time.
        num_flow_steps: Euler steps of the sampler (default 10, FPO++'s).
        time_embed_dim: Size of the sinusoidal time embedding.
        time_hidden_dims: Hidden sizes of the time-embedding MLP.
        time_embedding: ``"scaled"`` or ``"released"``.
    """

    flow: FlowMatchingPolicy

    def build_flow(
        self,
        head: HeadSizes,
        num_flow_steps: int = 10,
        time_embed_dim: int = 32,
        time_hidden_dims: tuple[int, ...] | list[int] = (256, 256),
        time_embedding: str = "scaled",
    ) -> FlowMatchingPolicy:
        """Return the flow-matching policy on the observation latent.

        Args:
            head: The model's action size, latent size, hidden sizes and activation.
            num_flow_steps: Euler steps of the sampler (FPO++: 10).
            time_embed_dim: Size of the sinusoidal time embedding.
            time_hidden_dims: Hidden sizes of the time MLP.
            time_embedding: ``"scaled"`` or ``"released"``.

        Returns:
            The policy.
        """
        time = (time_embed_dim, time_hidden_dims, time_embedding)
        return FlowMatchingPolicy(VelocityField.build(*head, *time), num_flow_steps)

    def measure_spread_at(self, cond: torch.Tensor) -> torch.Tensor:
        """Set and return the std of sampled actions over fresh noise for a fixed state, per dimension.

        Args:
            cond: The flow's conditioning ``[B, c]`` (its first :data:`~genpo_rsl.modules.policy.SPREAD_STATES` rows
                are used).

        Returns:
            The std ``[d]`` (also stored as ``action_spread``).
        """
        self.action_spread = per_state_std(self.flow.sample_action, cond[:SPREAD_STATES])
        return self.action_spread


class FPOActor(FPOHead, MLPModel):
    """FPO++'s actor on an rsl-rl-lib 5 ``MLPModel``: ``class_name`` ``"genpo_rsl:FPOActor"``."""


class FPOCNNActor(FPOHead, CNNModel):
    """FPO++'s actor on an rsl-rl-lib 5 ``CNNModel`` (``cnn_cfg``): ``class_name`` ``"genpo_rsl:FPOCNNActor"``."""


class FPORNNActor(FPOHead, RNNModel):
    """FPO++'s actor on an rsl-rl-lib 5 ``RNNModel`` (``rnn_type``, ``rnn_hidden_dim``, ``rnn_num_layers``):
    ``class_name`` ``"genpo_rsl:FPORNNActor"``; :class:`genpo_rsl.FPO` trains it on padded trajectory minibatches."""
