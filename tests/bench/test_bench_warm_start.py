"""``bench/warm_start.py``: the checkpoint it picks and the return it reads from a recorded dataset."""

from __future__ import annotations

import argparse
import json
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


def write_eval(run_dir: Path, means: dict[int, float]) -> None:
    """The ``eval.json`` ``genpo-compare --eval_every`` writes: one entry per evaluated checkpoint ``model_<k>``."""
    entries = {str(k): {"mean": mean, "std": 0.0, "episodes": 4, "returns": [mean] * 4} for k, mean in means.items()}
    (run_dir / "eval.json").write_text(json.dumps(entries))


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

    evaluated: dict[str, tuple[int, list[str]]] = {}

    def fake_evaluate(opts: argparse.Namespace, run_dir: str, seed: int, agent_key: str, overrides=None) -> None:
        evaluated[os.path.basename(run_dir)] = (seed, ["--agent", agent_key, *(overrides or [])])
        mean = 15.0 if agent_key == "rsl_rl_cfg_entry_point" else 30.0 + seed  # the final checkpoint's return
        write_eval(Path(run_dir), {0: 1.0, 9: mean})

    monkeypatch.setattr(warm_start, "run", fake_run)
    monkeypatch.setattr(warm_start, "evaluate", fake_evaluate)
    teacher = tmp_path / "teacher" / "logs" / "rsl_rl" / "ant_direct" / "2026-01-01_00-00-00"
    teacher.mkdir(parents=True)
    (teacher / "model_50.pt").write_bytes(b"")
    for name in ("genpo_seed0", "ppo_seed0"):  # from scratch, longer than the budget: cut to 10 iterations
        fake_training_run(tmp_path / "scratch" / "runs" / name, [float(it) for it in range(30)])
    write_eval(tmp_path / "scratch" / "runs" / "genpo_seed0", {0: 1.0, 9: 5.0, 29: 99.0})  # model_29: past the cut
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
        eval_episodes=4,
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
    # each fine-tuning run is evaluated with its own agent and seed; the last column is its final checkpoint's return
    assert evaluated == {
        **{f"finetune_seed{seed}": (seed, ["--agent", "genpo"]) for seed in range(2)},
        **{f"gaussian_finetune_seed{seed}": (seed, gaussian) for seed in range(2)},
    }
    assert rows["genpo, pretrained"][:2] == ["2", "20 ± 0"] and rows["genpo, pretrained"][-1] == "30.5 ± 0.71 |"
    assert rows["ppo, pretrained (Gaussian clone)"][:2] == ["2", "10 ± 0"]
    assert rows["ppo, pretrained (Gaussian clone)"][-1] == "15 ± 0 |"
    # cut to 10 iterations, the evaluation too (model_29 is past the cut); an unevaluated run shows "–"
    assert rows["genpo, scratch"] == ["1", "0", "2", "7", "5 |"] and rows["ppo, scratch"][0] == "1"
    assert rows["ppo, scratch"][-1] == "– |"
    assert rows["pretrained Gaussian before fine-tuning, its mean"][1] == "4.00"  # its recording: 1 reward a step
    assert "mean std 0.3, not below the GenPO clone's per-state spread 0.25" in report
    assert (out / "comparison.png").is_file()


def test_evaluate_plays_the_first_and_final_checkpoint_with_the_runs_agent(tmp_path, monkeypatch) -> None:
    """The fine-tuning run's own agent, seed and overrides reach ``isaaclab play``; every = the budget, so model_0 and
    the final checkpoint are evaluated, with ``--eval_episodes`` episodes each."""
    from bench import warm_start
    from isaaclab_tasks_ext.compare import evaluate

    seen = {}
    monkeypatch.setattr(evaluate, "evaluate_run", lambda *args, **kwargs: seen.update(args=args) or {})
    opts = argparse.Namespace(task="Isaac-Ant-Direct", iterations=50, eval_episodes=32)
    warm_start.evaluate(opts, str(tmp_path / "finetune_seed1"), 1, "genpo", ["agent.x=1"])
    run_dir, play, every, episodes, label = seen["args"]
    assert (run_dir, every, episodes, label) == (str(tmp_path / "finetune_seed1"), 50, 32, "finetune_seed1")
    flags = ["--task", "Isaac-Ant-Direct", "--agent", "genpo", "--seed", "1", "--device", "cpu", "--external_callback"]
    assert play == [*flags, "isaaclab_tasks_ext.external_callback", "agent.device=cpu", "agent.x=1"]
