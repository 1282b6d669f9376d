"""Hydra overrides through IsaacLab's ``resolve_task_config`` reach the GenPO, FPO++ and stock PPO configs.

No simulator: the runner is built against ``FakeVecEnv`` (``isaaclab_configs_common.py``) with each task's real
observation/action sizes, read from the installed env configs (see ``isaaclab_task_sizes.py`` for how). The GenPO
agents are registered once per module (``registered`` in ``conftest.py``).
"""

from __future__ import annotations

import pytest

pytest.importorskip("isaaclab")
pytestmark = [pytest.mark.isaaclab, pytest.mark.usefixtures("registered")]

import torch  # noqa: E402
from isaaclab_configs_common import FakeVecEnv  # noqa: E402
from isaaclab_task_sizes import task_sizes  # noqa: E402
from rsl_rl.runners import OnPolicyRunner  # noqa: E402

from agents_cfg import TASKS  # noqa: E402


def test_fpo_paper_agent_has_fpo_plus_plus_published_settings(monkeypatch, tmp_path) -> None:
    """``--agent fpo_paper``: the task's fpo config with FPO++'s locomotion settings (H1/G1's for humanoids)."""
    from isaaclab_tasks.utils import resolve_task_config
    from isaaclab_tasks.utils.parse_cfg import load_cfg_from_registry

    from agents_cfg import to_runner_dict
    from agents_cfg.fpo_paper_tasks import FPO_PAPER_ALGORITHM, FPO_PAPER_HUMANOID
    from genpo_rsl import FPO
    from isaaclab_tasks_ext import preflight
    from isaaclab_tasks_ext.compare.cli import parse_args, train_command

    for row in TASKS:
        paper, fpo = load_cfg_from_registry(row.task_id, "fpo_paper"), load_cfg_from_registry(row.task_id, "fpo")
        expected = {**FPO_PAPER_ALGORITHM, **(FPO_PAPER_HUMANOID if row.paper in ("h1", "humanoid") else {})}
        assert {key: getattr(paper.algorithm, key) for key in expected} == expected
        assert (paper.algorithm.gamma, paper.algorithm.lam) == (fpo.algorithm.gamma, fpo.algorithm.lam)
        assert paper.actor.to_dict() == fpo.actor.to_dict() and paper.critic.to_dict() == fpo.critic.to_dict()
        assert paper.num_steps_per_env == fpo.num_steps_per_env and paper.experiment_name.endswith("_fpo_paper")
    h1, ant = (
        load_cfg_from_registry("Isaac-Velocity-Flat-H1", "fpo_paper"),
        load_cfg_from_registry("Isaac-Ant-Direct", "fpo_paper"),
    )
    assert (h1.algorithm.num_learning_epochs, h1.algorithm.num_mc_samples) == (32, 32)
    assert (ant.algorithm.num_learning_epochs, ant.algorithm.num_mc_samples, ant.algorithm.ema_decay) == (16, 16, 0.95)
    monkeypatch.chdir(tmp_path)
    overrides = ["agent.algorithm.ema_warmup_updates=25", "agent.device=cpu"]
    _, agent = resolve_task_config("Isaac-Ant-Direct", "fpo_paper", overrides=overrides)
    assert agent.algorithm.ema_warmup_updates == 25
    runner = OnPolicyRunner(
        FakeVecEnv(*task_sizes("Isaac-Ant-Direct")), to_runner_dict(agent), log_dir=None, device="cpu"
    )
    alg = runner.alg
    assert isinstance(alg, FPO) and alg.ema.warmup_updates == 25 and alg.ema.decay == 0.95
    assert isinstance(alg.optimizer, torch.optim.AdamW) and alg.optimizer.param_groups[0]["weight_decay"] == 1e-4
    runner.learn(num_learning_iterations=1)
    assert alg.ema.updates == 1 and alg.learning_rate == 1e-4
    preflight.check_task_and_agent("Isaac-Ant-Direct", "fpo_paper")
    base = ["--task", "Isaac-Ant-Direct", "--num_envs", "4", "--max_iterations", "1", "--out", str(tmp_path)]
    args = parse_args([*base, "--algorithms", "fpo", "fpo_paper", "--fpo_paper_override", overrides[0]])
    command = train_command(args, "fpo_paper", 0)
    assert command[command.index("--agent") + 1] == "fpo_paper" and command[-1] == overrides[0]
    assert overrides[0] not in train_command(args, "fpo", 0)


def test_ppo_matched_override_sets_the_gaussian_init_std(tmp_path, monkeypatch) -> None:
    """ppo_matched's override reaches the stock actor through IsaacLab's Hydra path; rsl_rl starts at std 1/sqrt(2)."""
    from isaaclab_tasks.utils import resolve_task_config

    from agents_cfg import to_runner_dict
    from isaaclab_tasks_ext.agents import PPO_MATCHED

    monkeypatch.chdir(tmp_path)
    assert PPO_MATCHED.overrides == ("agent.actor.distribution_cfg.init_std=0.7071067811865475",)
    overrides = [*PPO_MATCHED.overrides, "agent.device=cpu"]
    _, agent = resolve_task_config("Isaac-Cartpole-Direct", PPO_MATCHED.agent_key, overrides=overrides)
    assert type(agent).__name__ == "CartpoleDirectPPORunnerCfg"
    assert agent.actor.distribution_cfg.init_std == pytest.approx(0.5**0.5, abs=1e-15)
    runner = OnPolicyRunner(FakeVecEnv({"policy": 4}, 1), to_runner_dict(agent), log_dir=None, device="cpu")
    assert torch.allclose(runner.alg.actor.distribution.std_param, torch.full((1,), 0.5**0.5))


def test_hydra_overrides_reach_genpo_fields(tmp_path, monkeypatch) -> None:
    """``agent.algorithm.learning_rate=...`` and ``agent.actor.mix_p=...`` work through IsaacLab's Hydra path."""
    from isaaclab_tasks.utils import resolve_task_config

    monkeypatch.chdir(tmp_path)
    overrides = [
        "agent.algorithm.learning_rate=0.0003",
        "agent.actor.mix_p=0.8",
        "agent.device=cpu",
        "agent.algorithm.compression_fraction=0.5",
        "agent.actor.hidden_dims=[64,64]",
        "agent.algorithm.compression_form=norm",
        "agent.actor.time_embedding=released",
        "agent.actor.learn_base_scale=true",
    ]
    _, agent = resolve_task_config("Isaac-Ant-Direct", "genpo", overrides=overrides)
    assert type(agent).__name__ == "AntDirectGenPORunnerCfg"
    assert (agent.algorithm.learning_rate, agent.actor.mix_p, agent.device) == (3e-4, 0.8, "cpu")
    assert (agent.algorithm.compression_fraction, agent.actor.hidden_dims) == (0.5, [64, 64])
    assert (agent.algorithm.compression_form, agent.actor.time_embedding) == ("norm", "released")
    assert agent.actor.learn_base_scale is True
    overrides = [
        "agent.actor.base_scale=state",
        "agent.actor.base_scale_init=0.5",
        "agent.actor.base_scale_range=[0.05,1.5]",
        "agent.algorithm.entropy_form=exact",
    ]
    _, agent = resolve_task_config("Isaac-Ant-Direct", "genpo", overrides=overrides)
    assert (agent.actor.base_scale, agent.actor.base_scale_init) == ("state", 0.5)
    assert (list(agent.actor.base_scale_range), agent.algorithm.entropy_form) == ([0.05, 1.5], "exact")
