"""Cost of one rsl_rl iteration with an encoder model: GenPO vs Gaussian PPO on ``CNNModel`` and on ``RNNModel``.

    python bench/encoder_cost.py [--models cnn rnn] [--num_envs 256] [--iterations 5] [--threads 1]

``cnn``: :class:`genpo_rsl.toy_env.ImageReachEnv` (a 1×9×9 goal image plus the 2-D position), the CNN encoder
``toy_env.CNN_CFG``. ``rnn``: :class:`genpo_rsl.toy_env.CueRecallEnv` with the GRU ``toy_env.RNN_CFG`` in actor and
critic (rsl_rl's padded trajectory minibatches). Per model both algorithms run with the same runner settings and torch
thread count, in this one process, one after the other. Prints the median seconds per iteration (rollout + update,
after one warm-up iteration) and the ratio GenPO / PPO measured in this run. A CPU figure: a GPU changes the ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import time

import torch
from rsl_rl.runners import OnPolicyRunner

from genpo_rsl.toy_env import CueRecallEnv, ImageReachEnv, image_train_cfg, recurrent_train_cfg

TASKS = {
    "cnn": ("CNNModel", ImageReachEnv, image_train_cfg),
    "rnn": ("RNNModel", CueRecallEnv, recurrent_train_cfg),
}
"""Model kind → (rsl_rl model class, toy env, runner config)."""


def seconds_per_iteration(model: str, algorithm: str, num_envs: int, iterations: int) -> float:
    """Return the median wall-clock seconds of one ``learn`` iteration of ``algorithm`` on a model's toy task.

    Args:
        model: ``"cnn"`` or ``"rnn"`` (:data:`TASKS`).
        algorithm: ``"genpo"`` or ``"ppo"``.
        num_envs: Parallel environments.
        iterations: Timed iterations (after one warm-up).

    Returns:
        The median seconds per iteration.
    """
    torch.manual_seed(0)
    with contextlib.redirect_stdout(io.StringIO()):
        _, env_class, cfg = TASKS[model]
        runner = OnPolicyRunner(env_class(num_envs=num_envs), cfg(algorithm), None, "cpu")
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
    parser.add_argument("--models", nargs="+", choices=list(TASKS), default=list(TASKS))
    parser.add_argument("--num_envs", type=int, default=256)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="torch threads for both runs")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"{args.num_envs} envs, {args.threads} torch thread(s), median of {args.iterations} iterations")
    print("| model | task | PPO s / it | GenPO s / it | GenPO / PPO |\n|---|---|---|---|---|")
    for model in args.models:
        seconds = {alg: seconds_per_iteration(model, alg, args.num_envs, args.iterations) for alg in ("ppo", "genpo")}
        name, env_class, _ = TASKS[model]
        ratio = seconds["genpo"] / seconds["ppo"]
        print(f"| {name} | {env_class.__name__} | {seconds['ppo']:.3f} | {seconds['genpo']:.3f} | {ratio:.2f}x |")


if __name__ == "__main__":
    main()
