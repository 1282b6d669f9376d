"""GenPO: PPO in the doubled action space of a flow policy (a subclass of rsl_rl's ``PPO``)."""

from __future__ import annotations

import inspect
import math

import torch
import torch.nn as nn
from rsl_rl.algorithms import PPO
from rsl_rl.env import VecEnv
from rsl_rl.storage import RolloutStorage
from rsl_rl.utils import resolve_callable
from tensordict import TensorDict

from genpo_rsl.actor import GenPOActor

CHECKPOINT_TAG = "genpo"
"""Key of the GenPO metadata stored in every GenPO checkpoint."""


class GenPO(PPO):
    """GenPO (Ding et al., NeurIPS 2025): PPO on the exact flow likelihood of a :class:`GenPOActor`.

    Differences to :class:`rsl_rl.algorithms.PPO`: the storage holds the 2d dummy action ``ã`` and its latent, the
    environment receives ``(x + y) / 2``, the ratio and the KL estimate use the closed-form flow log-likelihood,
    the entropy term is the estimate ``H = -mean log π(ã_old | s)``, and a compression loss ``ν·E[(x - y)^2]`` pulls
    the two halves together.
    """

    actor: GenPOActor

    def __init__(
        self,
        actor: GenPOActor,
        critic: nn.Module,
        storage: RolloutStorage,
        compression_coef: float = 0.01,
        compression_fraction: float = 1.0,
        entropy_coef: float = 0.01,
        symmetry_cfg: dict | None = None,
        **ppo_kwargs,
    ) -> None:
        """Initialize as PPO, plus ``compression_coef`` (ν) and ``compression_fraction`` of each minibatch.

        ``compression_fraction`` in (0, 1] is the share of the minibatch the compression loss is evaluated on
        (a fresh flow sample costs 2N velocity passes; 1.0 is the paper's setting).
        """
        if not isinstance(actor, GenPOActor):
            raise TypeError(
                f"GenPO needs a genpo_rsl.GenPOActor actor, got {type(actor).__name__}; set the actor's "
                f"class_name to 'genpo_rsl:GenPOActor'."
            )
        if symmetry_cfg:
            raise ValueError(f"GenPO: symmetry_cfg={symmetry_cfg!r} is not supported; allowed: None.")
        if not 0.0 < compression_fraction <= 1.0:
            raise ValueError(f"GenPO: compression_fraction={compression_fraction!r} is invalid; allowed: 0 < f <= 1.")
        if compression_coef < 0.0:
            raise ValueError(f"GenPO: compression_coef={compression_coef!r} is invalid; allowed: >= 0.")
        super().__init__(actor, critic, storage, entropy_coef=entropy_coef, **ppo_kwargs)
        self.compression_coef = compression_coef
        self.compression_fraction = compression_fraction

    # -- construction ----------------------------------------------------------------------------------------------

    @staticmethod
    def construct_algorithm(obs: TensorDict, env: VecEnv, cfg: dict, device: str) -> GenPO:
        """Build as PPO does, after checking the config keys; the storage holds the 2d dummy action."""
        alg_class = resolve_callable(cfg["algorithm"]["class_name"])
        _check_keys("algorithm", cfg["algorithm"], alg_class, {"class_name", "share_cnn_encoders", "rnd_cfg"})
        actor_class = resolve_callable(cfg["actor"]["class_name"])
        _check_keys("actor", cfg["actor"], actor_class, {"class_name"}, skip=4)
        if cfg["algorithm"].get("share_cnn_encoders"):
            raise ValueError("GenPO: share_cnn_encoders=True is not supported (the flow actor has no CNN); allowed: False.")
        alg: GenPO = PPO.construct_algorithm(obs, env, cfg, device)  # type: ignore[assignment]
        alg.storage = RolloutStorage(
            "rl", env.num_envs, cfg["num_steps_per_env"], obs, [2 * env.num_actions], device
        )
        return alg

    # -- rollout ---------------------------------------------------------------------------------------------------

    def act(self, obs: TensorDict) -> torch.Tensor:
        """Sample a dummy action, store it with its log-prob and latent, and return ``(x + y) / 2``."""
        dummy, z, log_prob = self.actor.sample(obs)
        self.transition.hidden_states = (None, None)
        self.transition.actions = dummy
        self.transition.values = self.critic(obs).detach()
        self.transition.actions_log_prob = log_prob
        self.transition.distribution_params = (z,)
        self.transition.observations = obs
        return self.actor.env_action(dummy)

    # -- update ----------------------------------------------------------------------------------------------------

    def update(self) -> dict[str, float]:
        """Run the PPO epochs with the flow likelihood; return mean losses and GenPO diagnostics."""
        sums = dict.fromkeys(("value", "surrogate", "entropy", "compression", "kl", "log_prob"), 0.0)
        if self.rnd:
            sums["rnd"] = 0.0
        roundtrip_error = None
        for batch in self.storage.mini_batch_generator(self.num_mini_batches, self.num_learning_epochs):
            advantages = batch.advantages.squeeze(-1)  # type: ignore[union-attr]
            if self.normalize_advantage_per_mini_batch:
                advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
            log_prob, z = self.actor.log_prob(batch.observations, batch.actions)  # type: ignore[arg-type]
            if roundtrip_error is None:  # parameters are still those of the rollout: F⁻¹(ã) must give back z_old
                roundtrip_error = (z.detach() - batch.old_distribution_params[0]).abs().max().item()  # type: ignore
            old_log_prob = batch.old_actions_log_prob.squeeze(-1)  # type: ignore[union-attr]
            kl = (old_log_prob - log_prob.detach()).mean()
            self._adapt_learning_rate(kl)

            ratio = torch.exp(log_prob - old_log_prob)
            clipped = torch.clamp(ratio, 1.0 - self.clip_param, 1.0 + self.clip_param)
            surrogate = torch.max(-advantages * ratio, -advantages * clipped).mean()
            value_loss = self._value_loss(batch)
            entropy = -log_prob.mean()
            compression = self.actor.compression(self._compression_rows(batch.observations))  # type: ignore[arg-type]
            loss = (
                surrogate
                + self.value_loss_coef * value_loss
                - self.entropy_coef * entropy
                + self.compression_coef * compression
            )
            self.optimizer.zero_grad()
            loss.backward()
            if self.rnd:
                rnd_loss = self.rnd.compute_loss(batch.observations)
                self.rnd.optimizer.zero_grad()
                rnd_loss.backward()
                sums["rnd"] += rnd_loss.item()
            if self.is_multi_gpu:
                self.reduce_parameters()
            nn.utils.clip_grad_norm_(self.actor.parameters(), self.max_grad_norm)
            nn.utils.clip_grad_norm_(self.critic.parameters(), self.max_grad_norm)
            self.optimizer.step()
            if self.rnd:
                self.rnd.optimizer.step()
            for key, value in zip(sums, (value_loss, surrogate, entropy, compression, kl, log_prob.detach().mean())):
                sums[key] += value.item()

        obs = self.storage.observations.flatten(0, 1)
        self.actor.update_normalization(obs)  # type: ignore[arg-type]
        self.critic.update_normalization(obs)  # type: ignore[arg-type, operator]
        if self.rnd:
            self.rnd.update_normalization(obs)  # type: ignore[arg-type]
        self.storage.clear()
        num_updates = self.num_learning_epochs * self.num_mini_batches
        losses = {key: value / num_updates for key, value in sums.items()}
        losses["roundtrip_error"] = float(roundtrip_error or 0.0)
        return losses

    def _compression_rows(self, obs: TensorDict) -> TensorDict:
        """Return the leading ``compression_fraction`` of the (already shuffled) minibatch."""
        n = obs.batch_size[0]
        return obs if self.compression_fraction >= 1.0 else obs[: max(1, math.ceil(self.compression_fraction * n))]

    def _value_loss(self, batch: RolloutStorage.Batch) -> torch.Tensor:
        """Return the (clipped) value loss exactly as rsl_rl's PPO computes it."""
        values = self.critic(batch.observations)
        if not self.use_clipped_value_loss:
            return (batch.returns - values).pow(2).mean()  # type: ignore[operator]
        value_clipped = batch.values + (values - batch.values).clamp(-self.clip_param, self.clip_param)  # type: ignore
        return torch.max((values - batch.returns).pow(2), (value_clipped - batch.returns).pow(2)).mean()  # type: ignore

    def _adapt_learning_rate(self, kl_mean: torch.Tensor) -> None:
        """Apply rsl_rl's adaptive learning-rate rule to the (all-reduced) KL estimate."""
        if self.desired_kl is None or self.schedule != "adaptive":
            return
        if self.is_multi_gpu:
            torch.distributed.all_reduce(kl_mean, op=torch.distributed.ReduceOp.SUM)
            kl_mean /= self.gpu_world_size
        if self.gpu_global_rank == 0:
            if kl_mean > self.desired_kl * 2.0:
                self.learning_rate = max(1e-5, self.learning_rate / 1.5)
            elif self.desired_kl / 2.0 > kl_mean > 0.0:
                self.learning_rate = min(1e-2, self.learning_rate * 1.5)
        if self.is_multi_gpu:
            lr_tensor = torch.tensor(self.learning_rate, device=self.device)
            torch.distributed.broadcast(lr_tensor, src=0)
            self.learning_rate = lr_tensor.item()
        for param_group in self.optimizer.param_groups:
            param_group["lr"] = self.learning_rate

    # -- checkpoints -----------------------------------------------------------------------------------------------

    def save(self) -> dict:
        """Return PPO's saved dict plus the GenPO metadata; refuse to save non-finite parameters."""
        for name, param in self._raw_actor.named_parameters():
            if not torch.isfinite(param).all():
                raise RuntimeError(f"GenPO: actor parameter '{name}' is not finite; refusing to write a checkpoint.")
        saved = super().save()
        flow = self.actor.flow
        saved[CHECKPOINT_TAG] = {
            "action_dim": flow.action_dim,
            "obs_dim": flow.obs_dim,
            "num_flow_steps": flow.num_flow_steps,
            "mix_p": flow.mix_p,
        }
        return saved

    def load(self, loaded_dict: dict, load_cfg: dict | None, strict: bool) -> bool:
        """Load a GenPO checkpoint; a Gaussian PPO checkpoint or a mismatched flow gives a clear error."""
        meta = loaded_dict.get(CHECKPOINT_TAG)
        if meta is None:
            keys = sorted(loaded_dict.get("actor_state_dict", {}))[:4]
            raise ValueError(
                f"GenPO cannot load this checkpoint: it has no '{CHECKPOINT_TAG}' entry (actor keys {keys} ...), so it "
                f"was written by another algorithm (e.g. Gaussian PPO). Allowed: checkpoints saved by genpo_rsl.GenPO."
            )
        flow = self.actor.flow
        mine = {"action_dim": flow.action_dim, "obs_dim": flow.obs_dim, "num_flow_steps": flow.num_flow_steps,
                "mix_p": flow.mix_p}  # fmt: skip
        bad = {k: (meta.get(k), v) for k, v in mine.items() if meta.get(k) != v}
        if bad:
            details = ", ".join(f"{k}: checkpoint {a!r} vs config {b!r}" for k, (a, b) in bad.items())
            raise ValueError(f"GenPO checkpoint does not match the configured actor ({details}).")
        return super().load(loaded_dict, load_cfg, strict)


def _check_keys(section: str, cfg: dict, cls: type, extra: set[str], skip: int = 0) -> None:
    """Raise ``ValueError`` if ``cfg`` has a key that ``cls.__init__`` (or rsl_rl's builder) does not accept."""
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    if any(p.kind is p.VAR_KEYWORD for p in params) and issubclass(cls, PPO):
        params += list(inspect.signature(PPO.__init__).parameters.values())[1:]
    allowed = {p.name for p in params[skip:] if p.kind is not p.VAR_KEYWORD} | extra
    allowed -= {"actor", "critic", "storage", "device", "multi_gpu_cfg"}
    unknown = sorted(set(cfg) - allowed)
    if unknown:
        raise ValueError(
            f"GenPO config: unknown key(s) {unknown} in '{section}' (class {cls.__name__}); allowed: {sorted(allowed)}."
        )
