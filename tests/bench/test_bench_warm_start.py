"""``bench/warm_start.py``: the checkpoint it picks and the return it reads from a recorded dataset."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest
import torch

from bench.warm_start_results import dataset_return, last_model
from tests.warm_start.test_demonstrations import write_with_isaaclab


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


def fake_training_run(run_dir: Path, returns: list[float], steps_per_env: int = 16) -> None:
    """An IsaacLab rsl_rl run folder: TensorBoard returns per iteration and the dumped agent config."""
    from torch.utils.tensorboard import SummaryWriter

    log = run_dir / "logs" / "rsl_rl" / "task" / "2026-01-01_00-00-00"
    (log / "params").mkdir(parents=True)
    (log / "params" / "agent.yaml").write_text(f"num_steps_per_env: {steps_per_env}\n")
    writer = SummaryWriter(str(log))
    for it, value in enumerate(returns):
        writer.add_scalar("Train/mean_reward", value, it)
    writer.close()


def test_offline_online_gaussian_arm_uses_the_same_data_seeds_and_budget(tmp_path, monkeypatch) -> None:
    """Both clones come from one recording; each seed fine-tunes both with the same arguments; the table shows
    GenPO clone → GenPO, Gaussian clone → PPO and the from-scratch runs side by side."""
    from bench import warm_start

    calls: list[tuple[str, str, list[str]]] = []

    def fake_run(step_dir: str, args: list[str], tool: str = "genpo-train", output: str | None = None) -> None:
        calls.append((os.path.basename(step_dir), tool, args))
        os.makedirs(step_dir, exist_ok=True)
        if tool == "genpo-record":
            write_with_isaaclab(output, [3, 5])
        elif tool == "genpo-pretrain":
            torch.save({"infos": {"genpo_pretrain": {"std": [0.2, 0.4], "std_floor": [0.2, 0.3]}}}, output)
        else:
            gaussian = os.path.basename(step_dir).startswith("gaussian")  # stock PPO: its own steps per iteration
            fake_training_run(
                Path(step_dir), [(10.0 if gaussian else 20.0) + it for it in range(10)], 32 if gaussian else 16
            )

    monkeypatch.setattr(warm_start, "run", fake_run)
    teacher = tmp_path / "teacher" / "logs" / "rsl_rl" / "ant_direct" / "2026-01-01_00-00-00"
    teacher.mkdir(parents=True)
    (teacher / "model_50.pt").write_bytes(b"")
    for name in ("genpo_seed0", "ppo_seed0"):  # from scratch, longer than the budget: cut to 10 iterations
        fake_training_run(tmp_path / "scratch" / "runs" / name, [float(it) for it in range(30)])
    out = tmp_path / "out"
    opts = argparse.Namespace(
        task="Isaac-Ant-Direct",
        num_envs=8,
        iterations=10,
        seeds=2,
        teacher_run=str(tmp_path / "teacher"),
        teacher_iteration=50,
        episodes=2,
        record_envs=2,
        seed=0,
        scratch=str(tmp_path / "scratch"),
        finetune_override=[],
        finetune_name=None,
        out=str(out),
    )
    warm_start.offline_online(opts)

    args = {name: arguments for name, _, arguments in calls}
    demos, gaussian = str(out / "demos_mid" / "demos.hdf5"), ["--agent", "rsl_rl_cfg_entry_point"]
    genpo_clone, gaussian_clone = str(out / "pretrain_mid" / "pretrained.pt"), args["gaussian_pretrain_mid"][-1]
    same_data = ["--task", opts.task, "--dataset", demos, "--seed", "0"]
    assert args["pretrain_mid"][:6] == args["gaussian_pretrain_mid"][:6] == same_data
    assert args["gaussian_pretrain_mid"][6:-2] == [*gaussian, "--init_std_from", genpo_clone]
    for seed in range(2):  # the same seeds and budget for both arms
        budget = ["--task", opts.task, "--num_envs", "8", "--seed", str(seed), "--device", "cpu", "agent.device=cpu"]
        budget += ["--max_iterations", "10"]
        assert args[f"finetune_seed{seed}"] == [*budget, "--checkpoint", genpo_clone]
        assert args[f"gaussian_finetune_seed{seed}"] == [*budget, *gaussian, "--checkpoint", gaussian_clone]
    assert args["gaussian_eval_pretrained"][:6] == ["--task", opts.task, "--checkpoint", gaussian_clone, *gaussian]
    report = (out / "offline_online.md").read_text()
    rows = {
        row.split(" | ")[0].removeprefix("| "): row.split(" | ")[1:]
        for row in report.splitlines()
        if row.startswith("| ")
    }
    assert rows["genpo, pretrained"][:2] == ["2", "20 ± 0"]
    assert rows["ppo, pretrained (Gaussian clone)"][:2] == ["2", "10 ± 0"]
    assert rows["genpo, scratch"] == ["1", "0", "2", "7 |"] and rows["ppo, scratch"][0] == "1"  # cut to 10 iterations
    assert rows["pretrained Gaussian before fine-tuning, its mean"][1] == "4.00"  # its recording: 1 reward a step
    assert "mean std 0.3, not below the GenPO clone's per-state spread 0.25" in report
    assert (out / "comparison.png").is_file()
