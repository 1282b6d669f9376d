"""Table of GenPO variants from ``genpo-compare`` output folders: returns over the run and the logged spreads.

    python bench/variants.py LABEL=FOLDER[@ALGORITHM] [...] [--algorithm genpo] [--iterations N] [--unfinished]

For every run ``FOLDER/runs/<algorithm>_seed<k>`` (``@ppo_matched`` picks another algorithm for one row) it reads
the TensorBoard scalars and reports, as mean ± std over seeds: the return at 25 % and 50 % of the iterations and at
the end (each the mean of a 5-iteration window), the mean return over the whole run (area under the curve per
iteration), and the last logged ``Loss/action_std`` (the policy's env-action std for a fixed state; a Gaussian's
``Policy/mean_std``), ``Loss/halves_gap_std`` and ``Loss/compression``. ``--iterations N`` reads only the first N
iterations of every run (a longer run as a shorter one). ``--unfinished`` also reads runs without ``done.json`` (still
running or stopped half-way: each row then covers however many iterations its runs logged). Two more columns: the
deterministic policy's return at the run's last evaluated checkpoint (``eval.json`` of ``genpo-compare --eval_every``;
with ``--iterations N`` the last one below N) and the last logged base-noise scale σ (``Loss/base_scale``, a trained σ).
"""

from __future__ import annotations

import argparse
import glob
import os
import statistics
import sys

if not __package__:  # run as `python bench/variants.py`: import the bench package from the repository root
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.seed_stats import cell
from isaaclab_tasks_ext.compare.aggregate import read_eval, read_event_scalars

TAGS = ("Train/mean_reward", "Loss/action_std", "Loss/halves_gap_std", "Loss/compression", "Loss/base_scale")
FALLBACK = {
    "Loss/action_std": ("Loss/env_action_std", "Policy/mean_std"),
    "Loss/halves_gap_std": ("Loss/halves_gap_rms",),
}
"""Tags read where a tag is missing, in order: an earlier GenPO logging (the spread across the rollout's samples, not
per state), then a Gaussian policy's std."""
COLUMNS = (
    "return @25%",
    "return @50%",
    "final return",
    "mean return",
    "action std",
    "x−y std",
    "compression",
    "σ",
    "eval return (last)",
)


def read_scalars(run_dir: str, tags: tuple[str, ...] = TAGS) -> dict[str, list[float]]:
    """Return the per-iteration values of ``tags`` (ordered by iteration) of one run."""
    values = read_event_scalars(run_dir, tags, FALLBACK)
    return {tag: [v for _, v in sorted(series.items())] for tag, series in values.items()}


def window(series: list[float], fraction: float, width: int = 5) -> float:
    """Return the mean of ``width`` values ending at ``fraction`` of the series."""
    end = max(width, round(fraction * len(series)))
    return statistics.fmean(series[end - width : end])


def run_row(run_dir: str, iterations: int | None = None) -> list[float]:
    """Return the :data:`COLUMNS` of one run, or of its first ``iterations`` (NaN where a scalar was not logged)."""
    s = {tag: series[:iterations] for tag, series in read_scalars(run_dir).items()}
    returns = s.get("Train/mean_reward", [])
    last = [s[t][-1] if s.get(t) else float("nan") for t in TAGS[1:]]
    return [
        window(returns, 0.25),
        window(returns, 0.5),
        window(returns, 1.0),
        statistics.fmean(returns),
        *last,
        last_eval(run_dir, iterations),
    ]


def last_eval(run_dir: str, iterations: int | None = None) -> float:
    """Return the deterministic return of the run's last evaluated checkpoint ``k < iterations`` (NaN: none)."""
    evaluated = {k: v for k, v in read_eval(run_dir).items() if iterations is None or k < iterations}
    return evaluated[max(evaluated)]["mean"] if evaluated else float("nan")


def run_folders(spec: str, algorithm: str, unfinished: bool = False) -> list[str]:
    """Return the finished (or, with ``unfinished``, all) run folders of ``FOLDER[@ALGORITHM]``."""
    folder, _, own = spec.partition("@")
    runs = sorted(glob.glob(os.path.join(folder, "runs", f"{own or algorithm}_seed*")))
    return [r for r in runs if unfinished or os.path.exists(os.path.join(r, "done.json"))]


def table(variants: dict[str, str], algorithm: str, iterations: int | None = None, unfinished: bool = False) -> str:
    """Return the markdown table, one row per variant."""
    lines = ["| variant | seeds | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 2) + "|"]
    for label, spec in variants.items():
        rows = [run_row(r, iterations) for r in run_folders(spec, algorithm, unfinished)]
        if not rows:
            lines.append(f"| {label} | 0 |" + " |" * len(COLUMNS))
            continue
        cells = [cell([row[i] for row in rows]) for i in range(len(COLUMNS))]
        lines.append(f"| {label} | {len(rows)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot(
    variants: dict[str, str],
    algorithm: str,
    path: str,
    title: str,
    iterations: int | None = None,
    unfinished: bool = False,
) -> None:
    """Write the mean return per iteration of each variant (mean over its seeds) to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for label, spec in variants.items():
        runs = run_folders(spec, algorithm, unfinished)
        curves = [read_scalars(r).get("Train/mean_reward", [])[:iterations] for r in runs]
        if curves:
            length = min(len(c) for c in curves)
            ax.plot(range(1, length + 1), [statistics.fmean(c[i] for c in curves) for i in range(length)], label=label)
    ax.set_xlabel("iteration")
    ax.set_ylabel("mean episode return")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    """Print the table of the given variants (and plot their curves with ``--plot``)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("variants", nargs="+", metavar="LABEL=FOLDER[@ALGORITHM]")
    parser.add_argument("--algorithm", default="genpo", help="run folder prefix (genpo, ppo, ppo_matched, ...)")
    parser.add_argument("--plot", help="also write a PNG of the return curves here")
    parser.add_argument("--title", default="", help="title of the plot")
    parser.add_argument("--iterations", type=int, help="read only the first N iterations of every run")
    parser.add_argument("--unfinished", action="store_true", help="also read runs that have not finished")
    args = parser.parse_args()
    variants = dict(v.split("=", 1) for v in args.variants)
    print(table(variants, args.algorithm, args.iterations, args.unfinished))
    if args.plot:
        plot(variants, args.algorithm, args.plot, args.title, args.iterations, args.unfinished)


if __name__ == "__main__":
    main()
