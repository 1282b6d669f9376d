"""``genpo_rsl.load_demonstrations`` reads what IsaacLab's recorder writes (and robomimic's layout); bad files named."""

from __future__ import annotations

import pytest
import torch

from genpo_rsl import concatenate_demonstrations, load_demonstrations

h5py = pytest.importorskip("h5py")


def write_with_isaaclab(path: str, lengths: list[int]) -> list[dict]:
    """Write episodes with IsaacLab's own ``HDF5DatasetFileHandler``; return what was written."""
    datasets = pytest.importorskip("isaaclab.utils.datasets")
    handler = datasets.HDF5DatasetFileHandler()
    handler.create(path, env_name="Isaac-Cartpole-Direct")
    written = []
    for i, length in enumerate(lengths):
        episode = datasets.EpisodeData()
        steps = []
        for t in range(length):
            obs, action = torch.full((4,), float(10 * i + t)), torch.tensor([float(i) + 0.1 * t])
            episode.add("obs/policy", obs)
            episode.add("actions", action)
            episode.add("rewards", torch.tensor(1.0))
            steps.append((obs, action))
        episode.pre_export()
        handler.write_episode(episode)
        written.append(steps)
    handler.flush()
    handler.close()
    return written


def test_reads_a_file_written_by_isaaclabs_recorder(tmp_path) -> None:
    path = str(tmp_path / "demos.hdf5")
    written = write_with_isaaclab(path, [3, 5])
    demos = load_demonstrations(path)
    assert demos.names == ["demo_0", "demo_1"] and demos.actions.shape == (8, 1)
    assert list(demos.obs.keys()) == ["policy"] and demos.obs["policy"].shape == (8, 4)
    expected = torch.stack([a for steps in written for _, a in steps])
    torch.testing.assert_close(demos.actions, expected)
    torch.testing.assert_close(demos.obs["policy"][3], written[1][0][0])
    assert demos.episode.tolist() == [0, 0, 0, 1, 1, 1, 1, 1] and demos.rewards.tolist() == [1.0] * 8
    assert demos.dones is None


def test_concatenated_files_keep_their_episodes_apart(tmp_path) -> None:
    first, second = str(tmp_path / "early.hdf5"), str(tmp_path / "late.hdf5")
    write_with_isaaclab(first, [2, 3])
    write_with_isaaclab(second, [4])
    demos = concatenate_demonstrations([load_demonstrations(first), load_demonstrations(second)])
    assert demos.episode.tolist() == [0, 0, 1, 1, 1, 2, 2, 2, 2] and demos.rewards.shape == (9,)
    assert demos.names == ["0/demo_0", "0/demo_1", "1/demo_0"] and demos.obs["policy"].shape == (9, 4)
    torch.testing.assert_close(demos.actions[5:], load_demonstrations(second).actions)
    robomimic = load_demonstrations(robomimic_file(str(tmp_path / "robomimic.hdf5")))
    with pytest.raises(ValueError, match=r"part 1 has obs keys \['goal/pos', 'joint_pos'\] and actions \(2,\)"):
        concatenate_demonstrations([load_demonstrations(first), robomimic])


def robomimic_file(path: str, **changes) -> str:
    """Write a robomimic-layout file (two demos, nested obs keys), with ``changes`` applied to demo_1."""
    with h5py.File(path, "w") as f:
        for k, length in enumerate((2, 3)):
            g = f.create_group(f"data/demo_{k}")
            data = {
                "actions": torch.randn(length, 2).numpy(),
                "obs/joint_pos": torch.randn(length, 3).numpy(),
                "obs/goal/pos": torch.randn(length, 2).numpy(),
                "dones": torch.zeros(length).numpy(),
            }
            data.update(changes if k == 1 else {})
            for key, value in data.items():
                if value is not None:
                    g.create_dataset(key, data=value)
    return path


def test_reads_robomimic_layout_and_picks_keys(tmp_path) -> None:
    demos = load_demonstrations(robomimic_file(str(tmp_path / "r.hdf5")), obs_keys=["joint_pos", "goal/pos"])
    assert sorted(demos.obs.keys()) == ["goal/pos", "joint_pos"] and demos.actions.shape == (5, 2)
    assert demos.dones is not None and demos.rewards is None


@pytest.mark.parametrize(
    ("changes", "obs_keys", "message"),
    [
        ({"actions": None}, None, r"data/demo_1 has keys \[.*\]; expected 'actions' and 'obs'"),
        ({"actions": torch.full((3, 2), float("nan")).numpy()}, None, r"data/demo_1/actions has 6 NaN/inf values"),
        ({"obs/joint_pos": torch.randn(4, 3).numpy()}, None, r"data/demo_1/obs/joint_pos has 4 steps; expected 3"),
        ({}, ["velocity"], r"data/demo_0/obs has no key\(s\) \['velocity'\]; available: \['goal/pos', 'joint_pos'\]"),
    ],
)
def test_bad_files_are_named(tmp_path, changes: dict, obs_keys, message: str) -> None:
    path = robomimic_file(str(tmp_path / "bad.hdf5"), **changes)
    with pytest.raises(ValueError, match=message):
        load_demonstrations(path, obs_keys=obs_keys)


def test_missing_or_unreadable_files_are_named(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"'.*nope.hdf5' does not exist"):
        load_demonstrations(str(tmp_path / "nope.hdf5"))
    (tmp_path / "text.hdf5").write_text("not hdf5")
    with pytest.raises(ValueError, match=r"cannot read '.*text.hdf5' as HDF5"):
        load_demonstrations(str(tmp_path / "text.hdf5"))
    with h5py.File(tmp_path / "empty.hdf5", "w") as f:
        f.create_group("data")
    with pytest.raises(ValueError, match=r"has no demonstrations under 'data'"):
        load_demonstrations(str(tmp_path / "empty.hdf5"))
