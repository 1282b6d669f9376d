"""Learning curves of a comparison: read rsl_rl TensorBoard logs and ``eval.json``, align seeds, mean ± std."""

from __future__ import annotations

import bisect
import glob
import json
import math
import os
import re
import statistics
from dataclasses import dataclass, field, fields, replace

EVAL_FILE = "eval.json"
"""A run's evaluation of the deterministic policy (:mod:`isaaclab_tasks_ext.compare.evaluate`), in its folder."""

CHECKPOINT_NAME = re.compile(r"model_(\d+)\.pt")
"""rsl_rl's checkpoint file name; the group is the learning iteration."""


@dataclass
class Curve:
    """One run's logged scalars, one entry per learning iteration that logged a return.

    The ``eval_*`` lists hold the evaluation of the deterministic policy (``eval.json``), one entry per evaluated
    checkpoint ``model_<k>.pt``: at ``eval_steps`` ``(k + 1) × steps per iteration``, the env steps its policy was
    trained on; ``eval_std`` is the std over that checkpoint's ``eval_episodes`` episodes.
    """

    algorithm: str
    seed: int
    iterations: list[int] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    time_s: list[float] = field(default_factory=list)
    returns: list[float] = field(default_factory=list)
    collect_s: list[float] = field(default_factory=list)
    learn_s: list[float] = field(default_factory=list)
    eval_iterations: list[int] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    eval_returns: list[float] = field(default_factory=list)
    eval_std: list[float] = field(default_factory=list)
    eval_episodes: list[int] = field(default_factory=list)

    def until(self, iteration: int) -> Curve:
        """Return the curve cut to the iterations before ``iteration`` (a shorter run with the same budget)."""
        n = bisect.bisect_left(self.iterations, iteration)
        n_eval = bisect.bisect_left(self.eval_iterations, iteration)
        return replace(
            self,
            **{
                f.name: getattr(self, f.name)[: n_eval if f.name.startswith("eval_") else n]
                for f in fields(self)
                if isinstance(getattr(self, f.name), list)
            },
        )


@dataclass
class Band:
    """Mean and std over seeds on a common x grid; ``count`` seeds contribute at each point."""

    x: list[float]
    mean: list[float]
    std: list[float]
    count: list[int]


def read_curve(run_dir: str, algorithm: str, seed: int, steps_per_iteration: int) -> Curve:
    """Read ``Train/mean_reward`` and ``Perf/*`` from the TensorBoard event files under ``run_dir``, and its
    ``eval.json`` if there is one."""
    if not event_files(run_dir):
        raise FileNotFoundError(f"no TensorBoard event file under {run_dir}")
    scalars = read_event_scalars(run_dir, ("Train/mean_reward", "Perf/collection_time", "Perf/learning_time"))
    curve = curve_from_scalars(algorithm, seed, scalars, steps_per_iteration)
    return add_eval(curve, read_eval(run_dir), steps_per_iteration)


def read_eval(run_dir: str) -> dict[int, dict]:
    """Return ``{k: {"mean", "std", "episodes", ...}}`` from the run's ``eval.json``; ``{}`` without one."""
    path = os.path.join(run_dir, EVAL_FILE)
    if not os.path.isfile(path):
        return {}
    with open(path) as f:
        return {int(k): v for k, v in json.load(f).items()}


def add_eval(curve: Curve, evaluated: dict[int, dict], steps_per_iteration: int) -> Curve:
    """Fill the ``eval_*`` lists of ``curve`` from ``evaluated`` (:func:`read_eval`), in iteration order."""
    for k in sorted(evaluated):
        curve.eval_iterations.append(k)
        curve.eval_steps.append((k + 1) * steps_per_iteration)
        curve.eval_returns.append(evaluated[k]["mean"])
        curve.eval_std.append(evaluated[k]["std"])
        curve.eval_episodes.append(evaluated[k]["episodes"])
    return curve


def run_checkpoints(run_dir: str) -> list[tuple[int, str]]:
    """Return ``(k, absolute path)`` of every ``model_<k>.pt`` under ``run_dir/logs``, oldest ``(k, mtime)`` first.

    A resumed run has one log folder per session; a ``k`` saved in two of them appears twice, the newer file last.
    """
    found = []
    for path in glob.glob(os.path.join(run_dir, "logs", "**", "model_*.pt"), recursive=True):
        if match := CHECKPOINT_NAME.fullmatch(os.path.basename(path)):
            found.append((int(match[1]), os.path.getmtime(path), os.path.abspath(path)))
    return [(k, path) for k, _, path in sorted(found)]


def event_files(run_dir: str) -> list[str]:
    """Return the TensorBoard event files under ``run_dir`` (a resumed run has one per session), in order."""
    return sorted(glob.glob(os.path.join(run_dir, "**", "events.out.tfevents.*"), recursive=True))


def read_event_scalars(
    run_dir: str, tags: tuple[str, ...], fallback: dict[str, tuple[str, ...]] | None = None
) -> dict[str, dict[int, float]]:
    """Return ``{tag: {step: value}}`` over all event files of ``run_dir``; a missing tag reads its ``fallback`` tags.

    In each file the first of ``(tag, *fallback[tag])`` that was logged is read; later files override earlier steps.
    """
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    scalars: dict[str, dict[int, float]] = {}
    for path in event_files(run_dir):
        acc = EventAccumulator(path, size_guidance={"scalars": 0})
        acc.Reload()
        logged = acc.Tags()["scalars"]
        for tag in tags:
            name = next((n for n in (tag, *(fallback or {}).get(tag, ())) if n in logged), None)
            if name is not None:
                scalars.setdefault(tag, {}).update({e.step: e.value for e in acc.Scalars(name)})
    return scalars


def curve_from_scalars(
    algorithm: str, seed: int, scalars: dict[str, dict[int, float]], steps_per_iteration: int
) -> Curve:
    """Build a :class:`Curve` from per-iteration scalars (iteration -> value per tag)."""
    curve = Curve(algorithm, seed)
    collect, learn = scalars.get("Perf/collection_time", {}), scalars.get("Perf/learning_time", {})
    rewards = scalars.get("Train/mean_reward", {})
    elapsed = 0.0
    for it in sorted(set(collect) | set(rewards)):
        elapsed += collect.get(it, 0.0) + learn.get(it, 0.0)
        if it in rewards:
            curve.iterations.append(it)
            curve.steps.append((it + 1) * steps_per_iteration)
            curve.time_s.append(elapsed)
            curve.returns.append(rewards[it])
        curve.collect_s.append(collect.get(it, 0.0))
        curve.learn_s.append(learn.get(it, 0.0))
    return curve


def band_over_steps(curves: list[Curve], evaluated: bool = False) -> Band:
    """Mean ± std over seeds at each logged step count (seeds that stopped earlier drop out).

    ``evaluated``: of the deterministic policy's eval returns at the evaluated checkpoints instead of the training
    returns.
    """
    series = [(c.eval_steps, c.eval_returns) if evaluated else (c.steps, c.returns) for c in curves]
    grid = sorted({s for steps, _ in series for s in steps})
    values = [[returns[steps.index(s)] for steps, returns in series if s in steps] for s in grid]
    return _band([float(s) for s in grid], values)


def band_over_time(curves: list[Curve], points: int = 100) -> Band:
    """Mean ± std over seeds on a uniform wall-clock grid (linear interpolation, no extrapolation)."""
    end = max((c.time_s[-1] for c in curves if c.time_s), default=0.0)
    grid = [end * (i + 1) / points for i in range(points)]
    values = [[v for c in curves if (v := _interp(t, c.time_s, c.returns)) is not None] for t in grid]
    return _band(grid, values)


def summary(curves: list[Curve], steps_per_iteration: int) -> dict[str, float]:
    """Final return (mean ± std over seeds of each run's last value); steps/s and collect/learn s per iteration.

    Times are medians over all iterations of all seeds, so that a few iterations slowed by other jobs on a shared
    machine do not dominate. With evaluations (:attr:`Curve.eval_returns`) also the final eval return: mean ± std over
    the ``eval_seeds`` evaluated seeds of each one's last evaluated checkpoint, and its ``eval_episodes``.
    """
    finals = [c.returns[-1] for c in curves if c.returns]
    mean, std = _mean_std(finals)
    collect = [t for c in curves for t in c.collect_s]
    learn = [t for c in curves for t in c.learn_s]
    per_it = _median([a + b for a, b in zip(collect, learn)])
    stats = {
        "seeds": len(curves),
        "final_return_mean": mean,
        "final_return_std": std,
        "steps_per_s": steps_per_iteration / per_it if per_it > 0 else float("nan"),
        "collect_s_per_iteration": _median(collect),
        "learn_s_per_iteration": _median(learn),
    }
    evaluated = [c for c in curves if c.eval_returns]
    if evaluated:
        eval_mean, eval_std = _mean_std([c.eval_returns[-1] for c in evaluated])
        stats |= {
            "eval_seeds": len(evaluated),
            "final_eval_return_mean": eval_mean,
            "final_eval_return_std": eval_std,
            "eval_episodes": min(c.eval_episodes[-1] for c in evaluated),
        }
    return stats


def _median(values: list[float]) -> float:
    """Median (NaN for none)."""
    return statistics.median(values) if values else float("nan")


def _band(x: list[float], values: list[list[float]]) -> Band:
    stats = [_mean_std(v) for v in values]
    return Band(x, [m for m, _ in stats], [s for _, s in stats], [len(v) for v in values])


def _mean_std(values: list[float]) -> tuple[float, float]:
    """Mean and sample std over seeds (``n − 1`` in the denominator, as ``bench/variants.py``; 0 for one value, NaN
    for none)."""
    if not values:
        return float("nan"), float("nan")
    mean = sum(values) / len(values)
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / max(1, len(values) - 1))


def _interp(t: float, xs: list[float], ys: list[float]) -> float | None:
    """Linear interpolation of ``ys`` at ``t``; ``None`` outside ``[xs[0], xs[-1]]``."""
    if not xs or t < xs[0] or t > xs[-1]:
        return None
    i = max(1, bisect.bisect_left(xs, t))
    if i >= len(xs) or xs[i] == xs[i - 1]:
        return ys[min(i, len(xs) - 1)]
    w = (t - xs[i - 1]) / (xs[i] - xs[i - 1])
    return ys[i - 1] + w * (ys[i] - ys[i - 1])
