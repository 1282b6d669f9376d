"""``bench/warm_start.py``'s readers: a run's final return and checkpoint, a recorded dataset's return, and the
fine-tuning and from-scratch curves of ``offline_online`` with their table rows."""

from __future__ import annotations

import glob
import os

import torch

from bench.seed_stats import cell
from bench.variants import window
from isaaclab_tasks_ext.compare.aggregate import Curve, add_eval, read_curve, read_eval

GAUSSIAN_ARM = "ppo, pretrained (Gaussian clone)"
"""The Gaussian arm's name in the plot and the table."""


def final_return(step_dir: str, window: int = 5) -> float:
    """Mean ``Train/mean_reward`` of the last ``window`` logged iterations of the run in ``step_dir``."""
    returns = read_curve(step_dir, "", 0, 1).returns
    return sum(returns[-window:]) / len(returns[-window:])


def last_model(step_dir: str, iteration: int | None = None) -> str:
    """Path of ``model_<iteration>.pt`` (default: the highest-numbered one) under ``step_dir``."""
    models = glob.glob(os.path.join(step_dir, "logs", "rsl_rl", "*", "*", "model_*.pt"))
    if iteration is not None:
        models = [p for p in models if os.path.basename(p) == f"model_{iteration}.pt"]
    if not models:
        raise SystemExit(f"{step_dir}: no model_{'*' if iteration is None else iteration}.pt under logs/rsl_rl/*/*/")
    return os.path.abspath(max(models, key=lambda p: int(os.path.basename(p)[6:-3])))


def dataset_return(path: str) -> float:
    """Mean episode return (sum of rewards) of a recorded dataset."""
    from genpo_rsl import load_demonstrations

    demos = load_demonstrations(path)
    returns = torch.zeros(int(demos.episode.max()) + 1).index_add_(0, demos.episode, demos.rewards.float())
    return float(returns.mean())


def finetune_curves(out: str, num_envs: int) -> list[Curve]:
    """The fine-tuning runs under ``out``: every GenPO variant run so far (``finetune_*seed<k>``) and the Gaussian arm."""
    from isaaclab_tasks_ext.compare.cli import steps_per_iteration

    runs = []
    for step_dir in sorted(glob.glob(os.path.join(out, "finetune_*seed*"))):
        variant = os.path.basename(step_dir).removeprefix("finetune_").rsplit("seed", 1)[0].strip("_")
        runs.append((step_dir, f"genpo, pretrained{', ' + variant if variant else ''}"))
    runs += [(d, GAUSSIAN_ARM) for d in sorted(glob.glob(os.path.join(out, "gaussian_finetune_seed*")))]
    return [read_run(d, name, steps_per_iteration(d, num_envs)) for d, name in runs]


def scratch_curves(scratch: str, num_envs: int, iterations: int) -> list[Curve]:
    """The GenPO and PPO runs of the ``genpo-compare`` output ``scratch``, cut to their first ``iterations``."""
    from isaaclab_tasks_ext.compare.cli import steps_per_iteration

    curves = []
    for algorithm in ("genpo", "ppo"):
        for run_dir in sorted(glob.glob(os.path.join(scratch, "runs", f"{algorithm}_seed*"))):
            per_iteration = steps_per_iteration(run_dir, num_envs)
            curves.append(read_run(run_dir, f"{algorithm}, scratch", per_iteration).until(iterations))
    return curves


def read_run(run_dir: str, name: str, steps_per_iteration: int) -> Curve:
    """One run's curve with its deterministic evaluations (``eval.json``, if any)."""
    curve = read_curve(run_dir, name, _seed(run_dir), steps_per_iteration)
    return add_eval(curve, read_eval(run_dir), steps_per_iteration)


def curve_rows(curves: list[Curve]) -> list[str]:
    """One table row per run name: seeds, first logged, @50% and final training return, and the deterministic return
    at the final checkpoint (mean ± std over seeds; "–" where no run of that name was evaluated)."""
    rows = []
    for name in sorted({c.algorithm for c in curves}):
        runs = [c for c in curves if c.algorithm == name and c.returns]
        first = [c.returns[0] for c in runs]
        half, final = [window(c.returns, 0.5) for c in runs], [window(c.returns, 1.0) for c in runs]
        evaluated = [c.eval_returns[-1] for c in runs if c.eval_returns]
        rows.append(f"| {name} | {len(runs)} | {cell(first)} | {cell(half)} | {cell(final)} | {cell(evaluated)} |")
    return rows


def _seed(run_dir: str) -> int:
    """The seed in a ``..._seed<k>`` run folder's name."""
    return int(run_dir.rsplit("seed", 1)[1])
