"""Evaluation of a run's checkpoints with the deterministic policy, through IsaacLab's own ``isaaclab play``.

The deterministic policy is what play runs and a user deploys: GenPO's and FPO++'s zero-noise flow (z = 0, the
actors' default ``inference_mode="zero_noise"``), Gaussian PPO's mean. For each checkpoint ``model_<k>.pt`` of a run
with ``k`` a multiple of ``--eval_every`` (plus the run's final checkpoint) one play process (the backend swapped as
in ``genpo-record``, :mod:`isaaclab_tasks_ext.playback`, without the policy exports) plays ``E`` environments until
each has finished its first episode: one episode per environment, so that early terminations are not
over-represented (the first ``E`` episodes to finish would be the short ones). An episode's return is its sum of
rewards, the unit of rsl_rl's ``Train/mean_reward``. Play runs uncompiled (a run's ``agent.torch_compile_mode``
override is undone: the same function without the compile time). Results go to ``<run_dir>/eval.json``, written
atomically after every checkpoint::

    {"<k>": {"mean": ..., "std": ..., "episodes": E, "returns": [...]}, ...}

(std: over the ``E`` episodes); checkpoints already there are skipped, so an evaluation resumes, and runs trained
earlier are evaluated from their saved checkpoints. The play processes' output goes to ``<run_dir>/eval.log``.
``genpo-compare --eval_every K --eval_episodes E`` calls :func:`evaluate_run` after each run; one play process is::

    python -m isaaclab_tasks_ext.compare.evaluate --episodes 32 --out result.json \\
        --task Isaac-Cartpole-Direct --checkpoint .../model_99.pt --device cpu agent.device=cpu
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import torch

from isaaclab_tasks_ext.compare.aggregate import EVAL_FILE, read_eval, run_checkpoints
from isaaclab_tasks_ext.playback import play_until

PROG = "genpo-compare eval"
"""Program name of the play process's error messages."""

MODULE = "isaaclab_tasks_ext.compare.evaluate"
"""This module, run with ``python -m`` for one checkpoint."""

COMPILE_KEY = "agent.torch_compile_mode"
"""Hydra key of the runner's ``torch.compile`` mode: a speed setting, the policy computes the same function."""


class FirstEpisodeReturns:
    """Return of the first finished episode of each environment (a :class:`~isaaclab_tasks_ext.playback.StepSink`)."""

    def __init__(self, num_envs: int) -> None:
        """Count the first episode of each of ``num_envs`` environments."""
        self.num_envs = num_envs
        self._sums = torch.zeros(num_envs, dtype=torch.float64)
        self._returns = torch.zeros(num_envs, dtype=torch.float64)
        self._running = torch.ones(num_envs, dtype=torch.bool)  # still in its first episode

    @property
    def done(self) -> bool:
        """Whether every environment has finished its first episode."""
        return not bool(self._running.any())

    @property
    def returns(self) -> list[float]:
        """Returns of the first episodes, by environment index (valid once :attr:`done`)."""
        return self._returns.tolist()

    def add_step(self, obs, actions: torch.Tensor, rewards: torch.Tensor, dones: torch.Tensor) -> None:
        """Add one step's rewards of every environment; an environment's first ``done`` fixes its return."""
        rewards, dones = rewards.detach().reshape(-1).cpu().double(), dones.detach().reshape(-1).cpu().bool()
        if rewards.shape[0] != self.num_envs:
            raise ValueError(
                f"the environment has {rewards.shape[0]} envs; allowed: {self.num_envs} (one episode per env)"
            )
        self._sums += rewards
        first = dones & self._running
        self._returns[first] = self._sums[first]
        self._running &= ~dones
        self._sums[dones] = 0.0


def episode_stats(returns: list[float]) -> dict[str, float | int | list[float]]:
    """Return the ``eval.json`` entry of one checkpoint: mean and std (population) of the episode returns."""
    values = torch.tensor(returns, dtype=torch.float64)
    return {
        "mean": float(values.mean()),
        "std": float(values.std(unbiased=False)),
        "episodes": len(returns),
        "returns": returns,
    }


def write_json(path: str, data: object) -> None:
    """Write ``data`` to ``path`` atomically (a temporary file renamed over it)."""
    partial = path + ".partial"
    with open(partial, "w") as f:
        json.dump(data, f, indent=1)
    os.replace(partial, path)


def eval_checkpoints(run_dir: str, every: int) -> tuple[list[tuple[int, str]], list[int]]:
    """Return ``(k, path)`` of the run's checkpoints with ``k`` a multiple of ``every``, plus the final one, and the
    multiples of ``every`` below the final ``k`` without a checkpoint (saved with a ``save_interval`` not dividing it).
    """
    found = dict(run_checkpoints(run_dir))  # a k saved twice (a resumed run): the newer file wins
    if not found:
        return [], []
    final = max(found)
    missing = [k for k in range(0, final, every) if k not in found]
    return [(k, found[k]) for k in sorted(found) if k % every == 0 or k == final], missing


def evaluate_run(
    run_dir: str, play_args: list[str], every: int, episodes: int, label: str, module: str | None = None
) -> dict[int, dict]:
    """Evaluate the run's checkpoints (:func:`eval_checkpoints`) not yet in ``eval.json``; return all results.

    Args:
        run_dir: The run folder (checkpoints under ``logs/``); ``eval.json`` and ``eval.log`` are written there.
        play_args: ``isaaclab play`` arguments of the run (task, agent, seed, device, Hydra overrides), without
            ``--checkpoint`` and ``--num_envs``.
        every: Evaluate ``model_<k>.pt`` with ``k`` a multiple of ``every`` (and the final checkpoint).
        episodes: Episodes per checkpoint: the first episode of each of ``episodes`` environments.
        label: Prefix of the progress lines.
        module: The module run with ``python -m`` for one checkpoint (default: this one, IsaacLab's play;
            ``mjlab_tasks_ext.compare`` for mjlab).
    """
    results = read_eval(run_dir)
    wanted, missing = eval_checkpoints(run_dir, every)
    if missing:
        print(f"{label}: eval: no checkpoint for k = {missing} (train with agent.save_interval dividing {every})")
    todo = [(k, path) for k, path in wanted if k not in results]
    if not todo:
        print(f"{label}: eval: {len(results)} checkpoints evaluated earlier, nothing to do")
        return results
    print(
        f"{label}: eval: {len(todo)} checkpoints (model_{todo[0][0]} .. model_{todo[-1][0]}), {episodes} episodes each"
    )
    for index, (k, path) in enumerate(todo, 1):
        start = time.time()
        results[k] = episode_stats(play_checkpoint(run_dir, path, play_args, episodes, module or MODULE))
        write_json(os.path.join(run_dir, EVAL_FILE), {str(i): results[i] for i in sorted(results)})
        print(
            f"{label}: eval model_{k}.pt ({index}/{len(todo)}): return {results[k]['mean']:.2f} ± "
            f"{results[k]['std']:.2f} over {episodes} episodes  {time.time() - start:5.0f} s",
            flush=True,
        )
    return results


def play_checkpoint(
    run_dir: str, checkpoint: str, play_args: list[str], episodes: int, module: str = MODULE
) -> list[float]:
    """Play ``checkpoint`` in its own process (``python -m module``, output appended to ``eval.log``); return its
    episode returns."""
    # absolute: the play process runs in run_dir, and run_dir may be given relative to this process's directory
    out = os.path.abspath(os.path.join(run_dir, f"eval_{os.path.basename(checkpoint)}.json"))
    checkpoint = os.path.abspath(checkpoint)
    command = [sys.executable, "-m", module, "--episodes", str(episodes), "--out", out, "--checkpoint", checkpoint]
    command += play_args
    with open(os.path.join(run_dir, "eval.log"), "a") as log:
        log.write(f"$ {' '.join(command)}\n")
        log.flush()
        code = subprocess.run(command, cwd=run_dir, stdout=log, stderr=subprocess.STDOUT).returncode
    if code != 0 or not os.path.isfile(out):
        raise SystemExit(f"genpo-compare: evaluation of {checkpoint} failed (exit {code}); see {run_dir}/eval.log")
    with open(out) as f:
        returns = json.load(f)["returns"]
    os.remove(out)
    return returns


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """Split ``--episodes``/``--out`` from the arguments that go on to ``isaaclab play``."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {MODULE}", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--episodes", type=int, required=True, help="environments, one episode each (>= 1)")
    parser.add_argument("--out", required=True, help="JSON file receiving {'returns': [...]}")
    args, rest = parser.parse_known_args(argv)
    if args.episodes < 1:
        parser.error(f"--episodes {args.episodes} is invalid; allowed: >= 1")
    if any(arg == "--num_envs" or arg.startswith("--num_envs=") for arg in rest):
        parser.error("--num_envs is set from --episodes (one episode per environment); allowed: no --num_envs")
    return args, rest


def uncompiled(argv: list[str]) -> list[str]:
    """Return ``argv`` with ``torch.compile`` switched off again if an override switched it on.

    Compiling GenPO's velocity MLP made a play process on Ant (32 envs) take 58 s instead of 38-42 s, for the same
    returns; the last override of a key wins.
    """
    if any(arg.startswith(COMPILE_KEY + "=") for arg in argv):
        return [*argv, f"{COMPILE_KEY}=null"]
    return argv


def main(argv: list[str] | None = None) -> None:
    """Play one checkpoint until each of ``--episodes`` environments has finished an episode; write the returns."""
    args, rest = parse_args(sys.argv[1:] if argv is None else argv)
    counter = FirstEpisodeReturns(args.episodes)
    play_until(["--num_envs", str(args.episodes), *uncompiled(rest)], counter, PROG, export=False)
    if not counter.done:
        raise SystemExit(f"{PROG}: error: play stopped before every environment finished an episode")
    write_json(args.out, {"returns": counter.returns})


if __name__ == "__main__":
    main()
