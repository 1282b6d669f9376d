"""genpo-compare end to end on the real CPU simulator: GenPO, FPO++ and PPO, 2 seeds × 2 iterations × 16 envs of
Isaac-Cartpole-Direct; and 1 seed × 3 iterations with the deterministic policy evaluated through ``isaaclab play``."""

from __future__ import annotations

import csv
import glob
import json
import os
from pathlib import Path

import pytest

pytest.importorskip("isaaclab")
pytestmark = [pytest.mark.e2e, pytest.mark.isaaclab]

from isaaclab_tasks_ext.compare.aggregate import read_curve  # noqa: E402
from isaaclab_tasks_ext.compare.cli import main  # noqa: E402


@pytest.fixture
def out(tmp_path, monkeypatch, offline_env: dict[str, str]) -> str:
    """A comparison's output folder; the runs read the offline assets (conftest) with one torch thread."""
    for key in ("ISAACSIM_ASSET_ROOT", "OMP_NUM_THREADS"):
        monkeypatch.setenv(key, offline_env[key])
    return str(tmp_path / "cmp")


def test_compare_cartpole_tiny_and_resume(out: str, capsys) -> None:
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


def test_compare_cartpole_eval(out: str, capsys) -> None:
    """Checkpoints model_0/1/2; ``--eval_every 2`` evaluates model_0 and the final model_2 of each algorithm."""
    args = [
        *("--task", "Isaac-Cartpole-Direct", "--seeds", "1", "--num_envs", "16", "--max_iterations", "3"),
        *("--algorithms", "genpo", "fpo", "ppo", "--eval_every", "2", "--eval_episodes", "4", "--out", out),
        *("--", "agent.save_interval=1"),
    ]
    main(args)
    printed = capsys.readouterr().out
    for algorithm in ("genpo", "fpo", "ppo"):
        run = os.path.join(out, "runs", f"{algorithm}_seed0")
        evaluated = json.loads(Path(run, "eval.json").read_text())
        assert sorted(evaluated) == ["0", "2"], algorithm
        for entry in evaluated.values():
            returns = entry["returns"]
            assert entry["episodes"] == len(returns) == 4 and entry["mean"] == pytest.approx(sum(returns) / 4)
            assert len(set(returns)) == 4  # four envs, four random initial states: four different episodes
        assert read_curve(run, algorithm, 0, 16 * 16).eval_steps == [16 * 16, 3 * 16 * 16]
        assert not glob.glob(os.path.join(run, "logs", "**", "exported"), recursive=True)  # no policy exports
    assert printed.count("eval model_2.pt (2/2): return") == 3
    table = Path(out, "results.md").read_text()
    assert "final eval return (mean ± std over seeds)" in table
    summary = json.loads(Path(out, "summary.json").read_text())
    for algorithm, name in (("genpo", "GenPO"), ("fpo", "FPO++"), ("ppo", "Gaussian PPO")):
        final = json.loads(Path(out, "runs", f"{algorithm}_seed0", "eval.json").read_text())["2"]["mean"]
        assert summary[algorithm]["final_eval_return_mean"] == pytest.approx(final)
        assert f"| {name} | 1 | " in table and f" | {final:.2f} ± 0.00 | " in table
    with open(os.path.join(out, "curves.csv")) as f:
        assert {r["algorithm"] for r in csv.DictReader(f) if r["eval_return"]} == {"genpo", "fpo", "ppo"}
    main(args)  # resume: nothing is trained or evaluated again
    assert capsys.readouterr().out.count("2 checkpoints evaluated earlier, nothing to do") == 3
