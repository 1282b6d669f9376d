"""``genpo-compare``: GenPO vs the stock Gaussian PPO on one IsaacLab task, same runner, budget and seeds.

The algorithms are the entries of ``isaaclab_tasks_ext.agents.AGENTS`` (``--algorithms genpo ppo ppo_matched``;
``ppo_matched`` is the stock PPO with its initial std set to GenPO's initial action spread, 1/sqrt(2)).

Each (algorithm, seed) is one run of IsaacLab's own ``isaaclab train --rl_library rsl_rl`` in
``OUT/runs/<algorithm>_seed<seed>/``; a run that finished (``done.json``) is not redone, and a run that was stopped
half-way continues from its newest readable checkpoint ``model_<k>.pt`` (IsaacLab's ``--checkpoint``, with the
``max_iterations − k`` iterations left; ``-- agent.save_interval=5`` makes checkpoints frequent). Runs start with
glibc malloc set to keep freed memory (:mod:`genpo_rsl.utils.malloc`; ``GENPO_KEEP_FREED_MEMORY=0`` turns it off).

``--eval_every K`` also evaluates each run's deterministic policy (GenPO's and FPO++'s zero-noise flow, Gaussian
PPO's mean; what ``isaaclab play`` runs and a user deploys) at its checkpoints ``model_<k>.pt`` with k a multiple of K
and at its final one: one ``isaaclab play`` process per checkpoint with ``--eval_episodes E`` environments (default
32), the first episode of each counted (:mod:`isaaclab_tasks_ext.compare.evaluate`). Results go to the run's
``eval.json``; evaluated checkpoints are skipped, so runs trained earlier (finished, or trained without
``--eval_every``) are evaluated post hoc from their saved checkpoints by the same command with ``--eval_every`` added.
Evaluation needs checkpoints at multiples of K: train with ``-- agent.save_interval=K`` (or a divisor of K).

Then ``OUT`` receives ``curves.csv``/``curves.json``, ``comparison.png``, ``results.md`` and ``summary.json``; with
evaluations the curves carry the eval returns, the plot shows them as dashed lines with markers, and the table has a
"final eval return" column beside the training return.

    genpo-compare --task Isaac-Cartpole-Direct --seeds 3 --num_envs 256 --max_iterations 150 --out runs/cartpole
    genpo-compare --task Isaac-Ant-Direct --seeds 2 --num_envs 512 --max_iterations 300 --eval_every 10 \\
        --out runs/ant -- agent.save_interval=10

An mjlab task id (``Mjlab-...``, in ``.venv-mjlab``) trains through mjlab's own ``train`` instead, with mjlab flags
after ``--`` (:mod:`mjlab_tasks_ext.compare`):

    genpo-compare --task Mjlab-Cartpole-Balance --seeds 3 --num_envs 64 --max_iterations 40 \\
        --algorithms genpo ppo ppo_matched --eval_every 10 --out runs/mjlab_cartpole -- --agent.save-interval 10
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

import torch

from genpo_rsl.utils.malloc import malloc_env
from isaaclab_tasks_ext.agents import AGENTS, GENPO, PPO, compared_agents, get_agent
from isaaclab_tasks_ext.cli import CALLBACK
from isaaclab_tasks_ext.compare.aggregate import Curve, read_curve, run_checkpoints
from isaaclab_tasks_ext.compare.evaluate import evaluate_run
from isaaclab_tasks_ext.compare.report import write_curves, write_plot, write_table

ITERATION_LINE = re.compile(r"Learning iteration (\d+)/(\d+)")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line; arguments after ``--`` go to every ``isaaclab train`` call."""
    parser = argparse.ArgumentParser(
        prog="genpo-compare", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--task", required=True, help="IsaacLab task id, e.g. Isaac-Cartpole-Direct")
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (0 .. K-1 offset by --first_seed)")
    parser.add_argument("--first_seed", type=int, default=0)
    parser.add_argument("--num_envs", type=int, required=True)
    parser.add_argument("--max_iterations", type=int, required=True)
    parser.add_argument("--algorithms", nargs="+", default=[GENPO.name, PPO.name], choices=compared_agents())
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--out", required=True, help="output folder (reused to resume)")
    parser.add_argument(
        "--eval_every",
        type=int,
        default=None,
        metavar="K",
        help="after each run, evaluate the deterministic policy at its checkpoints model_<k>.pt with k a multiple of "
        "K, and at its final one (default: no evaluation)",
    )
    parser.add_argument(
        "--eval_episodes",
        type=int,
        default=32,
        metavar="E",
        help="episodes per evaluated checkpoint: the first episode of each of E environments (default: 32)",
    )
    for agent in AGENTS.values():
        parser.add_argument(
            f"--{agent.name}_override",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help=f"Hydra override for the {agent.label} runs only (repeatable)"
            + (", e.g. agent.algorithm.compression_fraction=0.25" if agent is GENPO else ""),
        )
    argv = sys.argv[1:] if argv is None else argv
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = parser.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    if args.seeds < 1 or args.num_envs < 1 or args.max_iterations < 1:
        parser.error(
            f"--seeds, --num_envs and --max_iterations must be >= 1 (got {args.seeds}, "
            f"{args.num_envs}, {args.max_iterations})"
        )
    if args.eval_every is not None and args.eval_every < 1:
        parser.error(
            f"--eval_every {args.eval_every} is invalid; allowed: an integer >= 1 (evaluate model_<k>.pt for k a "
            "multiple of it), or no --eval_every for no evaluation"
        )
    if args.eval_episodes < 1:
        parser.error(f"--eval_episodes {args.eval_episodes} is invalid; allowed: an integer >= 1 (one per environment)")
    args.extra = extra
    if is_mjlab(args.task):
        import importlib.util

        from mjlab_tasks_ext.compare import check_algorithms

        if importlib.util.find_spec("mjlab") is None:
            parser.error(
                f"--task {args.task} is an mjlab task but mjlab is not installed here; allowed: an IsaacLab task id, "
                "or run .venv-mjlab/bin/genpo-compare (bash scripts/setup.sh --mjlab)"
            )
        try:
            check_algorithms(args.task, args.algorithms)
        except ValueError as error:
            parser.error(str(error))
    return args


def overrides(args: argparse.Namespace, algorithm: str) -> list[str]:
    """Return the Hydra overrides of one run: the algorithm's own, then ``--`` extras, then ``--<name>_override``
    (on mjlab: the ``--`` extras and ``--<name>_override`` values, which are mjlab flags)."""
    own = [] if is_mjlab(args.task) else list(get_agent(algorithm).overrides)
    return [*own, *args.extra, *getattr(args, f"{algorithm}_override", [])]


def is_mjlab(task: str) -> bool:
    """Return whether ``task`` is an mjlab task id (trained through :mod:`mjlab_tasks_ext.compare`)."""
    return task.startswith("Mjlab-")


def train_command(
    args: argparse.Namespace, algorithm: str, seed: int, resume: tuple[str, int] | None = None
) -> list[str]:
    """Return IsaacLab's own train command for one run; ``resume = (checkpoint, k)`` continues after iteration k."""
    if is_mjlab(args.task):
        from mjlab_tasks_ext.compare import train_command as mjlab_train_command

        return mjlab_train_command(args, algorithm, seed, overrides(args, algorithm), resume)
    isaaclab = shutil.which("isaaclab", path=os.path.dirname(sys.executable)) or "isaaclab"
    return [
        isaaclab,
        "train",
        "--rl_library",
        "rsl_rl",
        "--num_envs",
        str(args.num_envs),
        "--max_iterations",
        str(args.max_iterations - resume[1] if resume else args.max_iterations),
        *(["--checkpoint", resume[0]] if resume else []),
        *run_args(args, algorithm, seed),
    ]


def run_args(args: argparse.Namespace, algorithm: str, seed: int) -> list[str]:
    """Return the arguments ``isaaclab train`` and the evaluation's ``isaaclab play`` share for one run.

    Task, agent, seed, device, callback and the run's Hydra overrides (:func:`overrides`): play builds the same agent
    config as training, so that a checkpoint with extra modules (e.g. ``agent.actor.learn_base_scale=true``) loads.
    """
    if is_mjlab(args.task):
        from mjlab_tasks_ext.compare import play_args

        return play_args(args, algorithm)
    return isaaclab_run_args(args.task, get_agent(algorithm).agent_key, seed, args.device, overrides(args, algorithm))


def isaaclab_run_args(task: str, agent_key: str, seed: int, device: str, hydra: list[str]) -> list[str]:
    """Return IsaacLab's train/play arguments of one run: task, agent, seed, device, callback, then Hydra overrides.

    Args:
        task: The task id.
        agent_key: The gym entry-point key of the agent config (``genpo``, ``rsl_rl_cfg_entry_point``, ...).
        seed: The run's seed.
        device: The torch device (also the agent's).
        hydra: The run's Hydra overrides ``key=value``.
    """
    args = ["--task", task, "--agent", agent_key, "--seed", str(seed), "--device", device]
    return [*args, "--external_callback", CALLBACK, f"agent.device={device}", *hydra]


def resume_point(run_dir: str, max_iterations: int) -> tuple[str, int] | None:
    """Return ``(checkpoint, k)`` of the newest readable ``model_<k>.pt`` under ``run_dir`` with ``k < max_iterations``.

    A run killed while writing its checkpoint leaves an unreadable file: the one before it is used instead. rsl_rl
    restarts at the saved iteration number, so a resumed run logs iterations ``k .. max_iterations − 1`` again from
    the state after update ``k`` (one update more than an uninterrupted run; iteration ``k`` is logged twice and the
    later value is kept).
    """
    for iteration, path in reversed(run_checkpoints(run_dir)):
        if iteration >= max_iterations:
            continue
        try:
            torch.load(path, map_location="cpu", weights_only=False)
        except Exception:  # truncated or corrupt: try the previous checkpoint
            continue
        return path, iteration
    return None


def run_one(args: argparse.Namespace, algorithm: str, seed: int, run_dir: str, label: str) -> None:
    """Run one training in ``run_dir`` (cwd, so IsaacLab's ``logs/`` lands there), streaming progress.

    A half-finished run continues from its newest checkpoint (:func:`resume_point`); without one it starts again.
    """
    resume = resume_point(run_dir, args.max_iterations) if os.path.isdir(run_dir) else None
    if resume is None and os.path.exists(run_dir):
        shutil.rmtree(run_dir)  # stopped before its first checkpoint: start again
    os.makedirs(run_dir, exist_ok=True)
    if resume and resume[1] == args.max_iterations - 1:  # stopped after writing its final checkpoint
        print(f"{label}: its final checkpoint exists, marking it finished")
        write_done(run_dir, [], 0.0, resume)
        return
    if resume:
        print(
            f"{label}: resuming from {os.path.relpath(resume[0], run_dir)} ({args.max_iterations - resume[1]} "
            f"of {args.max_iterations} iterations left)"
        )
    command = train_command(args, algorithm, seed, resume)
    start = time.time()
    with open(os.path.join(run_dir, "train.log"), "a" if resume else "w", buffering=1) as log:  # line-buffered
        proc = subprocess.Popen(
            command, cwd=run_dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=malloc_env()
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            log.write(line)
            if match := ITERATION_LINE.search(line):
                print(
                    f"\r{label}: iteration {int(match[1]) + 1}/{match[2]}  {time.time() - start:6.0f} s",
                    end="",
                    flush=True,
                )
        code = proc.wait()
    print()
    if code != 0:
        raise SystemExit(
            f"genpo-compare: run {label} failed (exit {code}); see {run_dir}/train.log\n  {' '.join(command)}"
        )
    write_done(run_dir, command, time.time() - start, resume)


def write_done(run_dir: str, command: list[str], wall_s: float, resume: tuple[str, int] | None) -> None:
    """Mark a run finished (``done.json``: the last command, its wall time and the checkpoint it resumed from)."""
    with open(os.path.join(run_dir, "done.json"), "w") as f:
        json.dump({"command": command, "wall_s": wall_s, "resumed_from": resume and resume[0]}, f)


def steps_per_iteration(run_dir: str, num_envs: int) -> int:
    """Return ``num_steps_per_env × num_envs`` from the agent config IsaacLab dumped for the run."""
    for root, _, files in os.walk(run_dir):
        if "agent.yaml" in files:  # IsaacLab dumps python tuples too: read the one top-level key we need
            with open(os.path.join(root, "agent.yaml")) as f:
                match = re.search(r"^num_steps_per_env:\s*(\d+)", f.read(), re.MULTILINE)
            if match:
                return int(match[1]) * num_envs
    raise FileNotFoundError(f"no params/agent.yaml under {run_dir}")


def main(argv: list[str] | None = None) -> None:
    """Run (or resume) the comparison and write the outputs."""
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    runs = [(a, args.first_seed + k) for k in range(args.seeds) for a in args.algorithms]
    curves: list[Curve] = []
    per_iteration: dict[str, int] = {}
    for index, (algorithm, seed) in enumerate(runs, 1):
        run_dir = os.path.join(args.out, "runs", f"{algorithm}_seed{seed}")
        label = f"[{index}/{len(runs)}] {algorithm} seed {seed}"
        if os.path.exists(os.path.join(run_dir, "done.json")):
            print(f"{label}: finished earlier, reusing {run_dir}")
        else:
            run_one(args, algorithm, seed, run_dir, label)
        if args.eval_every is not None:
            module = "mjlab_tasks_ext.compare" if is_mjlab(args.task) else None
            play_args = run_args(args, algorithm, seed)
            evaluate_run(run_dir, play_args, args.eval_every, args.eval_episodes, label, module=module)
        per_iteration[algorithm] = steps_per_iteration(run_dir, args.num_envs)
        curves.append(read_curve(run_dir, algorithm, seed, per_iteration[algorithm]))
    header = (
        f"## {args.task}: {args.num_envs} envs, {args.max_iterations} iterations, seeds "
        f"{args.first_seed}..{args.first_seed + args.seeds - 1}, device {args.device}"
    )
    outputs = [
        write_curves(curves, args.out),
        write_plot(curves, args.out, f"{args.task} ({args.num_envs} envs)"),
        write_table(curves, args.out, per_iteration, header),
    ]
    with open(outputs[-1]) as f:
        print(f.read())
    print("wrote " + ", ".join(outputs))


if __name__ == "__main__":
    main()
