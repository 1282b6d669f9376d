"""Outputs of a comparison: CSV/JSON of the curves, a PNG with mean ± std bands, a markdown table."""

from __future__ import annotations

import csv
import json
import math
import os

from isaaclab_tasks_ext.agents import AGENTS, BASELINE, label
from isaaclab_tasks_ext.compare.aggregate import Band, Curve, band_over_steps, band_over_time, summary


def write_curves(curves: list[Curve], out_dir: str) -> str:
    """Write every run's rows to ``curves.csv`` (and all its series to ``curves.json``).

    One row per iteration that logged a training return or was evaluated (``eval.json``); a cell without a value
    (no training return, no evaluation at that iteration) is empty.
    """
    path = os.path.join(out_dir, "curves.csv")
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["algorithm", "seed", "iteration", "env_steps", "wall_time_s", "mean_return", "eval_return", "eval_std"]
        )
        for c in curves:
            rows = {it: [n, t, r, "", ""] for it, n, t, r in zip(c.iterations, c.steps, c.time_s, c.returns)}
            for it, n, r, std in zip(c.eval_iterations, c.eval_steps, c.eval_returns, c.eval_std):
                rows.setdefault(it, [n, "", "", "", ""])[3:] = [r, std]
            for it in sorted(rows):
                writer.writerow([c.algorithm, c.seed, it, *rows[it]])
    with open(os.path.join(out_dir, "curves.json"), "w") as f:
        json.dump([c.__dict__ for c in curves], f)
    return path


def write_plot(curves: list[Curve], out_dir: str, title: str) -> str:
    """Write ``comparison.png``: return vs env steps and vs wall-clock, mean ± std over seeds.

    Evaluations of the deterministic policy (``eval.json``) are drawn vs env steps as dashed lines with markers in
    the colour of the algorithm's training return.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))  # taller below once the legend's size is known
    for algorithm in sorted({c.algorithm for c in curves}):
        runs = [c for c in curves if c.algorithm == algorithm and c.returns]
        if not runs:
            continue
        colour = None
        for ax, band in ((axes[0], band_over_steps(runs)), (axes[1], band_over_time(runs))):
            colour = _plot_band(ax, band, f"{label(algorithm)} ({len(runs)} seeds)", colour)
        evaluated = [c for c in runs if c.eval_returns]
        if evaluated:
            name = f"{label(algorithm)} eval, deterministic ({len(evaluated)} seeds)"
            _plot_band(axes[0], band_over_steps(evaluated, evaluated=True), name, colour, "--o", alpha=0.12)
    axes[0].set_xlabel("environment steps")
    axes[1].set_xlabel("wall-clock time [s] (collection + learning)")
    axes[0].ticklabel_format(axis="x", style="sci", scilimits=(0, 0))
    for ax in axes:
        ax.set_ylabel("mean episode return")
        ax.grid(alpha=0.3)
    # one legend for both panels, below them, so that it never covers a curve
    handles, labels = axes[0].get_legend_handles_labels()
    legend_height = 0.22 * math.ceil(len(labels) / 2) + 0.2
    fig.set_size_inches(11, 4 + legend_height)
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=8, frameon=False)
    fig.suptitle(title)
    fig.tight_layout(rect=(0, legend_height / (4 + legend_height), 1, 1))
    path = os.path.join(out_dir, "comparison.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _plot_band(ax, band: Band, name: str, colour: str | None, style: str = "-", alpha: float = 0.25) -> str | None:
    """Draw ``band``'s mean (``style``) and ± std shading (``alpha``) on ``ax``; return the colour used (``colour``
    when the band has no points)."""
    points = [(x, m, s) for x, m, s in zip(band.x, band.mean, band.std) if m == m]
    if not points:
        return colour
    x, m, s = zip(*points)
    (line,) = ax.plot(x, m, style, color=colour, label=name, markersize=4)
    ax.fill_between(
        x, [a - b for a, b in zip(m, s)], [a + b for a, b in zip(m, s)], color=line.get_color(), alpha=alpha
    )
    return line.get_color()


def write_table(curves: list[Curve], out_dir: str, steps_per_iteration: dict[str, int], header: str) -> str:
    """Write ``results.md`` (and ``summary.json``): final return, steps/s, collection vs learning time.

    With evaluations (``eval.json``), a column beside the training return holds the final eval return of the
    deterministic policy (mean ± std over seeds).
    """
    stats = {
        algorithm: summary([c for c in curves if c.algorithm == algorithm], steps_per_iteration[algorithm])
        for algorithm in sorted({c.algorithm for c in curves})
    }
    evaluated = any("eval_seeds" in s for s in stats.values())
    columns = ["algorithm", "seeds", "final return (mean ± std)"]
    columns += ["final eval return (mean ± std over seeds)"] if evaluated else []
    columns += ["steps/s", "collect s/it", "learn s/it"]
    rows = [_markdown_row(_table_cells(algorithm, s, evaluated)) for algorithm, s in stats.items()]
    rows += _speed_ratios(stats)
    rows.append(
        "\nTimes are medians over all iterations of all seeds (robust to a few iterations slowed by other jobs)."
    )
    if evaluated:
        rows.append(EVAL_NOTE.format(episodes=min(s["eval_episodes"] for s in stats.values() if "eval_seeds" in s)))
    text = f"{header}\n\n{_markdown_row(columns)}\n|{'---|' * len(columns)}\n" + "\n".join(rows) + "\n"
    path = os.path.join(out_dir, "results.md")
    with open(path, "w") as f:
        f.write(text)
    with open(os.path.join(out_dir, "summary.json"), "w") as f:
        json.dump(stats, f, indent=2)
    return path


EVAL_NOTE = (
    "\nEval return: the deterministic policy (GenPO and FPO++: zero-noise flow, Gaussian PPO: its mean) played by "
    "IsaacLab's `isaaclab play` (mjlab: its runner's inference policy, through `genpo-mjlab`) at each run's final "
    "checkpoint, the first episode of each of {episodes} environments "
    "(sum of rewards, as the training return); mean ± std over seeds."
)
"""Footnote of a table with evaluations."""


def _markdown_row(cells: list[str]) -> str:
    """Return one row of a markdown table."""
    return "| " + " | ".join(cells) + " |"


def _table_cells(algorithm: str, s: dict[str, float], evaluated: bool) -> list[str]:
    """Return the table cells of one algorithm's :func:`summary` ``s`` (with the eval column if ``evaluated``)."""
    train = f"{s['final_return_mean']:.2f} ± {s['final_return_std']:.2f}"
    times = [f"{s['steps_per_s']:.0f}", f"{s['collect_s_per_iteration']:.2f}", f"{s['learn_s_per_iteration']:.2f}"]
    return [label(algorithm), str(s["seeds"]), train, *([_eval_cell(s)] if evaluated else []), *times]


def _eval_cell(stats: dict[str, float]) -> str:
    """Return the final eval return cell: mean ± std over seeds, the evaluated seeds if not all; ``–`` for none."""
    if "eval_seeds" not in stats:
        return "–"
    cell = f"{stats['final_eval_return_mean']:.2f} ± {stats['final_eval_return_std']:.2f}"
    return cell + (f" ({stats['eval_seeds']} seeds)" if stats["eval_seeds"] != stats["seeds"] else "")


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
