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


def assert_mirrored_point_reach_batch(alg: PPO) -> None:
    """Check the first minibatch of a filled GenPO storage on ``PointReachEnv`` (2-D action) with symmetry
    augmentation: ``mirror_point_reach`` (negate the first axis) is applied to both halves of the doubled action
    alike, the old log-probs of the mirrored rows are the original ones (as PPO reuses them), and the update keeps the
    round trip and logs the mirror loss."""
    batch = next(iter(alg.minibatches()))
    n = batch.old_latent.shape[0]
    assert batch.copies == 2 and batch.dummy_actions.shape == (2 * n, 4)
    x, y = batch.dummy_actions[:n, :2], batch.dummy_actions[:n, 2:]
    torch.testing.assert_close(batch.dummy_actions[n:, [0, 2]], -torch.cat([x[:, :1], y[:, :1]], dim=-1))
    torch.testing.assert_close(batch.dummy_actions[n:, [1, 3]], torch.cat([x[:, 1:], y[:, 1:]], dim=-1))
    torch.testing.assert_close(batch.old_log_prob[n:], batch.old_log_prob[:n])  # reused, as PPO does
    losses = alg.update()
    assert losses["roundtrip_error"] < 1e-4 and losses["symmetry"] > 0.0


def assert_dones_reset_only_their_memory(
    alg: PPO, env: VecEnv, actor_hidden: Callable[[], torch.Tensor], hidden_dim: int
) -> None:
    """Take one rollout step with the first 5 envs done: their actor memory is zero, every other env's is not.

    Args:
        alg: A recurrent GenPO algorithm (either rsl-rl-lib major).
        env: Its environment.
        actor_hidden: Returns the actor's hidden state ``[layers, envs, h]`` after the step.
        hidden_dim: The memory size ``h``.
    """
    obs = env.get_observations()
    with torch.inference_mode():
        obs, rewards, _, extras = env.step(alg.act(obs))
        done = torch.zeros(env.num_envs, dtype=torch.long)
        done[:5] = 1
        alg.process_env_step(obs, rewards, done, extras)
    hidden = actor_hidden()
    assert hidden.shape == (1, env.num_envs, hidden_dim)
    assert (hidden[:, :5] == 0).all() and (hidden[:, 5:].abs().sum(-1) > 0).all()
