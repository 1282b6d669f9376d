"""Test-only helpers for :class:`genpo_rsl.toy_env.PointReachEnv` runs (moved out of the package).

This folder is on ``sys.path`` (``pythonpath`` in ``pyproject.toml``), so the tests in every subfolder import it by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from rsl_rl.algorithms import PPO
    from rsl_rl.env import VecEnv
    from tensordict import TensorDict


def collect_rollout(alg: PPO, env: VecEnv, num_steps: int) -> TensorDict:
    """Fill ``alg``'s rollout storage as ``OnPolicyRunner.learn`` does; return the last observations."""
    obs = env.get_observations()
    with torch.inference_mode():
        for _ in range(num_steps):
            obs, rewards, dones, extras = env.step(alg.act(obs))
            alg.process_env_step(obs, rewards, dones, extras)
        alg.compute_returns(obs)
    return obs
