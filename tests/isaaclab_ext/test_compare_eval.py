"""genpo-compare's evaluation of the deterministic policy without the simulator: the episode counter, the checkpoints
it picks, ``eval.json`` (resumed, atomic) and the command-line checks."""

from __future__ import annotations

import json
import os

import pytest
import torch

from isaaclab_tasks_ext.compare import evaluate
from isaaclab_tasks_ext.compare.cli import parse_args, run_args, train_command
from isaaclab_tasks_ext.compare.evaluate import FirstEpisodeReturns, episode_stats, eval_checkpoints, evaluate_run

BASE = ["--task", "Isaac-Cartpole-Direct", "--num_envs", "16", "--max_iterations", "2", "--out", "runs/x"]


def test_counts_the_first_episode_of_each_env() -> None:
    """3 envs; env 1 and env 0 finish early and again, env 2 runs long. The first episodes are [2, 2, 16]; the
    first three episodes to finish would be [2, 2, 4] (env 0's short second episode instead of env 2's long one)."""
    counter = FirstEpisodeReturns(3)
    steps = [  # (rewards, dones) per step
        ([1.0, 2.0, 3.0], [0, 1, 0]),  # env 1: first episode 2
        ([1.0, 5.0, 1.0], [1, 0, 0]),  # env 0: first episode 1 + 1 = 2
        ([4.0, 1.0, 2.0], [1, 1, 0]),  # env 0 (4) and env 1 (5 + 1 = 6): second episodes, not counted
    ]
    for rewards, dones in steps:
        counter.add_step({}, torch.zeros(3, 1), torch.tensor(rewards), torch.tensor(dones))
        assert not counter.done
    counter.add_step({}, torch.zeros(3, 1), torch.tensor([[1.0], [1.0], [10.0]]), torch.tensor([0, 0, 1]))
    assert counter.done and counter.returns == [2.0, 2.0, 16.0]


def test_counter_refuses_another_number_of_envs() -> None:
    with pytest.raises(ValueError, match="the environment has 4 envs; allowed: 3"):
        FirstEpisodeReturns(3).add_step({}, torch.zeros(4, 1), torch.zeros(4), torch.zeros(4))


def test_episode_stats() -> None:
    stats = episode_stats([1.0, 3.0, 8.0])
    assert stats["mean"] == pytest.approx(4.0) and stats["episodes"] == 3
    assert stats["std"] == pytest.approx((26.0 / 3.0) ** 0.5)  # population std: deviations -3, -1, 4


def _checkpoints(run_dir, stamp: str, iterations: list[int], mtime: float) -> None:
    folder = os.path.join(run_dir, "logs", "rsl_rl", "exp", stamp)
    os.makedirs(folder, exist_ok=True)
    for k in iterations:
        path = os.path.join(folder, f"model_{k}.pt")
        open(path, "wb").close()
        os.utime(path, (mtime, mtime))


def test_picks_multiples_and_the_final_checkpoint(tmp_path) -> None:
    run = str(tmp_path)
    assert eval_checkpoints(run, 10) == ([], [])
    _checkpoints(run, "a", [0, 5, 10, 15], mtime=1000.0)
    _checkpoints(run, "b", [15, 20, 23], mtime=2000.0)  # resumed from model_15: it is saved again
    picked, missing = eval_checkpoints(run, 10)
    assert [k for k, _ in picked] == [0, 10, 20, 23] and missing == []
    picked, missing = eval_checkpoints(run, 4)
    assert [k for k, _ in picked] == [0, 20, 23] and missing == [4, 8, 12, 16]
    assert dict(eval_checkpoints(run, 15)[0])[15] == os.path.join(run, "logs", "rsl_rl", "exp", "b", "model_15.pt")


def test_evaluate_run_writes_eval_json_and_resumes(tmp_path, monkeypatch, capsys) -> None:
    run = str(tmp_path)
    _checkpoints(run, "a", [0, 1, 2, 3, 4], mtime=1000.0)
    played = []

    def fake_play(run_dir: str, checkpoint: str, play_args: list[str], episodes: int, module: str) -> list[float]:
        assert module == evaluate.MODULE  # IsaacLab's play (mjlab's runs pass mjlab_tasks_ext.compare)
        k = int(os.path.basename(checkpoint)[len("model_") : -len(".pt")])
        played.append(k)
        assert play_args == ["--task", "T"] and episodes == 2
        return [float(k), float(k) + 2.0]

    monkeypatch.setattr(evaluate, "play_checkpoint", fake_play)
    results = evaluate_run(run, ["--task", "T"], 2, 2, "[1/1] genpo seed 0")
    assert played == [0, 2, 4] and sorted(os.listdir(run)) == ["eval.json", "logs"]  # no partial file left
    saved = json.loads((tmp_path / "eval.json").read_text())
    assert saved["2"] == {"mean": 3.0, "std": 1.0, "episodes": 2, "returns": [2.0, 4.0]}
    assert results[4]["mean"] == 5.0
    assert "eval model_4.pt (3/3): return 5.00 ± 1.00 over 2 episodes" in capsys.readouterr().out
    _checkpoints(run, "a", [5, 6], mtime=2000.0)  # trained further: only the new multiple and final are played
    evaluate_run(run, ["--task", "T"], 2, 2, "[1/1] genpo seed 0")
    assert played == [0, 2, 4, 6]
    evaluate_run(run, ["--task", "T"], 2, 2, "[1/1] genpo seed 0")
    assert played == [0, 2, 4, 6] and "nothing to do" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--eval_every", "0"], "--eval_every 0 is invalid; allowed: an integer >= 1"),
        (["--eval_every", "5", "--eval_episodes", "0"], "--eval_episodes 0 is invalid; allowed: an integer >= 1"),
    ],
)
def test_bad_eval_values_are_named(flags: list[str], message: str, capsys) -> None:
    with pytest.raises(SystemExit):
        parse_args([*BASE, *flags])
    assert message in capsys.readouterr().err


def test_play_gets_the_runs_task_agent_seed_device_and_overrides() -> None:
    args = parse_args([*BASE, "--device", "cpu", "--genpo_override", "agent.actor.learn_base_scale=true"])
    assert args.eval_every is None and args.eval_episodes == 32  # no evaluation unless asked for
    play = run_args(args, "genpo", 3)
    assert play[:6] == ["--task", "Isaac-Cartpole-Direct", "--agent", "genpo", "--seed", "3"]
    assert play[-2:] == ["agent.device=cpu", "agent.actor.learn_base_scale=true"]
    assert train_command(args, "genpo", 3)[-len(play) :] == play  # the same config as training


def test_play_is_uncompiled() -> None:
    """A run trained with ``torch.compile`` is played without it (the last override wins); others are unchanged."""
    compiled = ["--task", "T", "agent.torch_compile_mode=default", "agent.actor.learn_base_scale=true"]
    assert evaluate.uncompiled(compiled) == [*compiled, "agent.torch_compile_mode=null"]
    assert evaluate.uncompiled(["--task", "T", "agent.device=cpu"]) == ["--task", "T", "agent.device=cpu"]


def test_play_paths_hold_when_the_run_folder_is_relative(tmp_path, monkeypatch) -> None:
    """The play process runs inside the run folder: its --out and --checkpoint must not be relative to the caller."""
    import subprocess

    monkeypatch.chdir(tmp_path)
    run_dir = os.path.join("runs", "genpo_seed0")
    os.makedirs(run_dir)
    seen = {}

    def fake_run(command, cwd, stdout, stderr):
        seen.update(cwd=cwd, out=command[command.index("--out") + 1], ckpt=command[command.index("--checkpoint") + 1])
        with open(os.path.join(cwd, os.path.relpath(seen["out"], os.path.abspath(cwd))), "w") as f:
            json.dump({"returns": [1.0, 3.0]}, f)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(evaluate.subprocess, "run", fake_run)
    returns = evaluate.play_checkpoint(run_dir, os.path.join(run_dir, "model_0.pt"), ["--task", "T"], 2)
    assert returns == [1.0, 3.0]
    assert os.path.isabs(seen["out"]) and os.path.isabs(seen["ckpt"]) and seen["cwd"] == run_dir
