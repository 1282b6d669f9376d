"""Outputs of a comparison: CSV/JSON of the curves, a PNG with mean ± std bands, a markdown table."""

from __future__ import annotations

import csv
import json
import os

from isaaclab_tasks_ext.agents import AGENTS, BASELINE, label
from isaaclab_tasks_ext.compare.aggregate import Curve, band_over_steps, band_over_time, summary


def write_curves(curves: list[Curve], out_dir: str) -> str:
    """Write every run's (iteration, steps, time, return) rows to ``curves.csv`` and ``curves.json``."""
    path = os.path.join(out_dir, "curves.csv")
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["algorithm", "seed", "iteration", "env_steps", "wall_time_s", "mean_return"])
        for c in curves:
            for row in zip(c.iterations, c.steps, c.time_s, c.returns):
                writer.writerow([c.algorithm, c.seed, *row])
    with open(os.path.join(out_dir, "curves.json"), "w") as f:
        json.dump([c.__dict__ for c in curves], f)
    return path


def write_plot(curves: list[Curve], out_dir: str, title: str) -> str:
    """Write ``comparison.png``: return vs env steps and vs wall-clock, mean ± std over seeds."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for algorithm in sorted({c.algorithm for c in curves}):
        runs = [c for c in curves if c.algorithm == algorithm and c.returns]
        if not runs:
            continue
        for ax, band in ((axes[0], band_over_steps(runs)), (axes[1], band_over_time(runs))):
            points = [(x, m, s) for x, m, s in zip(band.x, band.mean, band.std) if m == m]
            if not points:
                continue
            x, m, s = zip(*points)
            ax.plot(x, m, label=f"{label(algorithm)} ({len(runs)} seeds)")
            ax.fill_between(x, [a - b for a, b in zip(m, s)], [a + b for a, b in zip(m, s)], alpha=0.25)
    axes[0].set_xlabel("environment steps")
    axes[1].set_xlabel("wall-clock time [s] (collection + learning)")
    for ax in axes:
        ax.set_ylabel("mean episode return")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    path = os.path.join(out_dir, "comparison.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_table(curves: list[Curve], out_dir: str, steps_per_iteration: dict[str, int], header: str) -> str:
    """Write ``results.md`` (and ``summary.json``): final return, steps/s, collection vs learning time."""
    rows, stats = [], {}
    for algorithm in sorted({c.algorithm for c in curves}):
        s = summary([c for c in curves if c.algorithm == algorithm], steps_per_iteration[algorithm])
        stats[algorithm] = s
        rows.append(
            f"| {label(algorithm)} | {s['seeds']} | {s['final_return_mean']:.2f} ± "
            f"{s['final_return_std']:.2f} | {s['steps_per_s']:.0f} | {s['collect_s_per_iteration']:.2f} | "
            f"{s['learn_s_per_iteration']:.2f} |"
        )
    rows += _speed_ratios(stats)
    rows.append(
        "\nTimes are medians over all iterations of all seeds (robust to a few iterations slowed by other jobs)."
    )
    text = (
        f"{header}\n\n| algorithm | seeds | final return (mean ± std) | steps/s | collect s/it | learn s/it |\n"
        "|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n"
    )
    path = os.path.join(out_dir, "results.md")
    with open(path, "w") as f:
        f.write(text)
    with open(os.path.join(out_dir, "summary.json"), "w") as f:
        json.dump(stats, f, indent=2)
    return path


def _speed_ratios(stats: dict[str, dict[str, float]]) -> list[str]:
    """One line per flow algorithm in ``stats``: its steps per second over the baseline PPO's."""
    if BASELINE not in stats:
        return []
    flows = [a for a in stats if a in AGENTS and AGENTS[a].checkpoint_marker is not None]
    return [
        f"\n{label(a)} / PPO steps per second, measured in this run: "
        f"**{stats[a]['steps_per_s'] / stats[BASELINE]['steps_per_s']:.2f}×**"
        for a in flows
    ]
