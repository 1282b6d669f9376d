"""End to end on the real IsaacLab 3.0 CPU simulator (Newton/MuJoCo-Warp) with the offline asset root.

Cartpole-Direct: GenPO train → play/export and Gaussian PPO train → play/export, through ``isaaclab train/play``
and the ``genpo-train``/``genpo-play`` wrappers. Ant-Direct: a short GenPO run. Slow (first run compiles Warp
kernels, ~100 s); deselect with ``-m "not e2e"``.
"""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

pytest.importorskip("isaaclab")
pytest.importorskip("newton")
pytestmark = [pytest.mark.e2e, pytest.mark.isaaclab]

import numpy as np  # noqa: E402
import torch  # noqa: E402
import yaml  # noqa: E402
from rsl_rl.utils import resolve_callable  # noqa: E402
from tensordict import TensorDict  # noqa: E402

from genpo_rsl.algorithms.fpo import EMA_TAG  # noqa: E402

BIN = Path(sys.executable).parent
CALLBACK = ["--external_callback", "isaaclab_tasks_ext.external_callback"]
CPU = ["--device", "cpu", "agent.device=cpu"]
TIMEOUT = 900
SHUTDOWN = 120
"""Seconds a play may take to exit after Ctrl+C before its stack is dumped (see :func:`_play`)."""
CTRL_C_EVERY = 60
"""Seconds between Ctrl+C's while a play has not exited (a Ctrl+C inside the simulator's step can be lost)."""


@pytest.fixture(scope="module")
def env(offline_env: dict[str, str]) -> dict[str, str]:
    """Process environment with the offline asset root (``conftest.offline_env``)."""
    return offline_env


def _train(args: list[str], cwd: Path, env: dict[str, str], log: str) -> str:
    """Run a training command in ``cwd``; assert exit code 0; return its output."""
    with open(cwd / log, "w") as out:
        proc = subprocess.run(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=TIMEOUT)
    text = (cwd / log).read_text()
    assert proc.returncode == 0, f"{' '.join(args)} exited {proc.returncode}:\n{text[-4000:]}"
    return text


def _play(args: list[str], cwd: Path, env: dict[str, str], log: str, seconds: float = 5.0) -> str:
    """Run a play command until its playback loop has stepped for ``seconds``, then Ctrl+C it; assert exit 0.

    IsaacLab's play loop runs until interrupted (or for a ``--video`` clip, which needs a renderer); it catches
    KeyboardInterrupt and exits normally. A Ctrl+C can be lost: twice a play did not exit within 120 s of it, and the
    stack the second time (on a loaded 2-core machine) was still inside the simulator's step (mujoco_warp's collision
    pass, called from ``run_playback``), so the KeyboardInterrupt never reached the loop. As a user would, the helper
    presses Ctrl+C again every :data:`CTRL_C_EVERY` s. A play still running :data:`SHUTDOWN` s after the first is sent
    SIGABRT, which makes Python's faulthandler print every thread's stack into the log. A hang inside IsaacLab's
    ``close`` is then reported as a warning (playback itself worked); a hang anywhere else fails the test with that
    stack.
    """
    with open(cwd / log, "w") as out:
        # a shell that starts jobs in the background makes them ignore SIGINT: give play the default handler back
        proc = subprocess.Popen(
            args,
            cwd=cwd,
            env={**env, "PYTHONFAULTHANDLER": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        deadline = time.monotonic() + TIMEOUT
        while "Policy playback is running" not in (cwd / log).read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(
                    f"{' '.join(args)} ended before playback (rc {proc.returncode}):\n{(cwd / log).read_text()[-4000:]}"
                )
            time.sleep(1.0)
        time.sleep(seconds)
        rc, presses = None, 0
        while rc is None and presses < SHUTDOWN // CTRL_C_EVERY:
            proc.send_signal(signal.SIGINT)
            presses += 1
            with contextlib.suppress(subprocess.TimeoutExpired):
                rc = proc.wait(timeout=CTRL_C_EVERY)
        if rc is None:
            proc.send_signal(signal.SIGABRT)  # faulthandler prints the stacks, then the process aborts
            proc.wait(timeout=60)
            text = (cwd / log).read_text()
            stack = text[text.rfind("Fatal Python error") :]
            assert re.search(r"line \d+ in close", stack), (
                f"{' '.join(args)} hung after Ctrl+C outside IsaacLab's close:\n{stack[-4000:]}"
            )
            warnings.warn(
                f"{' '.join(args)}: IsaacLab's close hung after Ctrl+C; stack:\n{stack[-2000:]}", stacklevel=2
            )
            return text
    text = (cwd / log).read_text()
    if rc != 0 and presses > 1 and re.search(r"line \d+,? in close", text[text.rfind("Traceback") :]):
        warnings.warn(f"{' '.join(args)}: IsaacLab's close was slow; the second Ctrl+C ended it", stacklevel=2)
        return text
    assert rc == 0, f"{' '.join(args)} exited {rc}:\n{text[-4000:]}"
    return text


def _run_dir(cwd: Path, experiment: str) -> Path:
    """The single run folder ``logs/rsl_rl/<experiment>/<timestamp>``."""
    runs = sorted((cwd / "logs" / "rsl_rl" / experiment).iterdir())
    assert len(runs) == 1, runs
    return runs[0]


def _actor_from_run(run: Path, checkpoint: dict, obs_dim: int, num_actions: int) -> torch.nn.Module:
    """Rebuild the actor from the run's dumped agent config and load the checkpoint's weights into it."""
    actor_cfg = yaml.full_load((run / "params" / "agent.yaml").read_text())["actor"]  # IsaacLab writes tuples
    actor_class = resolve_callable(actor_cfg.pop("class_name"))
    obs = TensorDict({"policy": torch.zeros(1, obs_dim)}, batch_size=[1])
    actor = actor_class(obs, {"actor": ["policy"]}, "actor", num_actions, **actor_cfg)
    actor.load_state_dict(checkpoint["actor_state_dict"])
    return actor.eval()


def _check_exports(run: Path, checkpoint: dict, obs_dim: int, num_actions: int) -> None:
    """policy.pt and policy.onnx exist, run with the right shapes and agree with the checkpoint's actor."""
    import onnxruntime as ort

    exported = run / "exported"
    jit = torch.jit.load(str(exported / "policy.pt"))
    session = ort.InferenceSession(str(exported / "policy.onnx"), providers=["CPUExecutionProvider"])
    (inp,), (outp,) = session.get_inputs(), session.get_outputs()
    assert inp.shape == [1, obs_dim] and outp.shape == [1, num_actions]
    actor = _actor_from_run(run, checkpoint, obs_dim, num_actions)
    for seed in range(3):
        x = torch.randn(1, obs_dim, generator=torch.Generator().manual_seed(seed))
        (onnx_out,) = session.run(None, {inp.name: x.numpy()})
        with torch.no_grad():
            jit_out = jit(x).numpy()
            actor_out = actor(TensorDict({"policy": x}, batch_size=[1])).numpy()
        assert onnx_out.shape == (1, num_actions) and np.isfinite(onnx_out).all()
        np.testing.assert_allclose(onnx_out, jit_out, atol=1e-4)
        np.testing.assert_allclose(jit_out, actor_out, atol=1e-5)


def _checkpoint(run: Path, iteration: int) -> dict:
    """Load ``model_<iteration>.pt`` of a run."""
    path = run / f"model_{iteration}.pt"
    assert path.is_file(), sorted(p.name for p in run.iterdir())
    return torch.load(path, map_location="cpu", weights_only=False)


def test_cartpole_direct_genpo_and_ppo_train_play_export(env, tmp_path) -> None:
    """GenPO and stock PPO: 16 envs × 5 iterations, checkpoint, play (loads it), JIT + ONNX export."""
    task = ["--task", "Isaac-Cartpole-Direct"]
    # GenPO, plain IsaacLab CLI + the external callback
    _train(
        [
            str(BIN / "isaaclab"),
            "train",
            "--rl_library",
            "rsl_rl",
            *task,
            "--agent",
            "genpo",
            "--num_envs",
            "16",
            "--max_iterations",
            "5",
            *CPU,
            *CALLBACK,
        ],
        tmp_path,
        env,
        "genpo_train.log",
    )
    run = _run_dir(tmp_path, "cartpole_direct_genpo")
    checkpoint = _checkpoint(run, 4)
    assert checkpoint["iter"] == 4 and checkpoint["genpo"]["action_dim"] == 1 and checkpoint["genpo"]["cond_dim"] == 4
    # GenPO play through the wrapper; no --checkpoint: the latest run of cartpole_direct_genpo is found
    played = _play([str(BIN / "genpo-play"), *task, "--num_envs", "4", *CPU], tmp_path, env, "genpo_play.log")
    assert f"Loading model checkpoint from: {run / 'model_4.pt'}" in played
    _check_exports(run, checkpoint, obs_dim=4, num_actions=1)

    # stock Gaussian PPO on the same task, with the callback in place
    ppo = ["--rl_library", "rsl_rl", *task, "--agent", "rsl_rl_cfg_entry_point", *CPU, *CALLBACK]
    _train(
        [str(BIN / "isaaclab"), "train", *ppo, "--num_envs", "16", "--max_iterations", "5"],
        tmp_path,
        env,
        "ppo_train.log",
    )
    ppo_run = _run_dir(tmp_path, "cartpole_direct")
    ppo_checkpoint = _checkpoint(ppo_run, 4)
    assert "genpo" not in ppo_checkpoint
    played = _play(
        [str(BIN / "isaaclab"), "play", *ppo, "--num_envs", "4", "--checkpoint", str(ppo_run / "model_4.pt")],
        tmp_path,
        env,
        "ppo_play.log",
    )
    assert f"Loading model checkpoint from: {ppo_run / 'model_4.pt'}" in played
    _check_exports(ppo_run, ppo_checkpoint, obs_dim=4, num_actions=1)

    # warm start from demonstrations: record episodes of the PPO policy -> pretrain -> GenPO fine-tuning
    demos = tmp_path / "demos.hdf5"
    recorded = _train(
        [
            str(BIN / "genpo-record"),
            *task,
            "--checkpoint",
            str(ppo_run / "model_4.pt"),
            "--episodes",
            "4",
            "--num_envs",
            "4",
            *CPU,
            "--out",
            str(demos),
        ],
        tmp_path,
        env,
        "record.log",
    )
    assert "genpo-record: wrote 4 episodes" in recorded and demos.is_file()
    from genpo_rsl import load_demonstrations

    loaded = load_demonstrations(str(demos))
    assert loaded.obs["policy"].shape[1] == 4 and loaded.actions.shape[1] == 1 and loaded.rewards is not None
    assert int(loaded.episode.max()) == 3
    pretrained = tmp_path / "pretrained.pt"
    _train(
        [str(BIN / "genpo-pretrain"), *task, "--dataset", str(demos), "--out", str(pretrained), "--epochs", "5"],
        tmp_path,
        env,
        "pretrain.log",
    )
    text = _train(
        [
            str(BIN / "genpo-train"),
            *task,
            "--num_envs",
            "16",
            "--max_iterations",
            "2",
            *CPU,
            "--checkpoint",
            str(pretrained),
        ],
        tmp_path,
        env,
        "pretrain_finetune.log",
    )
    assert f"Loading model checkpoint from: {pretrained}" in text and "Learning iteration 1/2" in text

    # warm start: distil the PPO checkpoint into a GenPO student (--agent genpo_distill), then fine-tune with GenPO
    common = [*task, "--num_envs", "16", "--max_iterations", "2", *CPU]
    teacher = str(ppo_run / "model_4.pt")
    _train(
        [str(BIN / "genpo-train"), *common, "--agent", "genpo_distill", "--checkpoint", teacher],
        tmp_path,
        env,
        "distill_train.log",
    )
    distill_run = _run_dir(tmp_path, "cartpole_direct_genpo_distill")
    distilled = _checkpoint(distill_run, 1)
    assert distilled["genpo"]["action_dim"] == 1 and "student_state_dict" in distilled
    torch.testing.assert_close(distilled["teacher_state_dict"], ppo_checkpoint["actor_state_dict"])
    text = _train(
        [str(BIN / "genpo-train"), *common, "--checkpoint", str(distill_run / "model_1.pt")],
        tmp_path,
        env,
        "finetune_train.log",
    )
    assert "Learning iteration 1/2" in text  # fine-tuning counts its own iterations from 0
    finetuned = _checkpoint(sorted((tmp_path / "logs" / "rsl_rl" / "cartpole_direct_genpo").iterdir())[-1], 1)
    assert finetuned["actor_state_dict"].keys() == distilled["student_state_dict"].keys()


@pytest.mark.parametrize("agent", ["fpo", "fpo_paper"])
def test_cartpole_direct_fpo_train_play_export(agent: str, env, tmp_path) -> None:
    """FPO++ through IsaacLab's loader: --agent fpo / fpo_paper trains, writes an FPO checkpoint, plays and exports it.

    fpo_paper (its EMA started after one iteration here): the checkpoint's actor, which play and the exports must
    reproduce, is the EMA policy, not the live weights.
    """
    task = ["--task", "Isaac-Cartpole-Direct", "--agent", agent, *CPU]
    warmup = ["agent.algorithm.ema_warmup_updates=1"] if agent == "fpo_paper" else []
    args = [str(BIN / "genpo-train"), *task, "--num_envs", "16", "--max_iterations", "3", *warmup]
    _train(args, tmp_path, env, f"{agent}.log")
    run = _run_dir(tmp_path, f"cartpole_direct_{agent}")
    checkpoint = _checkpoint(run, 2)
    assert checkpoint["fpo"] == {"action_dim": 1, "cond_dim": 4, "num_flow_steps": 10} and "genpo" not in checkpoint
    if agent == "fpo_paper":
        ema, deployed = checkpoint[EMA_TAG], checkpoint["actor_state_dict"]
        assert ema["updates"] == 3 and ema["decay"] == 0.95
        assert any(not torch.equal(ema["live_actor_state_dict"][k], v) for k, v in deployed.items())
    else:
        assert EMA_TAG not in checkpoint
    played = _play([str(BIN / "genpo-play"), *task, "--num_envs", "4"], tmp_path, env, f"{agent}_play.log")
    assert f"Loading model checkpoint from: {run / 'model_2.pt'}" in played
    _check_exports(run, checkpoint, obs_dim=4, num_actions=1)


def test_ant_direct_genpo_short_run(env, tmp_path) -> None:
    """genpo-train on Isaac-Ant-Direct, 64 envs × 2 iterations: exit 0, a finite checkpoint of the 60×8 task."""
    out = _train(
        [str(BIN / "genpo-train"), "--task", "Isaac-Ant-Direct", "--num_envs", "64", "--max_iterations", "2", *CPU],
        tmp_path,
        env,
        "ant_train.log",
    )
    assert "Learning iteration 1/2" in out
    run = _run_dir(tmp_path, "ant_direct_genpo")
    checkpoint = _checkpoint(run, 1)
    assert checkpoint["genpo"] == {"action_dim": 8, "cond_dim": 60, "num_flow_steps": 5, "mix_p": 0.9}
    assert all(torch.isfinite(v).all() for v in checkpoint["actor_state_dict"].values())
    actor = _actor_from_run(run, checkpoint, obs_dim=60, num_actions=8)
    assert actor(TensorDict({"policy": torch.zeros(3, 60)}, batch_size=[3])).shape == (3, 8)


def test_cartpole_genpo_with_symmetry_train_play_export(env, tmp_path) -> None:
    """``--agent genpo_with_symmetry`` on Isaac-Cartpole: the stock mirror function, the GenPO checkpoint, play, export."""
    task = ["--task", "Isaac-Cartpole", "--agent", "genpo_with_symmetry", *CPU]
    text = _train(
        [str(BIN / "genpo-train"), *task, "--num_envs", "16", "--max_iterations", "3"], tmp_path, env, "s.log"
    )
    assert re.search(r"symmetry", text, re.IGNORECASE)  # the mirror loss is logged (use_mirror_loss off: logged only)
    run = _run_dir(tmp_path, "cartpole_genpo_with_symmetry")
    agent_cfg = yaml.full_load((run / "params" / "agent.yaml").read_text())
    assert agent_cfg["algorithm"]["symmetry_cfg"]["use_data_augmentation"] is True
    checkpoint = _checkpoint(run, 2)
    assert "genpo" in checkpoint
    played = _play([str(BIN / "genpo-play"), *task, "--num_envs", "4"], tmp_path, env, "s_play.log")
    assert f"Loading model checkpoint from: {run / 'model_2.pt'}" in played
    _check_exports(run, checkpoint, obs_dim=4, num_actions=1)


def test_cartpole_direct_genpo_recurrent_train_play_export(env, tmp_path) -> None:
    """``--agent genpo_recurrent`` (a GRU): trains, plays, and its JIT/ONNX exports carry the memory step by step."""
    import onnxruntime as ort

    task = ["--task", "Isaac-Cartpole-Direct", "--agent", "genpo_recurrent", *CPU]
    _train([str(BIN / "genpo-train"), *task, "--num_envs", "16", "--max_iterations", "3"], tmp_path, env, "r.log")
    run = _run_dir(tmp_path, "cartpole_direct_genpo_recurrent")
    checkpoint = _checkpoint(run, 2)
    assert any(key.startswith("rnn.") for key in checkpoint["actor_state_dict"])
    played = _play([str(BIN / "genpo-play"), *task, "--num_envs", "4"], tmp_path, env, "r_play.log")
    assert f"Loading model checkpoint from: {run / 'model_2.pt'}" in played
    actor = _actor_from_run(run, checkpoint, obs_dim=4, num_actions=1)
    jit = torch.jit.load(str(run / "exported" / "policy.pt"))
    session = ort.InferenceSession(str(run / "exported" / "policy.onnx"), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["obs", "h_in"]
    h = np.zeros((1, 1, 32), dtype=np.float32)
    for seed in range(4):  # a trajectory: the memory carries from step to step in all three
        x = torch.randn(1, 4, generator=torch.Generator().manual_seed(seed))
        with torch.no_grad():
            expected = actor(TensorDict({"policy": x}, batch_size=[1])).numpy()
            np.testing.assert_allclose(jit(x).numpy(), expected, atol=1e-5)
        out, h = session.run(None, {"obs": x.numpy(), "h_in": h})[:2]
        np.testing.assert_allclose(out, expected, atol=1e-4)


def test_cartpole_camera_direct_genpo_train_play_export(env, tmp_path) -> None:
    """``--agent genpo`` on the stock camera task: the CNN encoder trains on rendered frames, plays, and its JIT and
    ONNX exports (image input, zero-noise flow head) match the checkpoint's actor."""
    import onnxruntime as ort

    task = ["--task", "Isaac-Cartpole-Camera-Direct", "--agent", "genpo", *CPU]
    args = [str(BIN / "genpo-train"), *task, "--num_envs", "4", "--max_iterations", "2", "agent.num_steps_per_env=8"]
    assert "Learning iteration 1/2" in _train(args, tmp_path, env, "camera.log")
    run = _run_dir(tmp_path, "cartpole_camera_direct_genpo")
    checkpoint = _checkpoint(run, 1)
    assert checkpoint["genpo"]["action_dim"] == 1
    played = _play([str(BIN / "genpo-play"), *task, "--num_envs", "2"], tmp_path, env, "camera_play.log")
    assert f"Loading model checkpoint from: {run / 'model_1.pt'}" in played
    actor_cfg = yaml.full_load((run / "params" / "agent.yaml").read_text())["actor"]
    assert actor_cfg.pop("class_name") == "genpo_rsl:GenPOCNNActor"
    image = torch.rand(1, 6, 96, 96, generator=torch.Generator().manual_seed(0))  # RGB, 2 stacked frames
    obs = TensorDict({"policy": image}, batch_size=[1])
    actor = resolve_callable("genpo_rsl:GenPOCNNActor")(obs, {"actor": ["policy"]}, "actor", 1, **actor_cfg)
    actor.load_state_dict(checkpoint["actor_state_dict"])
    session = ort.InferenceSession(str(run / "exported" / "policy.onnx"), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["obs", "policy"]
    (onnx_out,) = session.run(None, {"obs": np.zeros((1, 0), np.float32), "policy": image.numpy()})
    jit = torch.jit.load(str(run / "exported" / "policy.pt"))
    with torch.no_grad():
        actor_out = actor.eval()(obs).numpy()
        jit_out = jit(torch.zeros(1, 0), [image]).numpy()
    assert np.isfinite(actor_out).all() and actor_out.shape == (1, 1)
    np.testing.assert_allclose(jit_out, actor_out, atol=1e-5)
    np.testing.assert_allclose(onnx_out, actor_out, atol=1e-4)
