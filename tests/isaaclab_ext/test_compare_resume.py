"""genpo-compare continues a half-finished run from its newest readable checkpoint."""

from __future__ import annotations

import os

import torch

from isaaclab_tasks_ext.compare.cli import parse_args, resume_point, train_command


def _checkpoint(run_dir, stamp: str, iteration: int, corrupt: bool = False) -> str:
    path = os.path.join(run_dir, "logs", "rsl_rl", "exp", stamp, f"model_{iteration}.pt")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if corrupt:
        with open(path, "wb") as f:
            f.write(b"\x80truncated")
    else:
        torch.save({"iter": iteration}, path)
    return path


def test_newest_readable_checkpoint_is_chosen(tmp_path) -> None:
    run = str(tmp_path)
    assert resume_point(run, 92) is None
    _checkpoint(run, "2026-01-01_00-00-00", 5)
    good = _checkpoint(run, "2026-01-01_00-00-00", 10)
    _checkpoint(run, "2026-01-01_00-00-00", 15, corrupt=True)  # killed while saving
    assert resume_point(run, 92) == (os.path.abspath(good), 10)
    later = _checkpoint(run, "2026-01-02_00-00-00", 20)  # a second, resumed segment
    assert resume_point(run, 92) == (os.path.abspath(later), 20)
    assert resume_point(run, 20) == (os.path.abspath(good), 10)  # checkpoints past the budget are ignored


def test_resumed_command_passes_the_checkpoint_and_the_iterations_left() -> None:
    args = parse_args(["--task", "Isaac-Ant-Direct", "--num_envs", "8", "--max_iterations", "92", "--out", "x"])
    fresh = train_command(args, "genpo", 0)
    assert "--checkpoint" not in fresh and fresh[fresh.index("--max_iterations") + 1] == "92"
    resumed = train_command(args, "genpo", 0, ("/abs/model_40.pt", 40))
    assert resumed[resumed.index("--checkpoint") + 1] == "/abs/model_40.pt"
    assert resumed[resumed.index("--max_iterations") + 1] == "52"
