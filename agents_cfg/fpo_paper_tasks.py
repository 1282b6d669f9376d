"""FPO++ at its own published settings (``--agent fpo_paper``) for every task id that has a GenPO agent.

    isaaclab train --rl_library rsl_rl --task Isaac-Ant-Direct --agent fpo_paper

The task's ``fpo`` config (:mod:`agents_cfg.fpo_tasks`: GenPO's runner, networks, γ and λ) with the algorithm
settings of FPO++'s locomotion configs (amazon-far/fpo-control, ``isaaclab_experiments/isaaclab_fpo/isaaclab_fpo/``
``rl_cfg.py`` defaults and ``task_cfgs.py``, read in the fork RPFey/fpo-control; the README of amazon-far/fpo-control
names the H1/G1 ones): AdamW (weight decay 1e-4), learning rate 1e-4 with a fixed schedule, 16 epochs × 4
minibatches, clip 0.05 with the asymmetric trust region, 16 CFM pairs per action, no value clipping, and the
policy-weight EMA (decay 0.95, started after 500 iterations) that play/export deploy. Humanoid tasks take the H1/G1
settings (32 epochs, 32 pairs).

Not carried over from FPO++ (the comparison keeps the task's networks and runner): its actor ([256, 256, 256] ELU,
64 Euler steps) and critic ([768, 768, 768]), the CFM loss summed over action dimensions divided by ``sqrt(d)`` (here:
summed), its loss and log-ratio clamps, ``τ`` drawn in [0.005, 0.995], the 0.02 action perturbation, and 24 steps per
environment. FPO++'s warm-up is 500 of 2000 iterations; for a shorter run scale it, e.g.
``agent.algorithm.ema_warmup_updates=25`` for 100 iterations, or the EMA is never deployed.
"""

from __future__ import annotations

from typing import Any

from isaaclab_rl.rsl_rl import RslRlOnPolicyRunnerCfg

from agents_cfg.fpo_tasks import fpo_cfg
from agents_cfg.table import PAPER, TaskRow
from agents_cfg.tasks import derived_configs
from isaaclab_tasks_ext.agents import FPO_PAPER

FPO_PAPER_ALGORITHM: dict[str, Any] = {
    "optimizer": "adamw",
    "weight_decay": 1e-4,
    "learning_rate": 1e-4,
    "schedule": "fixed",
    "num_learning_epochs": 16,
    "num_mini_batches": 4,
    "clip_param": 0.05,
    "trust_region": "aspo",
    "per_sample_ratio": True,
    "num_mc_samples": 16,
    "max_grad_norm": 1.0,
    "value_loss_coef": 1.0,
    "use_clipped_value_loss": False,
    "ema_decay": 0.95,
    "ema_warmup_updates": 500,
}
"""FPO++'s locomotion algorithm settings (its ``rl_cfg.py`` defaults, used as they are for Go2)."""

FPO_PAPER_HUMANOID: dict[str, Any] = {"num_learning_epochs": 32, "num_mc_samples": 32}
"""What FPO++'s H1 and G1 configs change (applied where the paper row has ``humanoid=True``)."""


def fpo_paper_algorithm(row: TaskRow) -> dict[str, Any]:
    """Return FPO++'s published algorithm settings for a task.

    Args:
        row: The task's row of :data:`agents_cfg.table.TASKS`.

    Returns:
        :data:`FPO_PAPER_ALGORITHM`, with :data:`FPO_PAPER_HUMANOID` over it for a humanoid robot.
    """
    return {**FPO_PAPER_ALGORITHM, **(FPO_PAPER_HUMANOID if PAPER[row.paper].humanoid else {})}


def fpo_paper_cfg(row: TaskRow) -> RslRlOnPolicyRunnerCfg:
    """Return a task's ``fpo`` config with FPO++'s published algorithm settings.

    Args:
        row: The task's row of :data:`agents_cfg.table.TASKS`.

    Returns:
        :func:`agents_cfg.fpo_tasks.fpo_cfg` of the task with :func:`fpo_paper_algorithm` and the experiment name
        ``<stock>_fpo_paper``.
    """
    cfg = fpo_cfg(row)
    cfg.experiment_name = FPO_PAPER.experiment_name(row)
    cfg.algorithm = cfg.algorithm.replace(**fpo_paper_algorithm(row))
    return cfg


__getattr__ = derived_configs(FPO_PAPER, fpo_paper_cfg)
