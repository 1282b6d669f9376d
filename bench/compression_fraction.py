"""Does the compression loss need the whole minibatch? Learning and update time vs ``compression_fraction``.

    python bench/compression_fraction.py [--fractions 1.0 0.25] [--seeds 3] [--iterations 40] [--action_dim 8]

Trains GenPO with the stock OnPolicyRunner on PointReachEnv (the test environment of genpo_rsl.toy_env) and prints,
per fraction, the mean ± std over seeds of the final return (last 128 episodes), the final compression loss
(mean (x - y)^2 of a fresh sample) and the learning time per iteration, all measured in one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

if not __package__:  # run as `python bench/compression_fraction.py`: import the bench package from the repository root
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import torch
from rsl_rl.runners import OnPolicyRunner

from bench.seed_stats import cell
from genpo_rsl.toy_env import PointReachEnv, train_cfg


def run(fraction: float, seed: int, iterations: int, action_dim: int, num_envs: int) -> tuple[float, float, float]:
    """Train one seed; return (final return, final compression loss, learning seconds per iteration)."""
    torch.manual_seed(seed)
    env = PointReachEnv(num_envs=num_envs, action_dim=action_dim, seed=seed)
    cfg = train_cfg("genpo", compression_fraction=fraction, entropy_coef=0.0)
    cfg["actor"].update(hidden_dims=[256, 128], time_hidden_dims=[64, 64], activation="mish")
    runner = OnPolicyRunner(env, cfg, log_dir=None, device="cpu")
    learn_s = 0.0
    original = runner.alg.update

    def timed_update() -> dict[str, float]:
        nonlocal learn_s
        start = time.perf_counter()
        out = original()
        learn_s += time.perf_counter() - start
        return out

    runner.alg.update = timed_update  # type: ignore[method-assign]
    runner.learn(iterations)
    with torch.no_grad():
        compression = runner.alg.actor.halves_gap(env.get_observations()).pow(2).mean().item()
    return env.mean_recent_return(128), compression, learn_s / iterations


def main() -> None:
    """Run every (fraction, seed) and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fractions", type=float, nargs="+", default=[1.0, 0.25])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--action_dim", type=int, default=8)
    parser.add_argument("--num_envs", type=int, default=256)
    args = parser.parse_args()
    print(f"PointReachEnv d={args.action_dim}, {args.num_envs} envs, {args.iterations} iterations, {args.seeds} seeds")
    print("| compression_fraction | final return | compression loss | update s/iteration |\n|---|---|---|---|")
    for fraction in args.fractions:
        results = [run(fraction, s, args.iterations, args.action_dim, args.num_envs) for s in range(args.seeds)]
        cols = list(zip(*results))
        print(
            f"| {fraction} | {cell(list(cols[0]))} | {cell(list(cols[1]))} | {statistics.mean(cols[2]):.3f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
