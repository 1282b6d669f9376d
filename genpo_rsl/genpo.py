"""GenPO: PPO in the doubled action space of a flow policy (a subclass of rsl_rl's ``PPO``)."""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

from genpo_rsl.rsl_version import require_rsl_rl_major

require_rsl_rl_major(5, "genpo_rsl.genpo")

import torch
import torch.nn as nn
from rsl_rl.algorithms import PPO
from rsl_rl.env import VecEnv
from rsl_rl.storage import RolloutStorage
from rsl_rl.utils import compile_model, resolve_callable
from tensordict import TensorDict

from genpo_rsl.actor import GenPOActor
from genpo_rsl.genpo_base import GenPOMixin, check_genpo_args
from genpo_rsl.ppo_math import value_loss

CHECKPOINT_TAG = "genpo"
"""Key of the GenPO metadata stored in every GenPO checkpoint."""

LAST_GOOD_PREFIX = "last_good_model"
"""File name prefix of the checkpoint written on a numerical failure: ``last_good_model_<iter>[_rank<r>].pt``."""

NUMERICAL_HINT = (
    "Usual causes: a learning rate too high for the flow (lower learning_rate / desired_kl, keep max_grad_norm), "
    "unnormalized observations with large values (set obs_normalization=True), or an ill-conditioned flow (the "
    "inverse amplifies float32 rounding by about mix_p^(-2*num_flow_steps); use mix_p >= 0.9 or fewer steps)."
)
"""What to try after a :class:`GenPONumericalError` (appended to its message)."""


class GenPONumericalError(RuntimeError):
    """The flow policy produced non-finite values; the message names the iteration, the quantity and the checkpoint."""


class GenPO(GenPOMixin, PPO):
    """GenPO (Ding et al., NeurIPS 2025): PPO on the exact flow likelihood of a :class:`GenPOActor`.

    Differences to :class:`rsl_rl.algorithms.PPO`: the storage holds the 2d dummy action ``ã`` and its latent, the
    environment receives ``(x + y) / 2``, the ratio and the KL estimate use the closed-form flow log-likelihood,
    the entropy term is the estimate ``H = -mean log π(ã_old | s)``, and a compression loss ``ν·E[(x - y)^2]`` pulls
    the two halves together.

    Multi-GPU (``multi_gpu_cfg`` from the runner) is rsl_rl's, unchanged: :meth:`PPO.broadcast_parameters` sends
    rank 0's actor and critic state (normalizer buffers included), :meth:`PPO.reduce_parameters` averages the actor
    and critic gradients before clipping, the KL is all-reduced and rank 0's adapted learning rate is broadcast (as a
    float32 tensor), and the normalizers merge their statistics over all ranks inside rsl_rl's
    ``EmpiricalNormalization.update`` (it all-reduces whenever ``torch.distributed`` is initialized). Inherited
    per-rank semantics, as in rsl_rl: advantages are normalized over each rank's own rollout (``compute_returns``),
    minibatches are shuffled per rank, the compression loss uses each rank's own fresh noise, and the returned losses
    are rank-local (the KL is the global mean when the schedule is adaptive). So N ranks equal one process on the
    joint batch only for equal rank batches and globally normalized advantages; otherwise they do what PPO does.

    Numerical health: :meth:`act` refuses non-finite dummy actions or log-probs before the environment sees them, and
    :meth:`update` checks the stored rollout, every new log-prob and the updated parameters. A failure raises
    :class:`GenPONumericalError` on the rank that sees it (torchrun then stops the others), after writing the last
    good state (the one the last finite rollout was collected with) as a runner checkpoint to ``checkpoint_dir``, else
    the log dir of the :class:`~rsl_rl.runners.OnPolicyRunner` driving this algorithm, else the current directory.
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
        check_genpo_args(compression_coef, compression_fraction, symmetry_cfg)
        super().__init__(actor, critic, storage, entropy_coef=entropy_coef, **ppo_kwargs)
        self.compression_coef = compression_coef
        self.compression_fraction = compression_fraction
        self.iteration = 0
        """Runner iteration of the current rollout and update: ``update()`` calls so far, plus a loaded ``iter``."""
        self.checkpoint_dir: str | None = None
        """Directory for the last good state on a numerical failure (``None``: the runner's log dir, else the cwd)."""
        self._last_good: dict | None = None

    # -- construction ----------------------------------------------------------------------------------------------

    @staticmethod
    def construct_algorithm(obs: TensorDict, env: VecEnv, cfg: dict, device: str) -> GenPO:
        """Build as PPO does, after checking the config keys; the storage holds the 2d dummy action."""
        alg_class = resolve_callable(cfg["algorithm"]["class_name"])
        _check_keys("algorithm", cfg["algorithm"], alg_class, {"class_name", "share_cnn_encoders", "rnd_cfg"})
        actor_class = resolve_callable(cfg["actor"]["class_name"])
        _check_keys("actor", cfg["actor"], actor_class, {"class_name"}, skip=4)
        if cfg["algorithm"].get("share_cnn_encoders"):
            raise ValueError(
                "GenPO: share_cnn_encoders=True is not supported (the flow actor has no CNN); allowed: False."
            )
        alg: GenPO = PPO.construct_algorithm(obs, env, cfg, device)  # type: ignore[assignment]
        alg.storage = RolloutStorage("rl", env.num_envs, cfg["num_steps_per_env"], obs, [2 * env.num_actions], device)
        return alg

    def compile(self, mode: str | None = None) -> None:
        """Honour the runner's ``torch_compile_mode``: compile the critic as PPO does and the flow's velocity MLP.

        Wrapping the whole actor (PPO's way) would compile only its ``forward``; GenPO's hot paths are the flow's
        ``sample``/``log_prob``/``compression``, which all evaluate the velocity MLP.
        """
        self.critic = compile_model(self._raw_critic, mode)  # type: ignore[assignment]
        if mode is not None:
            self._raw_actor.flow.compile_velocity(mode)

    # -- rollout ---------------------------------------------------------------------------------------------------

    def act(self, obs: TensorDict) -> torch.Tensor:
        """Sample a dummy action, store it with its log-prob and latent, and return ``(x + y) / 2``."""
        dummy, z, log_prob = self.actor.sample(obs)
        if not bool(torch.isfinite(dummy).all() & torch.isfinite(log_prob).all()):  # one sync per step
            rollout = {"rollout dummy actions": dummy, "rollout log-probs": log_prob}
            self._fail(_describe_nonfinite(rollout) + f" at rollout step {self.storage.step}", self._last_good)
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
        self._check_rollout()
        self._last_good = self._snapshot()
        sums = dict.fromkeys(("value", "surrogate", "entropy", "compression", "kl", "log_prob"), 0.0)
        if self.rnd:
            sums["rnd"] = 0.0
        roundtrip_error = None
        batches = self.storage.mini_batch_generator(self.num_mini_batches, self.num_learning_epochs)
        for step, batch in enumerate(batches):
            log_prob, z = self.actor.log_prob(batch.observations, batch.actions)  # type: ignore[arg-type]
            self._check_new_log_prob(log_prob)
            if roundtrip_error is None:  # parameters are still those of the rollout: F⁻¹(ã) must give back z_old
                roundtrip_error = (z.detach() - batch.old_distribution_params[0]).abs().max().item()  # type: ignore
            values = self.critic(batch.observations)
            v_loss = value_loss(values, batch.values, batch.returns, self.clip_param, self.use_clipped_value_loss)  # type: ignore[arg-type]
            compression = self.actor.compression(self.compression_rows(batch.observations))  # type: ignore[arg-type]
            loss, terms = self.genpo_loss(
                log_prob,
                batch.old_actions_log_prob.squeeze(-1),
                batch.advantages.squeeze(-1),  # type: ignore[union-attr]
                v_loss,
                compression,
                first_minibatch=step == 0,
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
            for key, value in {"value": v_loss, **terms}.items():
                sums[key] += value.item()
        self._check_parameters()

        obs = self.storage.observations.flatten(0, 1)
        self.actor.update_normalization(obs)  # type: ignore[arg-type]
        self.critic.update_normalization(obs)  # type: ignore[arg-type, operator]
        if self.rnd:
            self.rnd.update_normalization(obs)  # type: ignore[arg-type]
        self.storage.clear()
        self.iteration += 1
        num_updates = self.num_learning_epochs * self.num_mini_batches
        losses = {key: value / num_updates for key, value in sums.items()}
        losses["roundtrip_error"] = float(roundtrip_error or 0.0)
        # stored actions and log-probs and every new log-prob were checked; one non-finite value would have raised
        # (the error message carries the fraction), so a logged iteration always reads 0
        losses["nonfinite_fraction"] = 0.0
        return losses

    # -- numerical health ------------------------------------------------------------------------------------------

    def _check_rollout(self) -> None:
        """Raise if a stored dummy action or log-prob is non-finite (these parameters made the bad rollout)."""
        rollout = {"rollout dummy actions": self.storage.actions, "rollout log-probs": self.storage.actions_log_prob}
        if not _all_finite(rollout.values()):  # act() checks every step; this also covers storage filled otherwise
            self._fail(_describe_nonfinite(rollout), self._last_good)

    def _check_new_log_prob(self, log_prob: torch.Tensor) -> None:
        """Raise, before an optimizer step uses them, if a new log-prob is non-finite."""
        if not bool(torch.isfinite(log_prob).all()):
            self._fail(_describe_nonfinite({"new log-probs of the update": log_prob.detach()}), self._last_good)

    def _check_parameters(self) -> None:
        """Raise if an optimizer step made an actor or critic parameter non-finite."""
        params = {
            f"values of {kind} parameter '{name}'": param.detach()
            for kind, model in (("actor", self._raw_actor), ("critic", self._raw_critic))
            for name, param in model.named_parameters()
        }
        if not _all_finite(params.values()):
            self._fail(_describe_nonfinite(params) + " after the update", self._last_good)

    def _snapshot(self) -> dict:
        """Return a detached copy of the runner checkpoint of the current state (``iter`` = this iteration)."""
        state = _clone(self._state_dict())
        state["iter"] = self.iteration
        return state

    def _fail(self, details: str, last_good: dict | None) -> NoReturn:
        """Write ``last_good`` (if any) and raise :class:`GenPONumericalError` naming the iteration and ``details``."""
        message = f"iteration {self.iteration}: {details}"
        if last_good is None:
            saved = (
                "no checkpoint written: this happened before the first update of this process (the initial or loaded "
                "parameters already fail), so there is no earlier good state"
            )
        else:
            path = self._write_last_good(last_good, message)
            saved = (
                f"last good state (the parameters iteration {last_good['iter']}'s finite rollout was collected with) "
                f"saved to {path}; resume with OnPolicyRunner.load('{path}') or --checkpoint {path}"
            )
        raise GenPONumericalError(f"{message}; {saved}. {NUMERICAL_HINT}")

    def _write_last_good(self, last_good: dict, message: str) -> str:
        """Save ``last_good`` as a checkpoint :meth:`OnPolicyRunner.load` accepts; return its path."""
        directory = self._last_good_dir()
        os.makedirs(directory, exist_ok=True)
        rank = f"_rank{self.gpu_global_rank}" if self.gpu_global_rank else ""
        path = os.path.join(directory, f"{LAST_GOOD_PREFIX}_{last_good['iter']}{rank}.pt")
        torch.save({**last_good, "infos": {"genpo_numerical_error": message}}, path)
        return path

    def _last_good_dir(self) -> str:
        """Return ``checkpoint_dir``, else the log dir of the runner whose ``alg`` this is (call stack), else the cwd.

        The runner does not hand its log dir to the algorithm; looking it up only on this failure path costs nothing
        while training and needs no change to rsl_rl or IsaacLab.
        """
        if self.checkpoint_dir:
            return self.checkpoint_dir
        frame = sys._getframe(1)
        while frame is not None:
            owner = frame.f_locals.get("self")
            log_dir = getattr(getattr(owner, "logger", None), "log_dir", None)
            if getattr(owner, "alg", None) is self and log_dir:
                return log_dir
            frame = frame.f_back
        return os.getcwd()

    # -- checkpoints -----------------------------------------------------------------------------------------------

    def save(self) -> dict:
        """Return PPO's saved dict plus the GenPO metadata; refuse to save non-finite parameters."""
        for name, param in self._raw_actor.named_parameters():
            if not torch.isfinite(param).all():
                raise RuntimeError(f"GenPO: actor parameter '{name}' is not finite; refusing to write a checkpoint.")
        return self._state_dict()

    def _state_dict(self) -> dict:
        """Return PPO's saved dict plus the GenPO metadata (no finiteness check)."""
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
        mine = {
            "action_dim": flow.action_dim,
            "obs_dim": flow.obs_dim,
            "num_flow_steps": flow.num_flow_steps,
            "mix_p": flow.mix_p,
        }
        bad = {k: (meta.get(k), v) for k, v in mine.items() if meta.get(k) != v}
        if bad:
            details = ", ".join(f"{k}: checkpoint {a!r} vs config {b!r}" for k, (a, b) in bad.items())
            raise ValueError(f"GenPO checkpoint does not match the configured actor ({details}).")
        load_iteration = super().load(loaded_dict, load_cfg, strict)
        if load_iteration:  # the runner resumes at this iteration: count on from there
            self.iteration = int(loaded_dict.get("iter", 0))
        self._last_good = None  # the loaded state is the one in use now, not an earlier good one
        return load_iteration


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


def _all_finite(tensors: Iterable[torch.Tensor]) -> bool:
    """Return whether every value of every tensor is finite (one device sync)."""
    return bool(torch.stack([torch.isfinite(t).all() for t in tensors]).all())


def _describe_nonfinite(tensors: dict[str, torch.Tensor]) -> str:
    """Return ``"<n> of <total> <name> are non-finite (NaN/inf)"`` for (at most 4 of) the tensors with such values."""
    parts = []
    for name, tensor in tensors.items():
        bad = int((~torch.isfinite(tensor)).sum())
        if bad:
            parts.append(f"{bad} of {tensor.numel()} {name} are non-finite (NaN/inf)")
    more = f" and {len(parts) - 4} more" if len(parts) > 4 else ""
    return ", ".join(parts[:4]) + more


def _clone(obj: Any) -> Any:
    """Return a copy of nested dicts/lists/tuples with every tensor cloned (detached)."""
    if isinstance(obj, torch.Tensor):
        return obj.detach().clone()
    if isinstance(obj, dict):
        return {key: _clone(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_clone(value) for value in obj)
    return obj
