"""The one way the bench scripts write a result over seeds: ``mean ± std`` with the sample std (``n − 1``).

The same convention as ``genpo-compare``'s tables (:mod:`isaaclab_tasks_ext.compare.aggregate`).
"""

from __future__ import annotations

import statistics


def cell(values: list[float], mean_format: str = ".3g", std_format: str = ".2g") -> str:
    """Format a result over seeds as ``mean ± std``.

    Args:
        values: One value per seed; NaN marks a seed without the value and is skipped.
        mean_format: Format spec of the mean.
        std_format: Format spec of the sample standard deviation.

    Returns:
        ``"mean ± std"``; the value alone for one seed; ``"–"`` for none.
    """
    values = [v for v in values if v == v]
    if not values:
        return "–"
    if len(values) == 1:
        return format(values[0], mean_format)
    return f"{format(statistics.fmean(values), mean_format)} ± {format(statistics.stdev(values), std_format)}"
