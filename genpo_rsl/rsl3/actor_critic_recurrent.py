"""``GenPOActorCriticRecurrent`` for rsl-rl-lib 3.x: the GenPO flow conditioned on an LSTM/GRU memory, as
rsl_rl 3.x's ``ActorCriticRecurrent`` conditions its Gaussian on one."""

from __future__ import annotations

import torch
import torch.nn as nn
from rsl_rl.networks import HiddenState, Memory
from tensordict import TensorDict

from genpo_rsl.modules.policy import check_finite_condition
from genpo_rsl.rsl3.actor_critic import GenPOActorCritic


class GenPOActorCriticRecurrent(GenPOActorCritic):
    """The flow policy of :class:`GenPOActorCritic` on a recurrent memory (``rnn_type`` ``"lstm"`` or ``"gru"``), with a
    recurrent critic: the constructor contract of rsl_rl 3.x's ``ActorCriticRecurrent``.

    Select it with ``policy.class_name="genpo_rsl.GenPOActorCriticRecurrent"`` (IsaacLab 2.x's
    ``RslRlPpoActorCriticRecurrentCfg`` keys) and ``algorithm.class_name="genpo_rsl.GenPO"``. The flow is conditioned
    on ``memory_a``'s output; :class:`genpo_rsl.rsl3.GenPO` then trains on rsl_rl's padded trajectory minibatches with
    the stored hidden states, as 3.x's PPO trains ``ActorCriticRecurrent``. IsaacLab 2.x's exporters find
    ``memory_a.rnn`` and ``actor`` (the zero-noise flow) as they do for ``ActorCriticRecurrent``.

    Args:
        obs: Observation dictionary.
        obs_groups: Observation sets to groups.
        num_actions: Environment action size ``d``.
        rnn_type: ``"lstm"`` or ``"gru"``.
        rnn_hidden_dim: Size of each memory (the flow's and the critic's input).
        rnn_num_layers: Number of recurrent layers.
        **kwargs: The keys of :class:`GenPOActorCritic` (sizes, normalization, the flow's settings).
    """

    is_recurrent = True

    def __init__(
        self,
        obs: TensorDict,
        obs_groups: dict[str, list[str]],
        num_actions: int,
        rnn_type: str = "lstm",
        rnn_hidden_dim: int = 256,
        rnn_num_layers: int = 1,
        **kwargs,
    ) -> None:
        """Build the memories, then the flow on ``rnn_hidden_dim`` and the critic MLP on the critic's memory."""
        if rnn_type.lower() not in ("lstm", "gru"):
            raise ValueError(f"GenPOActorCriticRecurrent: rnn_type={rnn_type!r} is invalid; allowed: 'lstm', 'gru'.")
        self.rnn_hidden_dim = rnn_hidden_dim
        super().__init__(obs, obs_groups, num_actions, **kwargs)
        num_actor_obs = super().condition_dim(obs, obs_groups)  # what the memories read: the observations
        self.memory_a = Memory(num_actor_obs, rnn_hidden_dim, rnn_num_layers, rnn_type.lower())
        self.memory_c = Memory(self.critic[0].in_features, rnn_hidden_dim, rnn_num_layers, rnn_type.lower())
        # the critic MLP the parent built, reading the critic's memory instead of the observations
        self.critic[0] = nn.Linear(rnn_hidden_dim, self.critic[0].out_features)
        print(f"GenPO actor memory: {self.memory_a}\nCritic memory: {self.memory_c}")

    def condition_dim(self, obs: TensorDict, obs_groups: dict[str, list[str]]) -> int:
        """Return the memory's size: the flow is conditioned on ``memory_a``'s output."""
        return self.rnn_hidden_dim

    def flow_condition(
        self, obs: TensorDict, masks: torch.Tensor | None = None, hidden_state: HiddenState = None
    ) -> torch.Tensor:
        """Return the actor memory's output on the normalized observations: one step (rollout, play; the memory
        advances) or, with ``masks``, the padded trajectories of a minibatch from ``hidden_state`` (``[T, n, h]``)."""
        out = self.memory_a(self.actor_obs_normalizer(self.get_actor_obs(obs)), masks, hidden_state).squeeze(0)
        return check_finite_condition("GenPOActorCriticRecurrent", out, obs, self.obs_groups["policy"])

    def evaluate(self, obs: TensorDict, masks: torch.Tensor | None = None, hidden_state: HiddenState = None):
        """Return the critic's values on its memory's output (as ``ActorCriticRecurrent.evaluate``)."""
        out = self.memory_c(self.critic_obs_normalizer(self.get_critic_obs(obs)), masks, hidden_state).squeeze(0)
        return self.critic(out)

    def get_hidden_states(self) -> tuple[HiddenState, HiddenState]:
        """Return the actor's and the critic's hidden states (stored with each rollout step)."""
        return self.memory_a.hidden_state, self.memory_c.hidden_state

    def reset(self, dones: torch.Tensor | None = None) -> None:
        """Zero the hidden states of the environments that are done (all of them without ``dones``)."""
        self.memory_a.reset(dones)
        self.memory_c.reset(dones)
