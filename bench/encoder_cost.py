"""Cost of one rsl_rl iteration with an image encoder: GenPO on ``CNNModel`` vs Gaussian PPO on ``CNNModel``.

    python bench/encoder_cost.py [--num_envs 256] [--iterations 5] [--threads 1]

Both runs use :class:`genpo_rsl.toy_env.ImageReachEnv` (a 1×9×9 goal image plus the 2-D position), the same CNN
encoder (``toy_env.CNN_CFG``), the same runner settings and torch thread count, in this one process, one after the
other. Prints the median seconds per iteration (rollout + update, after one warm-up iteration) of each and the ratio
GenPO / PPO measured in this run. A CPU figure: a GPU changes the ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import time

import torch
from rsl_rl.runners import OnPolicyRunner

from genpo_rsl.toy_env import ImageReachEnv, image_train_cfg


def seconds_per_iteration(algorithm: str, num_envs: int, iterations: int) -> float:
    """Return the median wall-clock seconds of one ``learn`` iteration of ``algorithm`` on the image task.

    Args:
        algorithm: ``"genpo"`` or ``"ppo"``.
        num_envs: Parallel environments.
        iterations: Timed iterations (after one warm-up).

    Returns:
        The median seconds per iteration.
    """
    torch.manual_seed(0)
    with contextlib.redirect_stdout(io.StringIO()):
        runner = OnPolicyRunner(ImageReachEnv(num_envs=num_envs), image_train_cfg(algorithm), None, "cpu")
        runner.learn(1)
        times = []
        for _ in range(iterations):
            start = time.perf_counter()
            runner.learn(1)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Parse the arguments, time both algorithms, print the table and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--num_envs", type=int, default=256)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="torch threads for both runs")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    seconds = {alg: seconds_per_iteration(alg, args.num_envs, args.iterations) for alg in ("ppo", "genpo")}
    print(
        f"ImageReachEnv, {args.num_envs} envs, {args.threads} torch thread(s), median of {args.iterations} iterations"
    )
    print("| algorithm | s / iteration |\n|---|---|")
    for alg, value in seconds.items():
        print(f"| {alg} (CNNModel) | {value:.3f} |")
    print(f"GenPO / PPO time per iteration: {seconds['genpo'] / seconds['ppo']:.2f}x")


if __name__ == "__main__":
    main()
