"""The mjlab backend of ``genpo-compare``: a task id starting with ``Mjlab-`` trains through ``genpo-mjlab train``.

    genpo-compare --task Mjlab-Cartpole-Balance --seeds 3 --num_envs 64 --max_iterations 40 \\
        --algorithms genpo ppo ppo_matched --eval_every 10 --out runs/mjlab_cartpole -- --agent.save-interval 10

``--task`` is the stock id; GenPO runs its ``-GenPO`` task, FPO++ its ``-FPO`` task, stock PPO the stock task, and the matched PPO the stock
task with ``--agent.actor.distribution-cfg.init-std 0.7071`` (GenPO's initial action spread). Arguments after ``--``
and ``--<algorithm>_override`` values are mjlab (tyro) flags, passed on verbatim. Runs, resuming, the deterministic
evaluation (one process per checkpoint, the first episode of each of E envs of the task's training env config,
whose episodes are the ones training counts) and the outputs are genpo-compare's.
One evaluation process is::

    python -m mjlab_tasks_ext.compare --episodes 32 --out result.json --task Mjlab-Cartpole-Balance-GenPO \\
        --checkpoint .../model_39.pt --device cpu
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from isaaclab_tasks_ext.agents import FPO, GAUSSIAN_INIT_STD_MATCHED, GENPO, PPO, PPO_MATCHED
from mjlab_tasks_ext.table import fpo_task_id, genpo_task_id

PREFIX = "Mjlab-"
"""Task ids of mjlab start with it."""

ALGORITHMS = (GENPO.name, FPO.name, PPO.name, PPO_MATCHED.name)
"""The ``--algorithms`` genpo-compare runs on mjlab."""


def is_mjlab(task: str) -> bool:
    """Return whether ``task`` is an mjlab task id."""
    return task.startswith(PREFIX)


def check_algorithms(task: str, algorithms: list[str]) -> None:
    """Raise ``ValueError`` naming the allowed ones if an algorithm has no mjlab task."""
    bad = [a for a in algorithms if a not in ALGORITHMS]
    if bad:
        raise ValueError(f"--algorithms {bad} have no mjlab task for {task}; allowed on mjlab: {list(ALGORITHMS)}")


def task_for(task: str, algorithm: str) -> str:
    """Return the mjlab task id one algorithm trains on (GenPO: ``<task>-GenPO``, FPO++: ``<task>-FPO``)."""
    if algorithm == GENPO.name:
        return genpo_task_id(task)
    return fpo_task_id(task) if algorithm == FPO.name else task


def algorithm_flags(algorithm: str) -> list[str]:
    """Return the mjlab flags of an algorithm (the matched PPO's initial std)."""
    if algorithm == PPO_MATCHED.name:
        return ["--agent.actor.distribution-cfg.init-std", repr(GAUSSIAN_INIT_STD_MATCHED)]
    return []


def train_command(args: argparse.Namespace, algorithm: str, seed: int, extra: list[str], resume) -> list[str]:
    """Return ``genpo-mjlab train`` for one run (logs under the run folder, its cwd).

    Args:
        args: genpo-compare's arguments (task, num_envs, max_iterations, device).
        algorithm: One of :data:`ALGORITHMS`.
        seed: The run's seed.
        extra: mjlab flags of this run (the ``--`` extras and the algorithm's overrides).
        resume: ``(checkpoint, k)`` to continue after iteration ``k``, or ``None``.
    """
    cli = shutil.which("genpo-mjlab", path=os.path.dirname(sys.executable)) or "genpo-mjlab"
    command = [cli, "train", task_for(args.task, algorithm), "--env.scene.num-envs", str(args.num_envs)]
    command += ["--agent.max-iterations", str(args.max_iterations - resume[1] if resume else args.max_iterations)]
    command += ["--agent.seed", str(seed), "--agent.logger", "tensorboard", *algorithm_flags(algorithm)]
    if args.device == "cpu":
        command += ["--gpu-ids", "None"]
    if resume:
        run_folder = os.path.basename(os.path.dirname(resume[0]))
        command += ["--agent.resume", "True", "--agent.load-run", run_folder]
        command += ["--agent.load-checkpoint", os.path.basename(resume[0])]
    return [*command, *extra]


def play_args(args: argparse.Namespace, algorithm: str) -> list[str]:
    """Return the arguments of one evaluation process besides ``--episodes``, ``--out`` and ``--checkpoint``."""
    return ["--task", task_for(args.task, algorithm), "--device", args.device]


def main(argv: list[str] | None = None) -> None:
    """Play one checkpoint until each of ``--episodes`` environments has finished an episode; write the returns."""
    from isaaclab_tasks_ext.compare.evaluate import FirstEpisodeReturns, write_json
    from mjlab_tasks_ext.cli import play_policy

    parser = argparse.ArgumentParser(prog="python -m mjlab_tasks_ext.compare", description=__doc__)
    parser.add_argument("--episodes", type=int, required=True, help="environments, one episode each (>= 1)")
    parser.add_argument("--out", required=True, help="JSON file receiving {'returns': [...]}")
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--task", required=True)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.episodes < 1:
        parser.error(f"--episodes {args.episodes} is invalid; allowed: >= 1")
    counter = FirstEpisodeReturns(args.episodes)
    try:
        _, env, _ = play_policy(args.task, args.checkpoint, args.episodes, args.device, counter, play_env=False)
    except ValueError as error:
        raise SystemExit(f"genpo-compare eval: error: {error}") from None
    env.close()
    if not counter.done:
        raise SystemExit("genpo-compare eval: error: play stopped before every environment finished an episode")
    write_json(args.out, {"returns": counter.returns})


if __name__ == "__main__":
    main()
