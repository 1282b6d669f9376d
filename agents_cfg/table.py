"""The task ids that get a GenPO agent, with the name of their config class: plain data, no IsaacLab import.

Registration reads only this table (``module:Class`` strings), so registering imports nothing heavy. The settings
themselves are written out per task in :mod:`agents_cfg.tasks`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

GENPO_CONFIG_MODULE = "agents_cfg.tasks"
"""Module of the GenPO task config classes."""

GENPO_CLASS_SUFFIX = "GenPORunnerCfg"
"""GenPO config class of a task: ``<stem>GenPORunnerCfg`` (another algorithm's classes use their own suffix)."""


@dataclass(frozen=True)
class TaskRow:
    """One task id that gets a GenPO agent: where its config class is, which paper row and stock config it follows."""

    key: str
    """Short name: the YAML file stem ``agents_cfg/yaml/<key>.yaml``."""
    task_id: str
    """Stock task id in the installed ``gym.registry``."""
    stem: str
    """Class-name stem: the GenPO config class is ``<stem>GenPORunnerCfg`` in :mod:`agents_cfg.tasks`."""
    paper: str
    """Key into :data:`agents_cfg.paper.PAPER`."""
    stock: str
    """``module:Class`` of the stock rsl_rl PPO config of the task id, whose settings the class copies."""
    paper_env: bool = False
    """True for the task id whose observation/action sizes match the paper's benchmark env."""

    @property
    def class_name(self) -> str:
        """Name of the GenPO config class in :mod:`agents_cfg.tasks`."""
        return f"{self.stem}{GENPO_CLASS_SUFFIX}"

    @property
    def entry_point(self) -> str:
        """The ``module:Class`` string registered under the ``genpo`` key."""
        return f"{GENPO_CONFIG_MODULE}:{self.class_name}"


_ANT = "isaaclab_tasks.core.locomotion.ant.agents.rsl_rl_ppo_cfg"
_HUM = "isaaclab_tasks.core.locomotion.humanoid.agents.rsl_rl_ppo_cfg"
_VEL = "isaaclab_tasks.core.velocity.config"
_SHADOW = "isaaclab_tasks.core.reorient.config.shadow_hand.agents.rsl_rl_ppo_cfg"
_CART = "isaaclab_tasks.core.cartpole.agents.rsl_rl_ppo_cfg"
_DRONE = "isaaclab_tasks.contrib.drone_arl.track_position_state_based.config.arl_robot_1.agents.rsl_rl_ppo_cfg"

TASKS: tuple[TaskRow, ...] = (
    TaskRow(
        key="ant",
        task_id="Isaac-Ant",
        stem="Ant",
        paper="ant",
        stock=f"{_ANT}:AntPPORunnerCfg",
        paper_env=True,
    ),
    TaskRow(
        key="ant_direct",
        task_id="Isaac-Ant-Direct",
        stem="AntDirect",
        paper="ant",
        stock=f"{_ANT}:AntDirectPPORunnerCfg",
        paper_env=True,
    ),
    TaskRow(
        key="humanoid",
        task_id="Isaac-Humanoid",
        stem="Humanoid",
        paper="humanoid",
        stock=f"{_HUM}:HumanoidPPORunnerCfg",
        paper_env=True,
    ),
    TaskRow(
        key="humanoid_direct",
        task_id="Isaac-Humanoid-Direct",
        stem="HumanoidDirect",
        paper="humanoid",
        stock=f"{_HUM}:HumanoidDirectPPORunnerCfg",
        paper_env=True,
    ),
    TaskRow(
        key="anymal_d_flat",
        task_id="Isaac-Velocity-Flat-AnymalD",
        stem="AnymalDFlat",
        paper="anymal_d",
        stock=f"{_VEL}.anymal_d.agents.rsl_rl_ppo_cfg:AnymalDFlatPPORunnerCfg",
        paper_env=True,
    ),
    TaskRow(
        key="anymal_d_rough",
        task_id="Isaac-Velocity-Rough-AnymalD",
        stem="AnymalDRough",
        paper="anymal_d",
        stock=f"{_VEL}.anymal_d.agents.rsl_rl_ppo_cfg:AnymalDRoughPPORunnerCfg",
    ),
    TaskRow(
        key="h1_rough",
        task_id="Isaac-Velocity-Rough-H1",
        stem="H1Rough",
        paper="h1",
        stock=f"{_VEL}.h1.agents.rsl_rl_ppo_cfg:H1RoughPPORunnerCfg",
        paper_env=True,
    ),
    TaskRow(
        key="h1_flat",
        task_id="Isaac-Velocity-Flat-H1",
        stem="H1Flat",
        paper="h1",
        stock=f"{_VEL}.h1.agents.rsl_rl_ppo_cfg:H1FlatPPORunnerCfg",
    ),
    TaskRow(
        key="go2_rough",
        task_id="Isaac-Velocity-Rough-UnitreeGo2",
        stem="UnitreeGo2Rough",
        paper="go2",
        stock=f"{_VEL}.go2.agents.rsl_rl_ppo_cfg:UnitreeGo2RoughPPORunnerCfg",
        paper_env=True,
    ),
    TaskRow(
        key="go2_flat",
        task_id="Isaac-Velocity-Flat-UnitreeGo2",
        stem="UnitreeGo2Flat",
        paper="go2",
        stock=f"{_VEL}.go2.agents.rsl_rl_ppo_cfg:UnitreeGo2FlatPPORunnerCfg",
    ),
    TaskRow(
        key="shadow_hand_direct",
        task_id="Isaac-Reorient-Cube-Shadow-Direct",
        stem="ShadowHandDirect",
        paper="shadow_hand",
        stock=f"{_SHADOW}:ShadowHandPPORunnerCfg",
        paper_env=True,
    ),
    TaskRow(
        key="shadow_hand",
        task_id="Isaac-Reorient-Cube-Shadow",
        stem="ShadowHand",
        paper="shadow_hand",
        stock=f"{_SHADOW}:ShadowHandManagerPPORunnerCfg",
    ),
    TaskRow(
        key="franka_lift_cube",
        task_id="IsaacContrib-Lift-Cube-Franka",
        stem="FrankaLiftCube",
        paper="franka_lift",
        stock="isaaclab_tasks.contrib.lift.config.franka.agents.rsl_rl_ppo_cfg:LiftCubePPORunnerCfg",
        paper_env=True,
    ),
    TaskRow(
        key="franka_lift",
        task_id="Isaac-Lift-Franka",
        stem="FrankaLift",
        paper="franka_lift",
        stock="isaaclab_tasks.core.lift.config.franka.agents.rsl_rl_ppo_cfg:FrankaPPORunnerCfg",
    ),
    TaskRow(
        key="quadcopter",
        task_id="IsaacContrib-TrackPositionNoObstacles-ARL-Robot-1",
        stem="Quadcopter",
        paper="quadcopter",
        stock=f"{_DRONE}:TrackPositionNoObstaclesEnvPPORunnerCfg",
    ),
    TaskRow(
        key="cartpole",
        task_id="Isaac-Cartpole",
        stem="Cartpole",
        paper="cartpole",
        stock=f"{_CART}:CartpolePPORunnerCfg",
    ),
    TaskRow(
        key="cartpole_direct",
        task_id="Isaac-Cartpole-Direct",
        stem="CartpoleDirect",
        paper="cartpole",
        stock=f"{_CART}:CartpoleDirectPPORunnerCfg",
    ),
)
"""Every task id that gets a ``genpo`` agent. Order: paper table order, then the Cartpole smoke tasks."""


def task_row(key_or_id: str) -> TaskRow:
    """Return the row for a table key (``"ant_direct"``), a task id (``"Isaac-Ant-Direct"``) or a class name."""
    for row in TASKS:
        if key_or_id in (row.key, row.task_id, row.class_name):
            return row
    known = sorted(r.key for r in TASKS)
    raise KeyError(f"No GenPO config for {key_or_id!r}; known keys: {known} (or their task ids).")


def config_getattr(
    module: str, suffix: str, build: Callable[[TaskRow], object]
) -> Callable[[str], Callable[[], object]]:
    """Return a module ``__getattr__`` that serves ``<stem><suffix>`` as the factory ``build(row)`` of each table task.

    For configs derived from the written-out GenPO classes (``fpo``, ``genpo_distill``): IsaacLab's loader gets the
    attribute of the registered ``module:Class`` string and calls it.
    """

    def module_getattr(name: str) -> Callable[[], object]:
        for row in TASKS:
            if name == f"{row.stem}{suffix}":
                factory = lambda row=row: build(row)  # noqa: E731
                factory.__name__ = factory.__qualname__ = name
                return factory
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return module_getattr
