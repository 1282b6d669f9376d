"""The per-task table of GenPO runner settings: plain data, no IsaacLab import.

Two sources, kept apart on purpose:

* :data:`PAPER` — the GenPO paper's §3 table (GenPO column): hidden dims, learning rate, γ, entropy coefficient,
  plus the flow's time-embedding sizes. The flow settings common to all tasks (N = 5, p = 0.9, ν = 0.01, Mish) are
  the defaults of :class:`agents_cfg.actor_cfg.GenPOActorCfg` and :class:`agents_cfg.algorithm_cfg.GenPOAlgorithmCfg`.
* :class:`StockRow` — everything the paper leaves open, copied from the stock rsl_rl PPO config that the installed
  ``isaaclab_tasks`` (3.0.0) registers for the same task id under ``rsl_rl_cfg_entry_point``. The test
  ``tests/test_isaaclab_configs.py`` checks every value here against the installed stock config.

Rule: each task id gets its paper row's values (hidden dims, lr, γ, entropy coef; GenPO flow settings) and its own
stock row; sibling variants of a paper task (manager/direct, flat/rough) share the paper row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

POLICY_ONLY: dict[str, list[str]] = {"actor": ["policy"], "critic": ["policy"]}
"""Explicit ``obs_groups`` for tasks whose env has only the ``policy`` group (what rsl_rl would infer)."""


@dataclass(frozen=True)
class PaperRow:
    """GenPO paper §3 settings (GenPO column) of one paper task."""

    hidden_dims: tuple[int, ...]
    learning_rate: float
    gamma: float
    entropy_coef: float
    time_embed_dim: int = 32
    time_hidden_dims: tuple[int, ...] = (256, 256)


@dataclass(frozen=True)
class StockRow:
    """Settings the paper leaves open, as in the installed stock rsl_rl PPO config of the same task id."""

    entry_point: str
    experiment_name: str
    num_steps_per_env: int
    max_iterations: int
    save_interval: int
    obs_normalization: bool
    obs_groups: dict[str, list[str]] = field(default_factory=lambda: dict(POLICY_ONLY))
    num_learning_epochs: int = 5
    num_mini_batches: int = 4
    lam: float = 0.95
    desired_kl: float = 0.01
    value_loss_coef: float = 1.0
    schedule: str = "adaptive"
    clip_param: float = 0.2
    max_grad_norm: float = 1.0
    use_clipped_value_loss: bool = True


@dataclass(frozen=True)
class TaskRow:
    """One registered task id: its GenPO config class, paper row and stock row."""

    key: str
    """Short name: the YAML file stem ``agents_cfg/yaml/<key>.yaml``."""
    task_id: str
    """Stock task id in the installed ``gym.registry``."""
    class_name: str
    """Name of the generated config class in :mod:`agents_cfg.tasks`."""
    paper: str
    """Key into :data:`PAPER`."""
    stock: StockRow
    paper_env: bool = False
    """True for the task id whose observation/action sizes match the paper's benchmark env."""

    @property
    def entry_point(self) -> str:
        """The ``module:Class`` string registered under the ``genpo`` key."""
        return f"agents_cfg.tasks:{self.class_name}"

    @property
    def experiment_name(self) -> str:
        """Log folder name: the stock experiment name plus ``_genpo``."""
        return f"{self.stock.experiment_name}_genpo"


PAPER: dict[str, PaperRow] = {
    "ant": PaperRow((400, 200, 100), 1e-3, 0.99, 0.01),
    "humanoid": PaperRow((400, 200, 100), 5e-4, 0.99, 0.01),
    "franka_lift": PaperRow((256, 128, 64), 1e-4, 0.98, 0.006),
    "quadcopter": PaperRow((64, 64), 5e-4, 0.99, 0.01, time_embed_dim=16, time_hidden_dims=(128, 128)),
    "anymal_d": PaperRow((128, 128, 128), 1e-3, 0.99, 0.005),
    "go2": PaperRow((512, 256, 128), 1e-3, 0.99, 0.01),
    "h1": PaperRow((512, 256, 128), 1e-3, 0.99, 0.01),
    "shadow_hand": PaperRow((512, 512, 256, 128), 5e-4, 0.99, 0.005),
    # not in the paper: CPU smoke task (stock Cartpole lr/γ/entropy, small flow, learns in minutes on 2 cores)
    "cartpole": PaperRow((32, 32), 1e-3, 0.99, 0.005, time_embed_dim=16, time_hidden_dims=(32, 32)),
}

_ANT = "isaaclab_tasks.core.locomotion.ant.agents.rsl_rl_ppo_cfg"
_HUM = "isaaclab_tasks.core.locomotion.humanoid.agents.rsl_rl_ppo_cfg"
_VEL = "isaaclab_tasks.core.velocity.config"
_SHADOW = "isaaclab_tasks.core.reorient.config.shadow_hand.agents.rsl_rl_ppo_cfg"
_CART = "isaaclab_tasks.core.cartpole.agents.rsl_rl_ppo_cfg"
_DRONE = "isaaclab_tasks.contrib.drone_arl.track_position_state_based.config.arl_robot_1.agents.rsl_rl_ppo_cfg"

TASKS: tuple[TaskRow, ...] = (
    TaskRow(
        "ant",
        "Isaac-Ant",
        "AntGenPORunnerCfg",
        "ant",
        paper_env=True,
        stock=StockRow(f"{_ANT}:AntPPORunnerCfg", "ant", 32, 1000, 50, False),
    ),
    TaskRow(
        "ant_direct",
        "Isaac-Ant-Direct",
        "AntDirectGenPORunnerCfg",
        "ant",
        paper_env=True,
        stock=StockRow(f"{_ANT}:AntDirectPPORunnerCfg", "ant_direct", 32, 1000, 50, False),
    ),
    TaskRow(
        "humanoid",
        "Isaac-Humanoid",
        "HumanoidGenPORunnerCfg",
        "humanoid",
        paper_env=True,
        stock=StockRow(f"{_HUM}:HumanoidPPORunnerCfg", "humanoid", 32, 1000, 100, True, value_loss_coef=2.0),
    ),
    TaskRow(
        "humanoid_direct",
        "Isaac-Humanoid-Direct",
        "HumanoidDirectGenPORunnerCfg",
        "humanoid",
        paper_env=True,
        stock=StockRow(
            f"{_HUM}:HumanoidDirectPPORunnerCfg", "humanoid_direct", 32, 1000, 100, True, value_loss_coef=2.0
        ),
    ),
    TaskRow(
        "anymal_d_flat",
        "Isaac-Velocity-Flat-AnymalD",
        "AnymalDFlatGenPORunnerCfg",
        "anymal_d",
        paper_env=True,
        stock=StockRow(
            f"{_VEL}.anymal_d.agents.rsl_rl_ppo_cfg:AnymalDFlatPPORunnerCfg", "anymal_d_flat", 24, 300, 50, False
        ),
    ),
    TaskRow(
        "anymal_d_rough",
        "Isaac-Velocity-Rough-AnymalD",
        "AnymalDRoughGenPORunnerCfg",
        "anymal_d",
        stock=StockRow(
            f"{_VEL}.anymal_d.agents.rsl_rl_ppo_cfg:AnymalDRoughPPORunnerCfg", "anymal_d_rough", 24, 2000, 50, False
        ),
    ),
    TaskRow(
        "h1_rough",
        "Isaac-Velocity-Rough-H1",
        "H1RoughGenPORunnerCfg",
        "h1",
        paper_env=True,
        stock=StockRow(f"{_VEL}.h1.agents.rsl_rl_ppo_cfg:H1RoughPPORunnerCfg", "h1_rough", 24, 2000, 50, False),
    ),
    TaskRow(
        "h1_flat",
        "Isaac-Velocity-Flat-H1",
        "H1FlatGenPORunnerCfg",
        "h1",
        stock=StockRow(f"{_VEL}.h1.agents.rsl_rl_ppo_cfg:H1FlatPPORunnerCfg", "h1_flat", 24, 500, 50, False),
    ),
    TaskRow(
        "go2_rough",
        "Isaac-Velocity-Rough-UnitreeGo2",
        "UnitreeGo2RoughGenPORunnerCfg",
        "go2",
        paper_env=True,
        stock=StockRow(
            f"{_VEL}.go2.agents.rsl_rl_ppo_cfg:UnitreeGo2RoughPPORunnerCfg", "unitree_go2_rough", 24, 1500, 50, False
        ),
    ),
    TaskRow(
        "go2_flat",
        "Isaac-Velocity-Flat-UnitreeGo2",
        "UnitreeGo2FlatGenPORunnerCfg",
        "go2",
        stock=StockRow(
            f"{_VEL}.go2.agents.rsl_rl_ppo_cfg:UnitreeGo2FlatPPORunnerCfg", "unitree_go2_flat", 24, 300, 50, False
        ),
    ),
    TaskRow(
        "shadow_hand_direct",
        "Isaac-Reorient-Cube-Shadow-Direct",
        "ShadowHandDirectGenPORunnerCfg",
        "shadow_hand",
        paper_env=True,
        stock=StockRow(f"{_SHADOW}:ShadowHandPPORunnerCfg", "shadow_hand", 16, 3000, 250, True, desired_kl=0.016),
    ),
    TaskRow(
        "shadow_hand",
        "Isaac-Reorient-Cube-Shadow",
        "ShadowHandGenPORunnerCfg",
        "shadow_hand",
        stock=StockRow(
            f"{_SHADOW}:ShadowHandManagerPPORunnerCfg", "shadow_hand", 16, 3000, 250, True, desired_kl=0.016
        ),
    ),
    TaskRow(
        "franka_lift_cube",
        "IsaacContrib-Lift-Cube-Franka",
        "FrankaLiftCubeGenPORunnerCfg",
        "franka_lift",
        paper_env=True,
        stock=StockRow(
            "isaaclab_tasks.contrib.lift.config.franka.agents.rsl_rl_ppo_cfg:LiftCubePPORunnerCfg",
            "lift_cube_franka",
            24,
            1500,
            50,
            False,
        ),
    ),
    TaskRow(
        "franka_lift",
        "Isaac-Lift-Franka",
        "FrankaLiftGenPORunnerCfg",
        "franka_lift",
        stock=StockRow(
            "isaaclab_tasks.core.lift.config.franka.agents.rsl_rl_ppo_cfg:FrankaPPORunnerCfg",
            "lift_franka",
            32,
            15000,
            250,
            True,
            lam=0.90,
            obs_groups={"actor": ["policy", "proprio", "perception"], "critic": ["policy", "proprio", "perception"]},
        ),
    ),
    TaskRow(
        "quadcopter",
        "IsaacContrib-TrackPositionNoObstacles-ARL-Robot-1",
        "QuadcopterGenPORunnerCfg",
        "quadcopter",
        paper_env=False,
        stock=StockRow(
            f"{_DRONE}:TrackPositionNoObstaclesEnvPPORunnerCfg",
            "arl_robot_1_track_position_state_based",
            24,
            1500,
            50,
            False,
            num_learning_epochs=4,
        ),
    ),
    TaskRow(
        "cartpole",
        "Isaac-Cartpole",
        "CartpoleGenPORunnerCfg",
        "cartpole",
        stock=StockRow(f"{_CART}:CartpolePPORunnerCfg", "cartpole", 16, 150, 50, False),
    ),
    TaskRow(
        "cartpole_direct",
        "Isaac-Cartpole-Direct",
        "CartpoleDirectGenPORunnerCfg",
        "cartpole",
        stock=StockRow(f"{_CART}:CartpoleDirectPPORunnerCfg", "cartpole_direct", 16, 150, 50, False),
    ),
)
"""Every task id that gets a ``genpo`` agent. Order: paper table order, then the Cartpole smoke tasks."""

PAPER_TASK_IDS: dict[str, str] = {
    "ant": "Isaac-Ant",
    "humanoid": "Isaac-Humanoid",
    "franka_lift": "IsaacContrib-Lift-Cube-Franka",
    "quadcopter": "IsaacContrib-TrackPositionNoObstacles-ARL-Robot-1",
    "anymal_d": "Isaac-Velocity-Flat-AnymalD",
    "go2": "Isaac-Velocity-Rough-UnitreeGo2",
    "h1": "Isaac-Velocity-Rough-H1",
    "shadow_hand": "Isaac-Reorient-Cube-Shadow-Direct",
}
"""The eight paper tasks → the installed task id closest to the paper's benchmark env."""


def task_row(key_or_id: str) -> TaskRow:
    """Return the row for a table key (``"ant_direct"``) or a task id (``"Isaac-Ant-Direct"``)."""
    for row in TASKS:
        if key_or_id in (row.key, row.task_id, row.class_name):
            return row
    known = sorted(r.key for r in TASKS)
    raise KeyError(f"No GenPO config for {key_or_id!r}; known keys: {known} (or their task ids).")
