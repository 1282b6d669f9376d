"""``bench/warm_start.py``: the checkpoint it picks and the return it reads from a recorded dataset."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from warm_start import dataset_return, last_model

from tests.test_demonstrations import write_with_isaaclab


def test_last_model_picks_the_asked_or_the_newest_checkpoint(tmp_path) -> None:
    run = tmp_path / "logs" / "rsl_rl" / "ant_direct" / "2026-11-26_10-00-00"
    run.mkdir(parents=True)
    for k in (5, 10, 50, 99):
        (run / f"model_{k}.pt").write_bytes(b"")
    assert last_model(str(tmp_path)) == str(run / "model_99.pt")
    assert last_model(str(tmp_path), 10) == str(run / "model_10.pt")
    with pytest.raises(SystemExit, match=r"no model_7.pt under logs/rsl_rl"):
        last_model(str(tmp_path), 7)


def test_dataset_return_is_the_mean_episode_sum_of_rewards(tmp_path) -> None:
    path = str(tmp_path / "demos.hdf5")
    write_with_isaaclab(path, [3, 5])  # reward 1 per step
    assert dataset_return(path) == pytest.approx(4.0)
