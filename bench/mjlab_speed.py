"""GenPO vs Gaussian PPO speed on an mjlab task, interleaved in one process so both see the same load.

Builds the task's env once and two stock-runner instances on it: the ``-GenPO`` task's config and the stock one.
Then it alternates one training iteration of each (``runner.learn(1)``) and prints the median time per iteration,
the env steps per second and their ratio. Interleaving makes the ratio robust to other jobs on the machine (the
absolute times are not). An integration and cost check, not a learning result. Run it in ``.venv-mjlab``::

    OMP_NUM_THREADS=1 .venv-mjlab/bin/python bench/mjlab_speed.py --task Mjlab-Velocity-Flat-Unitree-Go1 \\
        --num_envs 64 --rounds 4
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import asdict


def build_runner(task_id: str, env, log_dir: str):
    """Return the task's runner class built on ``env`` with the task's rl config (tensorboard logging)."""
    from mjlab.rl import MjlabOnPolicyRunner
    from mjlab.tasks.registry import load_rl_cfg, load_runner_cls

    cfg = asdict(load_rl_cfg(task_id))
    cfg["logger"] = "tensorboard"
    return (load_runner_cls(task_id) or MjlabOnPolicyRunner)(env, cfg, log_dir=log_dir, device="cpu")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", default="Mjlab-Velocity-Flat-Unitree-Go1", help="stock mjlab task id")
    parser.add_argument("--num_envs", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=4, help="iterations of each algorithm, alternating")
    args = parser.parse_args()
    if args.num_envs < 1 or args.rounds < 2:
        parser.error(f"--num_envs {args.num_envs} / --rounds {args.rounds} is invalid; allowed: >= 1 / >= 2")

    import torch
    from mjlab.envs import ManagerBasedRlEnv
    from mjlab.rl import RslRlVecEnvWrapper
    from mjlab.tasks.registry import load_env_cfg, load_rl_cfg

    import mjlab_tasks_ext

    torch.set_num_threads(1)
    mjlab_tasks_ext.register()
    genpo_id = mjlab_tasks_ext.genpo_task_id(args.task)
    env_cfg = load_env_cfg(args.task)
    env_cfg.scene.num_envs = args.num_envs
    env = RslRlVecEnvWrapper(ManagerBasedRlEnv(cfg=env_cfg, device="cpu"))
    steps = load_rl_cfg(args.task).num_steps_per_env * args.num_envs
    times: dict[str, list[float]] = {"GenPO": [], "PPO": []}
    with tempfile.TemporaryDirectory() as tmp:
        runners = {
            "GenPO": build_runner(genpo_id, env, f"{tmp}/genpo"),
            "PPO": build_runner(args.task, env, f"{tmp}/ppo"),
        }
        for round_ in range(args.rounds + 1):  # round 0 warms both up and is not counted
            for name, runner in runners.items():
                start = time.perf_counter()
                runner.learn(num_learning_iterations=1)
                if round_ > 0:
                    times[name].append(time.perf_counter() - start)
            print(f"round {round_}/{args.rounds} done", flush=True)
    env.close()
    median = {name: statistics.median(t) for name, t in times.items()}
    print(
        f"\n## {args.task}: {args.num_envs} envs x {steps // args.num_envs} steps, {args.rounds} rounds, CPU, 1 thread"
    )
    print("| algorithm | s/iteration (median) | env steps/s |\n|---|---|---|")
    for name, seconds in median.items():
        print(f"| {name} | {seconds:.2f} | {steps / seconds:.0f} |")
    print(f"\nGenPO / PPO steps per second, interleaved in one process: **{median['PPO'] / median['GenPO']:.2f}x**")


if __name__ == "__main__":
    main()
