"""GenPO end to end in mjlab on this CPU, through ``genpo-mjlab`` (mjlab's own ``train``) and its headless ``play``:
the Unitree Go1 (train two iterations, mjlab's ONNX export at each save, play, ONNX == torch), cartpole (it learns),
and one-line errors for an unknown task id and a checkpoint of the other algorithm."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mjlab", reason="mjlab tests; run them with .venv-mjlab (bash scripts/setup.sh --mjlab)")

CLI = str(Path(sys.executable).with_name("genpo-mjlab"))
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "MJLAB_WARP_QUIET": "1"}


def run(*args: str, cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=timeout)


def train(task: str, cwd: Path, *args: str) -> Path:
    """Train ``task`` with tensorboard logging under ``cwd``; return the run directory."""
    done = run("train", task, "--agent.logger", "tensorboard", *args, cwd=cwd, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (run_dir,) = [p.parent for p in (cwd / "logs" / "rsl_rl").glob("*/*/params")]
    return run_dir


def mean_rewards(run_dir: Path) -> list[float]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    (events,) = run_dir.glob("events.out.tfevents.*")
    acc = EventAccumulator(str(events))
    acc.Reload()
    return [e.value for e in acc.Scalars("Train/mean_reward")]


@pytest.fixture(scope="module")
def go1_run(tmp_path_factory) -> Path:
    cwd = tmp_path_factory.mktemp("go1")
    return train(
        "Mjlab-Velocity-Flat-Unitree-Go1-GenPO",
        cwd,
        *("--env.scene.num-envs", "8", "--agent.max-iterations", "2", "--agent.save-interval", "1"),
    )


def test_go1_trains_and_mjlab_exports_the_flow_at_each_save(go1_run: Path) -> None:
    import torch

    assert {p.name for p in go1_run.glob("model_*.pt")} == {"model_0.pt", "model_1.pt"}
    saved = torch.load(go1_run / "model_1.pt", map_location="cpu", weights_only=False)
    assert "genpo" in saved and any(k.startswith("flow.") for k in saved["actor_state_dict"])
    assert (go1_run / f"{go1_run.name}.onnx").is_file()  # the velocity runner's own export at save


def test_go1_plays_headless_and_the_onnx_export_matches_torch(go1_run: Path) -> None:
    done = run(
        "play", "Mjlab-Velocity-Flat-Unitree-Go1-GenPO", "--checkpoint-file", str(go1_run / "model_1.pt"),
        "--num-envs", "4", "--steps", "40", cwd=go1_run,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if "max |onnx - torch|" in x)
    assert float(line.rsplit("= ", 1)[1].rstrip(")")) < 1e-5


def test_a_genpo_checkpoint_on_the_stock_task_is_one_line(go1_run: Path) -> None:
    done = run("play", "Mjlab-Velocity-Flat-Unitree-Go1", "--checkpoint-file", str(go1_run / "model_1.pt"), cwd=go1_run)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    (line,) = [x for x in done.stderr.splitlines() if x.strip()][-1:]
    assert "is a GenPO checkpoint but Mjlab-Velocity-Flat-Unitree-Go1 is a stock" in line
    assert "allowed: Mjlab-Velocity-Flat-Unitree-Go1-GenPO" in line


@pytest.mark.parametrize("command", ["train", "play"])
def test_an_unknown_task_id_is_one_line_naming_the_near_ids(command: str, tmp_path: Path) -> None:
    extra = ["--checkpoint-file", "none.pt"] if command == "play" else []
    done = run(command, "Mjlab-Cartpole-Balanse-GenPO", *extra, cwd=tmp_path)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    last = [x for x in done.stderr.splitlines() if x.strip()][-1]
    assert last.startswith(f"genpo-mjlab {command}: error: unknown mjlab task id 'Mjlab-Cartpole-Balanse-GenPO'")
    assert "Mjlab-Cartpole-Balance-GenPO" in last


def test_genpo_learns_mjlab_cartpole(tmp_path: Path) -> None:
    """20 iterations of 64 envs x 32 steps (41 k env steps): the training return more than doubles (measured:
    0.97 at the first iteration, 2.6 at the 11th and 5.5 at the 30th)."""
    run_dir = train(
        "Mjlab-Cartpole-Balance-GenPO",
        tmp_path,
        *("--env.scene.num-envs", "64", "--agent.max-iterations", "20", "--agent.save-interval", "10"),
    )
    rewards = mean_rewards(run_dir)
    assert len(rewards) >= 15 and max(rewards[-3:]) > 2.0 * rewards[0], rewards


def test_genpo_compare_runs_genpo_and_the_matched_ppo_on_mjlab_with_deterministic_eval(tmp_path: Path) -> None:
    """genpo-compare on an mjlab id: GenPO on its -GenPO task and the Gaussian PPO with GenPO's initial spread on the
    stock task (stock PPO is the same path without the init-std flag); each run evaluated at its checkpoints; one
    table row per algorithm."""
    import json

    compare = str(Path(sys.executable).with_name("genpo-compare"))
    command = [
        compare, "--task", "Mjlab-Cartpole-Balance", "--seeds", "1", "--num_envs", "16", "--max_iterations", "2",
        "--algorithms", "genpo", "ppo_matched", "--eval_every", "1", "--eval_episodes", "2",
        "--out", str(tmp_path / "out"), "--", "--agent.save-interval", "1",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    runs = tmp_path / "out" / "runs"
    for algorithm, experiment in (("genpo", "cartpole_genpo"), ("ppo_matched", "cartpole")):
        evaluated = json.loads((runs / f"{algorithm}_seed0" / "eval.json").read_text())
        assert sorted(evaluated) == ["0", "1"] and all(v["episodes"] == 2 for v in evaluated.values())
        (agent_yaml,) = (runs / f"{algorithm}_seed0" / "logs" / "rsl_rl" / experiment).glob("*/params/agent.yaml")
        text = agent_yaml.read_text()
        assert ("genpo_rsl:GenPO" in text) == (algorithm == "genpo")
        assert ("init_std: 0.7071" in text) == (algorithm == "ppo_matched")
    table = (tmp_path / "out" / "results.md").read_text()
    assert "| GenPO |" in table and "| Gaussian PPO (init std 0.71) |" in table


def test_fpo_trains_on_mjlab_cartpole_and_its_checkpoint_is_refused_on_the_genpo_task(tmp_path: Path) -> None:
    """The FPO++ task trains through mjlab's train; its checkpoint on the -GenPO task is one line naming -FPO."""
    import torch

    run_dir = train(
        "Mjlab-Cartpole-Balance-FPO",
        tmp_path,
        *("--env.scene.num-envs", "16", "--agent.max-iterations", "2", "--agent.save-interval", "1"),
    )
    saved = torch.load(run_dir / "model_1.pt", map_location="cpu", weights_only=False)
    assert "fpo" in saved and "genpo" not in saved
    done = run("play", "Mjlab-Cartpole-Balance-GenPO", "--checkpoint-file", str(run_dir / "model_1.pt"), cwd=tmp_path)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    last = [x for x in done.stderr.splitlines() if x.strip()][-1]
    assert "is a FPO++ checkpoint but Mjlab-Cartpole-Balance-GenPO is a GenPO task" in last
    assert last.endswith("allowed: Mjlab-Cartpole-Balance-FPO")
