"""``make bench-gpu``'s script in its CPU mode, tiny: every section and row is there and every ratio is sane."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZES = ["ant", "humanoid", "anymal_d", "h1", "go2", "shadow_hand"]
SECTIONS = [
    "## 1. Actor cost",
    "### 1b. Actor cost, compiled",
    "## 2. One rsl_rl iteration, eager",
    "### 2b. One rsl_rl iteration, compiled",
    "## 3. Per-action latency of the exported policy, batch 1",
    "## Warnings raised during the measurements",
]


def run_bench(tmp_path: Path, *extra: str) -> tuple[str, dict]:
    """Run bench/bench_gpu.py on the CPU with tiny networks; return the markdown report and the JSON results."""
    out, raw = tmp_path / "gpu_cpu.md", tmp_path / "gpu_cpu.json"
    args = ["--device", "cpu", "--sizes", *SIZES, "--hidden", "8", "8", "--batch", "8", "--num_envs", "8"]
    args += ["--repeats", "1", "--iterations", "1", "--latency_calls", "2", "--out", str(out), "--json", str(raw)]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_gpu.py"), *args, *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out.read_text(), json.loads(raw.read_text())


def table_rows(report: str, section: str) -> dict[str, str]:
    """Return ``{task: row}`` of the first table after the heading ``section``."""
    lines = report[report.index(section) :].splitlines()[1:]
    rows = {}
    for line in lines:
        if line.startswith("#"):
            break
        if line.startswith("| ") and not line.startswith("| task"):
            rows[line.split("|")[1].strip()] = line
    return rows


def test_cpu_mode_reports_every_section_row_and_finite_ratios(tmp_path: Path) -> None:
    """The CPU mode writes every section with one row per size; every ratio is finite and positive."""
    report, results = run_bench(
        tmp_path, "--compile_sizes", "ant", "--compile_iteration_sizes", "ant", "--time_guard", "0"
    )
    for section in SECTIONS:
        assert section in report
    for section in (SECTIONS[0], SECTIONS[2], SECTIONS[4]):
        rows = table_rows(report, section)
        assert sorted(rows) == sorted(SIZES), (section, rows)
        assert "error" not in " ".join(rows.values())
    assert "device: **" in report and "command: `" in report and "torch " in report
    for size in SIZES:
        cost, it = results["actor_cost"][size], results["iteration"][size]
        assert "error" not in cost and "error" not in it, (cost, it)
        ratios = [cost[k] for k in ("b/a act", "b/a update", "c/b update", "b/d update")]
        ratios += [it[f"ratio_{k}"] for k in ("collect", "update", "total", "latency")]
        ratios += [it[a][k] for a in ("ppo", "genpo") for k in ("collect", "update", "total", "env", "latency")]
        assert all(math.isfinite(x) and x > 0 for x in ratios), (size, ratios)
    # the time guard (0 s here) skips the compiled rows and says so in their table rows
    for section, key in ((SECTIONS[1], "actor_cost_compiled"), (SECTIONS[3], "iteration_compiled")):
        assert results[key]["ant"]["skipped"].startswith("skipped: time guard")
        assert "skipped: time guard" in table_rows(report, section)["ant"]
