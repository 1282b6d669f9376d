"""``genpo-pretrain`` (cloning a dataset into a task's GenPO agent) and the offline pieces it uses; its clone
fine-tuned on the simulator is ``e2e/test_pretrain_e2e.py``."""

from __future__ import annotations

import os
import re

import pytest
import torch
from tensordict import TensorDict

from genpo_rsl import GenPOActor
from genpo_rsl.warm_start.offline import awr_weights, monte_carlo_returns

pytest.importorskip("isaaclab")
pytestmark = pytest.mark.isaaclab

from pretrain_dataset import GAUSSIAN, write_cartpole_dataset  # noqa: E402

from isaaclab_tasks_ext.pretrain import main  # noqa: E402


def test_monte_carlo_returns_restart_at_each_episode() -> None:
    rewards = torch.tensor([1.0, 1.0, 1.0, 2.0, 2.0])
    episode = torch.tensor([0, 0, 0, 1, 1])
    expected = torch.tensor([1 + 0.5 + 0.25, 1 + 0.5, 1.0, 2 + 1.0, 2.0])
    torch.testing.assert_close(monte_carlo_returns(rewards, episode, gamma=0.5), expected)


def test_awr_weights_prefer_better_steps_and_are_capped() -> None:
    w = awr_weights(torch.tensor([3.0, 1.0, 100.0]), torch.tensor([1.0, 1.0, 1.0]), beta=1.0, max_weight=20.0)
    torch.testing.assert_close(w, torch.tensor([7.389056, 1.0, 20.0]))
    with pytest.raises(ValueError, match=r"beta=0.0 is invalid; allowed: > 0"):
        awr_weights(torch.zeros(1), torch.zeros(1), beta=0.0)


def _actor_mean_action(checkpoint_path: str) -> float:
    """Mean sampled action of the pretrained actor on the dataset's kind of observations."""
    from rsl_rl.runners import OnPolicyRunner
    from tensordict import TensorDict

    from isaaclab_tasks_ext.pretrain import DatasetEnv, agent_config

    obs = TensorDict({"policy": torch.randn(512, 4) * 0.1}, batch_size=[512])
    runner = OnPolicyRunner(DatasetEnv(obs[:2], 1, "cpu"), agent_config("Isaac-Cartpole-Direct", "cpu"), None, "cpu")
    runner.load(checkpoint_path)
    with torch.no_grad():
        return runner.alg.actor(obs, stochastic_output=True).mean().item()


def test_pretrain_plain_and_advantage_weighted(tmp_path, capsys) -> None:
    """Plain cloning reproduces the 50/50 mixture; AWR clones mostly the rewarded episodes; critic fitted."""
    data = str(tmp_path / "demos.hdf5")
    write_cartpole_dataset(data)
    plain, awr = str(tmp_path / "plain.pt"), str(tmp_path / "awr.pt")
    common = ["--task", "Isaac-Cartpole-Direct", "--dataset", data, "--epochs", "60", "--critic_epochs", "100"]
    main([*common, "--out", plain])
    main([*common, "--out", awr, "--awr_beta", "0.5"])
    saved = torch.load(awr, map_location="cpu", weights_only=False)
    assert saved["iter"] == 0 and saved["genpo"]["action_dim"] == 1 and "critic_state_dict" in saved
    report = saved["infos"]["genpo_pretrain"]
    assert report["episodes"] == 12 and report["steps"] == 240 and report["awr_effective_share"] < 0.9
    assert abs(_actor_mean_action(plain)) < 0.25  # both pushes, half each
    assert _actor_mean_action(awr) > 0.5  # mostly the rewarded +0.8 push
    printed = capsys.readouterr().out
    assert "fine-tune with: genpo-train --task Isaac-Cartpole-Direct" in printed
    assert (
        "genpo-pretrain: critic epoch 100/100, mse" in printed and "genpo-pretrain: actor epoch 60/60, nll" in printed
    )


def test_several_datasets_are_cloned_as_one(tmp_path) -> None:
    """An early (bad) and a late (good) recording in two files: AWR over both prefers the late one's actions."""
    early, late, out = str(tmp_path / "early.hdf5"), str(tmp_path / "late.hdf5"), str(tmp_path / "awr.pt")
    write_cartpole_dataset(early, episodes=6, kinds=(False,))
    write_cartpole_dataset(late, episodes=6, kinds=(True,))
    args = ["--task", "Isaac-Cartpole-Direct", "--dataset", early, late, "--epochs", "60", "--critic_epochs", "100"]
    main([*args, "--awr_beta", "0.5", "--out", out])
    report = torch.load(out, map_location="cpu", weights_only=False)["infos"]["genpo_pretrain"]
    assert report["episodes"] == 12 and report["steps"] == 240 and report["dataset"] == [early, late]
    assert _actor_mean_action(out) > 0.5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rewards": False, "awr": True}, r"--awr_beta needs rewards, but the dataset has none"),
        ({"task": "Isaac-Ant-Direct"}, None),  # observation size differs: caught when genpo-train loads it
    ],
)
def test_bad_inputs_are_named_and_nothing_is_written(tmp_path, change: dict, message: str | None) -> None:
    data, out = str(tmp_path / "demos.hdf5"), str(tmp_path / "out.pt")
    write_cartpole_dataset(data, episodes=2, length=5, rewards=change.get("rewards", True))
    args = ["--task", change.get("task", "Isaac-Cartpole-Direct"), "--dataset", data, "--out", out, "--epochs", "1"]
    args += ["--awr_beta", "1.0"] if change.get("awr") else []
    if message is None:
        main(args)  # Ant's genpo agent reads obs/policy too; the sizes come from the dataset
        saved = torch.load(out, map_location="cpu", weights_only=False)
        assert saved["genpo"]["cond_dim"] == 4  # ... so an actor of Ant's sizes (60 obs, 8 actions) refuses it
        ant_obs = TensorDict({"policy": torch.zeros(1, 60)}, batch_size=[1])
        ant_actor = GenPOActor(ant_obs, {"actor": ["policy"]}, "actor", 8, hidden_dims=[32])
        with pytest.raises(
            ValueError, match=r"action_dim: checkpoint 1 vs config 8, cond_dim: checkpoint 4 vs config 60"
        ):
            ant_actor.load_state_dict(saved["actor_state_dict"])
        return
    with pytest.raises(SystemExit, match=message):
        main(args)
    assert not os.path.exists(out) and not os.path.exists(out + ".partial")


def test_missing_dataset_and_existing_out_are_refused(tmp_path, capsys) -> None:
    out = tmp_path / "exists.pt"
    out.write_bytes(b"keep me")
    with pytest.raises(SystemExit):
        main(["--task", "Isaac-Cartpole-Direct", "--dataset", "x.hdf5", "--out", str(out)])
    assert "exists; allowed: a new file" in capsys.readouterr().err and out.read_bytes() == b"keep me"
    with pytest.raises(SystemExit, match=r"'missing.hdf5' does not exist"):
        main(["--task", "Isaac-Cartpole-Direct", "--dataset", "missing.hdf5", "--out", str(tmp_path / "new.pt")])


def _stock_ppo_runner(log_dir: str | None = None):
    """The stock PPO runner of the Cartpole config on a stand-in env of Cartpole's sizes (obs/policy [4], actions [1])."""
    from rsl_rl.runners import OnPolicyRunner

    from bench.standin_env import StandinEnv
    from isaaclab_tasks_ext.pretrain import agent_config

    cfg = agent_config("Isaac-Cartpole-Direct", "cpu", "rsl_rl_cfg_entry_point")
    return OnPolicyRunner(StandinEnv(16, 4, 1, max_episode_length=20), cfg, log_dir, "cpu")


def test_gaussian_clone_of_the_same_data_resumes_in_stock_ppo(tmp_path, capsys) -> None:
    """The same data into the stock actor, std floored at the GenPO clone's spread; stock PPO loads it and trains on.

    rsl_rl's ``PPO.load`` restores the optimizer unless told not to (IsaacLab's default ``--checkpoint``, play,
    genpo-record): the checkpoint's optimizer is the untouched one, so both load configs start fresh at iteration 0.
    """
    from isaaclab_rl.entrypoints.backends.cli_args_rsl_rl import checkpoint_load_cfg

    data, genpo, gauss = str(tmp_path / "demos.hdf5"), str(tmp_path / "genpo.pt"), str(tmp_path / "gauss.pt")
    write_cartpole_dataset(data)
    common = ["--task", "Isaac-Cartpole-Direct", "--dataset", data, "--epochs", "60", "--critic_epochs", "100"]
    main([*common, "--awr_beta", "0.5", "--out", genpo])
    main([*common, "--awr_beta", "0.5", *GAUSSIAN, "--init_std_from", genpo, "--out", gauss])
    printed = capsys.readouterr().out
    assert "--agent rsl_rl_cfg_entry_point --checkpoint" in printed.splitlines()[-1]
    spread = torch.load(genpo, map_location="cpu", weights_only=False)["infos"]["genpo_pretrain"]["action_std"]
    saved = torch.load(gauss, map_location="cpu", weights_only=False)
    report = saved["infos"]["genpo_pretrain"]
    assert "genpo" not in saved and saved["iter"] == 0 and saved["optimizer_state_dict"]["state"] == {}
    assert report["agent"] == "rsl_rl_cfg_entry_point" and report["awr_effective_share"] < 0.9
    assert report["std_floor"] == pytest.approx(spread, rel=0.15)  # the GenPO clone's spread, measured again
    assert all(std >= floor for std, floor in zip(report["std"], report["std_floor"]))
    assert saved["actor_state_dict"]["distribution.std_param"].tolist() == pytest.approx(report["std"])
    obs = TensorDict({"policy": torch.randn(512, 4) * 0.1}, batch_size=[512])
    for load_cfg in (None, checkpoint_load_cfg(False)):  # isaaclab train --checkpoint [--no-resume_optimizer_state]
        runner = _stock_ppo_runner(str(tmp_path / f"ppo_{load_cfg is None}"))
        runner.load(gauss, load_cfg=load_cfg)
        assert runner.current_learning_iteration == 0 and runner.alg.learning_rate == 1e-3
        with torch.no_grad():
            assert runner.alg.actor(obs).mean() > 0.5  # the mean clones the rewarded +0.8 push (AWR)
        critic = {k: v.clone() for k, v in runner.alg.critic.state_dict().items()}
        torch.testing.assert_close(critic, saved["critic_state_dict"])  # the critic fitted to the returns
        runner.learn(2)
        resumed = torch.load(tmp_path / f"ppo_{load_cfg is None}" / "model_1.pt", weights_only=False)
        assert resumed["iter"] == 1 and resumed["optimizer_state_dict"]["state"]  # trained on, from iteration 0
        assert not torch.equal(resumed["actor_state_dict"]["mlp.0.weight"], saved["actor_state_dict"]["mlp.0.weight"])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (GAUSSIAN, r"needs --init_std STD or --init_std_from GENPO_CLONE.pt: the floor of the cloned std"),
        ([*GAUSSIAN, "--init_std", "0"], r"--init_std 0.0 is invalid; allowed: a finite std > 0"),
        ([*GAUSSIAN, "--init_std", "-0.5"], r"--init_std -0.5 is invalid; allowed: a finite std > 0"),
        ([*GAUSSIAN, "--init_std", "nan"], r"--init_std nan is invalid"),
        (["--init_std", "0.2"], r"--init_std is for --agent rsl_rl_cfg_entry_point .* GenPO fits its spread"),
        ([*GAUSSIAN, "--init_std_from", "missing.pt"], r"--init_std_from missing.pt does not exist"),
        ([*GAUSSIAN, "--init_std", "0.2", "--init_std_from", "x.pt"], r"not allowed with argument --init_std"),
        (["--agent", "fpo"], r"argument --agent: invalid choice: 'fpo'"),
    ],
)
def test_bad_gaussian_options_are_named(tmp_path, capsys, extra: list[str], message: str) -> None:
    out = str(tmp_path / "out.pt")
    with pytest.raises(SystemExit):
        main(["--task", "Isaac-Cartpole-Direct", "--dataset", "demos.hdf5", "--out", out, *extra])
    assert re.search(message, capsys.readouterr().err) and not os.path.exists(out)


def test_std_floor_from_a_checkpoint_that_is_not_genpo_is_refused(tmp_path) -> None:
    """``--init_std_from`` a Gaussian clone: GenPO's load names it; ``--init_std`` sets the floor directly."""
    data, gauss, out = str(tmp_path / "demos.hdf5"), str(tmp_path / "gauss.pt"), str(tmp_path / "out.pt")
    write_cartpole_dataset(data, episodes=2, length=5)
    common = ["--task", "Isaac-Cartpole-Direct", "--dataset", data, "--epochs", "1", *GAUSSIAN]
    main([*common, "--init_std", "3.0", "--out", gauss])
    report = torch.load(gauss, map_location="cpu", weights_only=False)["infos"]["genpo_pretrain"]
    assert report["std"] == [3.0] and report["std_floor"] == [3.0]  # a floor above the data's spread binds
    with pytest.raises(SystemExit, match=r"GenPO cannot load this checkpoint: it has no 'genpo' entry"):
        main([*common, "--init_std_from", gauss, "--out", out])
    assert not os.path.exists(out) and not os.path.exists(out + ".partial")
