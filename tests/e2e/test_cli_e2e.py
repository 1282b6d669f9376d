"""The real CLI on the CPU simulator: resuming a GenPO run, and bad input giving one clear line (Cartpole-Direct)."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("isaaclab")
pytestmark = [pytest.mark.e2e, pytest.mark.isaaclab]

import torch  # noqa: E402

TRAIN = [
    str(Path(sys.executable).parent / "genpo-train"),
    "--task",
    "Isaac-Cartpole-Direct",
    "--num_envs",
    "16",
    "--device",
    "cpu",
    "agent.device=cpu",
]


@pytest.fixture(scope="module")
def env(offline_env: dict[str, str]) -> dict[str, str]:
    """Process environment with the offline asset root (``conftest.offline_env``)."""
    return offline_env


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a CLI command in ``cwd``; return the finished process (stdout and stderr together)."""
    return subprocess.run(
        args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900
    )


def checkpoints(cwd: Path, experiment: str) -> list[str]:
    """Return every ``model_*.pt`` under ``cwd/logs/rsl_rl/<experiment>``, oldest run first."""
    return sorted(glob.glob(str(cwd / "logs" / "rsl_rl" / experiment / "*" / "model_*.pt")))


def test_resume_continues_iteration_and_optimizer(tmp_path, env) -> None:
    first = run([*TRAIN, "--max_iterations", "2"], tmp_path, env)
    assert first.returncode == 0, first.stdout[-3000:]
    start = next(p for p in checkpoints(tmp_path, "cartpole_direct_genpo") if p.endswith("model_1.pt"))
    resumed = run([*TRAIN, "--max_iterations", "2", "--checkpoint", start], tmp_path, env)
    assert resumed.returncode == 0, resumed.stdout[-3000:]
    end = [p for p in checkpoints(tmp_path, "cartpole_direct_genpo") if os.path.dirname(p) != os.path.dirname(start)]
    a, b = (torch.load(p, weights_only=False) for p in (start, max(end)))
    assert (a["iter"], b["iter"]) == (1, 2)  # the iteration counter continues from the checkpoint
    steps = lambda c: int(c["optimizer_state_dict"]["state"][0]["step"])  # noqa: E731
    assert steps(b) == 2 * steps(a)  # Adam's state continues: two more updates on top of the loaded two
    assert b["optimizer_state_dict"]["param_groups"][0]["lr"] > 0 and b["genpo"] == a["genpo"]


@pytest.mark.parametrize(
    "extra,message",
    [
        (["--task", "Isaac-Nope-v0"], "genpo-train: error: unknown task id 'Isaac-Nope-v0'"),
        (
            ["--agent", "nope"],
            "genpo-train: error: agent 'nope' is not registered for Isaac-Cartpole-Direct; "
            "allowed --agent values: ['fpo', 'fpo_paper', 'genpo', 'genpo_distill', ",
        ),
        (
            ["--max_iterations", "1", "agent.actor.mix_p=1.5"],
            "genpo-train: error: GenPOActor: mix_p=1.5 is invalid; allowed: 0 < mix_p < 1",
        ),
    ],
)
def test_bad_input_gives_one_clear_line(tmp_path, env, extra: list[str], message: str) -> None:
    args = [*TRAIN, *extra] if extra[0] != "--task" else [TRAIN[0], *extra, *TRAIN[3:]]
    result = run(args, tmp_path, env)
    assert result.returncode != 0
    # the last line is the clear one (for a config error IsaacLab has logged its traceback above it)
    assert result.stdout.strip().splitlines()[-1].startswith(message), result.stdout[-2000:]


def test_checkpoint_of_the_other_algorithm_is_refused(tmp_path, env) -> None:
    gaussian = tmp_path / "ppo_model.pt"
    torch.save({"actor_state_dict": {"distribution.std_param": torch.ones(1)}, "iter": 0}, gaussian)
    genpo = tmp_path / "genpo_model.pt"
    torch.save({"actor_state_dict": {}, "genpo": {"mix_p": 0.9}, "iter": 0}, genpo)
    cases = [
        (["--checkpoint", str(gaussian)], "was not written by GenPO"),
        (["--agent", "rsl_rl_cfg_entry_point", "--checkpoint", str(genpo)], "is a GenPO checkpoint but --agent"),
    ]
    for extra, message in cases:
        result = run([*TRAIN, "--max_iterations", "1", *extra], tmp_path, env)
        assert result.returncode != 0
        last = result.stdout.strip().splitlines()[-1]
        assert last.startswith("genpo-train: error: checkpoint") and message in last and "allowed" in last, last
