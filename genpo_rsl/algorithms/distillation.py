"""``GenPODistillation``: rsl-rl-lib 5.x's ``Distillation`` with a GenPO student and an exact-likelihood loss."""

from __future__ import annotations

import torch
import torch.nn as nn
from rsl_rl.algorithms import Distillation
from rsl_rl.env import VecEnv
from rsl_rl.storage import RolloutStorage
from rsl_rl.utils import resolve_callable
from tensordict import TensorDict

from genpo_rsl.models.genpo_actor import GenPOActor
from genpo_rsl.utils.checkpoint import CHECKPOINT_TAG, settings_dict
from genpo_rsl.utils.config_keys import accepted_keys, check_keys, require_model
from genpo_rsl.warm_start.cloning import dequantized_nll


class GenPODistillation(Distillation):
    """rsl_rl's ``Distillation`` (run by the stock ``DistillationRunner``) with a :class:`GenPOActor` student.

    The teacher is any stock rsl_rl model, e.g. the Gaussian ``MLPModel`` of a PPO checkpoint (the runner loads it
    from the checkpoint's ``actor_state_dict``); its deterministic action ``a_T`` is the target, and no environment
    reward is used. The student acts in the environment (``stochastic_output=True``, as in the stock algorithm) and
    its behaviour loss is the negative likelihood bound of :mod:`genpo_rsl.warm_start.cloning`,
    ``−E_u[log π((a_T + u, a_T − u) | s)] − d·log 2 − H(N(0, σ²I_d))`` with the exact flow log-density: an upper bound
    on ``−log p(a_T | s)`` in nats per sample (logged as ``behavior``).

    Args:
        student: The flow student (:class:`~genpo_rsl.models.genpo_actor.GenPOActor`).
        teacher: The teacher model (a stock rsl_rl model).
        storage: The rollout storage.
        loss_type: Must be ``"nll"`` (the flow's exact likelihood bound).
        dequant_std: σ of the lift ``ã = (a + u, a − u)``, ``u ~ N(0, σ²)`` (``> 0``).
        **kwargs: rsl_rl ``Distillation``'s settings.

    Raises:
        TypeError: If ``student`` is not a ``GenPOActor``.
        ValueError: If ``loss_type`` or ``dequant_std`` is invalid.
    """

    student: GenPOActor

    def __init__(
        self,
        student: GenPOActor,
        teacher: nn.Module,
        storage: RolloutStorage,
        loss_type: str = "nll",
        dequant_std: float = 0.5,
        **kwargs,
    ) -> None:
        """Initialize as ``Distillation`` (see the class docstring)."""
        require_model("GenPODistillation", "student", student, GenPOActor, "genpo_rsl:GenPOActor")
        if loss_type != "nll":
            raise ValueError(
                f"GenPODistillation: loss_type={loss_type!r} is invalid; allowed: 'nll' (the flow's exact likelihood "
                f"bound; 'mse'/'huber' belong to the stock Distillation)."
            )
        if not dequant_std > 0.0:
            raise ValueError(f"GenPODistillation: dequant_std={dequant_std!r} is invalid; allowed: > 0.")
        super().__init__(student, teacher, storage, loss_type="mse", **kwargs)
        self.loss_type, self.dequant_std = loss_type, dequant_std

    @staticmethod
    def construct_algorithm(obs: TensorDict, env: VecEnv, cfg: dict, device: str) -> GenPODistillation:
        """Build as ``Distillation`` does, after checking the algorithm's config keys (unknown keys are named)."""
        alg_class = resolve_callable(cfg["algorithm"]["class_name"])
        allowed = accepted_keys(alg_class, Distillation) | {"class_name", "rnd_cfg", "symmetry_cfg"}
        check_keys(alg_class.__name__, "algorithm", cfg["algorithm"], allowed)
        return Distillation.construct_algorithm(obs, env, cfg, device)  # type: ignore[return-value]

    def behavior_loss(self, obs: TensorDict, teacher_actions: torch.Tensor) -> torch.Tensor:
        """Return the mean negative likelihood bound of the teacher's actions under the student (with gradient).

        Args:
            obs: The student's observations ``[B]``.
            teacher_actions: The teacher's actions ``[B, d]``.

        Returns:
            The loss (a scalar).
        """
        weights = torch.ones(teacher_actions.shape[0], device=teacher_actions.device)
        return dequantized_nll(self.student, obs, teacher_actions, weights, self.dequant_std)

    def update(self) -> dict[str, float]:
        """Run the epochs over the stored steps, one optimizer step every ``gradient_length`` steps; return the loss."""
        self.num_updates += 1
        total, count, loss = 0.0, 0, None
        for _ in range(self.num_learning_epochs):
            for batch in self.storage.generator():
                step_loss = self.behavior_loss(batch.observations, batch.privileged_actions)
                loss = step_loss if loss is None else loss + step_loss
                total, count = total + step_loss.item(), count + 1
                if count % self.gradient_length == 0:
                    self.optimizer_step(loss)
                    loss = None
        observations = self.storage.observations.flatten(0, 1)  # type: ignore[union-attr]
        self.student.update_normalization(observations)
        self.student.action_spread = self.student.spreads(observations)["action_std"]  # rsl_rl logs it as the std
        self.storage.clear()
        return {"behavior": total / count}

    def save(self) -> dict:
        """Return the stock saved dict plus the student flow's settings (``genpo-train`` fine-tunes from it)."""
        return {**super().save(), CHECKPOINT_TAG: settings_dict(self.student.flow)}

    def load(self, loaded_dict: dict, load_cfg: dict | None, strict: bool) -> bool:
        """Load as the stock algorithm does; a teacher that is not a stock rsl_rl actor is refused in one line."""
        if "student_state_dict" in loaded_dict:  # resuming a distillation run
            return super().load(loaded_dict, load_cfg, strict)
        expected = "expected a stock rsl_rl PPO checkpoint of this task (its Gaussian 'actor_state_dict')"
        for tag, kind in ((CHECKPOINT_TAG, "GenPO"), ("fpo", "FPO++")):
            if tag in loaded_dict:
                raise ValueError(
                    f"GenPODistillation: the teacher checkpoint is a {kind} (flow policy) one; {expected}."
                )
        if "actor_state_dict" not in loaded_dict:
            raise ValueError(f"GenPODistillation: the teacher checkpoint has keys {sorted(loaded_dict)}; {expected}.")
        try:
            return super().load(loaded_dict, load_cfg, strict)
        except RuntimeError as error:
            first = str(error).splitlines()[0]
            raise ValueError(
                f"GenPODistillation: the teacher's actor_state_dict does not fit ({first}); {expected}."
            ) from None

    def optimizer_step(self, loss: torch.Tensor) -> None:
        """Back-propagate ``loss`` and step, as the stock algorithm does (gradient reduction, optional clipping).

        Args:
            loss: The accumulated behaviour loss.
        """
        self.optimizer.zero_grad()
        loss.backward()
        if self.is_multi_gpu:
            self.reduce_parameters()
        if self.max_grad_norm:
            nn.utils.clip_grad_norm_(self.student.parameters(), self.max_grad_norm)
        self.optimizer.step()
