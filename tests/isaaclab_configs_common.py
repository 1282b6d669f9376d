"""Shared by the IsaacLab config tests (``test_isaaclab_configs.py`` and its siblings): paper sizes, loaders and a
fake ``VecEnv``. Import only after ``pytest.importorskip("isaaclab")``."""

from __future__ import annotations

import dataclasses

import torch
from rsl_rl.env import VecEnv
from tensordict import TensorDict

from agents_cfg import TASKS

PAPER_SIZES: dict[str, tuple[int, int]] = {  # GenPO paper, settings table: "obs×act"
    "ant": (60, 8),
    "humanoid": (87, 21),
    "franka_lift": (36, 8),
    "quadcopter": (12, 4),
    "anymal_d": (48, 12),
    "go2": (235, 12),
    "h1": (256, 19),
    "shadow_hand": (157, 20),
}
NO_SIZE_RULE = {"Isaac-Lift-Franka", "Isaac-Reorient-Cube-Shadow"}  # point-cloud / tendon terms: resolve only
ROW_IDS = [row.key for row in TASKS]


def load_agent_cfg(task_id: str, key: str):
    """IsaacLab's own loader; unwrap a stock ``PresetCfg`` to its default."""
    from isaaclab_tasks.utils import PresetCfg
    from isaaclab_tasks.utils.parse_cfg import load_cfg_from_registry

    cfg = load_cfg_from_registry(task_id, key)
    return cfg.default if isinstance(cfg, PresetCfg) else cfg


def is_missing(value) -> bool:
    """True for a dataclasses.MISSING sentinel (configclass copies it per instance)."""
    return isinstance(value, type(dataclasses.MISSING))


class FakeVecEnv(VecEnv):
    """Smallest rsl_rl VecEnv with given observation group sizes (an int, or a shape such as an image's ``(C, H, W)``)
    and action size (random dynamics)."""

    def __init__(self, obs_sizes: dict[str, int | tuple[int, ...]], num_actions: int, num_envs: int = 4) -> None:
        """Zero episode lengths; episodes end every 7th step."""
        self.num_envs, self.num_actions, self.device = num_envs, num_actions, "cpu"
        self.obs_sizes, self.max_episode_length, self.cfg = obs_sizes, 20, {}
        self.episode_length_buf = torch.zeros(num_envs, dtype=torch.long)
        self.steps = 0

    def get_observations(self) -> TensorDict:
        """Random observations of the task's sizes."""
        shapes = {group: size if isinstance(size, tuple) else (size,) for group, size in self.obs_sizes.items()}
        obs = {group: torch.randn(self.num_envs, *shape) for group, shape in shapes.items()}
        return TensorDict(obs, batch_size=[self.num_envs])

    def step(self, actions: torch.Tensor):
        """Check the action shape, return random obs and rewards; every 7th step ends all episodes."""
        assert actions.shape == (self.num_envs, self.num_actions)
        self.steps += 1
        dones = torch.full((self.num_envs,), float(self.steps % 7 == 0))
        return self.get_observations(), torch.randn(self.num_envs), dones, {"time_outs": torch.zeros(self.num_envs)}
