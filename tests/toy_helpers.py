"""Test-only helpers for :class:`genpo_rsl.toy_env.PointReachEnv` runs (moved out of the package).

This folder is on ``sys.path`` (``pythonpath`` in ``pyproject.toml``), so the tests in every subfolder import it by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from rsl_rl.algorithms import PPO
    from rsl_rl.env import VecEnv
    from rsl_rl.runners import OnPolicyRunner
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


def assert_resume_equals_uninterrupted(
    make_runner: Callable[..., OnPolicyRunner],
    tmp_path: str,
    iterations: int,
    between: Callable[[OnPolicyRunner], None] = lambda runner: None,
) -> None:
    """Train, save, train on; a fresh runner (other seed) loaded from the save and trained on must end equal.

    Args:
        make_runner: ``make_runner(seed=...)`` builds a runner whose env has ``state_dict``/``load_state_dict``.
        tmp_path: Folder of the checkpoint.
        iterations: Iterations before and after the save.
        between: Applied to the uninterrupted runner after the save (e.g. zero a recurrent memory).
    """
    import os

    runner = make_runner()
    runner.learn(iterations)
    path = os.path.join(tmp_path, "model.pt")
    runner.save(path)
    env_state, rng = runner.env.state_dict(), torch.get_rng_state()
    between(runner)
    runner.learn(iterations)
    straight = {k: v.clone() for k, v in runner.alg.actor.state_dict().items()}

    resumed = make_runner(seed=123)  # different initial weights: everything must come from the checkpoint
    resumed.load(path)
    resumed.env.load_state_dict(env_state)
    torch.set_rng_state(rng)
    resumed.learn(iterations)
    assert resumed.alg.learning_rate == runner.alg.learning_rate
    for key, value in resumed.alg.actor.state_dict().items():
        assert torch.equal(value, straight[key]), key
    assert resumed.current_learning_iteration == runner.current_learning_iteration
