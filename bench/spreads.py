"""The policies' own spread over training, from ``genpo-compare`` folders: why GenPO can stay too wide.

    python bench/spreads.py OUT.png LABEL=RUN_DIR [LABEL=RUN_DIR ...]

Per run (``FOLDER/runs/<algorithm>_seed<k>``), against iterations: ``Policy/mean_std`` (rsl_rl's logged std: the
Gaussian's std for PPO, the per-state std of the env action over fresh latents for GenPO and FPO++) and, for GenPO,
``Loss/halves_gap_std`` (the std of ``x − y``). GenPO's doubled action has a fixed entropy (constant log-det): the env
action gets sharper only by moving spread into ``x − y``, which the compression loss pulls back.
"""

from __future__ import annotations

import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

if not __package__:  # run as `python bench/spreads.py`: import the bench package from the repository root
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.variants import read_scalars

SPREAD_TAGS = ("Policy/mean_std", "Loss/halves_gap_std")


def main() -> None:
    """Draw one panel per tag; print the first and last value of each run."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("runs", nargs="+", metavar="LABEL=RUN_DIR")
    args = parser.parse_args()
    fig, axes = plt.subplots(1, len(SPREAD_TAGS), figsize=(11, 4))
    for item in args.runs:
        label, run_dir = item.rsplit("=", 1)
        series = read_scalars(run_dir, SPREAD_TAGS)
        for ax, tag in zip(axes, SPREAD_TAGS, strict=True):
            if series.get(tag):
                ax.plot(series[tag], label=label)
                print(f"{label} {tag}: {series[tag][0]:.3f} -> {series[tag][-1]:.3f} ({len(series[tag])} iterations)")
    for ax, tag in zip(axes, SPREAD_TAGS, strict=True):
        ax.set_title({"Policy/mean_std": "env-action std (per state)", "Loss/halves_gap_std": "x − y std (GenPO)"}[tag])
        ax.set_xlabel("iteration")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
