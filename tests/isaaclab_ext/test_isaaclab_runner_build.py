"""IsaacLab loader → ``to_dict`` → the stock ``OnPolicyRunner`` builds GenPO for each task's real sizes.

No simulator: the runner is built against ``FakeVecEnv`` (``isaaclab_configs_common.py``) with each task's real
observation/action sizes, read from the installed env configs (see ``isaaclab_task_sizes.py`` for how). The GenPO
agents are registered once per module (``registered`` in ``conftest.py``).
"""

from __future__ import annotations

import warnings

import pytest

pytest.importorskip("isaaclab")
pytestmark = [pytest.mark.isaaclab, pytest.mark.usefixtures("registered")]

import gymnasium as gym  # noqa: E402
from isaaclab_configs_common import NO_SIZE_RULE, PAPER_SIZES, FakeVecEnv, load_agent_cfg  # noqa: E402
from isaaclab_task_sizes import task_sizes  # noqa: E402
from rsl_rl.runners import OnPolicyRunner  # noqa: E402

from agents_cfg import TASKS, task_row  # noqa: E402
from genpo_rsl import GenPO, GenPOActor  # noqa: E402

# -- IsaacLab loader → to_dict → stock OnPolicyRunner builds GenPO ------------------------------------------------


def _runner_rows() -> list[str]:
    """Table keys whose observation/action sizes can be read without the simulator."""
    return [row.key for row in TASKS if row.task_id not in NO_SIZE_RULE]


@pytest.mark.parametrize("key", _runner_rows())
def test_isaaclab_loader_to_stock_runner_builds_genpo(key: str) -> None:
    """load_cfg_from_registry(task, "genpo") → to_dict → OnPolicyRunner builds GenPO for the task's real sizes."""
    from agents_cfg import to_runner_dict

    row = task_row(key)
    cfg = load_agent_cfg(row.task_id, "genpo")
    assert type(cfg).__name__ == row.class_name
    assert cfg.to_dict()["algorithm"]["class_name"] == "genpo_rsl:GenPO"
    cfg.device = "cpu"
    obs_sizes, num_actions = task_sizes(row.task_id)
    if row.paper_env:
        assert (obs_sizes["policy"], num_actions) == PAPER_SIZES[row.paper]
    env = FakeVecEnv(obs_sizes, num_actions)
    runner = OnPolicyRunner(env, to_runner_dict(cfg), log_dir=None, device="cpu")
    alg = runner.alg
    assert isinstance(alg, GenPO) and isinstance(alg.actor, GenPOActor)
    actor_obs = sum(obs_sizes[g] for g in cfg.obs_groups["actor"])
    assert (alg.actor.flow.cond_dim, alg.actor.flow.action_dim) == (actor_obs, num_actions)
    assert alg.storage.actions.shape[-1] == 2 * num_actions
    assert (alg.learning_rate, alg.gamma, alg.compression_coef) == (
        cfg.algorithm.learning_rate,
        cfg.algorithm.gamma,
        0.01,
    )
    runner.learn(num_learning_iterations=1)
    policy = runner.get_inference_policy()
    assert policy(env.get_observations()).shape == (env.num_envs, num_actions)


def test_quadcopter_task_differs_from_the_papers_env() -> None:
    """3.0.0 has no Isaac-Quadcopter-Direct: the ARL drone task is 17×4, the paper's quadcopter 12×4."""
    assert "Isaac-Quadcopter-Direct" not in gym.registry
    assert task_sizes("IsaacContrib-TrackPositionNoObstacles-ARL-Robot-1") == ({"policy": 17}, 4)


@pytest.mark.parametrize("task_id", sorted(NO_SIZE_RULE))
def test_resolve_only_variants(task_id: str) -> None:
    """Sibling variants whose sizes need the simulator: the entry point resolves and converts."""
    from agents_cfg import to_runner_dict

    cfg = load_agent_cfg(task_id, "genpo")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = to_runner_dict(cfg)
    assert data["algorithm"]["class_name"] == "genpo_rsl:GenPO" and "stochastic" not in data["actor"]
