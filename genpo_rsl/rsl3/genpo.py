"""``GenPO`` for rsl-rl-lib 3.x: the shared :class:`~genpo_rsl.algorithms.genpo.GenPOCore` on rsl_rl 3.x's ``PPO``."""

from __future__ import annotations

from collections.abc import Iterator

import torch
import torch.nn as nn
from rsl_rl.algorithms import PPO
from tensordict import TensorDict

from genpo_rsl.algorithms.genpo import GenPOCore, Minibatch
from genpo_rsl.algorithms.genpo_args import split_genpo_kwargs
from genpo_rsl.algorithms.symmetry import DictSymmetry, mirrored, symmetry_term
from genpo_rsl.algorithms.update_loop import step_rows
from genpo_rsl.modules.flow import legacy_key_renames
from genpo_rsl.rsl3.actor_critic import GenPOActorCritic
from genpo_rsl.utils.checkpoint import optimizer_state_in_model_order
from genpo_rsl.utils.config_keys import require_model


class GenPO(GenPOCore, PPO):
    """GenPO (Ding et al., NeurIPS 2025) as a subclass of rsl-rl-lib 3.x's ``PPO``; see :class:`GenPOCore`.

    The storage holds the 2d dummy action ``ã`` (its latent ``z`` in the ``action_mean`` slot). Gradients are clipped
    as rsl-rl-lib 3.x's PPO does: one norm over all policy (actor + critic) parameters. ``learning_rate`` is read from
    the optimizer, so a checkpoint (which stores the optimizer) resumes with the adapted learning rate.

    A recurrent policy (:class:`~genpo_rsl.rsl3.actor_critic_recurrent.GenPOActorCriticRecurrent`) trains as 3.x's
    PPO trains ``ActorCriticRecurrent``: each rollout step stores the hidden states, the update runs on the padded
    trajectory minibatches from them, and every per-step field is taken one row per step.

    Args:
        policy: The flow actor-critic (:class:`~genpo_rsl.rsl3.actor_critic.GenPOActorCritic` or its recurrent
            subclass).
        entropy_coef: ``λ``, the weight of the entropy term (its form: ``entropy_form``).
        rnd_cfg: Must be ``None`` (RND is not supported with rsl-rl-lib 3.x).
        **kwargs: rsl_rl 3.x ``PPO``'s settings and GenPO's (``compression_coef``, ``compression_fraction``,
            ``compression_form``, ``cuda_graphs``, ``allow_tf32``, ``entropy_form``: see
            :meth:`GenPOCore.init_genpo`). ``symmetry_cfg`` is 3.x PPO's dict (augmentation and mirror loss, shared
            with the 5.x adapter: :mod:`genpo_rsl.algorithms.symmetry`); ``use_mixed_precision=True`` is refused.

    Raises:
        TypeError: If ``policy`` is not a ``GenPOActorCritic``.
        ValueError: If ``rnd_cfg`` is set, ``symmetry_cfg`` with a recurrent policy, a GenPO setting is invalid,
            or an unsupported PPO option is set.
    """

    VALUE_KEY = "value_function"
    policy: GenPOActorCritic

    def __init__(
        self,
        policy: GenPOActorCritic,
        entropy_coef: float = 0.01,
        rnd_cfg: dict | None = None,
        **kwargs,
    ) -> None:
        """Initialize as PPO, then set GenPO's settings (see the class docstring)."""
        if policy.is_recurrent and kwargs.get("symmetry_cfg"):
            raise ValueError(
                "GenPO (rsl-rl-lib 3.x): symmetry_cfg with a recurrent policy is not supported (as rsl_rl's PPO "
                "refuses it); allowed: symmetry_cfg=None, or the MLP genpo_rsl.GenPOActorCritic."
            )
        wanted = "genpo_rsl.GenPOActorCriticRecurrent" if policy.is_recurrent else "genpo_rsl.GenPOActorCritic"
        require_model("GenPO", "policy", policy, GenPOActorCritic, wanted)
        if rnd_cfg:
            raise ValueError(f"GenPO (rsl-rl-lib 3.x): rnd_cfg={rnd_cfg!r} is not supported; allowed: None.")
        genpo_kwargs, ppo_kwargs = split_genpo_kwargs(kwargs, symmetry=True)
        super().__init__(policy, entropy_coef=entropy_coef, **ppo_kwargs)
        self.init_genpo(**genpo_kwargs)
        self.mirror = DictSymmetry(self.symmetry) if self.symmetry else None
        load_optimizer = self.optimizer.load_state_dict

        def load_in_model_order(state: dict) -> None:
            """The runner loads the policy, then this: each parameter gets its own Adam moments, matched by name
            (a pre-0.3 learned σ was registered first, :func:`~genpo_rsl.utils.checkpoint.optimizer_state_in_model_order`)."""
            saved = dict.fromkeys(getattr(self.policy, "loaded_key_order", ()))
            renames = legacy_key_renames("actor.flow.")
            load_optimizer(optimizer_state_in_model_order(state, saved, self.policy, renames))

        self.optimizer.load_state_dict = load_in_model_order  # type: ignore[method-assign]

    @property
    def learning_rate(self) -> float:
        """Return the current (adapted) learning rate, stored in the optimizer."""
        return self.optimizer.param_groups[0]["lr"]

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        """Set the learning rate of every parameter group."""
        for group in self.optimizer.param_groups:
            group["lr"] = value

    def init_storage(
        self,
        training_type: str,
        num_envs: int,
        num_transitions_per_env: int,
        obs: TensorDict,
        actions_shape: tuple[int] | list[int],
    ) -> None:
        """Create the rollout storage for the 2d dummy action (the runner passes the d-dim action shape)."""
        super().init_storage(training_type, num_envs, num_transitions_per_env, obs, [2 * actions_shape[0]])

    # -- rollout -------------------------------------------------------------------------------------------------

    @property
    def flow_policy(self) -> GenPOActorCritic:
        """Return the flow policy."""
        return self.policy

    def act(self, obs: TensorDict) -> torch.Tensor:
        """Sample a dummy action, store it with its log-prob and latent, and return ``(x + y) / 2``."""
        if self.policy.is_recurrent:  # the hidden states before this step, as PPO records them
            self.transition.hidden_states = self.policy.get_hidden_states()
        dummy, z, log_prob = self.sample_checked(obs)
        self.transition.actions = dummy
        self.transition.values = self.policy.evaluate(obs).detach()
        self.transition.actions_log_prob = log_prob
        self.transition.action_mean = z
        self.transition.action_sigma = torch.zeros_like(z)
        self.transition.observations = obs
        return self.policy.env_action(dummy)

    # -- the core's adapter hooks --------------------------------------------------------------------------------

    def minibatches(self) -> Iterator[Minibatch]:
        """Yield rsl_rl 3.x's minibatch tuples in the core's form: a recurrent policy's padded trajectories (with
        their masks and start hidden states) with the per-step fields taken one row per step."""
        if self.policy.is_recurrent:
            generator = self.storage.recurrent_mini_batch_generator(self.num_mini_batches, self.num_learning_epochs)
        else:
            generator = self.storage.mini_batch_generator(self.num_mini_batches, self.num_learning_epochs)
        for obs, dummy, old_values, advantages, returns, old_log_prob, old_z, _, hidden, masks, *_ in generator:
            batch = Minibatch(
                obs=obs,
                dummy_actions=step_rows(dummy),
                old_log_prob=step_rows(old_log_prob).squeeze(-1),
                old_latent=step_rows(old_z),
                advantages=step_rows(advantages).squeeze(-1),
                returns=step_rows(returns),
                old_values=step_rows(old_values),
                masks=masks,
                hidden_states=hidden if hidden is not None else (None, None),
            )
            yield mirrored(self.mirror, batch) if self.mirror else batch

    def critic_values(self, batch: Minibatch) -> torch.Tensor:
        """Return the critic's values, one row per step."""
        if batch.masks is None:
            return self.policy.evaluate(batch.obs)
        return step_rows(self.policy.evaluate(batch.obs, masks=batch.masks, hidden_state=batch.hidden_states[1]))

    def auxiliary_loss(self, batch: Minibatch, terms: dict[str, torch.Tensor]) -> torch.Tensor | float:
        """Return the symmetry mirror loss times its coefficient (``use_mirror_loss``); log it as ``symmetry``."""
        return symmetry_term(self.mirror, self.policy.zero_noise_action, batch, terms)

    def clip_gradients(self) -> None:
        """Clip one gradient norm over all policy parameters (rsl-rl-lib 3.x PPO's rule)."""
        nn.utils.clip_grad_norm_(self.policy.parameters(), self.max_grad_norm)

    def finish_update(self) -> None:
        """Update the normalizers with the rollout's observations and clear the storage."""
        self.policy.update_normalization(self.storage.observations.flatten(0, 1))
        self.storage.clear()

    def named_models(self) -> dict[str, nn.Module]:
        """Return the policy (actor and critic)."""
        return {"policy": self.policy}

    def rollout_dummy_actions(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the stored dummy actions and log-probs."""
        return self.storage.actions, self.storage.actions_log_prob

    def checkpoint_state(self) -> dict:
        """Return the state in rsl-rl-lib 3.x's runner checkpoint format."""
        return {"model_state_dict": self.policy.state_dict(), "optimizer_state_dict": self.optimizer.state_dict()}
