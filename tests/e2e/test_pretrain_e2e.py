"""``genpo-pretrain``'s clone fine-tuned by ``genpo-train`` on the real CPU simulator (the offline pieces:
``warm_start/test_pretrain.py``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

pytest.importorskip("isaaclab")
pytestmark = [pytest.mark.e2e, pytest.mark.isaaclab]

from pretrain_dataset import GAUSSIAN, write_cartpole_dataset  # noqa: E402

from isaaclab_tasks_ext.pretrain import main  # noqa: E402


def test_gaussian_clone_fine_tunes_with_stock_ppo_on_the_simulator(offline_env, tmp_path) -> None:
    """``genpo-train --agent rsl_rl_cfg_entry_point --checkpoint <clone>`` (IsaacLab's own loader): 16 envs × 2 it."""
    pytest.importorskip("newton")
    data, gauss = str(tmp_path / "demos.hdf5"), str(tmp_path / "gauss.pt")
    write_cartpole_dataset(data)
    main(
        [
            "--task",
            "Isaac-Cartpole-Direct",
            "--dataset",
            data,
            "--epochs",
            "20",
            *GAUSSIAN,
            "--init_std",
            "0.3",
            "--out",
            gauss,
        ]
    )
    train = [str(Path(sys.executable).parent / "genpo-train"), "--task", "Isaac-Cartpole-Direct", *GAUSSIAN]
    train += ["--num_envs", "16", "--max_iterations", "2", "--device", "cpu", "agent.device=cpu", "--checkpoint", gauss]
    proc = subprocess.run(train, cwd=tmp_path, env=offline_env, capture_output=True, text=True, timeout=900)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-4000:]
    assert f"Loading model checkpoint from: {gauss}" in log and "Learning iteration 1/2" in log  # from iteration 0
    (run,) = (tmp_path / "logs" / "rsl_rl" / "cartpole_direct").iterdir()
    finetuned = torch.load(run / "model_1.pt", map_location="cpu", weights_only=False)
    cloned = torch.load(gauss, map_location="cpu", weights_only=False)
    assert finetuned["iter"] == 1 and finetuned["actor_state_dict"].keys() == cloned["actor_state_dict"].keys()
