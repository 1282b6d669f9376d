"""genpo-compare's aggregation and outputs on synthetic logs (no simulator)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from torch.utils.tensorboard import SummaryWriter

from isaaclab_tasks_ext.compare.aggregate import (
    Curve,
    band_over_steps,
    band_over_time,
    curve_from_scalars,
    read_curve,
    summary,
)
from isaaclab_tasks_ext.compare.report import write_curves, write_plot, write_table


def synthetic(algorithm: str, seed: int, returns: list[float], collect: float = 1.0, learn: float = 0.5):
    its = range(len(returns))
    scalars = {
        "Train/mean_reward": dict(zip(its, returns)),
        "Perf/collection_time": {i: collect for i in its},
        "Perf/learning_time": {i: learn for i in its},
    }
    return curve_from_scalars(algorithm, seed, scalars, steps_per_iteration=100)


def test_mean_std_and_alignment_of_seeds_with_different_lengths() -> None:
    a = synthetic("genpo", 0, [1.0, 2.0, 3.0, 4.0])
    b = synthetic("genpo", 1, [3.0, 4.0])  # stopped after two iterations
    band = band_over_steps([a, b])
    assert band.x == [100.0, 200.0, 300.0, 400.0]
    assert band.mean == [2.0, 3.0, 3.0, 4.0]
    assert band.std == pytest.approx([1.0, 1.0, 0.0, 0.0])
    assert band.count == [2, 2, 1, 1]


def test_time_band_interpolates_without_extrapolating() -> None:
    a = synthetic("ppo", 0, [0.0, 10.0], collect=1.0, learn=0.0)  # times 1, 2
    b = synthetic("ppo", 1, [0.0, 20.0, 40.0], collect=1.0, learn=0.0)  # times 1, 2, 3
    band = band_over_time([a, b], points=6)  # grid 0.5 .. 3.0
    assert band.count == [0, 2, 2, 2, 1, 1]
    assert band.mean[2] == pytest.approx((5.0 + 10.0) / 2)  # t = 1.5
    assert band.mean[5] == pytest.approx(40.0)


def test_summary_and_missing_returns_on_early_iterations() -> None:
    scalars = {
        "Train/mean_reward": {2: 5.0, 3: 7.0},  # no episode finished in iterations 0 and 1
        "Perf/collection_time": {0: 1.0, 1: 1.0, 2: 1.0, 3: 1.0},
        "Perf/learning_time": {0: 1.0, 1: 1.0, 2: 1.0, 3: 1.0},
    }
    c = curve_from_scalars("genpo", 0, scalars, 1000)
    assert c.steps == [3000, 4000] and c.time_s == [6.0, 8.0]
    s = summary([c, synthetic("genpo", 1, [1.0, 3.0])], 1000)
    assert s["final_return_mean"] == pytest.approx(5.0) and s["final_return_std"] == pytest.approx(2.0)
    assert s["collect_s_per_iteration"] == pytest.approx(1.0)


def test_reads_rsl_rl_tensorboard_logs_and_writes_outputs(tmp_path) -> None:
    curves = []
    for algorithm, offset in (("genpo", 1.0), ("ppo", 0.0)):
        for seed in (0, 1):
            run = tmp_path / "runs" / f"{algorithm}_seed{seed}" / "logs"
            writer = SummaryWriter(str(run))
            for it in range(5):
                writer.add_scalar("Train/mean_reward", offset + it + seed, it)
                writer.add_scalar("Perf/collection_time", 2.0, it)
                writer.add_scalar("Perf/learning_time", 1.0 + offset, it)
            writer.close()
            curves.append(read_curve(str(run.parent), algorithm, seed, 64))
    assert curves[0].returns == [1.0, 2.0, 3.0, 4.0, 5.0] and curves[0].steps[-1] == 320
    out = str(tmp_path)
    write_curves(curves, out)
    png = write_plot(curves, out, "synthetic")
    table = write_table(curves, out, {"genpo": 64, "ppo": 64}, "## synthetic")
    with open(os.path.join(out, "curves.csv")) as f:
        assert len(list(csv.DictReader(f))) == 20
    assert os.path.getsize(png) > 10_000
    text = Path(table).read_text()
    assert "| GenPO | 2 | 5.50 ± 0.50 | 16 |" in text and "| Gaussian PPO | 2 | 4.50 ± 0.50 | 21 |" in text
    assert json.loads(Path(out, "summary.json").read_text())["ppo"]["learn_s_per_iteration"] == 1.0


def test_until_cuts_every_series_to_the_earlier_iterations() -> None:
    curve = Curve("genpo", 0, [0, 1, 3, 4], [10, 20, 40, 50], [1.0, 2.0, 4.0, 5.0], [0.1, 0.2, 0.4, 0.5])
    cut = curve.until(3)
    assert (cut.iterations, cut.steps, cut.time_s, cut.returns) == ([0, 1], [10, 20], [1.0, 2.0], [0.1, 0.2])
    assert (cut.algorithm, cut.seed) == ("genpo", 0) and curve.iterations == [0, 1, 3, 4]  # the original is kept
