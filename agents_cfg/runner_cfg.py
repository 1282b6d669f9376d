"""The one shared GenPO runner config; each task's class in :mod:`agents_cfg.tasks` sets only what differs."""

from __future__ import annotations

from isaaclab.utils import configclass
from isaaclab_rl.rsl_rl import RslRlOnPolicyRunnerCfg

from agents_cfg.actor_cfg import GenPOActorCfg
from agents_cfg.algorithm_cfg import GenPOAlgorithmCfg
from agents_cfg.critic_cfg import GenPOCriticCfg

POLICY_ONLY: dict[str, list[str]] = {"actor": ["policy"], "critic": ["policy"]}
"""Explicit ``obs_groups`` for tasks whose env has only the ``policy`` group (what rsl_rl would infer)."""


@configclass
class GenPORunnerCfg(RslRlOnPolicyRunnerCfg):
    """rsl_rl ``OnPolicyRunner`` config with a GenPO actor, a Mish MLP critic and the GenPO algorithm.

    The runner defaults are the values most stock IsaacLab rsl_rl PPO configs share.
    """

    num_steps_per_env: int = 24
    max_iterations: int = 1500
    save_interval: int = 50
    experiment_name: str = "genpo"
    obs_groups: dict[str, list[str]] = POLICY_ONLY
    actor: GenPOActorCfg = GenPOActorCfg()
    critic: GenPOCriticCfg = GenPOCriticCfg()
    algorithm: GenPOAlgorithmCfg = GenPOAlgorithmCfg()
