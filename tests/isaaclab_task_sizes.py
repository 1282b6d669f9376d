"""Observation/action sizes of IsaacLab tasks, read from the installed env configs without a simulator.

* Direct envs: ``observation_space`` / ``action_space`` / ``state_space`` of the env config (exact).
* Manager-based envs: the sum of the observation terms of each group and of the action terms. Term sizes that
  depend on the scene are computed from the config where it says so (ray-caster grid: the pattern function of the
  config itself; wrench bodies: the body names of the term; thrusters: the names in the robot's actuator config).
  Only the robot's joint list is not in any config (it lives in the USD), so :data:`ROBOT_JOINTS` lists it per
  robot USD file; Ant, Humanoid and Cartpole are cross-checked against the offline USDs in the e2e tests.
An unknown term raises ``KeyError``: nothing is guessed silently.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from typing import Any

ROBOT_JOINTS: dict[str, list[str]] = {
    # USD file name → actuated joint names (only the count matters for the ".*" patterns these tasks use)
    "ant_instanceable.usd": [f"ant_joint_{i}" for i in range(8)],  # 4 legs × (hip, ankle)
    "humanoid_instanceable.usd": [f"humanoid_joint_{i}" for i in range(21)],  # MuJoCo humanoid, 21 hinges
    "anymal_d.usd": [f"{leg}_{j}" for leg in ("LF", "LH", "RF", "RH") for j in ("HAA", "HFE", "KFE")],
    "anymal_b.usd": [f"{leg}_{j}" for leg in ("LF", "LH", "RF", "RH") for j in ("HAA", "HFE", "KFE")],
    "anymal_c.usd": [f"{leg}_{j}" for leg in ("LF", "LH", "RF", "RH") for j in ("HAA", "HFE", "KFE")],
    "go2.usd": [f"{leg}_{j}_joint" for leg in ("FL", "FR", "RL", "RR") for j in ("hip", "thigh", "calf")],
    "h1_minimal.usd": [
        f"{s}_{j}"
        for s in ("left", "right")
        for j in (
            "hip_yaw",
            "hip_roll",
            "hip_pitch",
            "knee",
            "ankle",
            "shoulder_pitch",
            "shoulder_roll",
            "shoulder_yaw",
            "elbow",
        )
    ]
    + ["torso"],
    "franka_panda.usda": [f"panda_joint{i}" for i in range(1, 8)] + ["panda_finger_joint1", "panda_finger_joint2"],
    "cartpole.usd": ["slider_to_cart", "cart_to_pole"],
}
"""Joint names per robot USD: the actuator regexes of each robot config match exactly these."""

COMMAND_SIZES: dict[str, int] = {
    "UniformVelocityCommandCfg": 3,  # (v_x, v_y, ω_z)
    "UniformPoseCommandCfg": 7,  # position + quaternion
    "DroneUniformPoseCommandCfg": 7,
}


def task_sizes(task_id: str) -> tuple[dict[str, int], int]:
    """Return ``({obs group: size}, num_actions)`` of a registered task, from its installed env config."""
    from isaaclab_tasks.utils.parse_cfg import load_cfg_from_registry

    cfg = _default(load_cfg_from_registry(task_id, "env_cfg_entry_point"))
    if hasattr(cfg, "observation_space") and not hasattr(cfg, "observations"):
        return _direct_sizes(cfg)
    return _manager_sizes(cfg)


def _default(cfg: Any) -> Any:
    """Unwrap a ``PresetCfg`` to its ``default`` preset."""
    from isaaclab_tasks.utils import PresetCfg

    return cfg.default if isinstance(cfg, PresetCfg) else cfg


def _space_size(space: Any) -> int:
    """Flat size of an int / list / gym space config value."""
    if isinstance(space, int):
        return space
    if isinstance(space, (list, tuple)):
        return math.prod(space)
    import gymnasium as gym

    return gym.spaces.flatdim(space)


def _direct_sizes(cfg: Any) -> tuple[dict[str, int], int]:
    """Sizes of a direct env: the ``critic`` group exists when ``state_space`` > 0."""
    obs = {"policy": _space_size(cfg.observation_space)}
    state = _space_size(getattr(cfg, "state_space", 0) or 0)
    if state:
        obs["critic"] = state
    return obs, _space_size(cfg.action_space)


def _robot_joints(cfg: Any) -> list[str]:
    """Joint names of the scene's robot, looked up by its USD file name."""
    return ROBOT_JOINTS[os.path.basename(cfg.scene.robot.spawn.usd_path)]


def _match(names: list[str], patterns: list[str] | str | None) -> int:
    """Number of ``names`` fully matching any of the regex ``patterns`` (None = all)."""
    if patterns is None:
        return len(names)
    patterns = [patterns] if isinstance(patterns, str) else list(patterns)
    return sum(any(re.fullmatch(p, n) for p in patterns) for n in names)


def _action_size(cfg: Any, term: Any) -> int:
    """Size of one action term."""
    kind = type(term).__name__
    if kind in ("JointPositionActionCfg", "JointEffortActionCfg", "RelativeJointPositionActionCfg"):
        return _match(_robot_joints(cfg), term.joint_names)
    if kind == "BinaryJointPositionActionCfg":
        return 1
    if kind == "ThrustActionCfg":
        return sum(len(a.thruster_names_expr) for a in cfg.scene.robot.actuators.values())
    raise KeyError(f"no size rule for action term {kind}")


def _term_size(cfg: Any, term: Any, num_actions: int) -> int:
    """Size of one observation term."""
    name = getattr(term.func, "__name__", str(term.func))
    params = term.params or {}
    fixed: dict[str, int] = {
        "base_pos_z": 1,
        "base_lin_vel": 3,
        "base_ang_vel": 3,
        "base_yaw_roll": 2,
        "base_angle_to_target": 1,
        "base_up_proj": 1,
        "base_heading_proj": 1,
        "projected_gravity": 3,
        "root_pos_w": 3,
        "root_quat_w": 4,
        "object_position_in_robot_root_frame": 3,
    }
    per_joint = ("joint_pos_limit_normalized", "joint_vel_rel", "joint_pos_rel", "joint_pos", "joint_vel")
    rules: dict[str, Callable[[], int]] = {
        "last_action": lambda: num_actions,
        "generated_commands": lambda: COMMAND_SIZES[type(getattr(cfg.commands, params["command_name"])).__name__],
        "body_incoming_wrench": lambda: 6 * len(params["sensor_cfg"].body_names),
        "height_scan": lambda: _ray_count(getattr(cfg.scene, params["sensor_cfg"].name)),
        "image_rgb": lambda: math.prod(image_shape(cfg, params)),
    }
    if name in fixed:
        size = fixed[name]
    elif name in per_joint:
        size = _match(_robot_joints(cfg), params["asset_cfg"].joint_names if "asset_cfg" in params else None)
    elif name in rules:
        size = rules[name]()
    else:
        raise KeyError(f"no size rule for observation term {name}")
    return size * max(1, term.history_length or 1)


def _ray_count(sensor_cfg: Any) -> int:
    """Number of rays of a ray caster, from the pattern function of its own config."""
    starts, _ = sensor_cfg.pattern_cfg.func(sensor_cfg.pattern_cfg, "cpu")
    return int(starts.shape[0])


def _manager_sizes(cfg: Any) -> tuple[dict[str, int], int]:
    """Sizes of a manager-based env: sum of the action terms and of each observation group's terms."""
    actions = [t for t in vars(cfg.actions).values() if t is not None and hasattr(t, "asset_name")]
    num_actions = sum(_action_size(cfg, t) for t in actions)
    obs: dict[str, int] = {}
    for group_name, group in vars(cfg.observations).items():
        if group is None or not hasattr(group, "concatenate_terms"):
            continue
        terms = [t for t in vars(group).values() if hasattr(t, "func") and t.func is not None]
        history = group.history_length or 1
        obs[group_name] = sum(_term_size(cfg, t, num_actions) for t in terms) * history
    return obs, num_actions


CHANNELS = {"rgb": 3, "depth": 1, "distance_to_image_plane": 1}
"""Channels of a camera data type."""


def image_shape(cfg: Any, params: dict[str, Any]) -> tuple[int, ...]:
    """Shape of an ``image_rgb`` term: its camera's ``(C·frame_stack, H, W)`` (``channel_first``) or ``(H, W, C·k)``."""
    camera = _default(getattr(cfg.scene, params["sensor_cfg"].name))
    channels = CHANNELS[params.get("data_type", "rgb")] * max(1, params.get("frame_stack", 1))
    if params.get("channel_first", False):
        return channels, camera.height, camera.width
    return camera.height, camera.width, channels


def task_shapes(task_id: str) -> tuple[dict[str, tuple[int, ...]], int]:
    """Return ``({obs group: shape}, num_actions)``: an image group's ``(C, H, W)`` (a direct env's
    ``observation_space`` with its ``frame_stack``; a manager group whose one term is ``image_rgb``), else ``(size,)``.
    """
    from isaaclab_tasks.utils.parse_cfg import load_cfg_from_registry

    cfg = _default(load_cfg_from_registry(task_id, "env_cfg_entry_point"))
    sizes, num_actions = task_sizes(task_id)
    shapes = {group: (size,) for group, size in sizes.items()}
    if hasattr(cfg, "observation_space") and not hasattr(cfg, "observations"):
        space = cfg.observation_space
        if isinstance(space, (list, tuple)) and len(space) == 3:  # the camera env stacks frame_stack frames on C
            shapes["policy"] = (space[0] * max(1, getattr(cfg, "frame_stack", 1)), *space[1:])
        return shapes, num_actions
    for group_name, group in vars(cfg.observations).items():
        terms = [t for t in vars(group).values() if hasattr(t, "func") and t.func is not None] if group else []
        if len(terms) == 1 and getattr(terms[0].func, "__name__", "") == "image_rgb":
            shapes[group_name] = image_shape(cfg, terms[0].params)
    return shapes, num_actions
