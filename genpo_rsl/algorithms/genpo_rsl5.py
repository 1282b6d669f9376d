"""``GenPO`` for rsl-rl-lib 5.x: GenPO's update (:class:`~genpo_rsl.algorithms.genpo.GenPOCore`) on rsl_rl's ``PPO``."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import torch
import torch.nn as nn
from rsl_rl.algorithms import PPO
from rsl_rl.env import VecEnv
from rsl_rl.storage import RolloutStorage
from rsl_rl.utils import compile_model, resolve_callable
from tensordict import TensorDict

from genpo_rsl.algorithms.genpo import GenPOCore, Minibatch
from genpo_rsl.algorithms.genpo_args import split_genpo_kwargs
from genpo_rsl.algorithms.health import env_log_dir
from genpo_rsl.algorithms.symmetry import mirrored, symmetry_term
from genpo_rsl.algorithms.update_loop import step_rows
from genpo_rsl.models.genpo_actor import GenPOHead
from genpo_rsl.modules.flow import legacy_key_renames
from genpo_rsl.utils.checkpoint import (
    CHECKPOINT_TAG,
    optimizer_state_in_model_order,
    settings_dict,
    warm_start_view,
)
from genpo_rsl.utils.config_keys import (
    accepted_keys,
    check_keys,
    check_shared_cnns,
    flow_actor_for,
    require_model,
)


class GenPO(GenPOCore, PPO):
    """GenPO (Ding et al., NeurIPS 2025) as a subclass of rsl-rl-lib 5.x's ``PPO``; see :class:`GenPOCore`.

    Multi-GPU (``multi_gpu_cfg`` from the runner) is rsl_rl's, unchanged: rank 0's state is broadcast, gradients are
    averaged before clipping, the KL is all-reduced and rank 0's adapted learning rate is broadcast; advantages,
    minibatch shuffling and the compression noise stay per rank, as in PPO. Gradients are clipped as rsl-rl-lib 5.x's
    PPO does: the actor's and the critic's norms separately, each to ``max_grad_norm``.

    Args:
        actor: The flow actor (:class:`~genpo_rsl.models.genpo_actor.GenPOActor`, ``GenPOCNNActor`` or
            ``GenPORNNActor``).
        critic: The value model.
        storage: The rollout storage (:meth:`construct_algorithm` replaces it with one that holds the 2d dummy
            action).
        entropy_coef: ``λ``, the weight of the entropy term (its form: ``entropy_form``).
        **kwargs: rsl_rl ``PPO``'s settings (``num_learning_epochs``, ``clip_param``, ``learning_rate``,
            ``schedule``, ``desired_kl``, ...) and GenPO's (``compression_coef``, ``compression_fraction``,
            ``compression_form``, ``cuda_graphs``, ``allow_tf32``, ``entropy_form``: see
            :meth:`GenPOCore.init_genpo`). ``symmetry_cfg`` is rsl_rl's (augmentation and mirror loss:
            :mod:`genpo_rsl.algorithms.symmetry`); ``use_mixed_precision=True`` is refused.

    Raises:
        TypeError: If ``actor`` is not a ``GenPOActor`` or ``GenPOCNNActor``.
        ValueError: If a GenPO setting is invalid or an unsupported PPO option is set; the message names it and what
            is allowed.
    """

    actor: GenPOHead

    def __init__(
        self,
        actor: GenPOHead,
        critic: nn.Module,
        storage: RolloutStorage,
        entropy_coef: float = 0.01,
        **kwargs,
    ) -> None:
        """Initialize as PPO, then set GenPO's settings (see the class docstring)."""
        shown = "GenPOActor (or GenPOCNNActor, GenPORNNActor)"
        require_model("GenPO", "actor", actor, GenPOHead, flow_actor_for(actor, "GenPO"), shown)
        genpo_kwargs, ppo_kwargs = split_genpo_kwargs(kwargs, symmetry=True)
        super().__init__(actor, critic, storage, entropy_coef=entropy_coef, **ppo_kwargs)
        self.init_genpo(**genpo_kwargs)

    @staticmethod
    def construct_algorithm(obs: TensorDict, env: VecEnv, cfg: dict, device: str) -> GenPO:
        """Build as PPO does, after checking the config keys; the storage holds the 2d dummy action."""
        alg_class = resolve_callable(cfg["algorithm"]["class_name"])
        allowed = accepted_keys(alg_class, PPO, GenPOCore.init_genpo) | {"class_name", "share_cnn_encoders", "rnd_cfg"}
        allowed |= {"use_mixed_precision"}  # refused when True; rsl-rl-lib 5.4's PPO does not take it
        check_keys(alg_class.__name__, "algorithm", cfg["algorithm"], allowed)
        if cfg["algorithm"].get("share_cnn_encoders"):
            check_shared_cnns("GenPO", cfg, "genpo_rsl:GenPOCNNActor")
        alg: GenPO = PPO.construct_algorithm(obs, env, cfg, device)  # type: ignore[assignment]
        alg.storage = RolloutStorage("rl", env.num_envs, cfg["num_steps_per_env"], obs, [2 * env.num_actions], device)
        alg.checkpoint_dir = env_log_dir(env)  # where a numerical failure writes the last good state
        return alg

    def compile(self, mode: str | None = None) -> None:
        """Honour the runner's ``torch_compile_mode``: compile the critic as PPO does and the flow's velocity MLP.

        Wrapping the whole actor (PPO's way) would compile only its ``forward``; GenPO's hot paths (sample,
        likelihood, compression) all evaluate the velocity MLP.
        """
        self.critic = compile_model(self._raw_critic, mode)  # type: ignore[assignment]
        if mode is not None:
            self._raw_actor.flow.compile_velocity(mode)

    # -- the core's adapter hooks --------------------------------------------------------------------------------

    @property
    def flow_policy(self) -> GenPOHead:
        """Return the flow actor."""
        return self._raw_actor  # type: ignore[return-value]

    def act(self, obs: TensorDict) -> torch.Tensor:
        """Sample a dummy action, store it with its log-prob and latent, and return ``(x + y) / 2``."""
        # the hidden states before this step (None for models without memory), as PPO records them
        self.transition.hidden_states = (self.actor.get_hidden_state(), self.critic.get_hidden_state())
        dummy, z, log_prob = self.sample_checked(obs)
        self.transition.actions = dummy
        self.transition.values = self.critic(obs).detach()
        self.transition.actions_log_prob = log_prob
        self.transition.distribution_params = (z,)
        self.transition.observations = obs
        return self.flow_policy.env_action(dummy)

    def minibatches(self) -> Iterator[Minibatch]:
        """Yield rsl_rl's minibatches in the core's form: a recurrent model's padded trajectories (as PPO takes them
        when the actor or the critic is recurrent) with their per-step fields flattened to rows."""
        for b in self.storage_minibatches():
            batch = Minibatch(
                obs=b.observations,  # type: ignore[arg-type]
                dummy_actions=step_rows(b.actions),
                old_log_prob=step_rows(b.old_actions_log_prob).squeeze(-1),
                old_latent=step_rows(b.old_distribution_params[0]),  # type: ignore[index]
                advantages=step_rows(b.advantages).squeeze(-1),
                returns=step_rows(b.returns),
                old_values=step_rows(b.values),
                masks=b.masks,
                hidden_states=b.hidden_states,
            )
            yield mirrored(self.symmetry, batch) if self.symmetry else batch

    def critic_values(self, batch: Minibatch) -> torch.Tensor:
        """Return the critic's values of the minibatch's steps (rows)."""
        return self.critic_rows(batch.obs, batch.masks, batch.hidden_states[1])

    def auxiliary_loss(self, batch: Minibatch, terms: dict[str, torch.Tensor]) -> torch.Tensor | float:
        """Return the symmetry mirror loss times its coefficient (``use_mirror_loss``); log it as ``symmetry``."""
        return symmetry_term(self.symmetry, self.actor, batch, terms)

    def before_step(self, batch: Minibatch, terms: dict[str, torch.Tensor]) -> None:
        """Train RND (if configured) on the minibatch, as PPO does."""
        if self.rnd:
            rnd_loss = self.rnd.compute_loss(batch.obs[: batch.original_rows])
            self.rnd.optimizer.zero_grad()
            rnd_loss.backward()
            terms["rnd"] = rnd_loss.detach()

    def after_step(self) -> None:
        """Step RND's optimizer (if configured)."""
        if self.rnd:
            self.rnd.optimizer.step()

    def finish_update(self) -> None:
        """Update the normalizers with the rollout's observations and clear the storage."""
        obs = self.storage.observations.flatten(0, 1)
        self.actor.update_normalization(obs)  # type: ignore[arg-type]
        self.critic.update_normalization(obs)  # type: ignore[arg-type, operator]
        if self.rnd:
            self.rnd.update_normalization(obs)  # type: ignore[arg-type]
        self.storage.clear()

    def named_models(self) -> dict[str, nn.Module]:
        """Return the actor and the critic."""
        return {"actor": self._raw_actor, "critic": self._raw_critic}

    def rollout_dummy_actions(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the stored dummy actions and log-probs."""
        return self.storage.actions, self.storage.actions_log_prob  # type: ignore[return-value]

    def checkpoint_state(self) -> dict:
        """Return PPO's saved dict plus the flow settings under ``genpo``."""
        return {**super().save(), CHECKPOINT_TAG: settings_dict(self.flow_policy.flow)}

    # -- checkpoints ---------------------------------------------------------------------------------------------

    def save(self) -> dict:
        """Return PPO's saved dict plus the GenPO metadata; refuse to save non-finite parameters."""
        for name, param in self._raw_actor.named_parameters():
            if not torch.isfinite(param).all():
                raise RuntimeError(f"GenPO: actor parameter '{name}' is not finite; refusing to write a checkpoint.")
        return self.checkpoint_state()

    def load(self, loaded_dict: dict, load_cfg: dict | None, strict: bool) -> bool:
        """Load a GenPO checkpoint (or a warm start: :func:`~genpo_rsl.utils.checkpoint.warm_start_view`).

        A checkpoint whose flow has no trained σ loads into a learnable-σ actor with a fresh optimizer (with a warning).
        """
        if CHECKPOINT_TAG not in loaded_dict:
            keys = sorted(loaded_dict.get("actor_state_dict", {}))[:4]
            raise ValueError(
                f"GenPO cannot load this checkpoint: it has no '{CHECKPOINT_TAG}' entry (actor keys {keys} ...), so it "
                f"was written by another algorithm (e.g. Gaussian PPO). Allowed: checkpoints saved by genpo_rsl.GenPO."
            )
        loaded_dict, load_cfg = warm_start_view(loaded_dict, load_cfg)
        flow = self.flow_policy.flow
        if load_cfg.get("optimizer") and flow.saved_without_base_noise(loaded_dict.get("actor_state_dict", {})):
            warnings.warn(
                f"GenPO: the checkpoint's flow has no trained base-noise scale (base_scale='fixed'); it loads into "
                f"base_scale={flow.base_noise.mode!r} with σ = 1 and a fresh optimizer (its optimizer state has no "
                f"entry for σ).",
                stacklevel=2,
            )
            load_cfg["optimizer"] = False
        if load_cfg.get("optimizer") and load_cfg.get("actor"):
            renames = legacy_key_renames("flow.")
            saved_actor = loaded_dict["actor_state_dict"]
            ordered = optimizer_state_in_model_order(
                loaded_dict["optimizer_state_dict"], saved_actor, self._raw_actor, renames
            )
            loaded_dict = {**loaded_dict, "optimizer_state_dict": ordered}
        load_iteration = super().load(loaded_dict, load_cfg, strict)
        self.loaded(loaded_dict, load_iteration)
        return load_iteration
