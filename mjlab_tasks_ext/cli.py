"""``genpo-mjlab``: mjlab's own ``train``, and a headless ``play`` that evaluates and exports, with one-line errors.

    genpo-mjlab list
    genpo-mjlab train Mjlab-Velocity-Flat-Unitree-Go1-GenPO --env.scene.num-envs 64 --agent.max-iterations 100
    genpo-mjlab play Mjlab-Velocity-Flat-Unitree-Go1-GenPO --checkpoint-file logs/rsl_rl/.../model_99.pt

``train`` is ``mjlab.scripts.train`` (same arguments) after checking the task id; on a machine without CUDA it adds
``--gpu-ids None`` (mjlab's ``train`` needs it there). ``play`` is headless: it runs the deterministic policy (GenPO:
the zero-noise flow; PPO: the Gaussian mean) for ``--steps`` env steps, prints the mean return of the episodes that
ended, and exports the policy through mjlab's own ONNX path (``<run>/<run>.onnx``, as its velocity runner writes it
at every save), checked against torch. mjlab's own ``play`` (a viewer) works on the GenPO tasks unchanged.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from typing import TYPE_CHECKING

from mjlab_tasks_ext.table import FPO_SUFFIX, GENPO_SUFFIX, MJLAB_TASKS, stock_task_id

if TYPE_CHECKING:
    import torch

PROG = "genpo-mjlab"


def check_task(task_id: str) -> None:
    """Raise ``ValueError`` naming the registered GenPO tasks if ``task_id`` is not a registered mjlab task."""
    from mjlab.tasks.registry import list_tasks

    from mjlab_tasks_ext.registration import register

    register()
    tasks = list_tasks()
    if task_id not in tasks:
        near = difflib.get_close_matches(task_id, tasks, n=3)
        genpo = sorted(t for t in tasks if t.endswith(GENPO_SUFFIX))
        raise ValueError(
            f"unknown mjlab task id {task_id!r}"
            + (f" (did you mean {near}?)" if near else "")
            + f"; GenPO tasks: {genpo}"
        )


def task_marker(task_id: str) -> tuple[str | None, str]:
    """Return the checkpoint marker (``"genpo"``, ``"fpo"``, or ``None`` for a Gaussian PPO task) and a label."""
    if task_id.endswith(GENPO_SUFFIX):
        return "genpo", "GenPO"
    if task_id.endswith(FPO_SUFFIX):
        return "fpo", "FPO++"
    return None, "Gaussian PPO"


def check_checkpoint(path: str, task_id: str) -> None:
    """Raise ``ValueError`` if the checkpoint is missing or was written by another algorithm than ``task_id`` trains."""
    import torch

    from isaaclab_tasks_ext.preflight import checkpoint_agent

    if not os.path.isfile(path):
        raise ValueError(f"checkpoint file {path!r} does not exist; allowed: a model_<iteration>.pt of a run")
    written_by = checkpoint_agent(torch.load(path, map_location="cpu", weights_only=False))
    marker, label = task_marker(task_id)
    stock = stock_task_id(task_id)
    if written_by is not None and written_by.checkpoint_marker != marker:
        kind = "a stock (Gaussian PPO) task" if marker is None else f"a {label} task"
        suffix = GENPO_SUFFIX if written_by.checkpoint_marker == "genpo" else FPO_SUFFIX
        allowed = stock + suffix if stock in MJLAB_TASKS else "a task id of that algorithm (genpo-mjlab list)"
        raise ValueError(
            f"checkpoint {path} is a {written_by.label} checkpoint but {task_id} is {kind}; allowed: {allowed}"
        )
    if written_by is None and marker is not None:
        raise ValueError(
            f"checkpoint {path} was not written by {label} (e.g. a Gaussian PPO run); allowed: a checkpoint of a "
            f"{task_id} run, or the stock task {stock} to play it"
        )


def train(argv: list[str]) -> None:
    """Run mjlab's ``train`` with ``argv`` (task id first) after checking the task id."""
    import torch

    if not argv or argv[0].startswith("-"):
        raise ValueError("no task id given; allowed: a GenPO task id first, e.g. Mjlab-Cartpole-Balance-GenPO")
    check_task(argv[0])
    if not torch.cuda.is_available() and not any(a.startswith("--gpu-ids") for a in argv):
        argv = [*argv, "--gpu-ids", "None"]  # mjlab's train indexes GPU 0 otherwise
    from mjlab.scripts import train as mjlab_train

    sys.argv = ["train", *argv]
    mjlab_train.main()


class PlayedSteps:
    """Returns of every episode that ends within ``steps`` env steps (a step sink of :func:`play_policy`)."""

    def __init__(self, steps: int) -> None:
        """Stop after ``steps`` env steps."""
        self.steps, self.step, self.returns, self._running = steps, 0, [], None

    @property
    def done(self) -> bool:
        """Whether ``steps`` steps were played."""
        return self.step >= self.steps

    def add_step(self, obs, actions, rewards, dones) -> None:
        """Add one step's rewards; a finished episode's return is recorded."""
        rewards, dones = rewards.detach().reshape(-1).cpu().double(), dones.detach().reshape(-1).cpu().bool()
        self._running = rewards.clone() if self._running is None else self._running + rewards
        self.returns += self._running[dones].tolist()
        self._running[dones] = 0.0
        self.step += 1
        if self.step % max(1, self.steps // 4) == 0:
            print(f"[{PROG}] play: step {self.step}/{self.steps}, {len(self.returns)} episodes ended", flush=True)


def play_policy(
    task_id: str, checkpoint: str, num_envs: int, device: str, sink, play_env: bool = True, max_steps: int = 100_000
):
    """Play the deterministic policy of a checkpoint headless until ``sink.done``; return runner, env and last obs.

    Builds the task's env and its runner class as mjlab's ``play`` does, loads the checkpoint's actor and runs
    ``runner.get_inference_policy()`` (GenPO: the zero-noise flow; Gaussian PPO: the mean).

    Args:
        task_id: A registered mjlab task id.
        checkpoint: The ``model_<iteration>.pt`` to load (checked against the task's algorithm first).
        num_envs: Number of environments.
        device: Torch device of env and policy.
        sink: Receives ``add_step(obs, actions, rewards, dones)`` after every step; its ``done`` ends the play.
        play_env: The task's play env config (as mjlab's ``play``), else its training one. Evaluations use the
            training one: its episodes are the ones training counts (a play config may never end one, e.g.
            cartpole's ``episode_length_s = 1e10``).
        max_steps: Safety cap on the number of steps.
    """
    from dataclasses import asdict

    import torch
    from mjlab.envs import ManagerBasedRlEnv
    from mjlab.rl import MjlabOnPolicyRunner, RslRlVecEnvWrapper
    from mjlab.tasks.registry import load_env_cfg, load_rl_cfg, load_runner_cls

    check_task(task_id)
    check_checkpoint(checkpoint, task_id)
    env_cfg, agent_cfg = load_env_cfg(task_id, play=play_env), load_rl_cfg(task_id)
    env_cfg.scene.num_envs = num_envs
    env = RslRlVecEnvWrapper(ManagerBasedRlEnv(cfg=env_cfg, device=device), clip_actions=agent_cfg.clip_actions)
    runner = (load_runner_cls(task_id) or MjlabOnPolicyRunner)(env, asdict(agent_cfg), device=device)
    runner.load(checkpoint, load_cfg={"actor": True}, strict=True, map_location=device)
    policy = runner.get_inference_policy(device=device)
    obs = env.get_observations()
    for _ in range(max_steps):
        if sink.done:
            break
        with torch.inference_mode():
            actions = policy(obs)
            obs, rewards, dones, _ = env.step(actions)
        sink.add_step(obs, actions, rewards, dones)
    return runner, env, obs


def play(task_id: str, checkpoint: str, num_envs: int, steps: int, export: bool, device: str) -> dict:
    """Play the deterministic policy of a checkpoint headless, then export it through mjlab's ONNX path.

    Args:
        task_id: A registered mjlab task id (its play env config is used).
        checkpoint: The ``model_<iteration>.pt`` to load.
        num_envs: Number of environments.
        steps: Env steps to run.
        export: Whether to write ``<run>/<run>.onnx`` and compare it with torch on the last observations.
        device: Torch device of env and policy.

    Returns:
        ``{"episodes": n, "mean_return": r, "onnx": path or None, "onnx_max_error": e or None}``.
    """
    sink = PlayedSteps(steps)
    runner, env, obs = play_policy(task_id, checkpoint, num_envs, device, sink)
    finished = sink.returns
    result = {"episodes": len(finished), "mean_return": sum(finished) / len(finished) if finished else None}
    result.update(onnx=None, onnx_max_error=None)
    if export:
        result.update(export_onnx(runner, checkpoint, obs))
    env.close()
    return result


def export_onnx(runner, checkpoint: str, obs) -> dict:
    """Export through mjlab's ``export_policy_to_onnx`` (``<run>/<run>.onnx``) and compare onnxruntime with torch."""
    import onnxruntime
    import torch

    directory, filename, path = runner._get_export_paths(checkpoint)
    runner.export_policy_to_onnx(str(directory), filename)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    policy = runner.alg.get_policy()
    groups = runner.cfg["obs_groups"]["actor"]
    flat = torch.cat([obs[g].flatten(1) for g in groups], dim=-1)[:1].cpu()
    name = session.get_inputs()[0].name
    onnx_action = torch.as_tensor(session.run(None, {name: flat.numpy()})[0])
    with torch.inference_mode():
        torch_action = policy(obs[:1].to(policy_device(policy))).cpu()
    return {"onnx": str(path), "onnx_max_error": (onnx_action - torch_action).abs().max().item()}


def policy_device(policy: torch.nn.Module) -> torch.device:
    """Return the device of a model's parameters."""
    return next(policy.parameters()).device


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``genpo-mjlab``."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["train"]:
        try:
            train(argv[1:])
        except ValueError as error:
            raise SystemExit(f"{PROG} train: error: {error}") from None
        return
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the GenPO and FPO++ mjlab task ids")
    sub.add_parser("train", help="mjlab's train (same arguments, task id first)")
    p = sub.add_parser("play", help="play the deterministic policy headless, then export ONNX")
    p.add_argument("task", help="mjlab task id (a GenPO checkpoint needs a ...-GenPO id)")
    p.add_argument("--checkpoint-file", required=True, help="model_<iteration>.pt of a run")
    p.add_argument("--num-envs", type=int, default=16)
    p.add_argument("--steps", type=int, default=500, help="env steps to play")
    p.add_argument("--no-export", action="store_true", help="do not write <run>/<run>.onnx")
    p.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    if args.command == "list":
        from mjlab.tasks.registry import list_tasks

        from mjlab_tasks_ext.registration import register

        register()

        print("\n".join(t for t in list_tasks() if t.endswith((GENPO_SUFFIX, FPO_SUFFIX))))
        return
    if args.num_envs < 1 or args.steps < 1:
        parser.error(f"--num-envs {args.num_envs} / --steps {args.steps} is invalid; allowed: integers >= 1")
    try:
        result = play(args.task, args.checkpoint_file, args.num_envs, args.steps, not args.no_export, args.device)
    except ValueError as error:
        raise SystemExit(f"{PROG} play: error: {error}") from None
    mean = "n/a (no episode ended)" if result["mean_return"] is None else f"{result['mean_return']:.3f}"
    print(f"[{PROG}] play: {result['episodes']} episodes, mean return {mean}")
    if result["onnx"]:
        print(f"[{PROG}] exported {result['onnx']} (max |onnx - torch| = {result['onnx_max_error']:.2e})")
