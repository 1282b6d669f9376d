"""The GenPO paper's §3 table (GenPO column), one keyword row per paper task: plain data, no IsaacLab import.

The flow settings common to all tasks (N = 5, p = 0.9, ν = 0.01, Mish) are the defaults of
:class:`agents_cfg.actor_cfg.GenPOActorCfg` and :class:`agents_cfg.algorithm_cfg.GenPOAlgorithmCfg`; a row only
names what the paper sets per task.
"""

from __future__ import annotations

from dataclasses import dataclass


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


PAPER: dict[str, PaperRow] = {
    "ant": PaperRow(hidden_dims=(400, 200, 100), learning_rate=1e-3, gamma=0.99, entropy_coef=0.01),
    "humanoid": PaperRow(hidden_dims=(400, 200, 100), learning_rate=5e-4, gamma=0.99, entropy_coef=0.01),
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
    "h1": PaperRow(hidden_dims=(512, 256, 128), learning_rate=1e-3, gamma=0.99, entropy_coef=0.01),
    "shadow_hand": PaperRow(hidden_dims=(512, 512, 256, 128), learning_rate=5e-4, gamma=0.99, entropy_coef=0.005),
    # not in the paper: CPU smoke task (stock Cartpole lr/γ/entropy, small flow, learns in minutes on 2 cores)
    "cartpole": PaperRow(
        hidden_dims=(32, 32),
        learning_rate=1e-3,
        gamma=0.99,
        entropy_coef=0.005,
        time_embed_dim=16,
        time_hidden_dims=(32, 32),
    ),
}
"""Paper task → its row. Sibling task ids of a paper task (manager/direct, flat/rough) share the row."""

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
