"""The GenPO mjlab tasks: registered next to every stock task, configs = stock values + the paper row, and built on
each task's real observation/action sizes (mjlab 1.6.0, rsl-rl-lib 5.4.2)."""

from __future__ import annotations

import inspect
from dataclasses import asdict, fields

import pytest

pytest.importorskip("mjlab", reason="mjlab tests; run them with .venv-mjlab (bash scripts/setup.sh --mjlab)")

from mjlab.rl import RslRlOnPolicyRunnerCfg, RslRlPpoAlgorithmCfg
from mjlab.tasks.registry import list_tasks, load_rl_cfg

import mjlab_tasks_ext
from agents_cfg.table import PAPER
from genpo_rsl.algorithms import FPO, GenPO
from genpo_rsl.algorithms.genpo import GenPOCore
from genpo_rsl.models import FPOActor, GenPOActor
from mjlab_tasks_ext.config import FPOAlgorithmCfg, FPOModelCfg, GenPOAlgorithmCfg, GenPOModelCfg
from mjlab_tasks_ext.table import MJLAB_TASKS, fpo_task_id, genpo_task_id

G1_JOINTS = 29
"""Joints of mjlab's Unitree G1 (the tracking tasks' robot)."""


def standing_motion(path) -> str:
    """Write a 50-frame motion file of the G1 standing still (the tracking tasks read one from wandb or a file)."""
    import numpy as np

    frames, bodies = 50, 40  # more bodies than the G1 has: the command indexes the ones it tracks
    quat = np.zeros((frames, bodies, 4), np.float32)
    quat[..., 0] = 1.0
    pos = np.zeros((frames, bodies, 3), np.float32)
    pos[..., 2] = 0.8
    zeros = np.zeros((frames, bodies, 3), np.float32)
    joints = np.zeros((frames, G1_JOINTS), np.float32)
    np.savez(path, fps=np.array([50]), joint_pos=joints, joint_vel=joints, body_pos_w=pos, body_quat_w=quat,
             body_lin_vel_w=zeros, body_ang_vel_w=zeros)  # fmt: skip
    return str(path)


def test_every_stock_task_has_a_genpo_task_and_registering_twice_adds_nothing() -> None:
    mjlab_tasks_ext.register()
    tasks = set(list_tasks())
    assert {genpo_task_id(t) for t in MJLAB_TASKS} | {fpo_task_id(t) for t in MJLAB_TASKS} <= tasks
    assert mjlab_tasks_ext.register() == []


@pytest.mark.parametrize("stock_id", sorted(MJLAB_TASKS))
def test_config_is_the_stock_config_with_the_paper_row(stock_id: str) -> None:
    mjlab_tasks_ext.register()
    stock, genpo, row = load_rl_cfg(stock_id), load_rl_cfg(genpo_task_id(stock_id)), PAPER[MJLAB_TASKS[stock_id]]
    for f in fields(RslRlOnPolicyRunnerCfg):
        if f.name not in ("actor", "critic", "algorithm", "experiment_name"):
            assert getattr(genpo, f.name) == getattr(stock, f.name), f.name
    assert genpo.experiment_name == stock.experiment_name + "_genpo"
    paper = {"learning_rate": row.learning_rate, "gamma": row.gamma, "entropy_coef": row.entropy_coef}
    for f in fields(RslRlPpoAlgorithmCfg):
        want = paper.get(f.name, "genpo_rsl:GenPO" if f.name == "class_name" else getattr(stock.algorithm, f.name))
        assert getattr(genpo.algorithm, f.name) == want, f.name
    assert genpo.actor.class_name == "genpo_rsl:GenPOActor" and genpo.actor.distribution_cfg is None
    assert list(genpo.actor.hidden_dims) == list(genpo.critic.hidden_dims) == list(row.hidden_dims)
    assert genpo.actor.obs_normalization == stock.actor.obs_normalization
    assert genpo.critic.obs_normalization == stock.critic.obs_normalization
    assert genpo.actor.activation == genpo.critic.activation == "mish"


@pytest.mark.parametrize("stock_id", sorted(MJLAB_TASKS))
def test_fpo_config_is_the_genpo_config_with_fpos_actor_and_update(stock_id: str) -> None:
    """As IsaacLab's ``--agent fpo``: same runner, critic and PPO settings; the GenPO actor's sizes; no entropy."""
    mjlab_tasks_ext.register()
    genpo, fpo = load_rl_cfg(genpo_task_id(stock_id)), load_rl_cfg(fpo_task_id(stock_id))
    for f in fields(RslRlOnPolicyRunnerCfg):
        if f.name not in ("actor", "algorithm", "experiment_name"):
            assert getattr(fpo, f.name) == getattr(genpo, f.name), f.name
    assert fpo.experiment_name == load_rl_cfg(stock_id).experiment_name + "_fpo"
    for f in fields(RslRlPpoAlgorithmCfg):
        want = {"class_name": "genpo_rsl:FPO", "entropy_coef": 0.0}.get(f.name, getattr(genpo.algorithm, f.name))
        assert getattr(fpo.algorithm, f.name) == want, f.name
    assert fpo.actor.class_name == "genpo_rsl:FPOActor"
    for name in ("hidden_dims", "activation", "obs_normalization", "time_embed_dim", "time_hidden_dims"):
        assert getattr(fpo.actor, name) == getattr(genpo.actor, name), name


def _defaults(fn) -> dict:
    return {
        k: p.default for k, p in inspect.signature(fn).parameters.items() if p.default is not inspect.Parameter.empty
    }


FLOW_AGENTS = {
    "genpo": (GenPOModelCfg, GenPOActor.__init__, GenPOAlgorithmCfg, (GenPOCore.init_genpo, GenPO.__init__)),
    "fpo": (FPOModelCfg, FPOActor.__init__, FPOAlgorithmCfg, (FPO.__init__,)),
}
"""Each flow agent: its mjlab actor and algorithm configs, and the genpo_rsl callables whose defaults they repeat."""


@pytest.mark.parametrize("agent", sorted(FLOW_AGENTS))
def test_flow_fields_default_to_genpo_rsls_own_defaults(agent: str) -> None:
    """Each GenPO / FPO++ key of the mjlab dataclasses has the default the class itself has (so a key left out of
    the YAML and a key written with its default mean the same)."""
    model_cfg, actor_init, algorithm_cfg, algorithm_inits = FLOW_AGENTS[agent]
    actor = _defaults(actor_init)
    for f in fields(model_cfg):
        if f.name in actor and f.name not in ("hidden_dims", "activation", "obs_normalization"):
            value = getattr(model_cfg(), f.name)
            assert (list(value) if isinstance(value, tuple) else value) == actor[f.name], f.name
    algorithm = {k: v for init in algorithm_inits for k, v in _defaults(init).items()}
    extra = [f.name for f in fields(algorithm_cfg) if f.name not in {g.name for g in fields(RslRlPpoAlgorithmCfg)}]
    assert extra, f"{algorithm_cfg.__name__} adds no field"
    for name in extra:
        assert getattr(algorithm_cfg(), name) == algorithm[name], name


@pytest.mark.parametrize("stock_id", sorted(MJLAB_TASKS))
def test_genpo_builds_on_the_real_task(stock_id: str, tmp_path) -> None:
    """The stock runner class builds GenPO on the real env: the flow's action size is the env's, and one rollout
    step gives env actions of the right shape (tracking: on a standing motion written here)."""
    import torch
    from mjlab.envs import ManagerBasedRlEnv
    from mjlab.rl import MjlabOnPolicyRunner, RslRlVecEnvWrapper
    from mjlab.tasks.registry import load_env_cfg, load_runner_cls

    mjlab_tasks_ext.register()
    task_id = genpo_task_id(stock_id)
    env_cfg, agent_cfg = load_env_cfg(task_id), load_rl_cfg(task_id)
    env_cfg.scene.num_envs = 2
    if "motion" in env_cfg.commands:
        env_cfg.commands["motion"].motion_file = standing_motion(tmp_path / "motion.npz")
    env = RslRlVecEnvWrapper(ManagerBasedRlEnv(cfg=env_cfg, device="cpu"), clip_actions=agent_cfg.clip_actions)
    try:
        cfg = asdict(agent_cfg)
        cfg["logger"] = "tensorboard"
        runner = (load_runner_cls(task_id) or MjlabOnPolicyRunner)(env, cfg, log_dir=None, device="cpu")
        assert isinstance(runner.alg, GenPO) and isinstance(runner.alg.actor, GenPOActor)
        assert runner.alg.actor.flow.action_dim == env.num_actions
        actions = runner.alg.act(env.get_observations())
        assert actions.shape == (2, env.num_actions) and torch.isfinite(actions).all()
    finally:
        env.close()


def test_genpo_mjlab_list_prints_every_genpo_task(capsys) -> None:
    from mjlab_tasks_ext.cli import main

    main(["list"])
    listed = capsys.readouterr().out.split()
    assert listed == sorted([genpo_task_id(t) for t in MJLAB_TASKS] + [fpo_task_id(t) for t in MJLAB_TASKS])


def test_a_gaussian_checkpoint_on_a_genpo_task_is_refused_naming_the_stock_task(tmp_path) -> None:
    import torch

    from mjlab_tasks_ext.cli import check_checkpoint

    path = tmp_path / "model_5.pt"
    torch.save({"actor_state_dict": {}, "critic_state_dict": {}, "iter": 5, "infos": None}, path)  # a PPO run's keys
    check_checkpoint(str(path), "Mjlab-Cartpole-Balance")  # the stock task plays it
    with pytest.raises(ValueError, match=r"was not written by GenPO .*the stock task Mjlab-Cartpole-Balance to play"):
        check_checkpoint(str(path), "Mjlab-Cartpole-Balance-GenPO")
    with pytest.raises(ValueError, match=r"was not written by FPO\+\+ .*the stock task Mjlab-Cartpole-Balance to play"):
        check_checkpoint(str(path), "Mjlab-Cartpole-Balance-FPO")
    with pytest.raises(ValueError, match=r"checkpoint file 'missing.pt' does not exist"):
        check_checkpoint("missing.pt", "Mjlab-Cartpole-Balance-GenPO")
