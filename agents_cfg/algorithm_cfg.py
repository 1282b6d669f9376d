"""IsaacLab config of the GenPO algorithm (``genpo_rsl:GenPO``)."""

from __future__ import annotations

from typing import Literal

from isaaclab.utils import configclass
from isaaclab_rl.rsl_rl import RslRlPpoAlgorithmCfg


@configclass
class GenPOAlgorithmCfg(RslRlPpoAlgorithmCfg):
    """PPO settings plus the GenPO compression loss; the only place the PPO defaults are declared.

    The PPO defaults are the values the stock IsaacLab rsl_rl PPO configs share; a task class sets what differs.
    """

    class_name: str = "genpo_rsl:GenPO"
    """The algorithm class, resolved by rsl_rl's ``OnPolicyRunner``."""

    num_learning_epochs: int = 5
    num_mini_batches: int = 4
    learning_rate: float = 1.0e-3
    schedule: str = "adaptive"
    gamma: float = 0.99
    lam: float = 0.95
    entropy_coef: float = 0.01
    desired_kl: float = 0.01
    max_grad_norm: float = 1.0
    value_loss_coef: float = 1.0
    use_clipped_value_loss: bool = True
    clip_param: float = 0.2

    compression_coef: float = 0.01
    """Weight ν of the compression loss C of the halves' gap x_N - y_N (paper: 0.01)."""

    compression_form: Literal["squared_norm", "norm", "mean_square"] = "squared_norm"
    """C = E‖x−y‖² (paper), E‖x−y‖₂ (released code) or E‖x−y‖²/d (genpo_rsl 0.1); see docs/algorithm.md."""

    entropy_form: Literal["estimate", "exact"] = "estimate"
    """Entropy term H: the paper's estimate −mean log π(ã_old|s) or the exact entropy of the doubled action (moves
    only through a trained base-noise scale σ, as PPO's entropy moves through its std); see docs/algorithm.md §5."""

    compression_fraction: float = 1.0
    """Share of each minibatch the compression loss is evaluated on, in (0, 1] (paper: 1.0)."""

    cuda_graphs: bool = False
    """Replay the flow's rollout and minibatch passes as CUDA graphs (GPU only; same numbers, fewer kernel launches)."""

    allow_tf32: bool = False
    """Let GenPO's sampling and update use TF32 matmuls (``isaaclab train`` enables TF32; GenPO turns it off for itself)."""
