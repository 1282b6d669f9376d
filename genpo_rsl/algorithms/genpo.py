"""The GenPO algorithm once, for both rsl-rl-lib adapters: act, the minibatch step, the update loop, the LR rule.

An adapter (``genpo_rsl.rsl5.GenPO``, ``genpo_rsl.rsl3.GenPO``) is ``class GenPO(GenPOCore, PPO)`` for its rsl_rl
version and only translates rsl_rl's API: it yields :class:`Minibatch` es from its storage, evaluates its critic,
clips gradients as its stock PPO does, and writes checkpoints in its runner's format.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import torch
import torch.nn as nn
from tensordict import TensorDict

from genpo_rsl.algorithms.health import HealthGuard
from genpo_rsl.algorithms.objective import (
    COMPRESSION_FORMS,
    ENTROPY_FORMS,
    ObjectiveCfg,
    adapted_learning_rate,
    genpo_loss,
)
from genpo_rsl.modules.cuda_graphs import FlowGraphs, minibatch_passes
from genpo_rsl.modules.policy import FlowPolicy
from genpo_rsl.utils.config_keys import accepted_keys
from genpo_rsl.utils.precision import flow_precision


@dataclass
class Minibatch:
    """One minibatch of the rollout, in the adapter-neutral form the core consumes."""

    obs: TensorDict
    dummy_actions: torch.Tensor
    """``[B, 2d]`` stored dummy actions ``ã``."""
    old_log_prob: torch.Tensor
    """``[B]`` ``log π_old(ã|s)`` of the rollout."""
    old_latent: torch.Tensor
    """``[B, 2d]`` rollout latents ``z`` (``F⁻¹(ã)`` must give them back before the first optimizer step)."""
    advantages: torch.Tensor
    """``[B]``."""
    returns: torch.Tensor
    old_values: torch.Tensor


def check_genpo_args(
    compression_coef: float,
    compression_fraction: float,
    compression_form: str,
    cuda_graphs: bool,
    allow_tf32: bool,
    entropy_form: str = "estimate",
) -> None:
    """Raise ``ValueError`` naming the bad GenPO setting and what is allowed."""
    for name, value in (("cuda_graphs", cuda_graphs), ("allow_tf32", allow_tf32)):
        if not isinstance(value, bool):
            raise ValueError(f"GenPO: {name}={value!r} is invalid; allowed: True or False.")
    if compression_form not in COMPRESSION_FORMS:
        raise ValueError(
            f"GenPO: compression_form={compression_form!r} is invalid; allowed: {list(COMPRESSION_FORMS)}."
        )
    if entropy_form not in ENTROPY_FORMS:
        raise ValueError(f"GenPO: entropy_form={entropy_form!r} is invalid; allowed: {list(ENTROPY_FORMS)}.")
    if not 0.0 < compression_fraction <= 1.0:
        raise ValueError(f"GenPO: compression_fraction={compression_fraction!r} is invalid; allowed: 0 < f <= 1.")
    if compression_coef < 0.0:
        raise ValueError(f"GenPO: compression_coef={compression_coef!r} is invalid; allowed: >= 0.")


def check_unsupported(symmetry_cfg: dict | None, use_mixed_precision: bool) -> None:
    """Raise ``ValueError`` for PPO options GenPO refuses (instead of ignoring them silently)."""
    if symmetry_cfg:
        raise ValueError(f"GenPO: symmetry_cfg={symmetry_cfg!r} is not supported; allowed: None.")
    if use_mixed_precision:
        raise ValueError(
            "GenPO: use_mixed_precision=True is not supported: under bfloat16 autocast the flow's inverse gives back "
            "the rollout latent only to ~1e-3 (log-prob error up to ~5e-3; float32: ~1e-5; measured at the Ant, Humanoid and H1 "
            "sizes with mix_p=0.9, N=5: bench/mixed_precision.py), which biases the PPO ratio and the KL estimate that drives the learning rate; "
            "allowed: False (everything runs in float32)."
        )


def split_genpo_kwargs(kwargs: dict) -> tuple[dict, dict]:
    """Split constructor keywords into GenPO's own (:meth:`GenPOCore.init_genpo`) and PPO's; check GenPO's.

    PPO options GenPO refuses (``symmetry_cfg``, ``use_mixed_precision``) are checked and taken out.
    """
    check_unsupported(kwargs.get("symmetry_cfg"), kwargs.get("use_mixed_precision", False))
    names = accepted_keys(GenPOCore.init_genpo)
    genpo = {k: v for k, v in kwargs.items() if k in names}
    defaults = {k: p.default for k, p in inspect.signature(GenPOCore.init_genpo).parameters.items() if k in names}
    check_genpo_args(**{**defaults, **genpo})
    dropped = names | {"symmetry_cfg", "use_mixed_precision"}
    return genpo, {k: v for k, v in kwargs.items() if k not in dropped}


class GenPOCore:
    """GenPO (Ding et al., NeurIPS 2025) on top of an rsl_rl ``PPO``: PPO on the exact flow likelihood.

    Differences to PPO: the storage holds the 2d dummy action ``ã`` and its latent, the environment receives
    ``(x + y) / 2``, the ratio and the KL estimate use the closed-form flow log-likelihood, the entropy term is the
    estimate ``H = −mean log π(ã_old | s)``, and a compression loss ``ν·C(x − y)`` pulls the two halves together.
    Non-finite actions, log-probs or parameters stop the run with a ``GenPONumericalError`` after the last good state
    is written (:class:`~genpo_rsl.algorithms.health.HealthGuard`).
    """

    VALUE_KEY = "value"
    """Name of the value loss in the returned losses (as the adapter's stock PPO names it)."""

    compression_coef: float
    compression_fraction: float
    compression_form: str
    cuda_graphs: bool
    health: HealthGuard

    # -- what an adapter provides --------------------------------------------------------------------------------

    @property
    def flow_policy(self) -> FlowPolicy:
        """Return the flow actor (the module holding the flow)."""
        raise NotImplementedError

    def minibatches(self) -> Iterator[Minibatch]:
        """Yield the update's minibatches (all epochs) from the rollout storage."""
        raise NotImplementedError

    def critic_values(self, obs: TensorDict) -> torch.Tensor:
        """Return the critic's values ``[B, 1]`` with gradient."""
        raise NotImplementedError

    def clip_gradients(self) -> None:
        """Clip the gradient norm as the adapter's stock PPO does."""
        raise NotImplementedError

    def checkpoint_state(self) -> dict:
        """Return the runner checkpoint of the current state (no finiteness check)."""
        raise NotImplementedError

    def finish_update(self) -> None:
        """Update the observation normalizers from the rollout and clear the storage."""
        raise NotImplementedError

    def named_models(self) -> dict[str, nn.Module]:
        """Return the trained modules by name (their parameters are checked after each update)."""
        raise NotImplementedError

    def rollout_dummy_actions(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the stored dummy actions and log-probs of the rollout."""
        raise NotImplementedError

    # -- set-up --------------------------------------------------------------------------------------------------

    def init_genpo(
        self,
        compression_coef: float = 0.01,
        compression_fraction: float = 1.0,
        compression_form: str = "squared_norm",
        cuda_graphs: bool = False,
        allow_tf32: bool = False,
        entropy_form: str = "estimate",
    ) -> None:
        """Set the GenPO settings (after ``PPO.__init__``): ν, the share of each minibatch, the form of ``C``, graphs.

        ``entropy_form``: the entropy term is the paper's estimate ``−mean log π(ã_old|s)`` (``"estimate"``) or the
        exact entropy of the doubled action (``"exact"``, :data:`~genpo_rsl.algorithms.objective.ENTROPY_FORMS`), which
        ``entropy_coef`` then pushes through the base-noise scale σ as PPO's pushes through its std (with
        ``base_scale="fixed"`` it is a constant and does nothing).

        ``compression_fraction`` in (0, 1] is the share of each minibatch the compression loss is evaluated on (a
        fresh flow sample costs 2N velocity passes; 1.0 is the paper's setting). ``compression_form``: see
        :data:`~genpo_rsl.algorithms.objective.COMPRESSION_FORMS`. ``cuda_graphs``: replay the flow's rollout and minibatch
        passes as CUDA graphs (:mod:`genpo_rsl.modules.cuda_graphs`; same numbers as eager, fewer launches); on a CPU device
        it warns once and runs eagerly. ``allow_tf32``: let GenPO's rollout sampling and update use TF32 matmuls
        (``isaaclab train`` turns them on globally; GenPO switches them off for its own work unless this is True,
        see :mod:`genpo_rsl.utils.precision`).
        """
        self.compression_coef = compression_coef
        self.compression_fraction = compression_fraction
        self.compression_form = compression_form
        self.cuda_graphs = cuda_graphs
        self.allow_tf32 = allow_tf32
        self.entropy_form = entropy_form
        self._flow_graphs: FlowGraphs | None = None
        self.health = HealthGuard(self._snapshot, self.gpu_global_rank)  # type: ignore[attr-defined]
        self.health.owner = self

    @property
    def objective(self) -> ObjectiveCfg:
        """Return the loss coefficients (read from the PPO fields, so schedules that change them are honoured)."""
        return ObjectiveCfg(
            clip_param=self.clip_param,  # type: ignore[attr-defined]
            value_loss_coef=self.value_loss_coef,  # type: ignore[attr-defined]
            entropy_coef=self.entropy_coef,  # type: ignore[attr-defined]
            compression_coef=self.compression_coef,
            compression_form=self.compression_form,
            use_clipped_value_loss=self.use_clipped_value_loss,  # type: ignore[attr-defined]
            normalize_advantage_per_mini_batch=self.normalize_advantage_per_mini_batch,  # type: ignore[attr-defined]
            entropy_form=self.entropy_form,
        )

    # -- rollout -------------------------------------------------------------------------------------------------

    @property
    def flow_graphs(self) -> FlowGraphs | None:
        """Return the CUDA graphs of the flow when ``cuda_graphs`` is on and the device is a GPU, else ``None``."""
        if not self.cuda_graphs:
            return None
        if self._flow_graphs is None:
            device = self.device  # type: ignore[attr-defined]
            if torch.device(device).type != "cuda":
                warnings.warn(
                    f"GenPO: cuda_graphs=True needs a CUDA device; running eagerly on {device}.", stacklevel=2
                )
                self.cuda_graphs = False
                return None
            self._flow_graphs = FlowGraphs(self.flow_policy.flow)
        return self._flow_graphs

    def sample_checked(self, obs: TensorDict) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Return ``(ã, z, log π)`` of a rollout step; refuse non-finite values before the environment sees them."""
        graphs = self.flow_graphs
        with flow_precision(self.allow_tf32):
            if graphs is None:
                dummy, z, log_prob = self.flow_policy.sample(obs)
            else:
                dummy, z, log_prob = graphs.sample(self.flow_policy.flow_condition(obs))
        if not bool(torch.isfinite(dummy).all() & torch.isfinite(log_prob).all()):  # one sync per step
            step = f" at rollout step {self.storage.step}"  # type: ignore[attr-defined]
            self.health.check({"rollout dummy actions": dummy, "rollout log-probs": log_prob}, step)
        return dummy, z, log_prob

    # -- update --------------------------------------------------------------------------------------------------

    def minibatch_loss(self, batch: Minibatch, first: bool) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Return ``(L, terms)`` of one minibatch and adapt the learning rate on its KL estimate.

        Before the first optimizer step the policy *is* the rollout policy, so the KL is 0 exactly, as in PPO (the
        estimate would be ±1e-8 round-trip noise and flip the adaptive rule's ``kl > 0`` test at random).
        """
        log_prob, z, gap, entropy = self.flow_passes(batch)
        self.health.check({"new log-probs of the update": log_prob.detach()})
        kl = log_prob.new_zeros(()) if first else (batch.old_log_prob - log_prob.detach()).mean()
        self.adapt_learning_rate(kl)
        values = self.critic_values(batch.obs)
        loss, terms = genpo_loss(
            self.objective,
            log_prob,
            batch.old_log_prob,
            batch.advantages,
            values,
            batch.old_values,
            batch.returns,
            gap,
            entropy,
        )
        terms["kl"], terms["log_prob"] = kl, log_prob.detach().mean()
        if first:  # parameters are still those of the rollout: F⁻¹(ã) must give back z_old
            terms["roundtrip_error"] = (z.detach() - batch.old_latent).abs().max()
        return loss, terms

    def flow_passes(self, batch: Minibatch) -> tuple[torch.Tensor, ...]:
        """Return ``(log π(ã|s), F⁻¹(ã), x_N − y_N, H(ã|s))``: the stored actions' likelihood, the gap of fresh
        samples, the exact entropy per state.

        The gap is taken on the leading ``compression_fraction`` of the (shuffled) minibatch. The observation latent
        is computed once; the passes run eagerly (:func:`~genpo_rsl.modules.cuda_graphs.minibatch_passes`) or, with
        ``cuda_graphs``, as their captured replay (same numbers).
        """
        policy, graphs = self.flow_policy, self.flow_graphs
        cond = policy.flow_condition(batch.obs)
        cond_gap = cond[: self.compression_count(cond.shape[0])]
        z_gap = policy.flow.sample_latent(cond_gap.shape[0], cond_gap)
        if graphs is None:
            passes = minibatch_passes(policy.flow, batch.dummy_actions, cond, z_gap, cond_gap)
        else:
            passes = graphs.passes(batch.dummy_actions, cond, z_gap, cond_gap)
        return (*passes, policy.flow.entropy(cond))

    def update(self) -> dict[str, float]:
        """Run the PPO epochs on the flow likelihood; return mean losses and GenPO diagnostics."""
        with flow_precision(self.allow_tf32):
            return self._update()

    def _update(self) -> dict[str, float]:
        """:meth:`update` under the flow's matmul precision."""
        dummy, log_prob = self.rollout_dummy_actions()
        self.health.check({"rollout dummy actions": dummy, "rollout log-probs": log_prob})
        self.health.keep()
        sums: dict[str, torch.Tensor] = {}  # summed on the device, read once at the end (no per-term sync)
        count = 0
        spreads: dict[str, torch.Tensor] = {}
        for step, batch in enumerate(self.minibatches()):
            if step == 0:
                spreads = self.flow_policy.spreads(batch.obs)
                self.flow_policy.action_spread = spreads["action_std"]
            loss, terms = self.minibatch_loss(batch, first=step == 0)
            self.optimizer.zero_grad()  # type: ignore[attr-defined]
            loss.backward()
            self.before_step(batch, terms)
            if self.is_multi_gpu:  # type: ignore[attr-defined]
                self.reduce_parameters()  # type: ignore[attr-defined]
            self.clip_gradients()
            self.optimizer.step()  # type: ignore[attr-defined]
            self.after_step()
            for key, value in terms.items():
                sums[key] = sums[key] + value.detach() if key in sums else value.detach()
            count += 1
        params = {
            f"values of {kind} parameter '{name}'": param.detach()
            for kind, model in self.named_models().items()
            for name, param in model.named_parameters()
        }
        self.health.check(params, " after the update")
        self.finish_update()
        self.health.iteration += 1
        losses = {(self.VALUE_KEY if k == "value" else k): v.item() / count for k, v in sums.items()}
        losses["roundtrip_error"] = sums["roundtrip_error"].item() if count else 0.0  # first minibatch only
        losses.update({key: value.mean().item() for key, value in spreads.items()})
        # every stored and new log-prob and parameter was checked: a non-finite value would have raised
        losses["nonfinite_fraction"] = 0.0
        return losses

    def before_step(self, batch: Minibatch, terms: dict[str, torch.Tensor]) -> None:
        """Hook after ``backward()`` and before the gradient reduction (5.x: RND's own loss)."""

    def after_step(self) -> None:
        """Hook after ``optimizer.step()`` (5.x: RND's optimizer)."""

    def compression_count(self, n: int) -> int:
        """Return how many of a minibatch's ``n`` rows the compression loss uses (``compression_fraction``)."""
        return n if self.compression_fraction >= 1.0 else max(1, math.ceil(self.compression_fraction * n))

    def compression_rows(self, obs: TensorDict) -> TensorDict:
        """Return the leading ``compression_fraction`` of the (already shuffled) minibatch."""
        return obs[: self.compression_count(obs.batch_size[0])]

    def adapt_learning_rate(self, kl_mean: torch.Tensor) -> None:
        """Apply rsl_rl's adaptive learning-rate rule to the (all-reduced) KL estimate."""
        if self.desired_kl is None or self.schedule != "adaptive":  # type: ignore[attr-defined]
            return
        if self.is_multi_gpu:  # type: ignore[attr-defined]
            torch.distributed.all_reduce(kl_mean, op=torch.distributed.ReduceOp.SUM)
            kl_mean /= self.gpu_world_size  # type: ignore[attr-defined]
        learning_rate = self.learning_rate  # type: ignore[has-type]
        if self.gpu_global_rank == 0:  # type: ignore[attr-defined]
            learning_rate = adapted_learning_rate(learning_rate, kl_mean.item(), self.desired_kl)  # type: ignore[attr-defined]
        if self.is_multi_gpu:  # type: ignore[attr-defined]
            lr_tensor = torch.tensor(learning_rate, device=self.device)  # type: ignore[attr-defined]
            torch.distributed.broadcast(lr_tensor, src=0)
            learning_rate = lr_tensor.item()
        self.learning_rate = learning_rate
        for param_group in self.optimizer.param_groups:  # type: ignore[attr-defined]
            param_group["lr"] = learning_rate

    # -- checkpoints ---------------------------------------------------------------------------------------------

    @property
    def iteration(self) -> int:
        """Return the runner iteration of the current rollout and update."""
        return self.health.iteration

    @property
    def checkpoint_dir(self) -> str | None:
        """Return the directory for the last good state on a numerical failure (``None``: the run's log dir)."""
        return self.health.checkpoint_dir

    @checkpoint_dir.setter
    def checkpoint_dir(self, path: str | None) -> None:
        """Set the directory for the last good state."""
        self.health.checkpoint_dir = path

    def loaded(self, loaded_dict: dict, resumes: bool) -> None:
        """Count iterations on from a resumed checkpoint; forget the last good state (the loaded one is in use)."""
        if resumes:
            self.health.iteration = int(loaded_dict.get("iter", 0))
        self.health.last_good = None

    def _snapshot(self) -> dict:
        """Return the runner checkpoint of the current state with ``iter`` = this iteration."""
        return {**self.checkpoint_state(), "iter": self.health.iteration}
