"""The one shared GenPO runner config; per-task values come from :mod:`agents_cfg.table`."""

from __future__ import annotations

from isaaclab.utils import configclass
from isaaclab_rl.rsl_rl import RslRlMLPModelCfg, RslRlOnPolicyRunnerCfg

from agents_cfg.actor_cfg import GenPOActorCfg
from agents_cfg.algorithm_cfg import GenPOAlgorithmCfg
from agents_cfg.table import PAPER, POLICY_ONLY, TaskRow


@configclass
class GenPORunnerCfg(RslRlOnPolicyRunnerCfg):
    """rsl_rl ``OnPolicyRunner`` config with a GenPO actor, a Mish MLP critic and the GenPO algorithm."""

    num_steps_per_env: int = 24
    max_iterations: int = 1500
    save_interval: int = 50
    experiment_name: str = "genpo"
    obs_groups: dict[str, list[str]] = POLICY_ONLY
    actor: GenPOActorCfg = GenPOActorCfg()
    critic: RslRlMLPModelCfg = RslRlMLPModelCfg(hidden_dims=[256, 256, 256], activation="mish")
    algorithm: GenPOAlgorithmCfg = GenPOAlgorithmCfg()


def build_runner_cfg(row: TaskRow) -> GenPORunnerCfg:
    """Return a :class:`GenPORunnerCfg` filled with the paper row and the stock row of ``row``."""
    paper, stock = PAPER[row.paper], row.stock
    hidden = list(paper.hidden_dims)
    return GenPORunnerCfg(
        num_steps_per_env=stock.num_steps_per_env,
        max_iterations=stock.max_iterations,
        save_interval=stock.save_interval,
        experiment_name=row.experiment_name,
        obs_groups={k: list(v) for k, v in stock.obs_groups.items()},
        actor=GenPOActorCfg(
            hidden_dims=hidden,
            obs_normalization=stock.obs_normalization,
            time_embed_dim=paper.time_embed_dim,
            time_hidden_dims=list(paper.time_hidden_dims),
        ),
        critic=RslRlMLPModelCfg(hidden_dims=list(hidden), activation="mish", obs_normalization=stock.obs_normalization),
        algorithm=GenPOAlgorithmCfg(
            learning_rate=paper.learning_rate,
            gamma=paper.gamma,
            entropy_coef=paper.entropy_coef,
            num_learning_epochs=stock.num_learning_epochs,
            num_mini_batches=stock.num_mini_batches,
            schedule=stock.schedule,
            lam=stock.lam,
            desired_kl=stock.desired_kl,
            max_grad_norm=stock.max_grad_norm,
            value_loss_coef=stock.value_loss_coef,
            use_clipped_value_loss=stock.use_clipped_value_loss,
            clip_param=stock.clip_param,
        ),
    )
