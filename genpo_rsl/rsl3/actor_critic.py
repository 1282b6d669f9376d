"""``GenPOActorCritic`` for rsl-rl-lib 3.x: rsl_rl's ``ActorCritic`` with the GenPO flow as the actor."""

from __future__ import annotations

import torch
from rsl_rl.modules import ActorCritic
from tensordict import TensorDict

from genpo_rsl.modules.flow import GenPOFlow
from genpo_rsl.modules.policy import FlowPolicy, check_finite_condition, gaussian_only
from genpo_rsl.rsl3.flow_actor import FlowActor
from genpo_rsl.utils.config_keys import accepted_keys
from genpo_rsl.utils.settings import build_flow, check_inference_mode, take_flat_flow_keys

SETTINGS_KEY = "actor.flow.settings"
"""State-dict key of the flow settings (:mod:`genpo_rsl.utils.checkpoint`): its presence marks a GenPO checkpoint."""
LEGACY_SETTINGS_KEY = "genpo_flow_config"
"""Where genpo_rsl 0.1 stored the same settings (dropped on load; the flow's own check covers new checkpoints)."""


@gaussian_only("genpo_rsl.GenPO", "action_mean", "entropy", "get_actions_log_prob", "_update_distribution")
class GenPOActorCritic(FlowPolicy, ActorCritic):
    """Flow policy over the doubled action ``ã = (x, y)`` plus rsl_rl's MLP critic; the env receives ``(x + y) / 2``.

    Same constructor contract as rsl_rl 3.x's ``ActorCritic`` (the ``policy`` block of IsaacLab 2.x's
    ``RslRlPpoActorCriticCfg``), plus the flow: ``flow_cfg`` or the flat keys, as for the 5.x ``GenPOActor``.
    Train it with :class:`genpo_rsl.rsl3.GenPO`; the stock Gaussian ``PPO`` cannot train it.

    Args:
        obs: Observation dictionary (as ``ActorCritic``).
        obs_groups: Observation sets to groups; the flow is conditioned on the ``policy`` groups.
        num_actions: Environment action size ``d``.
        actor_obs_normalization: Normalize the actor's observations (as ``ActorCritic``).
        critic_obs_normalization: Normalize the critic's observations (as ``ActorCritic``).
        actor_hidden_dims: Hidden sizes of the flow's velocity MLP.
        critic_hidden_dims: Hidden sizes of the critic MLP.
        activation: Activation of the critic and of the velocity and time MLPs.
        init_noise_std: Accepted and unused (the flow has no std).
        noise_std_type: Accepted and unused.
        state_dependent_std: Must be ``False``.
        flow_cfg: The flow's sub-config (``class_name`` and its keys), or ``None``.
        inference_mode: ``"zero_noise"`` (deterministic, the default) or ``"sample"`` in :meth:`act_inference`.
        **flat_flow_keys: The flow keys at the top level (:data:`~genpo_rsl.utils.settings.FLAT_FLOW_KEYS`).

    Raises:
        ValueError: If ``state_dependent_std=True``, or a flow key or setting is unknown or invalid.
    """

    def __init__(
        self,
        obs: TensorDict,
        obs_groups: dict[str, list[str]],
        num_actions: int,
        actor_obs_normalization: bool = False,
        critic_obs_normalization: bool = False,
        actor_hidden_dims: tuple[int, ...] | list[int] = (256, 256, 256),
        critic_hidden_dims: tuple[int, ...] | list[int] = (256, 256, 256),
        activation: str = "elu",
        init_noise_std: float | None = None,
        noise_std_type: str = "scalar",
        state_dependent_std: bool = False,
        flow_cfg: dict | None = None,
        inference_mode: str = "zero_noise",
        **flat_flow_keys,
    ) -> None:
        """Build critic and normalizers as ``ActorCritic`` does, then replace the Gaussian actor by the flow."""
        if state_dependent_std:
            raise ValueError(
                "GenPOActorCritic: state_dependent_std=True is not supported (the flow has no std); allowed: False."
            )
        check_inference_mode("GenPOActorCritic", inference_mode)
        allowed = accepted_keys(GenPOActorCritic) - {"num_actions"}
        flat = take_flat_flow_keys("GenPOActorCritic", "policy", flat_flow_keys, allowed)
        super().__init__(
            obs,
            obs_groups,
            num_actions,
            actor_obs_normalization,
            critic_obs_normalization,
            [1],
            list(critic_hidden_dims),
            activation,
            1.0,
            "scalar",
            False,
        )
        del self.std  # no Gaussian noise parameter: the flow is the distribution
        cond_dim = self.condition_dim(obs, obs_groups)
        names = ("num_actions", "actor_hidden_dims")
        flow = build_flow(
            "GenPOActorCritic", flow_cfg, flat, num_actions, cond_dim, actor_hidden_dims, activation, names
        )
        self.actor = FlowActor(flow)
        print(f"GenPO flow actor: {self.actor}")
        self.action_dim, self.inference_mode = num_actions, inference_mode
        self.action_spread = torch.zeros(num_actions)

    def condition_dim(self, obs: TensorDict, obs_groups: dict[str, list[str]]) -> int:
        """Return the size of what the flow is conditioned on: the actor observations (a subclass: its memory)."""
        return sum(obs[group].shape[-1] for group in obs_groups["policy"])

    @property
    def flow(self) -> GenPOFlow:
        """Return the flow (held by ``actor``, so IsaacLab 2.x's exporters find its parameters)."""
        return self.actor.flow

    def flow_condition(self, obs: TensorDict) -> torch.Tensor:
        """Return the normalized actor observations; raise on non-finite values."""
        cond = self.actor_obs_normalizer(self.get_actor_obs(obs))
        return check_finite_condition("GenPOActorCritic", cond, obs, self.obs_groups["policy"])

    # -- the ActorCritic interface -------------------------------------------------------------------------------

    def act(self, obs: TensorDict, **kwargs) -> torch.Tensor:
        """Return a sampled environment action ``(x_N + y_N) / 2`` (``z ~ N(0, diag σ²)``)."""
        return self.env_action(self.sample(obs)[0])

    def act_inference(self, obs: TensorDict) -> torch.Tensor:
        """Return the environment action: zero noise (``z = 0``, deterministic) unless ``inference_mode='sample'``.

        Args:
            obs: The observations.

        Returns:
            The environment actions ``[B, d]``.
        """
        if self.inference_mode == "sample":
            return self.act(obs)
        return self.zero_noise_action(obs)

    def zero_noise_action(self, obs: TensorDict) -> torch.Tensor:
        """Return the deterministic environment action (``z = 0``): what play deploys and the mirror loss compares."""
        return self.actor(self.flow_condition(obs))

    @property
    def action_std(self) -> torch.Tensor:
        """Return the policy's per-dimension env-action std for a fixed state (measured at the last update)."""
        return self.action_spread

    def load_state_dict(self, state_dict: dict, strict: bool = True) -> bool:
        """Load a GenPO checkpoint; a Gaussian ``ActorCritic`` one or a mismatched flow gives a clear error.

        Args:
            state_dict: The checkpoint's ``model_state_dict``.
            strict: As ``nn.Module.load_state_dict``.

        Returns:
            What ``ActorCritic.load_state_dict`` returns.

        Raises:
            ValueError: If the checkpoint was not saved with ``GenPOActorCritic`` or its flow does not match.
        """
        self.loaded_key_order = list(state_dict)  # GenPO matches the optimizer state to it by name
        state_dict = dict(state_dict)
        if state_dict.pop(LEGACY_SETTINGS_KEY, None) is None and SETTINGS_KEY not in state_dict:
            raise ValueError(
                f"GenPOActorCritic cannot load this checkpoint: it has no '{SETTINGS_KEY}' entry (keys "
                f"{sorted(state_dict)[:4]} ...), so it was written by another policy (e.g. the Gaussian ActorCritic). "
                f"Allowed: checkpoints saved with genpo_rsl.GenPOActorCritic."
            )
        return super().load_state_dict(state_dict, strict=strict)
