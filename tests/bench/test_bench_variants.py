"""``bench/variants.py``'s windows and ``bench/seed_stats.py``'s mean ± std cells (the variant and warm-start tables)."""

from __future__ import annotations

import math
from pathlib import Path

from bench.seed_stats import cell
from bench.variants import window


def test_window_takes_five_values_ending_at_the_fraction() -> None:
    series = [float(i) for i in range(100)]
    assert window(series, 1.0) == 97.0  # mean of 95..99
    assert window(series, 0.5) == 47.0  # mean of 45..49
    assert window(series, 0.01) == 2.0  # never before the first five values


def test_cell_formats_mean_and_std_and_skips_missing_values() -> None:
    assert cell([1.0, 3.0]) == "2 ± 1.4"
    assert cell([2.0, math.nan]) == "2"
    assert cell([math.nan]) == "–"
    assert cell([1.0, 3.0], ".2f", ".2f") == "2.00 ± 1.41"  # sample std of (1, 3): sqrt(2)


def fake_run(folder: Path, name: str, scalars: dict[str, list[float]], finished: bool = True) -> None:
    """A ``genpo-compare`` run folder (finished unless told) with the given TensorBoard scalars."""
    from torch.utils.tensorboard import SummaryWriter

    run = folder / "runs" / name
    writer = SummaryWriter(str(run / "logs"))
    for tag, values in scalars.items():
        for step, value in enumerate(values):
            writer.add_scalar(tag, value, step)
    writer.close()
    if finished:
        (run / "done.json").write_text("{}")


def test_table_cuts_runs_and_reads_another_algorithm_per_row(tmp_path) -> None:
    from bench.variants import table

    returns = [float(i) for i in range(100)]
    fake_run(
        tmp_path, "genpo_seed0", {"Train/mean_reward": returns, "Loss/action_std": [0.7 - i / 1000 for i in range(100)]}
    )
    fake_run(tmp_path, "ppo_matched_seed0", {"Train/mean_reward": returns, "Policy/mean_std": [0.71] * 100})
    rows = table({"flow": str(tmp_path), "gauss": f"{tmp_path}@ppo_matched"}, "genpo", iterations=40).splitlines()
    flow, gauss = (row.split(" | ") for row in rows[2:])
    # first 40 iterations only: final = mean of 35..39, mean return = mean of 0..39, std at iteration 39
    assert flow[:6] == ["| flow", "1", "7", "17", "37", "19.5"] and flow[6] == "0.661"
    assert gauss[1] == "1" and gauss[4] == "37" and gauss[6] == "0.71"  # a Gaussian's std stands in for the flow's


def test_unfinished_runs_are_read_only_when_asked(tmp_path) -> None:
    from bench.variants import table

    fake_run(tmp_path, "genpo_seed0", {"Train/mean_reward": [float(i) for i in range(100)]})
    fake_run(tmp_path, "genpo_seed1", {"Train/mean_reward": [float(i) for i in range(20)]}, finished=False)
    finished = table({"v": str(tmp_path)}, "genpo").splitlines()[2].split(" | ")
    both = table({"v": str(tmp_path)}, "genpo", unfinished=True).splitlines()[2].split(" | ")
    assert finished[1:5] == ["1", "22", "47", "97"]
    # the half-way run reads its own 20 iterations: final = mean of 15..19 = 17, next to the finished run's 97
    assert both[1] == "2" and both[4] == "57 ± 57"


def test_eval_and_sigma_columns(tmp_path) -> None:
    """The last evaluated checkpoint's deterministic return (below ``--iterations``) and the last logged σ."""
    import json

    from bench.variants import COLUMNS, table

    fake_run(tmp_path, "genpo_seed0", {"Train/mean_reward": [1.0] * 50, "Loss/base_scale": [1.0, 0.9, 0.8]})
    evaluated = {str(k): {"mean": float(k), "std": 0.0, "episodes": 4} for k in (0, 20, 40, 49)}
    (tmp_path / "runs" / "genpo_seed0" / "eval.json").write_text(json.dumps(evaluated))
    header = table({"v": str(tmp_path)}, "genpo").splitlines()[0].split(" | ")
    row = table({"v": str(tmp_path)}, "genpo").splitlines()[2].split(" | ")
    cut = table({"v": str(tmp_path)}, "genpo", iterations=30).splitlines()[2].split(" | ")
    assert header[-2:] == [COLUMNS[-2], COLUMNS[-1] + " |"]
    assert row[-2:] == ["0.8", "49 |"] and cut[-1] == "20 |"
