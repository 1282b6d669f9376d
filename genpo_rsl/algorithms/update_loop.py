"""The PPO epochs GenPO and FPO++ share: one optimizer step per minibatch, rsl_rl's adaptive learning rate.

An algorithm mixes :class:`UpdateLoop` in before rsl_rl's ``PPO`` and hands :meth:`UpdateLoop.run_epochs` its
minibatches and its ``minibatch_loss(batch, first) -> (loss, terms)``; the loop does the rest as rsl_rl's PPO does:
``zero_grad``, ``backward``, the gradient all-reduce on several GPUs, clipping, ``step``, and the mean of each logged
term. ``minibatch_loss`` calls :meth:`UpdateLoop.adapt_learning_rate` with its KL estimate (all-reduced over GPUs,
rank 0's new rate broadcast).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import torch
import torch.nn as nn
from tensordict import TensorDict

from genpo_rsl.algorithms.objective import adapted_learning_rate

Batch = TypeVar("Batch")
Terms = dict[str, torch.Tensor]


@contextmanager
def normalizers_frozen(*models: object) -> Iterator[None]:
    """Make ``update_normalization`` of each model (``None`` entries skipped) a no-op inside the block."""
    frozen = [m for m in models if m is not None]
    for model in frozen:
        object.__setattr__(model, "update_normalization", lambda *args, **kwargs: None)
    try:
        yield
    finally:
        for model in frozen:
            object.__delattr__(model, "update_normalization")


def step_rows(t: torch.Tensor) -> torch.Tensor:
    """Return a stored per-step tensor as one row per step: ``[T, n, k]`` (recurrent minibatch) or ``[B, k]``."""
    return t.flatten(0, -2)


def step_condition(
    actor: nn.Module, obs: TensorDict, masks: torch.Tensor | None = None, hidden_state: object = None
) -> torch.Tensor:
    """Return a flow actor's conditioning of a minibatch, one row per step ``[B, c]``.

    Args:
        actor: The flow actor (its ``flow_condition``).
        obs: The minibatch's observations (padded ``[T, n_traj]`` with ``masks``).
        masks: A recurrent minibatch's trajectory masks, or ``None``.
        hidden_state: The actor's hidden state at the trajectories' starts (recurrent minibatch).

    Returns:
        The conditioning; a recurrent minibatch's ``[T, n, c]`` flattened to rows.
    """
    if masks is None:
        return actor.flow_condition(obs)
    return step_rows(actor.flow_condition(obs, masks, hidden_state))


class UpdateLoop:
    """Mixed in before rsl_rl's ``PPO``: the update's minibatch loop and the learning-rate rule.

    The fields below are set by ``PPO.__init__``. The hooks default to rsl-rl-lib 5.x's PPO: the actor's and the
    critic's gradient norms are clipped separately; ``before_step`` / ``after_step`` do nothing.
    """

    actor: nn.Module
    critic: nn.Module
    optimizer: torch.optim.Optimizer
    learning_rate: float
    desired_kl: float | None
    schedule: str
    max_grad_norm: float
    device: str
    is_multi_gpu: bool
    gpu_world_size: int
    gpu_global_rank: int
    reduce_parameters: Callable[[], None]
    storage: object
    num_mini_batches: int
    num_learning_epochs: int

    def storage_minibatches(self) -> Iterable:
        """Return rsl_rl's minibatches of all epochs, as its PPO takes them: padded trajectories with masks and the
        stored hidden states when the actor or the critic is recurrent (per-step fields ``[T, n, k]``), else ``[B, k]``
        rows."""
        if self.actor.is_recurrent or self.critic.is_recurrent:
            return self.storage.recurrent_mini_batch_generator(self.num_mini_batches, self.num_learning_epochs)
        return self.storage.mini_batch_generator(self.num_mini_batches, self.num_learning_epochs)

    def critic_rows(
        self, obs: TensorDict, masks: torch.Tensor | None = None, hidden_state: object = None
    ) -> torch.Tensor:
        """Return the critic's values with gradient, one row per step ``[B, 1]`` (a recurrent minibatch flattened).

        Args:
            obs: The minibatch's observations.
            masks: A recurrent minibatch's trajectory masks, or ``None``.
            hidden_state: The critic's hidden state at the trajectories' starts (recurrent minibatch).

        Returns:
            The values.
        """
        return step_rows(self.critic(obs, masks=masks, hidden_state=hidden_state))

    def process_env_step(
        self, obs: TensorDict, rewards: torch.Tensor, dones: torch.Tensor, extras: dict[str, torch.Tensor]
    ) -> None:
        """Record the step as the installed PPO does, but leave the observation normalizers to the update.

        rsl-rl-lib 5.5 updates them once per iteration, after the update; 5.4 (mjlab's pin) and 3.x at every step, which
        would change the normalized observation of a stored action before the update, so that the first minibatch no
        longer sees the rollout policy (GenPO: ``F⁻¹(ã) ≠ z``, ratio ≠ 1). The algorithms here update them once per
        iteration after the epochs, with all rollout observations (the same statistics), under every release. The
        models are 5.x's ``actor`` and ``critic`` or 3.x's ``policy``, and RND's where configured.
        """
        models = (getattr(self, name, None) for name in ("actor", "critic", "policy", "rnd"))
        with normalizers_frozen(*models):
            super().process_env_step(obs, rewards, dones, extras)  # type: ignore[misc]

    def run_epochs(
        self, minibatches: Iterable[Batch], minibatch_loss: Callable[[Batch, bool], tuple[torch.Tensor, Terms]]
    ) -> tuple[Terms, int]:
        """Take one optimizer step per minibatch; return the per-term sums (on the device, unsynced) and the count.

        Args:
            minibatches: The update's minibatches, all epochs.
            minibatch_loss: ``(batch, first) -> (loss, terms)``; ``first`` is True for the first minibatch, whose
                parameters are still the rollout's.

        Returns:
            The sum of each term over the minibatches and the number of minibatches.
        """
        sums: Terms = {}
        count = 0
        for batch in minibatches:
            loss, terms = minibatch_loss(batch, count == 0)
            self.optimizer.zero_grad()
            loss.backward()
            self.before_step(batch, terms)
            if self.is_multi_gpu:
                self.reduce_parameters()
            self.clip_gradients()
            self.optimizer.step()
            self.after_step()
            for key, value in terms.items():
                sums[key] = sums[key] + value.detach() if key in sums else value.detach()
            count += 1
        return sums, count

    @staticmethod
    def mean_terms(sums: Terms, count: int, first_only: Iterable[str] = ()) -> dict[str, float]:
        """Return each term's mean over the minibatches (one sync per term); ``first_only`` terms are not averaged."""
        means = {key: value.item() / count for key, value in sums.items()}
        means.update({key: sums[key].item() if count else 0.0 for key in first_only})
        return means

    def adapt_learning_rate(self, kl_mean: torch.Tensor) -> None:
        """Apply rsl_rl's adaptive learning-rate rule to the KL estimate (all-reduced over GPUs; rank 0 decides).

        Args:
            kl_mean: The minibatch's mean KL estimate (a scalar tensor; reduced in place on several GPUs).
        """
        if self.desired_kl is None or self.schedule != "adaptive":
            return
        if self.is_multi_gpu:
            torch.distributed.all_reduce(kl_mean, op=torch.distributed.ReduceOp.SUM)
            kl_mean /= self.gpu_world_size
        learning_rate = self.learning_rate
        if self.gpu_global_rank == 0:
            learning_rate = adapted_learning_rate(learning_rate, kl_mean.item(), self.desired_kl)
        if self.is_multi_gpu:
            lr_tensor = torch.tensor(learning_rate, device=self.device)
            torch.distributed.broadcast(lr_tensor, src=0)
            learning_rate = lr_tensor.item()
        self.learning_rate = learning_rate
        for param_group in self.optimizer.param_groups:
            param_group["lr"] = learning_rate

    def clip_gradients(self) -> None:
        """Clip the actor's and the critic's gradient norms separately to ``max_grad_norm`` (rsl-rl-lib 5.x)."""
        nn.utils.clip_grad_norm_(self.actor.parameters(), self.max_grad_norm)
        nn.utils.clip_grad_norm_(self.critic.parameters(), self.max_grad_norm)

    def before_step(self, batch: object, terms: Terms) -> None:
        """Hook after ``backward()`` and before the gradient reduction (e.g. RND's own loss)."""

    def after_step(self) -> None:
        """Hook after ``optimizer.step()`` (e.g. RND's optimizer)."""
