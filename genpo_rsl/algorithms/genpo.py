"""GenPO's update, once for both rsl-rl-lib adapters: rollout act, the minibatch loss, the update (docs/algorithm.md).

Read top to bottom: :meth:`GenPOCore.sample_checked` is a rollout step, :meth:`GenPOCore.minibatch_loss` one
minibatch of the loss (the flow passes, the KL for the learning rate, :func:`~genpo_rsl.algorithms.objective.genpo_loss`),
:meth:`GenPOCore.update` the epochs (run by :class:`~genpo_rsl.algorithms.update_loop.UpdateLoop`, shared with
FPO++). An adapter (:class:`genpo_rsl.algorithms.genpo_rsl5.GenPO`, :class:`genpo_rsl.rsl3.genpo.GenPO`) is
``class GenPO(GenPOCore, PPO)`` for its rsl_rl version and only translates rsl_rl's API: it yields
:class:`Minibatch` es from its storage, evaluates its critic, and writes checkpoints in its runner's format.
"""

from __future__ import annotations

import math
import warnings
from abc import ABCMeta, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass

import torch
import torch.nn as nn
from tensordict import TensorDict

from genpo_rsl.algorithms.health import GuardedRun, HealthGuard
from genpo_rsl.algorithms.objective import ObjectiveCfg, genpo_loss
from genpo_rsl.algorithms.update_loop import UpdateLoop, step_condition
from genpo_rsl.modules.cuda_graphs import FlowGraphs, minibatch_passes
from genpo_rsl.modules.policy import FlowPolicy
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
    masks: torch.Tensor | None = None
    """Recurrent models: the masks of the padded ``obs`` ``[T, n_traj]``; the fields above are rows of ``[T, n]``."""
    hidden_states: tuple = (None, None)
    """Recurrent models: the actor's and the critic's hidden states at the trajectories' starts."""
    copies: int = 1
    """Symmetry augmentation: the rows are ``copies`` blocks, the original rows first (``old_latent``: those only)."""

    @property
    def original_rows(self) -> int:
        """Return how many leading rows are the rollout's own (the rest are mirrored copies)."""
        return self.dummy_actions.shape[0] // self.copies


class GenPOCore(UpdateLoop, GuardedRun, metaclass=ABCMeta):
    """GenPO (Ding et al., NeurIPS 2025) on top of an rsl_rl ``PPO``: PPO on the exact flow likelihood.

    Differences to PPO: the storage holds the 2d dummy action ``ã`` and its latent, the environment receives
    ``(x + y) / 2``, the ratio and the KL estimate use the closed-form flow log-likelihood, the entropy term is the
    estimate ``H = −mean log π(ã_old | s)`` (or the exact entropy: ``entropy_form``), and a compression loss
    ``ν·C(x − y)`` pulls the two halves together.
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
    # PPO's fields the loss reads (set by the adapter's PPO.__init__)
    clip_param: float
    value_loss_coef: float
    entropy_coef: float
    use_clipped_value_loss: bool
    normalize_advantage_per_mini_batch: bool
    storage: object

    # -- what an adapter provides (abstract: an adapter that misses one cannot be instantiated) --------------------

    @property
    @abstractmethod
    def flow_policy(self) -> FlowPolicy:
        """Return the flow actor (the module holding the flow)."""

    @abstractmethod
    def minibatches(self) -> Iterator[Minibatch]:
        """Yield the update's minibatches (all epochs) from the rollout storage."""

    @abstractmethod
    def critic_values(self, batch: Minibatch) -> torch.Tensor:
        """Return the critic's values ``[B, 1]`` of the minibatch's steps, with gradient."""

    @abstractmethod
    def rollout_dummy_actions(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the stored dummy actions and log-probs of the rollout."""

    @abstractmethod
    def finish_update(self) -> None:
        """Update the observation normalizers from the rollout and clear the storage."""

    @abstractmethod
    def named_models(self) -> dict[str, nn.Module]:
        """Return the trained modules by name (their parameters are checked after each update)."""

    @abstractmethod
    def checkpoint_state(self) -> dict:
        """Return the runner checkpoint of the current state (no finiteness check)."""

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
        """Set the GenPO settings (after ``PPO.__init__``); the adapters check them first (:mod:`.genpo_args`).

        Args:
            compression_coef: ν, the weight of the compression loss ``C(x − y)``.
            compression_fraction: Share in (0, 1] of each minibatch the compression loss is evaluated on (a fresh
                flow sample costs 2N velocity passes; 1.0 is the paper's setting).
            compression_form: ``C``, one of :data:`~genpo_rsl.algorithms.objective.COMPRESSION_FORMS`.
            cuda_graphs: Replay the flow's rollout and minibatch passes as CUDA graphs (same numbers as eager,
                fewer launches); on a CPU device it warns once and runs eagerly.
            allow_tf32: Let GenPO's sampling and update use TF32 matmuls (``isaaclab train`` turns them on
                globally; GenPO switches them off for its own work unless this is True: :mod:`genpo_rsl.utils.precision`).
            entropy_form: The paper's estimate ``−mean log π(ã_old|s)`` (``"estimate"``) or the exact entropy of the
                doubled action (``"exact"``), which ``entropy_coef`` pushes through the base-noise scale σ as PPO's
                pushes through its std (a constant with ``base_scale="fixed"``).
        """
        self.compression_coef = compression_coef
        self.compression_fraction = compression_fraction
        self.compression_form = compression_form
        self.cuda_graphs = cuda_graphs
        self.allow_tf32 = allow_tf32
        self.entropy_form = entropy_form
        self._flow_graphs: FlowGraphs | None = None
        self.health = HealthGuard(self._snapshot, self.gpu_global_rank)

    @property
    def objective(self) -> ObjectiveCfg:
        """Return the loss coefficients (read from the PPO fields, so schedules that change them are honoured)."""
        return ObjectiveCfg(
            clip_param=self.clip_param,
            value_loss_coef=self.value_loss_coef,
            entropy_coef=self.entropy_coef,
            compression_coef=self.compression_coef,
            compression_form=self.compression_form,
            use_clipped_value_loss=self.use_clipped_value_loss,
            normalize_advantage_per_mini_batch=self.normalize_advantage_per_mini_batch,
            entropy_form=self.entropy_form,
        )

    # -- rollout -------------------------------------------------------------------------------------------------

    @property
    def flow_graphs(self) -> FlowGraphs | None:
        """Return the CUDA graphs of the flow when ``cuda_graphs`` is on and the device is a GPU, else ``None``."""
        if not self.cuda_graphs:
            return None
        if self._flow_graphs is None:
            if torch.device(self.device).type != "cuda":
                msg = f"GenPO: cuda_graphs=True needs a CUDA device; running eagerly on {self.device}."
                warnings.warn(msg, stacklevel=2)
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
            step = f" at rollout step {getattr(self.storage, 'step', '?')}"
            self.health.check({"rollout dummy actions": dummy, "rollout log-probs": log_prob}, step)
        return dummy, z, log_prob

    # -- update --------------------------------------------------------------------------------------------------

    def minibatch_loss(self, batch: Minibatch, first: bool) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Return ``(L, terms)`` of one minibatch and adapt the learning rate on its KL estimate.

        Before the first optimizer step the policy *is* the rollout policy, so the KL is 0 exactly, as in PPO (the
        estimate would be ±1e-8 round-trip noise and flip the adaptive rule's ``kl > 0`` test at random).
        """
        log_prob, z, gap, entropy = self.flow_passes(batch, self.batch_condition(batch))
        self.health.check({"new log-probs of the update": log_prob.detach()})
        n = batch.original_rows  # the KL and the round trip on the original rows, as PPO's KL
        kl = log_prob.new_zeros(()) if first else (batch.old_log_prob[:n] - log_prob[:n].detach()).mean()
        self.adapt_learning_rate(kl)
        values = self.critic_values(batch)
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
            terms["roundtrip_error"] = (z[:n].detach() - batch.old_latent).abs().max()
        return loss + self.auxiliary_loss(batch, terms), terms

    def auxiliary_loss(self, batch: Minibatch, terms: dict[str, torch.Tensor]) -> torch.Tensor | float:
        """Return an adapter's extra loss term (rsl-rl-lib 5.x: the symmetry mirror loss), adding it to ``terms``."""
        return 0.0

    def batch_condition(self, batch: Minibatch) -> torch.Tensor:
        """Return the flow's conditioning ``[B, c]``, one row per step (a recurrent model's ``[T, n]`` flattened)."""
        return step_condition(self.flow_policy, batch.obs, batch.masks, batch.hidden_states[0])

    def flow_passes(self, batch: Minibatch, cond: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Return ``(log π(ã|s), F⁻¹(ã), x_N − y_N, H(ã|s))``: the stored actions' likelihood, the gap of fresh
        samples, the exact entropy per state.

        The gap is taken on the leading ``compression_fraction`` of the (shuffled) minibatch. The observation latent
        ``cond`` (:meth:`batch_condition`) is computed once; the passes run eagerly
        (:func:`~genpo_rsl.modules.cuda_graphs.minibatch_passes`) or, with ``cuda_graphs``, as their captured replay.
        """
        policy, graphs = self.flow_policy, self.flow_graphs
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
        spreads: dict[str, torch.Tensor] = {}

        def loss_and_spreads(batch: Minibatch, first: bool) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
            if first:  # the policy's own spread at the rollout parameters, logged and shown as the action std
                with torch.no_grad():
                    spreads.update(self.flow_policy.spreads_at(self.batch_condition(batch)))
                self.flow_policy.action_spread = spreads["action_std"]
            return self.minibatch_loss(batch, first)

        sums, count = self.run_epochs(self.minibatches(), loss_and_spreads)
        params = {
            f"values of {kind} parameter '{name}'": param.detach()
            for kind, model in self.named_models().items()
            for name, param in model.named_parameters()
        }
        self.health.check(params, " after the update")
        self.finish_update()
        self.health.iteration += 1
        losses = self.mean_terms(sums, count, first_only=["roundtrip_error"])
        if self.VALUE_KEY != "value":
            losses[self.VALUE_KEY] = losses.pop("value")
        losses.update({key: value.mean().item() for key, value in spreads.items()})
        # every stored and new log-prob and parameter was checked: a non-finite value would have raised
        losses["nonfinite_fraction"] = 0.0
        return losses

    def compression_count(self, n: int) -> int:
        """Return how many of a minibatch's ``n`` rows the compression loss uses (``compression_fraction``)."""
        return n if self.compression_fraction >= 1.0 else max(1, math.ceil(self.compression_fraction * n))
