"""genpo-compare's aggregation and outputs on synthetic logs (no simulator)."""

from __future__ import annotations

import csv
import json
import math
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
    assert band.std == pytest.approx([math.sqrt(2.0), math.sqrt(2.0), 0.0, 0.0])  # sample std of (1, 3) and (2, 4)
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
    # sample std over seeds, by hand: deviations ±2 over n − 1 = 1 → sqrt(8)
    assert s["final_return_mean"] == pytest.approx(5.0) and s["final_return_std"] == pytest.approx(math.sqrt(8.0))
    assert summary([c], 1000)["final_return_std"] == 0.0  # one seed: no spread
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
    assert "| GenPO | 2 | 5.50 ± 0.71 | 16 |" in text and "| Gaussian PPO | 2 | 4.50 ± 0.71 | 21 |" in text
    assert json.loads(Path(out, "summary.json").read_text())["ppo"]["learn_s_per_iteration"] == 1.0


def test_until_cuts_every_series_to_the_earlier_iterations() -> None:
    curve = Curve("genpo", 0, [0, 1, 3, 4], [10, 20, 40, 50], [1.0, 2.0, 4.0, 5.0], [0.1, 0.2, 0.4, 0.5])
    cut = curve.until(3)
    assert (cut.iterations, cut.steps, cut.time_s, cut.returns) == ([0, 1], [10, 20], [1.0, 2.0], [0.1, 0.2])
    assert (cut.algorithm, cut.seed) == ("genpo", 0) and curve.iterations == [0, 1, 3, 4]  # the original is kept


def _tensorboard_run(run_dir, returns: list[float]) -> None:
    writer = SummaryWriter(str(run_dir / "logs"))
    for it, value in enumerate(returns):
        writer.add_scalar("Train/mean_reward", value, it)
        writer.add_scalar("Perf/collection_time", 2.0, it)
        writer.add_scalar("Perf/learning_time", 1.0, it)
    writer.close()


def test_eval_json_reaches_the_curves_table_csv_and_plot(tmp_path) -> None:
    """GenPO seeds evaluated at model_0/2/4 (seed 1 only at model_0/4); PPO not evaluated (no eval.json)."""
    evals = {
        ("genpo", 0): {"0": (1.0, 0.5), "2": (6.0, 1.0), "4": (10.0, 2.0)},
        ("genpo", 1): {"0": (3.0, 0.5), "4": (14.0, 1.0)},
    }
    curves = []
    for algorithm in ("genpo", "ppo"):
        for seed in (0, 1):
            run = tmp_path / "runs" / f"{algorithm}_seed{seed}"
            _tensorboard_run(run, [float(seed + it) for it in range(5)])
            if (algorithm, seed) in evals:
                data = {k: {"mean": m, "std": s, "episodes": 8} for k, (m, s) in evals[algorithm, seed].items()}
                (run / "eval.json").write_text(json.dumps(data))
            curves.append(read_curve(str(run), algorithm, seed, 64))
    genpo0 = curves[0]
    assert genpo0.eval_iterations == [0, 2, 4] and genpo0.eval_steps == [64, 192, 320]
    assert genpo0.eval_returns == [1.0, 6.0, 10.0] and genpo0.eval_std == [0.5, 1.0, 2.0]
    assert curves[2].eval_iterations == [] and curves[2].returns == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert genpo0.until(3).eval_iterations == [0, 2] and genpo0.until(3).eval_returns == [1.0, 6.0]
    band = band_over_steps(curves[:2], evaluated=True)
    assert band.x == [64.0, 192.0, 320.0] and band.mean == [2.0, 6.0, 12.0] and band.count == [2, 1, 2]

    out = str(tmp_path)
    stats = summary(curves[:2], 64)
    assert stats["final_eval_return_mean"] == pytest.approx(12.0) and stats["final_eval_return_std"] == pytest.approx(
        math.sqrt(8.0)
    )
    assert stats["eval_seeds"] == 2 and stats["eval_episodes"] == 8 and "eval_seeds" not in summary(curves[2:], 64)
    text = Path(write_table(curves, out, {"genpo": 64, "ppo": 64}, "## eval")).read_text()
    assert "| final return (mean ± std) | final eval return (mean ± std over seeds) | steps/s |" in text
    assert (
        "| GenPO | 2 | 4.50 ± 0.71 | 12.00 ± 2.83 | 21 |" in text
        and "| Gaussian PPO | 2 | 4.50 ± 0.71 | – | 21 |" in text
    )
    assert "first episode of each of 8 environments" in text
    write_curves(curves, out)
    with open(os.path.join(out, "curves.csv")) as f:
        rows = [r for r in csv.DictReader(f) if r["algorithm"] == "genpo" and r["seed"] == "0"]
    assert [(r["iteration"], r["mean_return"], r["eval_return"]) for r in rows[:3]] == [
        ("0", "0.0", "1.0"),
        ("1", "1.0", ""),
        ("2", "2.0", "6.0"),
    ]
    assert json.loads(Path(out, "curves.json").read_text())[1]["eval_returns"] == [3.0, 14.0]
    assert os.path.getsize(write_plot(curves, out, "eval")) > 10_000


def test_csv_rows_for_evaluated_iterations_without_a_training_return(tmp_path) -> None:
    """Ant logs no training return before its first episode ends; model_0's evaluation still gets a row."""
    curve = Curve("genpo", 0, [1, 2], [20, 30], [1.0, 2.0], [5.0, 6.0])
    curve.eval_iterations, curve.eval_steps, curve.eval_returns, curve.eval_std = [0, 2], [10, 30], [7.0, 9.0], [1, 2]
    write_curves([curve], str(tmp_path))
    with open(tmp_path / "curves.csv") as f:
        rows = [list(r.values()) for r in csv.DictReader(f)]
    assert rows == [
        ["genpo", "0", "0", "10", "", "", "7.0", "1"],
        ["genpo", "0", "1", "20", "1.0", "5.0", "", ""],
        ["genpo", "0", "2", "30", "2.0", "6.0", "9.0", "2"],
    ]
