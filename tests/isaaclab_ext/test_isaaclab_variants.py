"""The variant agents ``genpo_with_symmetry`` and ``genpo_recurrent`` next to IsaacLab's stock variants.

Each registration resolves through IsaacLab's own loader and builds in the stock ``OnPolicyRunner`` against a
stand-in env with the task's real observation/action sizes (as ``test_isaaclab_runner_build.py`` for ``genpo``).
"""

from __future__ import annotations

import pytest

pytest.importorskip("isaaclab")
pytestmark = [pytest.mark.isaaclab, pytest.mark.usefixtures("registered")]

import gymnasium as gym  # noqa: E402
import torch  # noqa: E402
from isaaclab_configs_common import FakeVecEnv, load_agent_cfg  # noqa: E402
from isaaclab_task_sizes import task_sizes  # noqa: E402
from rsl_rl.runners import OnPolicyRunner  # noqa: E402

from agents_cfg import TASKS  # noqa: E402
from agents_cfg.table import VARIANTS, VariantRow  # noqa: E402
from genpo_rsl import GenPO, GenPOActor, GenPORNNActor  # noqa: E402
from isaaclab_tasks_ext.agents import AGENTS  # noqa: E402

STOCK_KEY = {"genpo_with_symmetry": "rsl_rl_with_symmetry_cfg_entry_point",
             "genpo_recurrent": "rsl_rl_recurrent_cfg_entry_point"}  # fmt: skip


def test_every_stock_variant_of_a_table_task_has_its_genpo_variant() -> None:
    table_ids = {row.task_id for row in TASKS}
    for agent, stock_key in STOCK_KEY.items():
        stock = {tid: spec.kwargs[stock_key] for tid, spec in gym.registry.items() if stock_key in spec.kwargs}
        ours = {v.task_id: v.stock for v in VARIANTS if v.agent == agent and v.stock}
        assert {tid: ep for tid, ep in stock.items() if tid in table_ids} == ours, agent
        assert set(stock) <= table_ids, set(stock) - table_ids  # a new stock variant id needs a row


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: f"{v.agent}-{v.base}")
def test_variant_resolves_and_builds_on_the_tasks_sizes(variant: VariantRow) -> None:
    from agents_cfg import to_runner_dict

    agent = AGENTS[variant.agent]
    assert gym.spec(variant.task_id).kwargs[agent.agent_key] == agent.entry_point(variant)
    cfg = load_agent_cfg(variant.task_id, agent.agent_key)
    assert cfg.experiment_name == f"{variant.experiment}_{agent.name}"
    stock = load_agent_cfg(variant.task_id, STOCK_KEY[variant.agent]) if variant.stock else None
    data = to_runner_dict(cfg)
    assert data["algorithm"]["class_name"] == "genpo_rsl:GenPO" and data["actor"]["distribution_cfg"] is None
    obs_sizes, num_actions = task_sizes(variant.task_id)
    env = FakeVecEnv(obs_sizes, num_actions)
    runner = OnPolicyRunner(env, data, log_dir=None, device="cpu")
    assert isinstance(runner.alg, GenPO)
    if variant.agent == "genpo_with_symmetry":
        assert isinstance(runner.alg.actor, GenPOActor) and runner.alg.symmetry is not None
        expected = stock.algorithm.symmetry_cfg.data_augmentation_func
        assert runner.alg.symmetry.data_augmentation_func is expected  # the stock mirror function, unchanged
        if variant.base.startswith("anymal"):
            return  # ANYmal's mirror function reads the robot's joint names from the simulator
    else:
        actor, critic = runner.alg.actor, runner.alg.critic
        memory = stock.actor if stock else variant.rnn
        get = (lambda key: getattr(memory, key)) if stock else memory.get
        assert isinstance(actor, GenPORNNActor) and critic.is_recurrent
        assert actor.rnn.rnn.hidden_size == get("rnn_hidden_dim") and actor.flow.cond_dim == get("rnn_hidden_dim")
    runner.learn(num_learning_iterations=1)
    policy = runner.get_inference_policy()
    with torch.inference_mode():  # as play runs it (a recurrent policy's memory holds rollout tensors)
        assert policy(env.get_observations()).shape == (env.num_envs, num_actions)
