"""Warm-start measurements on an IsaacLab task (docs/results.md §9). Finished steps are reused (``done.json``).

``distill``: distil a trained stock PPO teacher into a GenPO student, no reward.

    python bench/warm_start.py distill --task Isaac-Cartpole-Direct --num_envs 256 --teacher_iterations 150 \\
        --iterations 100 --out runs/warm_start/cartpole

1. the teacher: stock PPO (``--agent rsl_rl_cfg_entry_point``), ``--teacher_iterations`` iterations;
2. the student: ``--agent genpo_distill --checkpoint <teacher's last model>``, ``--iterations`` iterations; the
   student acts in the environment, so the returns its run logs are the student's own;
3. the report (``<out>/distill.md``): the teacher's and the student's return (mean of the last 5 logged
   iterations) and their ratio. ``--teacher_run DIR`` uses a finished PPO run (e.g. a ``genpo-compare`` run) instead.

``offline_online``: record ``--episodes`` of a PPO checkpoint (``--teacher_run``, ``--teacher_iteration``) with
``genpo-record``, clone them with ``genpo-pretrain`` (actor and critic), fine-tune with GenPO for ``--iterations``
(``--seeds`` seeds), and plot return vs env steps against the GenPO and PPO runs of ``--scratch`` (a
``genpo-compare`` output) cut to the same number of iterations. ``--finetune_override k=v ... --finetune_name N``
fine-tunes a variant (``finetune_N_seed<k>``); the report shows every variant run so far. The Gaussian arm, the fair
baseline: the same demonstrations cloned into the stock PPO actor (``genpo-pretrain --agent rsl_rl_cfg_entry_point
--init_std_from`` the GenPO clone: its std not below the GenPO clone's per-state spread, ``gaussian_pretrain_mid``),
fine-tuned with stock PPO with the same seeds and iterations (``gaussian_finetune_seed<k>``). Every fine-tuning run's
deterministic policy (GenPO's zero-noise flow, the Gaussian's mean) is evaluated at its first and final checkpoints
(``--eval_episodes`` episodes, as ``genpo-compare --eval_every``); the table's last column is the final one, also
for the from-scratch runs that were trained with ``genpo-compare --eval_every``.

    python bench/warm_start.py offline_online --task Isaac-Ant-Direct --num_envs 512 --iterations 50 --seeds 2 \\
        --teacher_run runs/three_way/ant_direct/runs/ppo_seed0 --teacher_iteration 50 --episodes 16 \\
        --scratch runs/three_way/ant_direct --out runs/warm_start/ant

``awr``: record an early and a late checkpoint of ``--teacher_run`` (a mixed-quality dataset), pretrain plain and
advantage-weighted (``--awr_beta``) on both files, and measure each pretrained policy's return by recording
``--episodes`` of it (no fine-tuning); ``--pretrain_epochs`` cloning epochs each.

    python bench/warm_start.py awr --task Isaac-Ant-Direct --teacher_run runs/three_way/ant_direct/runs/ppo_seed0 \\
        --early_iteration 10 --teacher_iteration 99 --episodes 16 --awr_beta 1.0 --pretrain_epochs 50 \\
        --out runs/warm_start/ant
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

if not __package__:  # run as `python bench/warm_start.py`: import the bench package from the repository root
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import torch

from bench.warm_start_results import (
    GAUSSIAN_ARM,
    curve_rows,
    dataset_return,
    final_return,
    finetune_curves,
    last_model,
    scratch_curves,
)
from isaaclab_tasks_ext.agents import PPO

BIN = os.path.dirname(sys.executable)
GAUSSIAN = ["--agent", PPO.agent_key]
"""The stock Gaussian PPO agent of a task (``genpo-pretrain``, ``genpo-train``, ``genpo-record``)."""


def run(step_dir: str, args: list[str], tool: str = "genpo-train", output: str | None = None) -> None:
    """Run ``tool args`` in ``step_dir`` unless it finished before; raise with the log's tail on failure.

    ``output`` is a file the tool refuses to overwrite: one left by a step stopped before ``done.json`` is removed.
    """
    if os.path.exists(os.path.join(step_dir, "done.json")):
        print(f"{step_dir}: finished earlier, reusing it")
        return
    os.makedirs(step_dir, exist_ok=True)
    if output is not None and os.path.exists(output):
        os.remove(output)
    print(f"{step_dir}: {tool} {' '.join(args)}", flush=True)
    command = [os.path.join(BIN, tool), *args]
    with open(os.path.join(step_dir, "train.log"), "w") as log:
        code = subprocess.run(command, cwd=step_dir, stdout=log, stderr=subprocess.STDOUT).returncode
    if code != 0:
        with open(os.path.join(step_dir, "train.log")) as f:
            raise SystemExit(f"{' '.join(command)} failed ({code}):\n{f.read()[-3000:]}")
    with open(os.path.join(step_dir, "done.json"), "w") as f:
        json.dump({"command": command}, f)


def record(opts: argparse.Namespace, name: str, checkpoint: str, agent: list[str] | None = None) -> str:
    """Record ``opts.episodes`` episodes of ``checkpoint`` into ``<out>/<name>/demos.hdf5``; return its path."""
    step_dir = os.path.join(opts.out, name)
    demos = os.path.abspath(os.path.join(step_dir, "demos.hdf5"))
    args = ["--task", opts.task, "--checkpoint", checkpoint, *(agent or []), "--episodes", str(opts.episodes)]
    args += ["--num_envs", str(opts.record_envs), "--seed", str(opts.seed), "--device", "cpu", "agent.device=cpu"]
    run(step_dir, [*args, "--out", demos], tool="genpo-record", output=demos)
    return demos


def pretrain(opts: argparse.Namespace, name: str, datasets: list[str], extra: list[str] | None = None) -> str:
    """Run ``genpo-pretrain`` on ``datasets`` into ``<out>/<name>/pretrained.pt``; return its path."""
    step_dir = os.path.join(opts.out, name)
    out = os.path.abspath(os.path.join(step_dir, "pretrained.pt"))
    args = ["--task", opts.task, "--dataset", *datasets, "--seed", str(opts.seed), *(extra or []), "--out", out]
    run(step_dir, args, tool="genpo-pretrain", output=out)
    return out


def evaluate(
    opts: argparse.Namespace, run_dir: str, seed: int, agent_key: str, overrides: list[str] | None = None
) -> None:
    """Evaluate a fine-tuning run's deterministic policy (GenPO's zero-noise flow, the Gaussian's mean) at its first
    and final checkpoints, as ``genpo-compare --eval_every`` does (``eval.json`` in the run folder); the agent and the
    Hydra ``overrides`` are the run's, so that its checkpoint loads."""
    from isaaclab_tasks_ext.compare.cli import isaaclab_run_args
    from isaaclab_tasks_ext.compare.evaluate import evaluate_run

    play = isaaclab_run_args(opts.task, agent_key, seed, "cpu", overrides or [])
    evaluate_run(run_dir, play, opts.iterations, opts.eval_episodes, os.path.basename(run_dir))


def distill(opts: argparse.Namespace) -> None:
    """Teacher, then student; write and print the report."""
    common = ["--task", opts.task, "--num_envs", str(opts.num_envs), "--seed", str(opts.seed), "--device", "cpu"]
    common += ["agent.device=cpu"]
    teacher_dir, student_dir = opts.teacher_run or os.path.join(opts.out, "teacher"), os.path.join(opts.out, "student")
    if opts.teacher_run is None:  # a given teacher run is only read, never trained into
        teacher = ["--agent", "rsl_rl_cfg_entry_point", "--max_iterations", str(opts.teacher_iterations)]
        run(teacher_dir, [*common, *teacher])
    run(
        student_dir,
        [
            *common,
            "--agent",
            "genpo_distill",
            "--checkpoint",
            last_model(teacher_dir),
            "--max_iterations",
            str(opts.iterations),
        ],
    )
    teacher, student = final_return(teacher_dir), final_return(student_dir)
    report = (
        f"## GenPO student distilled from a stock PPO teacher: {opts.task}\n\n"
        f"{opts.num_envs} envs, seed {opts.seed}; teacher "
        f"{opts.teacher_run or f'{opts.teacher_iterations} PPO iterations'} (its last model), student "
        f"{opts.iterations} distillation iterations (no reward used).\n\n"
        "| teacher return | student return | student / teacher |\n|---|---|---|\n"
        f"| {teacher:.2f} | {student:.2f} | {student / teacher:.1%} |\n"
    )
    with open(os.path.join(opts.out, "distill.md"), "w") as f:
        f.write(report)
    print(report)


def offline_online(opts: argparse.Namespace) -> None:
    """Record a mid-training teacher, clone it into GenPO and into the stock Gaussian, fine-tune ``--seeds`` runs of
    each with its own algorithm; compare with runs from scratch."""
    from isaaclab_tasks_ext.compare.report import write_plot

    demos = record(opts, "demos_mid", last_model(opts.teacher_run, opts.teacher_iteration))
    pretrained = pretrain(opts, "pretrain_mid", [demos])
    gaussian = pretrain(opts, "gaussian_pretrain_mid", [demos], [*GAUSSIAN, "--init_std_from", pretrained])
    prefix = f"finetune_{opts.finetune_name}_" if opts.finetune_name else "finetune_"
    for seed in range(opts.seeds):
        common = ["--task", opts.task, "--num_envs", str(opts.num_envs), "--seed", str(seed), "--device", "cpu"]
        common += ["agent.device=cpu", "--max_iterations", str(opts.iterations)]
        genpo_dir, gaussian_dir = (
            os.path.join(opts.out, f"{prefix}seed{seed}"),
            os.path.join(opts.out, f"gaussian_finetune_seed{seed}"),
        )
        run(genpo_dir, [*common, "--checkpoint", pretrained, *opts.finetune_override])
        run(gaussian_dir, [*common, *GAUSSIAN, "--checkpoint", gaussian])
        evaluate(opts, genpo_dir, seed, "genpo", opts.finetune_override)
        evaluate(opts, gaussian_dir, seed, PPO.agent_key)
    curves = finetune_curves(opts.out, opts.num_envs) + scratch_curves(opts.scratch, opts.num_envs, opts.iterations)
    title = f"{opts.task}: GenPO and Gaussian clones of {opts.episodes} PPO episodes vs from scratch"
    plot = write_plot(curves, opts.out, title)
    start = dataset_return(record(opts, "eval_pretrained", pretrained, ["--agent", "genpo"]))
    gaussian_start = dataset_return(record(opts, "gaussian_eval_pretrained", gaussian, GAUSSIAN))
    clone = torch.load(gaussian, map_location="cpu", weights_only=False)["infos"]["genpo_pretrain"]
    rows = [
        f"| data: PPO model_{opts.teacher_iteration}, zero noise | – | {dataset_return(demos):.2f} | – | – | – |",
        f"| pretrained GenPO before fine-tuning, zero noise | – | {start:.2f} | – | – | – |",
        f"| pretrained Gaussian before fine-tuning, its mean | – | {gaussian_start:.2f} | – | – | – |",
        *curve_rows(curves),
    ]
    report = (
        f"## Offline → online, {opts.task}\n\n{opts.episodes} episodes of PPO model_{opts.teacher_iteration} → "
        f"`genpo-pretrain` → GenPO, and the same episodes → `genpo-pretrain {' '.join(GAUSSIAN)}` → stock PPO "
        f"({GAUSSIAN_ARM}: mean std {statistics.fmean(clone['std']):.3g}, not below the GenPO clone's per-state spread "
        f"{statistics.fmean(clone['std_floor']):.3g}); {opts.num_envs} envs × {opts.iterations} iterations each; from-scratch "
        f"runs cut to the same iterations. Training returns are rsl_rl's `Train/mean_reward` (the last 100 finished "
        f"episodes; IsaacLab starts each environment at a random point of its first episode, so until one full "
        f"episode has passed they are partial-episode returns); the first three rows are {opts.episodes} recorded "
        f"episodes each. The final eval return is the deterministic policy's (GenPO: zero noise, Gaussian: its mean) at the "
        f"run's final checkpoint, {opts.eval_episodes} episodes per seed (from-scratch runs: `genpo-compare --eval_every`). "
        f"Plot: {plot}\n\n"
        "| run | seeds | return (first logged / recorded) | return @50% | final return | final eval return |\n"
        "|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n"
    )
    with open(os.path.join(opts.out, "offline_online.md"), "w") as f:
        f.write(report)
    print(report)


def awr(opts: argparse.Namespace) -> None:
    """Mixed-quality dataset (early + late checkpoint): plain vs advantage-weighted cloning, each policy's return."""
    early = record(opts, "demos_early", last_model(opts.teacher_run, opts.early_iteration))
    late = record(opts, "demos_late", last_model(opts.teacher_run, opts.teacher_iteration))
    rows = [
        f"| data: model_{opts.early_iteration} | {dataset_return(early):.2f} |",
        f"| data: model_{opts.teacher_iteration} | {dataset_return(late):.2f} |",
    ]
    for name, extra in (("plain", []), ("awr", ["--awr_beta", str(opts.awr_beta)])):
        pretrained = pretrain(opts, f"pretrain_{name}", [early, late], [*extra, "--epochs", str(opts.pretrain_epochs)])
        evaluation = record(opts, f"eval_{name}", pretrained, ["--agent", "genpo"])
        rows.append(
            f"| GenPO cloned, {name}{' β ' + str(opts.awr_beta) if extra else ''} | {dataset_return(evaluation):.2f} |"
        )
    report = (
        f"## Advantage-weighted vs plain cloning, {opts.task}\n\n{opts.episodes} episodes each of PPO model_"
        f"{opts.early_iteration} and model_{opts.teacher_iteration} in one dataset; each pretrained policy's return "
        f"over {opts.episodes} recorded episodes (zero-noise actions, no fine-tuning).\n\n"
        "| policy | mean episode return |\n|---|---|\n" + "\n".join(rows) + "\n"
    )
    with open(os.path.join(opts.out, "awr.md"), "w") as f:
        f.write(report)
    print(report)


def main() -> None:
    """Parse the command line and run the measurement."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["distill", "offline_online", "awr"])
    parser.add_argument("--task", required=True)
    parser.add_argument("--num_envs", type=int, default=256)
    parser.add_argument("--teacher_iterations", type=int, default=150, help="distill: PPO iterations of the teacher")
    parser.add_argument("--teacher_run", help="a finished PPO run directory to use as the teacher")
    parser.add_argument("--teacher_iteration", type=int, help="the teacher checkpoint (model_<k>.pt) to record")
    parser.add_argument("--early_iteration", type=int, default=10, help="awr: the early checkpoint to record")
    parser.add_argument("--episodes", type=int, default=16, help="episodes to record per checkpoint")
    parser.add_argument("--record_envs", type=int, default=16, help="environments while recording")
    parser.add_argument("--awr_beta", type=float, default=1.0)
    parser.add_argument("--pretrain_epochs", type=int, default=100, help="awr: genpo-pretrain --epochs")
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=2, help="offline_online: fine-tuning seeds")
    parser.add_argument("--scratch", help="offline_online: a genpo-compare output with genpo and ppo runs")
    parser.add_argument("--finetune_override", nargs="*", default=[], help="offline_online: overrides, e.g. k=v")
    parser.add_argument("--finetune_name", help="offline_online: name of that fine-tuning variant (its folders)")
    parser.add_argument(
        "--eval_episodes", type=int, default=32, help="offline_online: episodes per deterministic evaluation"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True)
    opts = parser.parse_args()
    if opts.what != "distill" and opts.teacher_run is None:
        parser.error(f"{opts.what} needs --teacher_run (a finished PPO run directory)")
    {"distill": distill, "offline_online": offline_online, "awr": awr}[opts.what](opts)


if __name__ == "__main__":
    main()
