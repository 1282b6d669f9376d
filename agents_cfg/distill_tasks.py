"""GenPO distillation config of every task id (``--agent genpo_distill``): a Gaussian PPO teacher into a GenPO student.

    isaaclab train --rl_library rsl_rl --task Isaac-Cartpole-Direct --agent genpo_distill --checkpoint <ppo model.pt>

rsl_rl's ``DistillationRunner`` with :class:`genpo_rsl.GenPODistillation`: the student is the task's GenPO actor
(:mod:`agents_cfg.tasks`), the teacher the actor of the task's stock PPO config (``TaskRow.stock``), whose checkpoint
``--checkpoint`` loads. No environment reward is used. The config of a task, ``<stem>GenPODistillRunnerCfg``, is built
from those two configs (the task table's row and the installed stock class): a teacher must have exactly the stock
actor's architecture to load its checkpoint, and the student is the GenPO agent a fine-tuning run continues.
"""

from __future__ import annotations

from isaaclab.utils import configclass
from isaaclab.utils.string import string_to_callable
from isaaclab_rl.rsl_rl import RslRlDistillationAlgorithmCfg, RslRlDistillationRunnerCfg
from isaaclab_tasks.utils import PresetCfg

from agents_cfg.table import TaskRow
from agents_cfg.tasks import CONFIG_CLASSES, derived_configs
from isaaclab_tasks_ext.agents import GENPO_DISTILL


@configclass
class GenPODistillationAlgorithmCfg(RslRlDistillationAlgorithmCfg):
    """``genpo_rsl:GenPODistillation``: stock distillation settings plus the flow's likelihood loss."""

    class_name: str = "genpo_rsl:GenPODistillation"
    num_learning_epochs: int = 5
    learning_rate: float = 1.0e-3
    gradient_length: int = 24
    max_grad_norm: float | None = 1.0
    loss_type: str = "nll"
    """Negative likelihood bound of the teacher's action under the flow (the only loss of GenPODistillation)."""
    dequant_std: float = 0.5
    """σ of the lift ``ã = (a + u, a − u)`` of a teacher action ``a`` (genpo_rsl.warm_start.cloning)."""


@configclass
class GenPODistillRunnerCfg(RslRlDistillationRunnerCfg):
    """rsl_rl ``DistillationRunner`` config with a GenPO student; :func:`distill_cfg` fills it for one task."""

    max_iterations: int = 300
    algorithm: GenPODistillationAlgorithmCfg = GenPODistillationAlgorithmCfg()


def distill_cfg(row: TaskRow) -> GenPODistillRunnerCfg:
    """Return the distillation config of a task: its GenPO actor as student, its stock PPO actor as teacher.

    Args:
        row: The task's row of :data:`agents_cfg.table.TASKS`.

    Returns:
        The runner config: the GenPO config's steps per env, save interval and actor (with its observation groups),
        the stock config's actor and actor groups as the teacher, and the experiment name ``<stock>_genpo_distill``.
    """
    genpo = CONFIG_CLASSES[row.key]()
    stock = string_to_callable(row.stock)()
    stock = stock.default if isinstance(stock, PresetCfg) else stock  # a stock preset: its default config
    stock_groups = getattr(stock, "obs_groups", None)  # some stock configs leave it to rsl_rl's default
    teacher_groups = stock_groups.get("actor", ["policy"]) if isinstance(stock_groups, dict) else ["policy"]
    return GenPODistillRunnerCfg(
        num_steps_per_env=genpo.num_steps_per_env,
        save_interval=genpo.save_interval,
        experiment_name=GENPO_DISTILL.experiment_name(row),
        obs_groups={"student": list(genpo.obs_groups["actor"]), "teacher": list(teacher_groups)},
        student=genpo.actor,
        teacher=stock.actor,
        algorithm=GenPODistillationAlgorithmCfg(gradient_length=genpo.num_steps_per_env),
    )


__getattr__ = derived_configs(GENPO_DISTILL, distill_cfg)
