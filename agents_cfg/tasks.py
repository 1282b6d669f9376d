"""GenPO runner config of every task id, one class each (the ``module:Class`` strings registered as ``genpo``).

Each class is :class:`GenPORunnerCfg` with its paper row (:data:`agents_cfg.paper.PAPER`: hidden dims, learning rate,
γ, entropy coefficient, time sizes) and, where they differ from the shared defaults, the settings of the stock rsl_rl
PPO config of the same task id (``TaskRow.stock``; ``tests/test_isaaclab_configs.py`` checks each value against the
installed one). Experiment names are the stock ones plus ``_genpo``.
"""

from __future__ import annotations

from isaaclab.utils import configclass

from agents_cfg.paper import PAPER
from agents_cfg.paper_cfg import paper_actor, paper_algorithm, paper_critic
from agents_cfg.runner_cfg import GenPORunnerCfg
from agents_cfg.table import TASKS

ANT = PAPER["ant"]
HUMANOID = PAPER["humanoid"]
FRANKA_LIFT = PAPER["franka_lift"]
QUADCOPTER = PAPER["quadcopter"]
ANYMAL_D = PAPER["anymal_d"]
GO2 = PAPER["go2"]
H1 = PAPER["h1"]
SHADOW_HAND = PAPER["shadow_hand"]
CARTPOLE = PAPER["cartpole"]


@configclass
class AntGenPORunnerCfg(GenPORunnerCfg):
    """GenPO on ``Isaac-Ant``: paper row ``ant``, stock ``AntPPORunnerCfg``."""

    num_steps_per_env = 32
    max_iterations = 1000
    experiment_name = "ant_genpo"
    actor = paper_actor(ANT)
    critic = paper_critic(ANT)
    algorithm = paper_algorithm(ANT)


@configclass
class AntDirectGenPORunnerCfg(GenPORunnerCfg):
    """GenPO on ``Isaac-Ant-Direct``: paper row ``ant``, stock ``AntDirectPPORunnerCfg``."""

    num_steps_per_env = 32
    max_iterations = 1000
    experiment_name = "ant_direct_genpo"
    actor = paper_actor(ANT)
    critic = paper_critic(ANT)
    algorithm = paper_algorithm(ANT)


@configclass
class HumanoidGenPORunnerCfg(GenPORunnerCfg):
    """GenPO on ``Isaac-Humanoid``: paper row ``humanoid``, stock ``HumanoidPPORunnerCfg``."""

    num_steps_per_env = 32
    max_iterations = 1000
    save_interval = 100
    experiment_name = "humanoid_genpo"
    actor = paper_actor(HUMANOID, obs_normalization=True)
    critic = paper_critic(HUMANOID, obs_normalization=True)
    algorithm = paper_algorithm(HUMANOID, value_loss_coef=2.0)


@configclass
class HumanoidDirectGenPORunnerCfg(GenPORunnerCfg):
    """GenPO on ``Isaac-Humanoid-Direct``: paper row ``humanoid``, stock ``HumanoidDirectPPORunnerCfg``."""

    num_steps_per_env = 32
    max_iterations = 1000
    save_interval = 100
    experiment_name = "humanoid_direct_genpo"
    actor = paper_actor(HUMANOID, obs_normalization=True)
    critic = paper_critic(HUMANOID, obs_normalization=True)
    algorithm = paper_algorithm(HUMANOID, value_loss_coef=2.0)


@configclass
class AnymalDFlatGenPORunnerCfg(GenPORunnerCfg):
    """GenPO on ``Isaac-Velocity-Flat-AnymalD``: paper row ``anymal_d``, stock ``AnymalDFlatPPORunnerCfg``."""

    max_iterations = 300
    experiment_name = "anymal_d_flat_genpo"
    actor = paper_actor(ANYMAL_D)
    critic = paper_critic(ANYMAL_D)
    algorithm = paper_algorithm(ANYMAL_D)


@configclass
class AnymalDRoughGenPORunnerCfg(GenPORunnerCfg):
    """GenPO on ``Isaac-Velocity-Rough-AnymalD``: paper row ``anymal_d``, stock ``AnymalDRoughPPORunnerCfg``."""

    max_iterations = 2000
    experiment_name = "anymal_d_rough_genpo"
    actor = paper_actor(ANYMAL_D)
    critic = paper_critic(ANYMAL_D)
    algorithm = paper_algorithm(ANYMAL_D)


@configclass
class H1RoughGenPORunnerCfg(GenPORunnerCfg):
    """GenPO on ``Isaac-Velocity-Rough-H1``: paper row ``h1``, stock ``H1RoughPPORunnerCfg``."""

    max_iterations = 2000
    experiment_name = "h1_rough_genpo"
    actor = paper_actor(H1)
    critic = paper_critic(H1)
    algorithm = paper_algorithm(H1)


@configclass
class H1FlatGenPORunnerCfg(GenPORunnerCfg):
    """GenPO on ``Isaac-Velocity-Flat-H1``: paper row ``h1``, stock ``H1FlatPPORunnerCfg``."""

    max_iterations = 500
    experiment_name = "h1_flat_genpo"
    actor = paper_actor(H1)
    critic = paper_critic(H1)
    algorithm = paper_algorithm(H1)


@configclass
class UnitreeGo2RoughGenPORunnerCfg(GenPORunnerCfg):
    """GenPO on ``Isaac-Velocity-Rough-UnitreeGo2``: paper row ``go2``, stock ``UnitreeGo2RoughPPORunnerCfg``."""

    experiment_name = "unitree_go2_rough_genpo"
    actor = paper_actor(GO2)
    critic = paper_critic(GO2)
    algorithm = paper_algorithm(GO2)


@configclass
class UnitreeGo2FlatGenPORunnerCfg(GenPORunnerCfg):
    """GenPO on ``Isaac-Velocity-Flat-UnitreeGo2``: paper row ``go2``, stock ``UnitreeGo2FlatPPORunnerCfg``."""

    max_iterations = 300
    experiment_name = "unitree_go2_flat_genpo"
    actor = paper_actor(GO2)
    critic = paper_critic(GO2)
    algorithm = paper_algorithm(GO2)


@configclass
class ShadowHandDirectGenPORunnerCfg(GenPORunnerCfg):
    """GenPO on ``Isaac-Reorient-Cube-Shadow-Direct``: paper row ``shadow_hand``, stock ``ShadowHandPPORunnerCfg``."""

    num_steps_per_env = 16
    max_iterations = 3000
    save_interval = 250
    experiment_name = "shadow_hand_genpo"
    actor = paper_actor(SHADOW_HAND, obs_normalization=True)
    critic = paper_critic(SHADOW_HAND, obs_normalization=True)
    algorithm = paper_algorithm(SHADOW_HAND, desired_kl=0.016)


@configclass
class ShadowHandGenPORunnerCfg(GenPORunnerCfg):
    """GenPO on ``Isaac-Reorient-Cube-Shadow``: paper row ``shadow_hand``, stock ``ShadowHandManagerPPORunnerCfg``."""

    num_steps_per_env = 16
    max_iterations = 3000
    save_interval = 250
    experiment_name = "shadow_hand_genpo"
    actor = paper_actor(SHADOW_HAND, obs_normalization=True)
    critic = paper_critic(SHADOW_HAND, obs_normalization=True)
    algorithm = paper_algorithm(SHADOW_HAND, desired_kl=0.016)


@configclass
class FrankaLiftCubeGenPORunnerCfg(GenPORunnerCfg):
    """GenPO on ``IsaacContrib-Lift-Cube-Franka``: paper row ``franka_lift``, stock ``LiftCubePPORunnerCfg``."""

    experiment_name = "lift_cube_franka_genpo"
    actor = paper_actor(FRANKA_LIFT)
    critic = paper_critic(FRANKA_LIFT)
    algorithm = paper_algorithm(FRANKA_LIFT)


@configclass
class FrankaLiftGenPORunnerCfg(GenPORunnerCfg):
    """GenPO on ``Isaac-Lift-Franka``: paper row ``franka_lift``, stock ``FrankaPPORunnerCfg``."""

    num_steps_per_env = 32
    max_iterations = 15000
    save_interval = 250
    experiment_name = "lift_franka_genpo"
    obs_groups = {"actor": ["policy", "proprio", "perception"], "critic": ["policy", "proprio", "perception"]}
    actor = paper_actor(FRANKA_LIFT, obs_normalization=True)
    critic = paper_critic(FRANKA_LIFT, obs_normalization=True)
    algorithm = paper_algorithm(FRANKA_LIFT, lam=0.90)


@configclass
class QuadcopterGenPORunnerCfg(GenPORunnerCfg):
    """GenPO on ``IsaacContrib-TrackPositionNoObstacles-ARL-Robot-1``: paper row ``quadcopter``.

    Stock settings: ``TrackPositionNoObstaclesEnvPPORunnerCfg`` (the paper's 12 × 4 quadcopter env is gone in 3.0).
    """

    experiment_name = "arl_robot_1_track_position_state_based_genpo"
    actor = paper_actor(QUADCOPTER)
    critic = paper_critic(QUADCOPTER)
    algorithm = paper_algorithm(QUADCOPTER, num_learning_epochs=4)


@configclass
class CartpoleGenPORunnerCfg(GenPORunnerCfg):
    """GenPO on ``Isaac-Cartpole``: paper row ``cartpole``, stock ``CartpolePPORunnerCfg``."""

    num_steps_per_env = 16
    max_iterations = 150
    experiment_name = "cartpole_genpo"
    actor = paper_actor(CARTPOLE)
    critic = paper_critic(CARTPOLE)
    algorithm = paper_algorithm(CARTPOLE)


@configclass
class CartpoleDirectGenPORunnerCfg(GenPORunnerCfg):
    """GenPO on ``Isaac-Cartpole-Direct``: paper row ``cartpole``, stock ``CartpoleDirectPPORunnerCfg``."""

    num_steps_per_env = 16
    max_iterations = 150
    experiment_name = "cartpole_direct_genpo"
    actor = paper_actor(CARTPOLE)
    critic = paper_critic(CARTPOLE)
    algorithm = paper_algorithm(CARTPOLE)


CONFIG_CLASSES: dict[str, type[GenPORunnerCfg]] = {row.key: globals()[row.class_name] for row in TASKS}
"""Table key → config class (a table row without its class above fails here, at import)."""
