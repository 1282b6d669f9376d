"""Recurrent GenPO vs recurrent Gaussian PPO on the memory task, several seeds, training and deterministic return.

    python bench/memory_task.py [--seeds 3] [--checkpoints 4 8 16 30] [--rnn_type lstm] [--threads 1]

:class:`genpo_rsl.toy_env.CueRecallEnv` (T = 8: a cue at an episode's first step decides every later step's target;
without memory the return is at most −7, with it up to 0). Arms, each with the same runner settings
(:func:`genpo_rsl.toy_env.recurrent_train_cfg`, 64 envs × 16 steps per iteration): GenPO on ``RNNModel``, PPO on
``RNNModel`` (stock init std 1.0 and matched to GenPO's initial spread, 0.71), and GenPO on ``MLPModel`` (no memory:
the chance level). Training return at each checkpoint iteration: mean of the last 128 finished episodes.
Deterministic return at the last one: the deployed policy (GenPO zero noise, PPO mean) on 256 fresh episodes.
Prints mean ± std over seeds.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys

if not __package__:  # run as `python bench/memory_task.py`: import the bench package from the repository root
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import torch
from rsl_rl.runners import OnPolicyRunner

from bench.seed_stats import cell
from genpo_rsl.toy_env import CueRecallEnv, recurrent_train_cfg, train_cfg
from isaaclab_tasks_ext.agents import GAUSSIAN_INIT_STD_MATCHED

ARMS = ("genpo_rnn", "ppo_rnn", "ppo_rnn_matched", "genpo_mlp")


def arm_cfg(arm: str, rnn_type: str) -> dict:
    """Return the runner config of an arm of :data:`ARMS`."""
    if arm == "genpo_mlp":
        return train_cfg("genpo")
    cfg = recurrent_train_cfg(arm.split("_")[0], rnn_type=rnn_type)
    if arm == "ppo_rnn_matched":
        cfg["actor"]["distribution_cfg"]["init_std"] = GAUSSIAN_INIT_STD_MATCHED
    return cfg


@torch.inference_mode()
def deterministic_return(policy: torch.nn.Module, seed: int, episodes: int = 256) -> float:
    """Return the mean return of the deployed policy on ``episodes`` fresh episodes (memory reset at each start)."""
    env = CueRecallEnv(num_envs=episodes, seed=1000 + seed)
    env.episode_length_buf.zero_()  # all start together, so each env plays exactly one episode
    reset = getattr(policy, "reset", None)
    if reset is not None:
        reset()
    obs = env.get_observations()
    for _ in range(env.max_episode_length):
        obs, _, _, _ = env.step(policy(obs))
    return sum(env.completed_returns) / len(env.completed_returns)


def run(arm: str, seed: int, checkpoints: list[int], rnn_type: str) -> list[float]:
    """Train one arm and seed; return the training return at each checkpoint, then the deterministic return."""
    torch.manual_seed(seed)
    env = CueRecallEnv(num_envs=64, seed=seed)
    returns, done = [], 0
    with contextlib.redirect_stdout(io.StringIO()):
        runner = OnPolicyRunner(env, arm_cfg(arm, rnn_type), log_dir=None, device="cpu")
        for iteration in checkpoints:
            runner.learn(iteration - done)
            done = iteration
            returns.append(env.mean_recent_return(128))
    return [*returns, deterministic_return(runner.get_inference_policy(), seed)]


def main() -> None:
    """Parse the arguments, run every arm and seed, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--checkpoints", type=int, nargs="+", default=[4, 8, 16, 30])
    parser.add_argument("--rnn_type", choices=["lstm", "gru"], default="lstm")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(
        f"CueRecallEnv (T=8, chance -7), 64 envs x 16 steps per iteration, {args.rnn_type}, seeds 0..{args.seeds - 1}"
    )
    heads = [f"training return @ it {k}" for k in args.checkpoints] + [f"deterministic @ it {args.checkpoints[-1]}"]
    print(f"| arm | {' | '.join(heads)} |\n|---|{'---|' * len(heads)}")
    for arm in ARMS:
        results = [run(arm, seed, sorted(args.checkpoints), args.rnn_type) for seed in range(args.seeds)]
        cells = [cell(list(values), ".2f", ".2f") for values in zip(*results, strict=True)]
        print(f"| {arm} | {' | '.join(cells)} |", flush=True)


if __name__ == "__main__":
    main()
