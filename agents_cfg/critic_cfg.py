"""IsaacLab config of the GenPO critic: rsl_rl's ``MLPModel`` with the paper's Mish activation."""

from __future__ import annotations

from isaaclab.utils import configclass
from isaaclab_rl.rsl_rl import RslRlMLPModelCfg


@configclass
class GenPOCriticCfg(RslRlMLPModelCfg):
    """Value MLP of a GenPO runner: a plain rsl_rl ``MLPModel`` (per-task sizes are the actor's hidden dims)."""

    hidden_dims: list[int] = [256, 256, 256]
    """Hidden sizes of the value MLP."""

    activation: str = "mish"
    """Activation of the value MLP (paper: Mish)."""
