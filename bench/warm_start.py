"""Warm-start measurements on an IsaacLab task: distil a trained stock PPO teacher into a GenPO student, no reward.

    python bench/warm_start.py distill --task Isaac-Cartpole-Direct --num_envs 256 --teacher_iterations 150 \\
        --iterations 100 --out runs/warm_start/cartpole

1. the teacher: stock PPO (``--agent rsl_rl_cfg_entry_point``), ``--teacher_iterations`` iterations;
2. the student: ``--agent genpo_distill --checkpoint <teacher's last model>``, ``--iterations`` iterations; the
   student acts in the environment, so the returns its run logs are the student's own;
3. the report (``<out>/distill.md``): the teacher's and the student's return (mean of the last 5 logged
   iterations) and their ratio. Finished steps are reused (``done.json``), like ``genpo-compare``.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys

from isaaclab_tasks_ext.compare.aggregate import read_curve

BIN = os.path.dirname(sys.executable)


def run(step_dir: str, args: list[str]) -> None:
    """Run ``genpo-train args`` in ``step_dir`` unless it finished before; raise with the log's tail on failure."""
    if os.path.exists(os.path.join(step_dir, "done.json")):
        print(f"{step_dir}: finished earlier, reusing it")
        return
    os.makedirs(step_dir, exist_ok=True)
    command = [os.path.join(BIN, "genpo-train"), *args]
    with open(os.path.join(step_dir, "train.log"), "w") as log:
        code = subprocess.run(command, cwd=step_dir, stdout=log, stderr=subprocess.STDOUT).returncode
    if code != 0:
        with open(os.path.join(step_dir, "train.log")) as f:
            raise SystemExit(f"{' '.join(command)} failed ({code}):\n{f.read()[-3000:]}")
    with open(os.path.join(step_dir, "done.json"), "w") as f:
        json.dump({"command": command}, f)


def final_return(step_dir: str, window: int = 5) -> float:
    """Mean ``Train/mean_reward`` of the last ``window`` logged iterations of the run in ``step_dir``."""
    returns = read_curve(step_dir, "", 0, 1).returns
    return sum(returns[-window:]) / len(returns[-window:])


def last_model(step_dir: str) -> str:
    """Path of the highest-numbered ``model_<k>.pt`` under ``step_dir``."""
    models = glob.glob(os.path.join(step_dir, "logs", "rsl_rl", "*", "*", "model_*.pt"))
    return os.path.abspath(max(models, key=lambda p: int(os.path.basename(p)[6:-3])))


def distill(opts: argparse.Namespace) -> None:
    """Teacher, then student; write and print the report."""
    common = ["--task", opts.task, "--num_envs", str(opts.num_envs), "--seed", str(opts.seed), "--device", "cpu"]
    common += ["agent.device=cpu"]
    teacher_dir, student_dir = os.path.join(opts.out, "teacher"), os.path.join(opts.out, "student")
    run(teacher_dir, [*common, "--agent", "rsl_rl_cfg_entry_point", "--max_iterations", str(opts.teacher_iterations)])
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
        f"{opts.num_envs} envs, seed {opts.seed}; teacher {opts.teacher_iterations} PPO iterations, student "
        f"{opts.iterations} distillation iterations (no reward used).\n\n"
        "| teacher return | student return | student / teacher |\n|---|---|---|\n"
        f"| {teacher:.2f} | {student:.2f} | {student / teacher:.1%} |\n"
    )
    with open(os.path.join(opts.out, "distill.md"), "w") as f:
        f.write(report)
    print(report)


def main() -> None:
    """Parse the command line and run the measurement."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["distill"])
    parser.add_argument("--task", required=True)
    parser.add_argument("--num_envs", type=int, default=256)
    parser.add_argument("--teacher_iterations", type=int, default=150)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True)
    distill(parser.parse_args())


if __name__ == "__main__":
    main()
