"""Learning curves of a comparison: read rsl_rl TensorBoard logs, align seeds, mean ± std."""

from __future__ import annotations

import bisect
import glob
import math
import os
import statistics
from dataclasses import dataclass, field, fields, replace


@dataclass
class Curve:
    """One run's logged scalars, one entry per learning iteration that logged a return."""

    algorithm: str
    seed: int
    iterations: list[int] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    time_s: list[float] = field(default_factory=list)
    returns: list[float] = field(default_factory=list)
    collect_s: list[float] = field(default_factory=list)
    learn_s: list[float] = field(default_factory=list)

    def until(self, iteration: int) -> Curve:
        """Return the curve cut to the iterations before ``iteration`` (a shorter run with the same budget)."""
        n = bisect.bisect_left(self.iterations, iteration)
        return replace(
            self, **{f.name: getattr(self, f.name)[:n] for f in fields(self) if isinstance(getattr(self, f.name), list)}
        )


@dataclass
class Band:
    """Mean and std over seeds on a common x grid; ``count`` seeds contribute at each point."""

    x: list[float]
    mean: list[float]
    std: list[float]
    count: list[int]


def read_curve(run_dir: str, algorithm: str, seed: int, steps_per_iteration: int) -> Curve:
    """Read ``Train/mean_reward`` and ``Perf/*`` from the TensorBoard event files under ``run_dir``."""
    if not event_files(run_dir):
        raise FileNotFoundError(f"no TensorBoard event file under {run_dir}")
    scalars = read_event_scalars(run_dir, ("Train/mean_reward", "Perf/collection_time", "Perf/learning_time"))
    return curve_from_scalars(algorithm, seed, scalars, steps_per_iteration)


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


def band_over_steps(curves: list[Curve]) -> Band:
    """Mean ± std over seeds at each logged step count (seeds that stopped earlier drop out)."""
    grid = sorted({s for c in curves for s in c.steps})
    values = [[c.returns[c.steps.index(s)] for c in curves if s in c.steps] for s in grid]
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
    machine do not dominate.
    """
    finals = [c.returns[-1] for c in curves if c.returns]
    mean, std = _mean_std(finals)
    collect = [t for c in curves for t in c.collect_s]
    learn = [t for c in curves for t in c.learn_s]
    per_it = _median([a + b for a, b in zip(collect, learn)])
    return {
        "seeds": len(curves),
        "final_return_mean": mean,
        "final_return_std": std,
        "steps_per_s": steps_per_iteration / per_it if per_it > 0 else float("nan"),
        "collect_s_per_iteration": _median(collect),
        "learn_s_per_iteration": _median(learn),
    }


def _median(values: list[float]) -> float:
    """Median (NaN for none)."""
    return statistics.median(values) if values else float("nan")


def _band(x: list[float], values: list[list[float]]) -> Band:
    stats = [_mean_std(v) for v in values]
    return Band(x, [m for m, _ in stats], [s for _, s in stats], [len(v) for v in values])


def _mean_std(values: list[float]) -> tuple[float, float]:
    """Mean and population std (0 for one value, NaN for none)."""
    if not values:
        return float("nan"), float("nan")
    mean = sum(values) / len(values)
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def _interp(t: float, xs: list[float], ys: list[float]) -> float | None:
    """Linear interpolation of ``ys`` at ``t``; ``None`` outside ``[xs[0], xs[-1]]``."""
    if not xs or t < xs[0] or t > xs[-1]:
        return None
    i = max(1, bisect.bisect_left(xs, t))
    if i >= len(xs) or xs[i] == xs[i - 1]:
        return ys[min(i, len(xs) - 1)]
    w = (t - xs[i - 1]) / (xs[i] - xs[i - 1])
    return ys[i - 1] + w * (ys[i] - ys[i - 1])
