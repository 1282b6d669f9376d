"""GenPO for rsl-rl-lib 3.x: PPO in the doubled action space of a :class:`GenPOActorCritic`."""

from __future__ import annotations

import torch
import torch.nn as nn
from rsl_rl.algorithms import PPO
from tensordict import TensorDict

from genpo_rsl.genpo_base import GenPOMixin, check_genpo_args
from genpo_rsl.ppo_math import value_loss
from genpo_rsl.rsl3.actor_critic import GenPOActorCritic


class GenPO(GenPOMixin, PPO):
    """GenPO (Ding et al., NeurIPS 2025) as a subclass of rsl-rl-lib 3.x's ``PPO``.

    Same algorithm as the rsl-rl-lib 5.x :class:`genpo_rsl.genpo.GenPO`: the storage holds the 2d dummy action ``ã``
    (its latent ``z`` in the ``action_mean`` slot), the environment receives ``(x + y) / 2``, ratio and KL use the
    closed-form flow log-likelihood, the entropy term is ``H = -mean log π(ã_old | s)`` and a compression loss
    ``ν·E[(x - y)^2]`` pulls the two halves together. ``learning_rate`` is read from the optimizer, so a checkpoint
    (which stores the optimizer) resumes with the adapted learning rate.
    """

    policy: GenPOActorCritic

    def __init__(
        self,
        policy: GenPOActorCritic,
        compression_coef: float = 0.01,
        compression_fraction: float = 1.0,
        entropy_coef: float = 0.01,
        rnd_cfg: dict | None = None,
        symmetry_cfg: dict | None = None,
        **ppo_kwargs,
    ) -> None:
        """Initialize as PPO, plus ``compression_coef`` (ν) and ``compression_fraction`` of each minibatch."""
        if not isinstance(policy, GenPOActorCritic):
            raise TypeError(
                f"GenPO needs a genpo_rsl.GenPOActorCritic policy, got {type(policy).__name__}; set the policy's "
                f"class_name to 'genpo_rsl.GenPOActorCritic'."
            )
        if rnd_cfg:
            raise ValueError(f"GenPO (rsl-rl-lib 3.x): rnd_cfg={rnd_cfg!r} is not supported; allowed: None.")
        check_genpo_args(compression_coef, compression_fraction, symmetry_cfg)
        super().__init__(policy, entropy_coef=entropy_coef, **ppo_kwargs)
        self.compression_coef = compression_coef
        self.compression_fraction = compression_fraction

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

    # -- rollout ---------------------------------------------------------------------------------------------------

    def act(self, obs: TensorDict) -> torch.Tensor:
        """Sample a dummy action, store it with its log-prob and latent, and return ``(x + y) / 2``."""
        dummy, z, log_prob = self.policy.sample(obs)
        self.transition.actions = dummy
        self.transition.values = self.policy.evaluate(obs).detach()
        self.transition.actions_log_prob = log_prob
        self.transition.action_mean = z
        self.transition.action_sigma = torch.zeros_like(z)
        self.transition.observations = obs
        return self.policy.env_action(dummy)

    def process_env_step(
        self, obs: TensorDict, rewards: torch.Tensor, dones: torch.Tensor, extras: dict[str, torch.Tensor]
    ) -> None:
        """Record the step as PPO does, but leave the observation normalizers to :meth:`update`.

        Stock 3.x PPO updates them at every step, so the normalized observation of a stored action changes before
        the update and ``F⁻¹(ã)`` no longer gives back the rollout latent (ratio ≠ 1 at the first minibatch).
        Updating once per iteration with all rollout observations gives the same statistics, without that bias.
        """
        self.transition.rewards = rewards.clone()
        self.transition.dones = dones
        if "time_outs" in extras:
            time_outs = extras["time_outs"].unsqueeze(1).to(self.device)
            self.transition.rewards += self.gamma * torch.squeeze(self.transition.values * time_outs, 1)
        self.storage.add_transitions(self.transition)
        self.transition.clear()
        self.policy.reset(dones)

    # -- update ----------------------------------------------------------------------------------------------------

    def update(self) -> dict[str, float]:
        """Run the PPO epochs with the flow likelihood; return mean losses and GenPO diagnostics."""
        sums: dict[str, float] = {}
        roundtrip_error = None
        generator = self.storage.mini_batch_generator(self.num_mini_batches, self.num_learning_epochs)
        for step, (obs, dummy, old_values, advantages, returns, old_log_prob, old_z, _, _, _) in enumerate(generator):
            log_prob, z = self.policy.log_prob(obs, dummy)
            if roundtrip_error is None:  # parameters are still those of the rollout: F⁻¹(ã) must give back z_old
                roundtrip_error = (z.detach() - old_z).abs().max().item()
            values = self.policy.evaluate(obs)
            v_loss = value_loss(values, old_values, returns, self.clip_param, self.use_clipped_value_loss)
            compression = self.policy.compression(self.compression_rows(obs))
            loss, terms = self.genpo_loss(
                log_prob, old_log_prob.squeeze(-1), advantages.squeeze(-1), v_loss, compression, step == 0
            )
            self.optimizer.zero_grad()
            loss.backward()
            if self.is_multi_gpu:
                self.reduce_parameters()
            nn.utils.clip_grad_norm_(self.policy.parameters(), self.max_grad_norm)
            self.optimizer.step()
            for key, value in {"value_function": v_loss, **terms}.items():
                sums[key] = sums.get(key, 0.0) + value.item()

        self.policy.update_normalization(self.storage.observations.flatten(0, 1))
        self.storage.clear()
        num_updates = self.num_learning_epochs * self.num_mini_batches
        losses = {key: value / num_updates for key, value in sums.items()}
        losses["roundtrip_error"] = float(roundtrip_error or 0.0)
        return losses
