"""GenPO actor-critic for rsl-rl-lib 3.x: rsl_rl's ``ActorCritic`` with the GenPO flow as the actor."""

from __future__ import annotations

import math

import torch
from rsl_rl.modules import ActorCritic
from tensordict import TensorDict

from genpo_rsl.flow import GenPOFlow
from genpo_rsl.flow_policy import FlowPolicyMixin, check_finite_obs, validate_flow_settings
from genpo_rsl.rsl3.flow_actor import FlowActor

FLOW_CONFIG_KEY = "genpo_flow_config"
"""State-dict key of the flow settings ``[action_dim, obs_dim, num_flow_steps, mix_p]`` (checked on load)."""
_FLOW_FIELDS = ("action_dim", "obs_dim", "num_flow_steps", "mix_p")


class GenPOActorCritic(FlowPolicyMixin, ActorCritic):
    """Flow policy over the doubled action ``ã = (x, y)`` plus rsl_rl's MLP critic; the env receives ``(x + y) / 2``.

    Same constructor contract as rsl_rl 3.x's ``ActorCritic`` (the ``policy`` block of IsaacLab 2.x's
    ``RslRlPpoActorCriticCfg``), plus the GenPO fields. ``actor_hidden_dims`` are the velocity MLP's hidden sizes;
    ``init_noise_std`` and ``noise_std_type`` are accepted and unused (the flow is the distribution). Train it with
    :class:`genpo_rsl.rsl3.GenPO`; the stock Gaussian ``PPO`` cannot train it.
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
        num_flow_steps: int = 5,
        mix_p: float = 0.9,
        time_embed_dim: int = 32,
        time_hidden_dims: tuple[int, ...] | list[int] = (256, 256),
        inference_mode: str = "zero_noise",
        **kwargs,
    ) -> None:
        """Build critic and normalizers as ``ActorCritic`` does, then replace the Gaussian actor by the flow."""
        _validate(
            num_actions,
            actor_hidden_dims,
            num_flow_steps,
            mix_p,
            time_embed_dim,
            inference_mode,
            state_dependent_std,
            kwargs,
        )
        super().__init__(
            obs,
            obs_groups,
            num_actions,
            actor_obs_normalization,
            critic_obs_normalization,
            list(actor_hidden_dims),
            list(critic_hidden_dims),
            activation,
            1.0,
            "scalar",
            False,
        )
        del self.std  # no Gaussian noise parameter: the flow is the distribution
        obs_dim = sum(obs[group].shape[-1] for group in obs_groups["policy"])
        flow = GenPOFlow(
            num_actions,
            obs_dim,
            list(actor_hidden_dims),
            activation,
            num_flow_steps,
            mix_p,
            time_embed_dim,
            list(time_hidden_dims),
        )
        self.actor = FlowActor(flow)
        print(f"GenPO flow actor: {self.actor}")
        self.action_dim = num_actions
        self.inference_mode = inference_mode
        config = [num_actions, obs_dim, num_flow_steps, mix_p]
        self.register_buffer(FLOW_CONFIG_KEY, torch.tensor(config, dtype=torch.float64))
        self._action_std = torch.zeros(num_actions)

    @property
    def flow(self) -> GenPOFlow:
        """Return the shared flow (:class:`genpo_rsl.flow.GenPOFlow`)."""
        return self.actor.flow

    # -- sampling and likelihood -------------------------------------------------------------------------------

    def flow_obs(self, obs: TensorDict) -> torch.Tensor:
        """Concatenate and normalize the actor's observation groups; raise on non-finite values."""
        latent = self.actor_obs_normalizer(self.get_actor_obs(obs))
        return check_finite_obs("GenPOActorCritic", latent, obs, self.obs_groups["policy"])

    # -- the ActorCritic interface -------------------------------------------------------------------------------

    def act(self, obs: TensorDict, **kwargs) -> torch.Tensor:
        """Return a sampled environment action ``(x_N + y_N) / 2`` (``z ~ N(0, I)``)."""
        return self.env_action(self.sample(obs)[0])

    def act_inference(self, obs: TensorDict) -> torch.Tensor:
        """Return the environment action: zero noise (``z = 0``, deterministic) unless ``inference_mode='sample'``."""
        if self.inference_mode == "sample":
            return self.act(obs)
        return self.actor(self.flow_obs(obs))

    @property
    def action_std(self) -> torch.Tensor:
        """Return the per-dimension std of the executed action over the last sampled batch (logged by the runner)."""
        return self._action_std

    @property
    def action_mean(self) -> torch.Tensor:
        """Not defined for a flow policy (no closed-form mean)."""
        raise _stock_ppo_error("action_mean")

    @property
    def entropy(self) -> torch.Tensor:
        """Not defined for a flow policy (the dummy-space entropy is a constant)."""
        raise _stock_ppo_error("entropy")

    def get_actions_log_prob(self, actions: torch.Tensor) -> torch.Tensor:
        """Not defined without observations; use :meth:`log_prob`."""
        raise _stock_ppo_error("get_actions_log_prob")

    def _update_distribution(self, obs: torch.Tensor) -> None:
        """Not defined: the flow has no Gaussian distribution to update."""
        raise _stock_ppo_error("_update_distribution")

    # -- checkpoints ---------------------------------------------------------------------------------------------

    def load_state_dict(self, state_dict: dict, strict: bool = True) -> bool:
        """Load a GenPO checkpoint; a Gaussian ``ActorCritic`` one or a mismatched flow gives a clear error."""
        saved = state_dict.get(FLOW_CONFIG_KEY)
        if saved is None:
            keys = sorted(state_dict)[:4]
            raise ValueError(
                f"GenPOActorCritic cannot load this checkpoint: it has no '{FLOW_CONFIG_KEY}' entry (keys {keys} ...), "
                f"so it was written by another policy (e.g. the Gaussian ActorCritic). Allowed: checkpoints saved with "
                f"genpo_rsl.GenPOActorCritic."
            )
        mine = getattr(self, FLOW_CONFIG_KEY).tolist()
        bad = [(k, a, b) for k, a, b in zip(_FLOW_FIELDS, saved.tolist(), mine) if not math.isclose(a, b)]
        if bad:
            details = ", ".join(f"{k}: checkpoint {_fmt(a)} vs config {_fmt(b)}" for k, a, b in bad)
            raise ValueError(f"GenPO checkpoint does not match the configured policy ({details}).")
        return super().load_state_dict(state_dict, strict=strict)


def _fmt(value: float) -> str:
    """Format a stored flow setting (integers without a decimal point)."""
    return str(int(value)) if float(value).is_integer() else repr(value)


def _stock_ppo_error(name: str) -> RuntimeError:
    return RuntimeError(
        f"GenPOActorCritic has no '{name}': it is a flow policy and must be trained with algorithm class_name "
        f"'genpo_rsl.GenPO', not the Gaussian 'PPO'."
    )


def _validate(
    num_actions: int,
    hidden_dims: tuple[int, ...] | list[int],
    num_flow_steps: int,
    mix_p: float,
    time_embed_dim: int,
    inference_mode: str,
    state_dependent_std: bool,
    unknown: dict,
) -> None:
    """Raise ``ValueError`` naming the bad value and what is allowed."""
    if unknown:
        raise ValueError(
            f"GenPOActorCritic: unknown key(s) {sorted(unknown)} in 'policy'; allowed: the ActorCritic keys and "
            f"{['num_flow_steps', 'mix_p', 'time_embed_dim', 'time_hidden_dims', 'inference_mode']}."
        )
    if state_dependent_std:
        raise ValueError(
            "GenPOActorCritic: state_dependent_std=True is not supported (the flow has no std); allowed: False."
        )
    validate_flow_settings(
        "GenPOActorCritic",
        num_actions,
        hidden_dims,
        num_flow_steps,
        mix_p,
        time_embed_dim,
        inference_mode,
        names=("num_actions", "actor_hidden_dims"),
    )
