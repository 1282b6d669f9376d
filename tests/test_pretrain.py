"""``genpo-pretrain`` (cloning a dataset into a task's GenPO agent) and the offline pieces it uses."""

from __future__ import annotations

import os

import pytest
import torch

from genpo_rsl.offline import awr_weights, monte_carlo_returns

pytest.importorskip("isaaclab")
pytestmark = pytest.mark.isaaclab

from isaaclab_tasks_ext.pretrain import main  # noqa: E402


def write_cartpole_dataset(
    path: str, episodes: int = 12, length: int = 20, rewards: bool = True, kinds: tuple[bool, ...] = (True, False)
) -> None:
    """Two kinds of Isaac-Cartpole-Direct-shaped episodes (obs/policy [4], actions [1]) written by IsaacLab's handler.

    Good episodes push +0.8 and earn reward 1 per step, bad ones push -0.8 and earn 0: only rewards tell them apart.
    Episode ``k`` is of kind ``kinds[k % len(kinds)]`` (good, bad, good, ... by default).
    """
    from isaaclab.utils.datasets import EpisodeData, HDF5DatasetFileHandler

    handler = HDF5DatasetFileHandler()
    handler.create(path, env_name="Isaac-Cartpole-Direct")
    gen = torch.Generator().manual_seed(0)
    for k in range(episodes):
        episode = EpisodeData()
        good = kinds[k % len(kinds)]
        for _ in range(length):
            episode.add("obs/policy", torch.randn(4, generator=gen) * 0.1)
            episode.add("actions", torch.tensor([0.8 if good else -0.8]) + 0.05 * torch.randn(1, generator=gen))
            if rewards:
                episode.add("rewards", torch.tensor(1.0 if good else 0.0))
        episode.pre_export()
        handler.write_episode(episode)
    handler.flush()
    handler.close()


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
        assert saved["genpo"]["cond_dim"] == 4  # ... so genpo-train on Ant refuses it: cond_dim 4 vs the task's 60
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
