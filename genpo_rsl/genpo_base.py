"""What the rsl-rl-lib 5.x and 3.x ``GenPO`` adapters share: argument checks, the minibatch loss, the LR rule."""

from __future__ import annotations

import math

import torch
from tensordict import TensorDict

from genpo_rsl.ppo_math import adapted_learning_rate, clipped_surrogate


def check_genpo_args(compression_coef: float, compression_fraction: float, symmetry_cfg: dict | None) -> None:
    """Raise ``ValueError`` naming the bad GenPO algorithm setting and what is allowed."""
    if symmetry_cfg:
        raise ValueError(f"GenPO: symmetry_cfg={symmetry_cfg!r} is not supported; allowed: None.")
    if not 0.0 < compression_fraction <= 1.0:
        raise ValueError(f"GenPO: compression_fraction={compression_fraction!r} is invalid; allowed: 0 < f <= 1.")
    if compression_coef < 0.0:
        raise ValueError(f"GenPO: compression_coef={compression_coef!r} is invalid; allowed: >= 0.")


class GenPOMixin:
    """Mixed into each adapter's ``GenPO(PPO)``; reads PPO's attributes (clip, coefficients, KL schedule, ranks)."""

    compression_coef: float
    compression_fraction: float

    def genpo_loss(
        self,
        log_prob: torch.Tensor,
        old_log_prob: torch.Tensor,
        advantages: torch.Tensor,
        value_loss: torch.Tensor,
        compression: torch.Tensor,
        first_minibatch: bool,
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Adapt the learning rate on the KL estimate and return ``(loss, terms)`` of one minibatch (spec §2).

        ``L = L_clip(r) + c_v·L_value − λ·H + ν·C`` with ``H = −mean log π(ã_old|s)``. Before the first optimizer step
        the policy *is* the rollout policy, so the KL is 0 exactly, as in PPO (the estimate would be ±1e-8 round-trip
        noise and flip the adaptive rule's ``kl > 0`` test at random).
        """
        if self.normalize_advantage_per_mini_batch:  # type: ignore[attr-defined]
            advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
        kl = log_prob.new_zeros(()) if first_minibatch else (old_log_prob - log_prob.detach()).mean()
        self._adapt_learning_rate(kl)
        surrogate = clipped_surrogate(log_prob, old_log_prob, advantages, self.clip_param)  # type: ignore[attr-defined]
        entropy = -log_prob.mean()
        loss = (
            surrogate
            + self.value_loss_coef * value_loss  # type: ignore[attr-defined]
            - self.entropy_coef * entropy  # type: ignore[attr-defined]
            + self.compression_coef * compression
        )
        terms = {
            "surrogate": surrogate,
            "entropy": entropy,
            "compression": compression,
            "kl": kl,
            "log_prob": log_prob.detach().mean(),
        }
        return loss, terms

    def compression_rows(self, obs: TensorDict) -> TensorDict:
        """Return the leading ``compression_fraction`` of the (already shuffled) minibatch."""
        n = obs.batch_size[0]
        return obs if self.compression_fraction >= 1.0 else obs[: max(1, math.ceil(self.compression_fraction * n))]

    def _adapt_learning_rate(self, kl_mean: torch.Tensor) -> None:
        """Apply rsl_rl's adaptive learning-rate rule to the (all-reduced) KL estimate."""
        if self.desired_kl is None or self.schedule != "adaptive":  # type: ignore[attr-defined]
            return
        if self.is_multi_gpu:  # type: ignore[attr-defined]
            torch.distributed.all_reduce(kl_mean, op=torch.distributed.ReduceOp.SUM)
            kl_mean /= self.gpu_world_size  # type: ignore[attr-defined]
        learning_rate = self.learning_rate  # type: ignore[has-type]
        if self.gpu_global_rank == 0:  # type: ignore[attr-defined]
            learning_rate = adapted_learning_rate(learning_rate, kl_mean.item(), self.desired_kl)  # type: ignore
        if self.is_multi_gpu:  # type: ignore[attr-defined]
            lr_tensor = torch.tensor(learning_rate, device=self.device)  # type: ignore[attr-defined]
            torch.distributed.broadcast(lr_tensor, src=0)
            learning_rate = lr_tensor.item()
        self.learning_rate = learning_rate
        for param_group in self.optimizer.param_groups:  # type: ignore[attr-defined]
            param_group["lr"] = learning_rate
