"""``bench/bench_gpu.py`` section 2e: one rsl_rl iteration of FPO++ (``genpo_rsl:FPO``, eager) against section 2's
PPO and GenPO rows; its table."""

from __future__ import annotations

import argparse
from typing import Any

from bench.gpu.common import TASKS, heading, ms, ratio, release, size_table
from bench.gpu.iteration import build_runner, time_iterations


def section_fpo(name: str, opts: argparse.Namespace, eager: dict[str, Any]) -> dict[str, Any]:
    """One rsl_rl iteration of FPO++ (eager; 10 Euler steps, 8 CFM pairs) at one size, against section 2's rows."""
    runner, env = build_runner("fpo", TASKS[name], opts, None)
    row: dict[str, Any] = {"fpo": time_iterations(runner, env, opts, warmup=1)}
    del runner, env
    release(opts.device)
    for other in ("ppo", "genpo"):
        if other in eager:
            row[f"ratio_{other}"] = row["fpo"]["total"] / eager[other]["total"]
    return row


def fpo_section(rows_in: dict[str, Any], eager: dict[str, Any], hidden: list[int] | None) -> list[str]:
    """Return the lines of the FPO++ iteration table (2e)."""
    out = heading(
        "### 2e. One rsl_rl iteration, FPO++ (eager)",
        "`genpo_rsl:FPO` with `FPOActor` (10 Euler steps per action, 8 CFM pairs per action in the update), the same "
        "set-up as section 2; PPO and GenPO are section 2's eager rows.",
    )
    header = ["task", "obs x act", "hidden", "FPO collect", "update", "total", "FPO/PPO total", "FPO/GenPO total"]

    def row_cells(name: str, r: dict[str, Any]) -> list[str]:
        times = [ms(r["fpo"][k]) for k in ("collect", "update", "total")]
        return times + [ratio(r[k]) if k in r else "—" for k in ("ratio_ppo", "ratio_genpo")]

    return out + size_table(header, rows_in, hidden, row_cells, "(no sizes requested: `--fpo_sizes NAME ...`)")
