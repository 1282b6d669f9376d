"""``bench/bench_gpu.py`` sections 2c and 2d: one rsl_rl iteration of GenPO with ``cuda_graphs=True`` (2c, also with a
quarter of each minibatch in the compression loss), and of PPO and GenPO with TF32 matmuls on (2d); their tables."""

from __future__ import annotations

import argparse
from typing import Any

from bench.gpu.common import TASKS, heading, ms, ratio, release, size_table
from bench.gpu.iteration import build_runner, time_iterations
from genpo_rsl.utils.precision import flow_precision

GRAPHS_COMPRESSION_FRACTION = 0.25
"""Section 2c's second GenPO row: the compression loss on a quarter of each minibatch (paper: all of it)."""


TF32_VARIANTS = {
    "ppo": ("ppo", {}),
    "genpo_graphs": ("genpo", {"cuda_graphs": True}),
    "genpo_graphs_tf32": ("genpo", {"cuda_graphs": True, "allow_tf32": True}),
}
"""Section 2d's rows: name -> (algorithm, GenPO keys), all timed with TF32 matmuls on globally."""


def section_iteration_graphs(name: str, opts: argparse.Namespace, eager: dict[str, Any]) -> dict[str, Any]:
    """One rsl_rl iteration of GenPO with ``cuda_graphs=True`` at one size, against the eager rows of ``eager``."""
    row: dict[str, Any] = {}
    for variant, keys in (("genpo", {}), ("genpo_cf", {"compression_fraction": GRAPHS_COMPRESSION_FRACTION})):
        runner, env = build_runner("genpo", TASKS[name], opts, None, cuda_graphs=True, **keys)
        row[variant] = time_iterations(runner, env, opts, warmup=1)  # warm-up = capture
        del runner, env
        release(opts.device)
    for key in ("collect", "update", "total"):
        if "genpo" in eager:
            row[f"speedup_{key}"] = eager["genpo"][key] / row["genpo"][key]
            row[f"ratio_{key}"] = row["genpo"][key] / eager["ppo"][key]
    if "ppo" in eager:
        row["ratio_cf_total"] = row["genpo_cf"]["total"] / eager["ppo"]["total"]
    return row


def section_tf32(name: str, opts: argparse.Namespace) -> dict[str, Any]:
    """One iteration at one size with TF32 matmuls on globally, as ``isaaclab train`` sets them for rsl_rl."""
    row: dict[str, Any] = {}
    with flow_precision(allow_tf32=True):
        for variant, (algorithm, keys) in TF32_VARIANTS.items():
            runner, env = build_runner(algorithm, TASKS[name], opts, None, **keys)
            row[variant] = time_iterations(runner, env, opts, warmup=1)
            del runner, env
            release(opts.device)
    for variant in ("genpo_graphs", "genpo_graphs_tf32"):
        row[f"ratio_{variant}"] = row[variant]["total"] / row["ppo"]["total"]
    return row


def graphs_section(rows_in: dict[str, Any], eager: dict[str, Any], hidden: list[int] | None) -> list[str]:
    """Return the lines of the GenPO ``cuda_graphs=True`` iteration table."""
    out = heading(
        "### 2c. One rsl_rl iteration, GenPO with CUDA graphs",
        "GenPO with `cuda_graphs=True` (`genpo_rsl/modules/cuda_graphs.py`: the rollout sample and each minibatch's flow "
        "passes, forward and backward, replayed as captured CUDA graphs), the same set-up as section 2; the "
        "warm-up iteration includes the capture. Eager PPO and GenPO are section 2's rows.",
    )
    header = ["task", "obs x act", "hidden", "GenPO graphs collect", "update", "total", "first (capture)"]
    header += ["speed-up vs eager GenPO", "GenPO graphs / PPO total"]
    header += [f"+ compression_fraction {GRAPHS_COMPRESSION_FRACTION} total", "/ PPO total"]

    def row_cells(name: str, r: dict[str, Any]) -> list[str]:
        g = r["genpo"]
        cells = [ms(g[k]) for k in ("collect", "update", "total")] + [f"{g['warmup']:.1f} s"]
        cells += [ratio(r[k]) if k in r else "—" for k in ("speedup_total", "ratio_total")]
        return [*cells, ms(r["genpo_cf"]["total"]), ratio(r["ratio_cf_total"]) if "ratio_cf_total" in r else "—"]

    return out + size_table(header, rows_in, hidden, row_cells, "(no sizes requested: `--graph_sizes NAME ...`)")


def tf32_section(rows_in: dict[str, Any], hidden: list[int] | None) -> list[str]:
    """Return the lines of the TF32 iteration table (2d)."""
    out = heading(
        "### 2d. One rsl_rl iteration with TF32 matmuls on (what `isaaclab train` sets for rsl_rl)",
        "PPO runs in TF32. GenPO switches TF32 off for its own sampling and update unless `allow_tf32=True` "
        "(`genpo_rsl/utils/precision.py`; the round-trip error it would cost is in `bench/mixed_precision.py`); both GenPO "
        "rows use `cuda_graphs=True`.",
    )
    header = ["task", "obs x act", "hidden", "PPO tf32 total", "GenPO graphs (fp32 flow) total", "GenPO/PPO"]
    header += ["GenPO graphs allow_tf32 total", "GenPO/PPO"]

    def row_cells(name: str, r: dict[str, Any]) -> list[str]:
        cells = [ms(r["ppo"]["total"]), ms(r["genpo_graphs"]["total"]), ratio(r["ratio_genpo_graphs"])]
        return [*cells, ms(r["genpo_graphs_tf32"]["total"]), ratio(r["ratio_genpo_graphs_tf32"])]

    return out + size_table(header, rows_in, hidden, row_cells, "(no sizes requested: `--tf32_sizes NAME ...`)")
