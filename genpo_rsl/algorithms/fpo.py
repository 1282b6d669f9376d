"""``FPO``: FPO++ (flow matching policy gradients for robot control) as a subclass of rsl-rl-lib 5.x's ``PPO``."""

from __future__ import annotations

import torch
import torch.nn as nn
from rsl_rl.algorithms import PPO
from rsl_rl.env import VecEnv
from rsl_rl.storage import RolloutStorage
from rsl_rl.utils import resolve_callable
from tensordict import TensorDict

from genpo_rsl.algorithms.genpo_args import check_unsupported
from genpo_rsl.algorithms.objective import value_loss
from genpo_rsl.algorithms.update_loop import UpdateLoop, step_condition, step_rows
from genpo_rsl.models.fpo_actor import FPOHead
from genpo_rsl.modules.cfm import TRUST_REGIONS, fpo_surrogate
from genpo_rsl.modules.ema import PolicyEMA
from genpo_rsl.utils.config_keys import accepted_keys, check_keys, check_shared_cnns, flow_actor_for, require_model

CHECKPOINT_TAG = "fpo"
"""Top-level key of FPO checkpoints: the flow's sizes (``genpo-train``'s checkpoint check reads it)."""

EMA_TAG = "fpo_ema"
"""Top-level key of the EMA state in checkpoints of runs with ``ema_decay > 0``: :meth:`PolicyEMA.state_dict` plus
the live actor weights (``live_actor_state_dict``); the checkpoint's ``actor_state_dict`` is the deployed policy."""


class FPO(UpdateLoop, PPO):
    """FPO++ (Yi, Choi et al. 2026) on rsl_rl's PPO: the ratio comes from conditional flow-matching losses.

    At each rollout step the actor samples an action by Euler integration and ``num_mc_samples`` pairs ``(ε_i, τ_i)``
    are drawn; their CFM losses under the rollout parameters are stored with the action. The update recomputes the
    losses at the same pairs: ``log r_i = ℓ_i(θ_old) − ℓ_i(θ)`` (:mod:`genpo_rsl.modules.cfm`). Implemented from FPO++:
    per-pair ratios (``per_sample_ratio=True``; ``False`` is FPO's one ratio from the mean loss), the asymmetric
    trust region (``trust_region="aspo"``: PPO clip for ``A ≥ 0``, SPO penalty for ``A < 0``) and zero-noise
    evaluation (the actor's default). No entropy term (the flow has no likelihood): ``entropy_coef`` must be 0. The
    adaptive learning rate uses ``mean((r − 1) − log r)`` over the pairs as its KL estimate. Not supported: several
    GPUs, RND, symmetry, mixed precision (each refused with a named error).

    Policy-weight EMA (``ema_decay > 0``), as FPO++'s IsaacLab runner keeps it (amazon-far/fpo-control,
    ``isaaclab_experiments/isaaclab_fpo/isaaclab_fpo/runners/on_policy_runner.py``; defaults in ``rl_cfg.py``, read in
    the fork RPFey/fpo-control): a :class:`~genpo_rsl.modules.ema.PolicyEMA` of the actor's parameters, updated once per
    learning iteration after the PPO epochs, restarted from the trained weights after ``ema_warmup_updates``
    iterations (FPO++: decay 0.95, warm-up 500). Rollouts and the ratio's old policy use the live weights; the EMA
    weights are only deployed: :meth:`get_policy` (``isaaclab play``, JIT/ONNX export) returns them after the warm-up,
    and the checkpoint's ``actor_state_dict`` holds them, as FPO++ saves them. The live weights travel under
    :data:`EMA_TAG`, so a resume continues exactly (FPO++'s own resume restarts training from the EMA weights).

    Args:
        actor: The flow-matching policy (:class:`~genpo_rsl.models.fpo_actor.FPOActor`, ``FPOCNNActor`` or
            ``FPORNNActor``).
        critic: The value model.
        storage: The rollout storage.
        num_mc_samples: Monte-Carlo pairs ``(ε, τ)`` per action (FPO++ locomotion: 16; H1/G1: 32).
        per_sample_ratio: One ratio per pair (FPO++); ``False``: one ratio from the mean loss (FPO).
        trust_region: ``"aspo"`` (FPO++) or ``"ppo"``.
        entropy_coef: Must be 0.
        ema_decay: Decay of the policy-weight EMA, in ``[0, 1)``; 0 turns it off (FPO++ locomotion: 0.95).
        ema_warmup_updates: Learning iterations before the EMA starts (FPO++: 500).
        weight_decay: Weight decay of every parameter group of rsl_rl's ``optimizer`` (FPO++: 1e-4 with
            ``optimizer="adamw"``); ``None`` keeps the optimizer's default.
        **kwargs: rsl_rl ``PPO`` settings.
    """

    actor: FPOHead

    def __init__(
        self,
        actor: FPOHead,
        critic: nn.Module,
        storage: RolloutStorage,
        num_mc_samples: int = 8,
        per_sample_ratio: bool = True,
        trust_region: str = "aspo",
        entropy_coef: float = 0.0,
        ema_decay: float = 0.0,
        ema_warmup_updates: int = 0,
        weight_decay: float | None = None,
        **kwargs,
    ) -> None:
        """Initialize as PPO; check the FPO settings (class docstring; errors name the value and what is allowed)."""
        require_model(
            "FPO", "actor", actor, FPOHead, flow_actor_for(actor, "FPO"), "FPOActor (or FPOCNNActor, FPORNNActor)"
        )
        if not isinstance(num_mc_samples, int) or num_mc_samples < 1:
            raise ValueError(f"FPO: num_mc_samples={num_mc_samples!r} is invalid; allowed: an integer >= 1.")
        if trust_region not in TRUST_REGIONS:
            raise ValueError(f"FPO: trust_region={trust_region!r} is invalid; allowed: {list(TRUST_REGIONS)}.")
        if entropy_coef != 0.0:
            raise ValueError(
                f"FPO: entropy_coef={entropy_coef!r} is invalid; allowed: 0.0 (no likelihood, no entropy)."
            )
        check_unsupported(kwargs.pop("symmetry_cfg", None), kwargs.pop("use_mixed_precision", False), "FPO")
        for name in ("rnd_cfg", "multi_gpu_cfg"):
            if kwargs.get(name):
                raise ValueError(f"FPO: {name} is not supported; allowed: None.")
        check_ema_and_weight_decay(ema_decay, ema_warmup_updates, weight_decay)
        super().__init__(actor, critic, storage, entropy_coef=0.0, **kwargs)
        self.num_mc_samples, self.per_sample_ratio, self.trust_region = num_mc_samples, per_sample_ratio, trust_region
        self.ema = PolicyEMA(self._raw_actor, ema_decay, ema_warmup_updates) if ema_decay > 0.0 else None
        if weight_decay is not None:
            for group in self.optimizer.param_groups:
                group["weight_decay"] = weight_decay

    @staticmethod
    def construct_algorithm(obs: TensorDict, env: VecEnv, cfg: dict, device: str) -> FPO:
        """Build as PPO does, after checking the config keys (unknown keys are named)."""
        alg_class = resolve_callable(cfg["algorithm"]["class_name"])
        allowed = accepted_keys(alg_class, PPO) | {"class_name", "share_cnn_encoders", "rnd_cfg", "symmetry_cfg"}
        allowed |= {"use_mixed_precision"}  # refused when True; rsl-rl-lib 5.4's PPO does not take it
        check_keys(alg_class.__name__, "algorithm", cfg["algorithm"], allowed)
        if cfg["algorithm"].get("share_cnn_encoders"):
            check_shared_cnns("FPO", cfg, "genpo_rsl:FPOCNNActor")
        return PPO.construct_algorithm(obs, env, cfg, device)  # type: ignore[return-value]

    def act(self, obs: TensorDict) -> torch.Tensor:
        """Sample an action; store it with its Monte-Carlo pairs and their CFM losses under the rollout parameters."""
        self.transition.hidden_states = (self.actor.get_hidden_state(), self.critic.get_hidden_state())
        flow, cond = self.actor.flow, self.actor.flow_condition(obs)
        actions = flow.sample_action(cond)
        n, m, d = actions.shape[0], self.num_mc_samples, actions.shape[1]
        eps = torch.randn(n, m, d, device=actions.device)
        tau = torch.rand(n, m, device=actions.device)
        self.transition.actions = actions
        self.transition.values = self.critic(obs).detach()
        self.transition.actions_log_prob = torch.zeros(n, device=actions.device)  # FPO has no likelihood
        self.transition.distribution_params = (eps.flatten(1), tau, flow.cfm_losses(cond, actions, eps, tau))
        self.transition.observations = obs
        return actions

    def update(self) -> dict[str, float]:
        """Run the PPO epochs on the FPO++ ratio (:class:`~genpo_rsl.algorithms.update_loop.UpdateLoop`); return mean
        losses and FPO diagnostics. With the EMA, it is updated once after the epochs."""

        def loss_and_spread(batch: RolloutStorage.Batch, first: bool) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
            if first:
                with torch.no_grad():
                    self.actor.measure_spread_at(self.batch_condition(batch))
            return self.minibatch_loss(batch, first)

        sums, count = self.run_epochs(self.storage_minibatches(), loss_and_spread)
        obs = self.storage.observations.flatten(0, 1)  # type: ignore[union-attr]
        self.actor.update_normalization(obs)
        self.critic.update_normalization(obs)  # type: ignore[operator]
        self.storage.clear()
        if self.ema is not None:
            self.ema.update(self._raw_actor)
        return self.mean_terms(sums, count, first_only=["ratio_first_minibatch"])

    def minibatch_loss(self, batch: RolloutStorage.Batch, first: bool) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Return the FPO++ loss of one minibatch and its logged terms; adapt the learning rate on its KL estimate.

        Args:
            batch: rsl_rl's minibatch.
            first: Whether this is the update's first minibatch (``ratio_first_minibatch`` is measured on it).

        Returns:
            ``(loss, terms)``: the scalar loss and the logged terms.
        """
        eps_flat, tau, old_losses = (step_rows(p) for p in batch.old_distribution_params)  # type: ignore[union-attr]
        eps = eps_flat.view(tau.shape[0], tau.shape[1], -1)
        new_losses = self.actor.flow.cfm_losses(self.batch_condition(batch), step_rows(batch.actions), eps, tau)  # type: ignore[arg-type]
        log_ratio = old_losses - new_losses
        if not self.per_sample_ratio:
            log_ratio = log_ratio.mean(-1, keepdim=True)
        advantages = step_rows(batch.advantages).squeeze(-1)  # type: ignore[arg-type]
        if self.normalize_advantage_per_mini_batch:
            advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
        ratio = torch.exp(log_ratio.detach())
        kl = ((ratio - 1.0) - log_ratio.detach()).mean()
        self.adapt_learning_rate(kl)
        surrogate = fpo_surrogate(log_ratio, advantages, self.clip_param, self.trust_region)
        values = self.critic_rows(batch.observations, batch.masks, batch.hidden_states[1])  # type: ignore[arg-type]
        old_values, returns = step_rows(batch.values), step_rows(batch.returns)  # type: ignore[arg-type]
        v_loss = value_loss(values, old_values, returns, self.clip_param, self.use_clipped_value_loss)
        clipped = ((ratio - 1.0).abs() > self.clip_param).float().mean()
        return surrogate + self.value_loss_coef * v_loss, {
            "surrogate": surrogate.detach(),
            "value": v_loss.detach(),
            "kl": kl,
            "cfm_loss": new_losses.detach().mean(),
            "clip_fraction": clipped,
            "ratio_first_minibatch": (ratio - 1.0).abs().max() if first else torch.zeros((), device=ratio.device),
        }

    def batch_condition(self, batch: RolloutStorage.Batch) -> torch.Tensor:
        """Return the flow's conditioning ``[B, c]`` of the minibatch, one row per step (recurrent: ``[T, n]``)."""
        return step_condition(self.actor, batch.observations, batch.masks, batch.hidden_states[0])  # type: ignore[arg-type]

    def get_policy(self) -> FPOHead:
        """Return the deployed policy: the live actor, or after the EMA's warm-up a frozen copy with its weights."""
        return self._raw_actor if self.ema is None else self.ema.deployed(self._raw_actor)  # type: ignore[return-value]

    def save(self) -> dict:
        """Return PPO's saved dict plus the flow's sizes under ``fpo``; with the EMA, the deployed actor and its state.

        With ``ema_decay > 0``, ``actor_state_dict`` is the deployed policy (:meth:`get_policy`, as FPO++ saves it),
        and :data:`EMA_TAG` holds the EMA state and the live weights.
        """
        flow = self.actor.flow
        sizes = {"action_dim": flow.action_dim, "cond_dim": flow.cond_dim, "num_flow_steps": flow.num_flow_steps}
        saved = {**super().save(), CHECKPOINT_TAG: sizes}
        if self.ema is not None:
            saved[EMA_TAG] = {**self.ema.state_dict(), "live_actor_state_dict": saved["actor_state_dict"]}
            saved["actor_state_dict"] = self.get_policy().state_dict()
        return saved

    def load(self, loaded_dict: dict, load_cfg: dict | None, strict: bool) -> bool:
        """Load an FPO checkpoint; another algorithm's checkpoint gives a clear error.

        With ``ema_decay > 0`` the live weights and the EMA are restored; a checkpoint without EMA state starts the
        EMA from its weights. With ``ema_decay = 0`` the actor gets the checkpoint's deployed weights.
        """
        if CHECKPOINT_TAG not in loaded_dict:
            raise ValueError(
                f"FPO cannot load this checkpoint: it has no '{CHECKPOINT_TAG}' entry, so it was written by another "
                f"algorithm (e.g. Gaussian PPO or GenPO). Allowed: checkpoints saved by genpo_rsl.FPO."
            )
        ema_state = loaded_dict.get(EMA_TAG)
        if self.ema is not None and ema_state is not None:
            loaded_dict = {**loaded_dict, "actor_state_dict": ema_state["live_actor_state_dict"]}
        load_iteration = super().load(loaded_dict, load_cfg, strict)
        if self.ema is not None and (load_cfg is None or load_cfg.get("actor")):
            if ema_state is None:
                self.ema.restart(self._raw_actor)
            else:
                self.ema.load_state_dict(ema_state)
        return load_iteration


def check_ema_and_weight_decay(ema_decay: float, ema_warmup_updates: int, weight_decay: float | None) -> None:
    """Check FPO's EMA and weight-decay settings.

    Args:
        ema_decay: Must be in ``[0, 1)``.
        ema_warmup_updates: Must be an integer ``>= 0``.
        weight_decay: Must be ``None`` or a number ``>= 0``.

    Raises:
        ValueError: If a setting is invalid; the message names it and what is allowed.
    """
    if isinstance(ema_decay, bool) or not isinstance(ema_decay, (int, float)) or not 0.0 <= ema_decay < 1.0:
        raise ValueError(
            f"FPO: ema_decay={ema_decay!r} is invalid; allowed: a number in [0, 1) (0: no EMA; FPO++: 0.95)."
        )
    if isinstance(ema_warmup_updates, bool) or not isinstance(ema_warmup_updates, int) or ema_warmup_updates < 0:
        raise ValueError(f"FPO: ema_warmup_updates={ema_warmup_updates!r} is invalid; allowed: an integer >= 0.")
    if weight_decay is not None and (not isinstance(weight_decay, (int, float)) or weight_decay < 0.0):
        raise ValueError(f"FPO: weight_decay={weight_decay!r} is invalid; allowed: None or a number >= 0.")
