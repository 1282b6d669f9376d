"""``bench/variants.py``: the windows and the mean ± std cells of the variant table."""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from variants import cell, window


def test_window_takes_five_values_ending_at_the_fraction() -> None:
    series = [float(i) for i in range(100)]
    assert window(series, 1.0) == 97.0  # mean of 95..99
    assert window(series, 0.5) == 47.0  # mean of 45..49
    assert window(series, 0.01) == 2.0  # never before the first five values


def test_cell_formats_mean_and_std_and_skips_missing_values() -> None:
    assert cell([1.0, 3.0]) == "2 ± 1.4"
    assert cell([2.0, math.nan]) == "2"
    assert cell([math.nan]) == "–"
