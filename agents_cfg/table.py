"""The task table: every per-task fact of the agent configs, as plain data (no IsaacLab import).

Two tables: :data:`PAPER`, the GenPO paper's §3 settings per paper task, and :data:`TASKS`, one row per task id with
its paper task, its stock rsl_rl PPO config and the stock values that differ from the shared defaults. The GenPO
(:mod:`agents_cfg.tasks`), FPO++ (:mod:`agents_cfg.fpo_tasks`, :mod:`agents_cfg.fpo_paper_tasks`) and distillation
(:mod:`agents_cfg.distill_tasks`) config classes are all built from these rows; the agent keys, config modules and
class-name suffixes are the entries of :data:`isaaclab_tasks_ext.agents.AGENTS`. Registration reads only this table
and that one, so registering imports nothing heavy.

The flow settings common to all tasks (N = 5, p = 0.9, ν = 0.01, Mish) and the PPO values most stock configs share
are the defaults of :mod:`agents_cfg.runner_cfg`, :mod:`agents_cfg.actor_cfg` and :mod:`agents_cfg.algorithm_cfg`;
a row names only what differs (``tests/isaaclab_ext/test_isaaclab_configs.py`` checks every row against the installed stock
config and against those defaults).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PaperRow:
    """GenPO paper §3 settings of one paper task; a ``None`` time size keeps :class:`GenPOActorCfg`'s default."""

    hidden_dims: tuple[int, ...]
    """Hidden sizes of the velocity MLP and of the critic."""
    learning_rate: float
    gamma: float
    entropy_coef: float
    time_embed_dim: int | None = None
    """Sinusoidal time-embedding size; ``None``: the actor default (32)."""
    time_hidden_dims: tuple[int, ...] | None = None
    """Hidden sizes of the time-embedding MLP; ``None``: the actor default ([256, 256])."""
    humanoid: bool = False
    """A humanoid robot: ``--agent fpo_paper`` takes FPO++'s H1/G1 settings."""
    in_paper: bool = True
    """False for a row the paper does not have (the Cartpole smoke task)."""


PAPER: dict[str, PaperRow] = {
    "ant": PaperRow(hidden_dims=(400, 200, 100), learning_rate=1e-3, gamma=0.99, entropy_coef=0.01),
    "humanoid": PaperRow(hidden_dims=(400, 200, 100), learning_rate=5e-4, gamma=0.99, entropy_coef=0.01, humanoid=True),
    "franka_lift": PaperRow(hidden_dims=(256, 128, 64), learning_rate=1e-4, gamma=0.98, entropy_coef=0.006),
    "quadcopter": PaperRow(
        hidden_dims=(64, 64),
        learning_rate=5e-4,
        gamma=0.99,
        entropy_coef=0.01,
        time_embed_dim=16,
        time_hidden_dims=(128, 128),
    ),
    "anymal_d": PaperRow(hidden_dims=(128, 128, 128), learning_rate=1e-3, gamma=0.99, entropy_coef=0.005),
    "go2": PaperRow(hidden_dims=(512, 256, 128), learning_rate=1e-3, gamma=0.99, entropy_coef=0.01),
    "h1": PaperRow(hidden_dims=(512, 256, 128), learning_rate=1e-3, gamma=0.99, entropy_coef=0.01, humanoid=True),
    "shadow_hand": PaperRow(hidden_dims=(512, 512, 256, 128), learning_rate=5e-4, gamma=0.99, entropy_coef=0.005),
    # contrib ANYmal-B/C (not paper tasks; their stock symmetry agents get genpo_with_symmetry): the stock sizes and
    # PPO values, which are the anymal_d paper row's on flat ground
    "anymal_flat": PaperRow(
        hidden_dims=(128, 128, 128), learning_rate=1e-3, gamma=0.99, entropy_coef=0.005, in_paper=False
    ),
    "anymal_rough": PaperRow(
        hidden_dims=(512, 256, 128), learning_rate=1e-3, gamma=0.99, entropy_coef=0.005, in_paper=False
    ),
    # CPU smoke task: stock Cartpole lr/γ/entropy, a small flow that learns in minutes on 2 cores
    "cartpole": PaperRow(
        hidden_dims=(32, 32),
        learning_rate=1e-3,
        gamma=0.99,
        entropy_coef=0.005,
        time_embed_dim=16,
        time_hidden_dims=(32, 32),
        in_paper=False,
    ),
}
"""Paper task → its row. Sibling task ids of a paper task (manager/direct, flat/rough) share the row."""


@dataclass(frozen=True)
class TaskRow:
    """One task id with a GenPO agent: its paper row, its stock PPO config and the stock values the configs copy."""

    key: str
    """Short name: the YAML file stem ``agents_cfg/yaml/<key>.yaml``."""
    task_id: str
    """Stock task id in the installed ``gym.registry``."""
    stem: str
    """Class-name stem: an agent's config class is ``<stem><class_suffix>`` (``AntDirectGenPORunnerCfg``)."""
    paper: str
    """Key into :data:`PAPER`."""
    stock: str
    """``module:Class`` of the stock rsl_rl PPO config of the task id (the distillation teacher's)."""
    experiment: str
    """The stock ``experiment_name``; an agent's runs log to ``<experiment>_<agent name>``."""
    paper_env: bool = False
    """True for a task id whose observation/action sizes match the paper's benchmark env."""
    obs_normalization: bool = False
    """The stock actor's and critic's ``obs_normalization``."""
    runner: dict[str, Any] = field(default_factory=dict, hash=False)
    """Stock runner values that differ from :class:`GenPORunnerCfg`'s defaults."""
    algorithm: dict[str, Any] = field(default_factory=dict, hash=False)
    """Stock PPO values that differ from :class:`GenPOAlgorithmCfg`'s defaults."""

    @property
    def class_name(self) -> str:
        """Name of the GenPO config class in :mod:`agents_cfg.tasks`."""
        from isaaclab_tasks_ext.agents import GENPO  # the agent table (it imports this module)

        return GENPO.class_name(self)

    @property
    def entry_point(self) -> str:
        """The ``module:Class`` string registered under the ``genpo`` keys."""
        from isaaclab_tasks_ext.agents import GENPO

        return GENPO.entry_point(self)


_ANT = "isaaclab_tasks.core.locomotion.ant.agents.rsl_rl_ppo_cfg"
_HUM = "isaaclab_tasks.core.locomotion.humanoid.agents.rsl_rl_ppo_cfg"
_VEL = "isaaclab_tasks.core.velocity.config"
_ANYMAL_B = "isaaclab_tasks.contrib.velocity.config.anymal_b.agents.rsl_rl_ppo_cfg"
_ANYMAL_C = "isaaclab_tasks.contrib.velocity.config.anymal_c.agents.rsl_rl_ppo_cfg"
_SHADOW = "isaaclab_tasks.core.reorient.config.shadow_hand.agents.rsl_rl_ppo_cfg"
_CART = "isaaclab_tasks.core.cartpole.agents.rsl_rl_ppo_cfg"
_DRONE = "isaaclab_tasks.contrib.drone_arl.track_position_state_based.config.arl_robot_1.agents.rsl_rl_ppo_cfg"
_LIFT = "isaaclab_tasks.contrib.lift.config.franka.agents.rsl_rl_ppo_cfg"
_LIFT_3 = "isaaclab_tasks.core.lift.config.franka.agents.rsl_rl_ppo_cfg"
_LIFT_GROUPS = ["policy", "proprio", "perception"]

TASKS: tuple[TaskRow, ...] = (
    TaskRow(
        "ant", "Isaac-Ant", "Ant", "ant", f"{_ANT}:AntPPORunnerCfg", experiment="ant", paper_env=True,
        runner={"num_steps_per_env": 32, "max_iterations": 1000},
    ),
    TaskRow(
        "ant_direct", "Isaac-Ant-Direct", "AntDirect", "ant", f"{_ANT}:AntDirectPPORunnerCfg",
        experiment="ant_direct", paper_env=True, runner={"num_steps_per_env": 32, "max_iterations": 1000},
    ),
    TaskRow(
        "humanoid", "Isaac-Humanoid", "Humanoid", "humanoid", f"{_HUM}:HumanoidPPORunnerCfg",
        experiment="humanoid", paper_env=True, obs_normalization=True,
        runner={"num_steps_per_env": 32, "max_iterations": 1000, "save_interval": 100},
        algorithm={"value_loss_coef": 2.0},
    ),
    TaskRow(
        "humanoid_direct", "Isaac-Humanoid-Direct", "HumanoidDirect", "humanoid",
        f"{_HUM}:HumanoidDirectPPORunnerCfg", experiment="humanoid_direct", paper_env=True, obs_normalization=True,
        runner={"num_steps_per_env": 32, "max_iterations": 1000, "save_interval": 100},
        algorithm={"value_loss_coef": 2.0},
    ),
    TaskRow(
        "anymal_d_flat", "Isaac-Velocity-Flat-AnymalD", "AnymalDFlat", "anymal_d",
        f"{_VEL}.anymal_d.agents.rsl_rl_ppo_cfg:AnymalDFlatPPORunnerCfg", experiment="anymal_d_flat",
        paper_env=True, runner={"max_iterations": 300},
    ),
    TaskRow(
        "anymal_d_rough", "Isaac-Velocity-Rough-AnymalD", "AnymalDRough", "anymal_d",
        f"{_VEL}.anymal_d.agents.rsl_rl_ppo_cfg:AnymalDRoughPPORunnerCfg", experiment="anymal_d_rough",
        runner={"max_iterations": 2000},
    ),
    TaskRow(
        "h1_rough", "Isaac-Velocity-Rough-H1", "H1Rough", "h1", f"{_VEL}.h1.agents.rsl_rl_ppo_cfg:H1RoughPPORunnerCfg",
        experiment="h1_rough", paper_env=True, runner={"max_iterations": 2000},
    ),
    TaskRow(
        "h1_flat", "Isaac-Velocity-Flat-H1", "H1Flat", "h1", f"{_VEL}.h1.agents.rsl_rl_ppo_cfg:H1FlatPPORunnerCfg",
        experiment="h1_flat", runner={"max_iterations": 500},
    ),
    TaskRow(
        "go2_rough", "Isaac-Velocity-Rough-UnitreeGo2", "UnitreeGo2Rough", "go2",
        f"{_VEL}.go2.agents.rsl_rl_ppo_cfg:UnitreeGo2RoughPPORunnerCfg", experiment="unitree_go2_rough",
        paper_env=True,
    ),
    TaskRow(
        "go2_flat", "Isaac-Velocity-Flat-UnitreeGo2", "UnitreeGo2Flat", "go2",
        f"{_VEL}.go2.agents.rsl_rl_ppo_cfg:UnitreeGo2FlatPPORunnerCfg", experiment="unitree_go2_flat",
        runner={"max_iterations": 300},
    ),
    TaskRow(
        "shadow_hand_direct", "Isaac-Reorient-Cube-Shadow-Direct", "ShadowHandDirect", "shadow_hand",
        f"{_SHADOW}:ShadowHandPPORunnerCfg", experiment="shadow_hand", paper_env=True, obs_normalization=True,
        runner={"num_steps_per_env": 16, "max_iterations": 3000, "save_interval": 250},
        algorithm={"desired_kl": 0.016},
    ),
    TaskRow(
        "shadow_hand", "Isaac-Reorient-Cube-Shadow", "ShadowHand", "shadow_hand",
        f"{_SHADOW}:ShadowHandManagerPPORunnerCfg", experiment="shadow_hand", obs_normalization=True,
        runner={"num_steps_per_env": 16, "max_iterations": 3000, "save_interval": 250},
        algorithm={"desired_kl": 0.016},
    ),
    TaskRow(
        "franka_lift_cube", "IsaacContrib-Lift-Cube-Franka", "FrankaLiftCube", "franka_lift",
        f"{_LIFT}:LiftCubePPORunnerCfg", experiment="lift_cube_franka", paper_env=True,
    ),
    TaskRow(
        "franka_lift", "Isaac-Lift-Franka", "FrankaLift", "franka_lift", f"{_LIFT_3}:FrankaPPORunnerCfg",
        experiment="lift_franka", obs_normalization=True,
        runner={
            "num_steps_per_env": 32, "max_iterations": 15000, "save_interval": 250,
            "obs_groups": {"actor": _LIFT_GROUPS, "critic": _LIFT_GROUPS},
        },
        algorithm={"lam": 0.90},
    ),
    TaskRow(  # the paper's 12 × 4 quadcopter env is gone in IsaacLab 3.0: its drone task
        "quadcopter", "IsaacContrib-TrackPositionNoObstacles-ARL-Robot-1", "Quadcopter", "quadcopter",
        f"{_DRONE}:TrackPositionNoObstaclesEnvPPORunnerCfg", experiment="arl_robot_1_track_position_state_based",
        algorithm={"num_learning_epochs": 4},
    ),
    TaskRow(
        "anymal_b_flat", "IsaacContrib-Velocity-Flat-AnymalB", "AnymalBFlat", "anymal_flat",
        f"{_ANYMAL_B}:AnymalBFlatPPORunnerCfg", experiment="anymal_b_flat", runner={"max_iterations": 300},
    ),
    TaskRow(
        "anymal_b_rough", "IsaacContrib-Velocity-Rough-AnymalB", "AnymalBRough", "anymal_rough",
        f"{_ANYMAL_B}:AnymalBRoughPPORunnerCfg", experiment="anymal_b_rough",
    ),
    TaskRow(
        "anymal_c_flat", "IsaacContrib-Velocity-Flat-AnymalC", "AnymalCFlat", "anymal_flat",
        f"{_ANYMAL_C}:AnymalCFlatPPORunnerCfg", experiment="anymal_c_flat", runner={"max_iterations": 300},
    ),
    TaskRow(
        "anymal_c_rough", "IsaacContrib-Velocity-Rough-AnymalC", "AnymalCRough", "anymal_rough",
        f"{_ANYMAL_C}:AnymalCRoughPPORunnerCfg", experiment="anymal_c_rough",
    ),
    TaskRow(
        "cartpole", "Isaac-Cartpole", "Cartpole", "cartpole", f"{_CART}:CartpolePPORunnerCfg",
        experiment="cartpole", runner={"num_steps_per_env": 16, "max_iterations": 150},
    ),
    TaskRow(
        "cartpole_direct", "Isaac-Cartpole-Direct", "CartpoleDirect", "cartpole", f"{_CART}:CartpoleDirectPPORunnerCfg",
        experiment="cartpole_direct", runner={"num_steps_per_env": 16, "max_iterations": 150},
    ),
)  # fmt: skip
"""Every task id that gets the flow agents; fields in order ``key, task_id, stem, paper, stock``. Order: paper table
order (the first row of a paper task is its :data:`PAPER_TASK_IDS` id), then the contrib ANYmal-B/C tasks (stock sizes:
they carry IsaacLab's symmetry agents), then the Cartpole smoke tasks."""

PAPER_TASK_IDS: dict[str, str] = {
    paper: next(row.task_id for row in TASKS if row.paper == paper) for paper, row in PAPER.items() if row.in_paper
}
"""The eight paper tasks → the installed task id closest to the paper's benchmark env (its first table row)."""


def task_row(key_or_id: str) -> TaskRow:
    """Return the row of a table key, a task id or a GenPO config class name.

    Args:
        key_or_id: A table key (``"ant_direct"``), a task id (``"Isaac-Ant-Direct"``) or a GenPO class name
            (``"AntDirectGenPORunnerCfg"``).

    Returns:
        The row of :data:`TASKS` it names.

    Raises:
        KeyError: No row has that key, task id or class name.
    """
    for row in TASKS:
        if key_or_id in (row.key, row.task_id, row.class_name):
            return row
    known = sorted(r.key for r in TASKS)
    raise KeyError(f"No GenPO config for {key_or_id!r}; known keys: {known} (or their task ids).")


@dataclass(frozen=True)
class VariantRow:
    """A GenPO agent variant (symmetry, recurrent) on a task id of :data:`TASKS` that has the stock variant: the
    task's GenPO config plus the stock ``symmetry_cfg`` or the stock memory (:mod:`agents_cfg.variant_tasks`)."""

    agent: str
    """The variant agent's name in :data:`isaaclab_tasks_ext.agents.AGENTS` (``genpo_with_symmetry``, ...)."""
    base: str
    """Key of the task's :data:`TASKS` row."""
    stock: str | None
    """``module:Class`` of the stock variant config; ``None`` where IsaacLab has none (then :attr:`rnn` is used)."""
    rnn: dict[str, Any] = field(default_factory=dict, hash=False)
    """The memory's ``rnn_*`` keys where :attr:`stock` is ``None``."""

    @property
    def row(self) -> TaskRow:
        """The task's row of :data:`TASKS`."""
        return task_row(self.base)

    @property
    def task_id(self) -> str:
        """The task id."""
        return self.row.task_id

    @property
    def stem(self) -> str:
        """The class-name stem (the task's)."""
        return self.row.stem

    @property
    def experiment(self) -> str:
        """The stock experiment name (the task's)."""
        return self.row.experiment


_ANYMAL_D = f"{_VEL}.anymal_d.agents.rsl_rl_ppo_cfg"

VARIANTS: tuple[VariantRow, ...] = (
    VariantRow("genpo_with_symmetry", "cartpole", f"{_CART}:CartpolePPORunnerWithSymmetryCfg"),
    VariantRow("genpo_with_symmetry", "anymal_d_flat", f"{_ANYMAL_D}:AnymalDFlatPPORunnerWithSymmetryCfg"),
    VariantRow("genpo_with_symmetry", "anymal_d_rough", f"{_ANYMAL_D}:AnymalDRoughPPORunnerWithSymmetryCfg"),
    VariantRow("genpo_with_symmetry", "anymal_b_flat", f"{_ANYMAL_B}:AnymalBFlatPPORunnerWithSymmetryCfg"),
    VariantRow("genpo_with_symmetry", "anymal_b_rough", f"{_ANYMAL_B}:AnymalBRoughPPORunnerWithSymmetryCfg"),
    VariantRow("genpo_with_symmetry", "anymal_c_flat", f"{_ANYMAL_C}:AnymalCFlatPPORunnerWithSymmetryCfg"),
    VariantRow("genpo_with_symmetry", "anymal_c_rough", f"{_ANYMAL_C}:AnymalCRoughPPORunnerWithSymmetryCfg"),
    VariantRow("genpo_recurrent", "anymal_d_flat", f"{_ANYMAL_D}:AnymalDFlatPPORunnerRecurrentCfg"),
    # no stock recurrent Cartpole: a small GRU, the CPU smoke test of recurrent GenPO in IsaacLab
    VariantRow("genpo_recurrent", "cartpole_direct", None, {"rnn_type": "gru", "rnn_hidden_dim": 32, "rnn_num_layers": 1}),
)  # fmt: skip
"""Every variant agent on every task id: one row per stock ``rsl_rl_with_symmetry_cfg_entry_point`` /
``rsl_rl_recurrent_cfg_entry_point`` of a :data:`TASKS` task id (``tests/isaaclab_ext/test_isaaclab_variants.py``
checks the installed registry against it), plus the Cartpole smoke row."""


def variant_rows(agent: str) -> tuple[VariantRow, ...]:
    """Return the rows of :data:`VARIANTS` of one variant agent.

    Args:
        agent: The variant agent's name.

    Returns:
        Its rows, in table order.
    """
    return tuple(v for v in VARIANTS if v.agent == agent)


@dataclass(frozen=True)
class EncoderRow:
    """A task id whose stock rsl_rl agent is an encoder model (``CNNModel``: images; ``RNNModel``: memory).

    Its ``genpo`` (and ``fpo``) config keeps the stock runner, critic and PPO values and the stock actor's model kind,
    encoder (``cnn_cfg``; ``rnn_*``) and sizes, and puts the flow where the stock Gaussian head was
    (:mod:`agents_cfg.encoder_tasks`). Where the robot's task is a paper task, :attr:`paper` names its paper row
    (hidden sizes, learning rate, γ, entropy coefficient).
    """

    key: str
    """Short name."""
    task_id: str
    """Stock task id in the installed ``gym.registry``."""
    stem: str
    """Class-name stem: ``<stem>GenPORunnerCfg`` in :mod:`agents_cfg.tasks`, ``<stem>FPORunnerCfg`` for FPO++."""
    stock: str
    """``module:Class`` of the stock config (the default preset's where the task registers a preset instance). The
    configs are built from the entry the registry holds (:func:`agents_cfg.encoder_tasks.stock_entry`)."""
    experiment: str
    """The stock ``experiment_name``."""
    paper: str | None = None
    """Key into :data:`PAPER` for a paper task; ``None``: the stock sizes and PPO values."""


_CAM_LIFT = "isaaclab_tasks.core.lift.config.franka_soft.agents.rsl_rl_ppo_cfg"
_GEAR = "isaaclab_tasks.contrib.deploy.gear_assembly.config"
_GEAR_UR10 = f"{_GEAR}.ur_10e.agents.rsl_rl_ppo_cfg:UR10GearAssemblyRNNPPORunnerCfg"
_GEAR_RIZON = f"{_GEAR}.rizon_4s.agents.rsl_rl_ppo_cfg:Rizon4sGearAssemblyRNNPPORunnerCfg"
_OPENAI_LSTM = "isaaclab_tasks.contrib.reorient.config.shadow_hand.agents.rsl_rl_ppo_cfg:ShadowHandAsymLSTMPPORunnerCfg"
_KUKA = "isaaclab_tasks.core.lift.config.kuka_allegro.agents.rsl_rl_ppo_cfg"
_UR10_PUSH = "isaaclab_tasks.contrib.ur10_particle_push.agents.rsl_rl_ppo_cfg:UR10ParticlePushPPORunnerCfg"

ENCODERS: tuple[EncoderRow, ...] = (
    # image encoders (CNNModel)
    EncoderRow("cartpole_camera", "Isaac-Cartpole-Camera", "CartpoleCamera",
               f"{_CART}:CartpoleCameraPPORunnerPresetsCfg", "cartpole_camera"),
    EncoderRow("cartpole_camera_direct", "Isaac-Cartpole-Camera-Direct", "CartpoleCameraDirect",
               f"{_CART}:CartpoleCameraDirectPPORunnerCfg", "cartpole_camera_direct"),
    EncoderRow("franka_soft_camera", "Isaac-Lift-Soft-Franka-Camera", "FrankaSoftCamera",
               f"{_CAM_LIFT}:FrankaDeformableCameraPPORunnerCfg", "franka_deformable_camera"),
    EncoderRow("franka_cloth_camera", "Isaac-Lift-Cloth-Franka-Camera", "FrankaClothCamera",
               f"{_CAM_LIFT}:FrankaDeformableCameraPPORunnerCfg", "franka_deformable_camera"),
    EncoderRow("franka_cable_camera", "Isaac-Lift-Cable-Franka-Camera", "FrankaCableCamera",
               f"{_CAM_LIFT}:FrankaCableCameraPPORunnerCfg", "lift_cable_camera"),
    # a task's own model class (spatial-softmax CNN) in a preset of camera rigs (single_camera, duo_camera)
    EncoderRow("kuka_allegro_lift_camera", "Isaac-Lift-KukaAllegro-Camera", "KukaAllegroLiftCamera",
               f"{_KUKA}:KukaAllegroSingleCameraPPORunnerCfg", "lift_kuka_allegro_single_camera"),
    EncoderRow("kuka_allegro_reorient_camera", "Isaac-Reorient-KukaAllegro-Camera", "KukaAllegroReorientCamera",
               f"{_KUKA}:KukaAllegroSingleCameraPPORunnerCfg", "lift_kuka_allegro_single_camera"),
    EncoderRow("ur10_particle_push", "IsaacContrib-UR10-Particle-Push", "UR10ParticlePush", _UR10_PUSH,
               "ur10_particle_push"),
    # memory (RNNModel)
    EncoderRow("shadow_hand_openai_lstm", "IsaacContrib-Reorient-Cube-Shadow-OpenAI-LSTM-Direct",
               "ShadowHandOpenAILSTM", _OPENAI_LSTM, "shadow_hand_openai_lstm", paper="shadow_hand"),
    EncoderRow("gear_rizon4s", "IsaacContrib-Deploy-GearAssembly-Rizon4s-Grav", "GearAssemblyRizon4s", _GEAR_RIZON,
               "gear_assembly_rizon4s"),
    EncoderRow("gear_rizon4s_ros", "IsaacContrib-Deploy-GearAssembly-Rizon4s-Grav-ROS-Inference",
               "GearAssemblyRizon4sROS", _GEAR_RIZON, "gear_assembly_rizon4s"),
    EncoderRow("gear_ur10e_2f140", "IsaacContrib-Deploy-GearAssembly-UR10e-2F140", "GearAssemblyUR10e2F140",
               _GEAR_UR10, "gear_assembly_ur10e"),
    EncoderRow("gear_ur10e_2f140_ros", "IsaacContrib-Deploy-GearAssembly-UR10e-2F140-ROS-Inference",
               "GearAssemblyUR10e2F140ROS", _GEAR_UR10, "gear_assembly_ur10e"),
    EncoderRow("gear_ur10e_2f85", "IsaacContrib-Deploy-GearAssembly-UR10e-2F85", "GearAssemblyUR10e2F85", _GEAR_UR10,
               "gear_assembly_ur10e"),
    EncoderRow("gear_ur10e_2f85_ros", "IsaacContrib-Deploy-GearAssembly-UR10e-2F85-ROS-Inference",
               "GearAssemblyUR10e2F85ROS", _GEAR_UR10, "gear_assembly_ur10e"),
)  # fmt: skip
"""Every stock task id whose rsl_rl agent is a ``CNNModel`` or ``RNNModel`` or a task's own subclass of one
(``tests/isaaclab_ext/test_isaaclab_encoders.py`` checks the installed registry against it)."""
