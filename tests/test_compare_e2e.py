"""genpo-compare end to end on the real CPU simulator: GenPO, FPO++ and PPO, 2 seeds × 2 iterations × 16 envs of
Isaac-Cartpole-Direct."""

from __future__ import annotations

import csv
import glob
import os
from pathlib import Path

import pytest

pytest.importorskip("isaaclab")
pytestmark = [pytest.mark.e2e, pytest.mark.isaaclab]

from isaaclab_tasks_ext.assets import build_offline_assets  # noqa: E402
from isaaclab_tasks_ext.compare.aggregate import read_curve  # noqa: E402
from isaaclab_tasks_ext.compare.cli import main  # noqa: E402


def test_compare_cartpole_tiny_and_resume(tmp_path, monkeypatch, capsys) -> None:
    root = tmp_path / "assets"
    build_offline_assets(root)
    monkeypatch.setenv("ISAACSIM_ASSET_ROOT", str(root))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    out = str(tmp_path / "cmp")
    args = [
        "--task",
        "Isaac-Cartpole-Direct",
        "--seeds",
        "2",
        "--num_envs",
        "16",
        "--max_iterations",
        "2",
        "--algorithms",
        "genpo",
        "fpo",
        "ppo",
        "--out",
        out,
    ]
    main(args)
    for name in ("curves.csv", "curves.json", "comparison.png", "results.md", "summary.json"):
        assert os.path.getsize(os.path.join(out, name)) > 0, name
    for algorithm in ("genpo", "fpo", "ppo"):
        for seed in (0, 1):
            assert os.path.exists(os.path.join(out, "runs", f"{algorithm}_seed{seed}", "done.json"))
    with open(os.path.join(out, "curves.csv")) as f:
        rows = list(csv.DictReader(f))
    assert {r["algorithm"] for r in rows} == {"genpo", "fpo", "ppo"}
    table = Path(out, "results.md").read_text()
    assert "| GenPO | 2 |" in table and "| FPO++ | 2 |" in table and "| Gaussian PPO | 2 |" in table
    assert "FPO++ / PPO steps per second" in table
    capsys.readouterr()
    main(args)  # resume: every run is reused, nothing is retrained
    assert capsys.readouterr().out.count("finished earlier") == 6
    # a half-finished run (no done.json, a budget of 4) continues from its final checkpoint model_1.pt
    genpo_run = os.path.join(out, "runs", "genpo_seed0")
    os.remove(os.path.join(genpo_run, "done.json"))
    main([*args[:-7], "4", "--algorithms", "genpo", "--seeds", "1", "--out", out])
    assert "resuming from logs" in capsys.readouterr().out
    curve = read_curve(genpo_run, "genpo", 0, 16 * 16)
    assert curve.iterations == [0, 1, 2, 3]
    assert len(glob.glob(os.path.join(genpo_run, "logs", "rsl_rl", "*", "*", "model_3.pt"))) == 1
