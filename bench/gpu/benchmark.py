"""``bench/bench_gpu.py``'s run: every section in order, sizes first, then the compiled rows under the time guard;
and what the report's header states about the run."""

from __future__ import annotations

import argparse
import contextlib
import datetime
import platform
import sys
from typing import Any

import torch

from bench.gpu.actor_cost import section_actor_cost, section_actor_cost_compiled
from bench.gpu.common import Clock, guarded
from bench.gpu.fpo import section_fpo
from bench.gpu.graphs import section_iteration_graphs, section_tf32
from bench.gpu.iteration import section_iteration


def run(opts: argparse.Namespace, start: float) -> dict[str, Any]:
    """Run every section; return the results (also the input of :func:`bench.gpu.report.render`).

    ``start``: the ``time.perf_counter()`` reading the time guard counts from (the interpreter's start).
    """
    clock = Clock(opts.time_guard, opts.hard_limit, start)
    results: dict[str, Any] = {"meta": meta(opts), "actor_cost": {}, "actor_cost_compiled": {}}
    results.update(iteration={}, iteration_compiled={}, iteration_graphs={}, iteration_tf32={}, iteration_fpo={})
    clock.log(f"device {results['meta']['device_name']}, torch {torch.__version__}, sizes {' '.join(opts.sizes)}")
    for name in opts.sizes:
        results["actor_cost"][name] = guarded(clock, f"actor cost {name}", section_actor_cost, name, opts)
        results["iteration"][name] = guarded(clock, f"iteration {name}", section_iteration, name, opts, None)
        if name in opts.graph_sizes:
            eager = results["iteration"][name]
            row = guarded(clock, f"iteration cuda_graphs {name}", section_iteration_graphs, name, opts, eager)
            results["iteration_graphs"][name] = row
        if name in opts.fpo_sizes:
            eager = results["iteration"][name]
            results["iteration_fpo"][name] = guarded(clock, f"iteration fpo {name}", section_fpo, name, opts, eager)
        if name in opts.tf32_sizes:
            results["iteration_tf32"][name] = guarded(clock, f"iteration tf32 {name}", section_tf32, name, opts)
    compile_s: list[float] = []  # durations of the compiled actor-cost rows: the estimate of the next one
    for name in [s for s in opts.compile_sizes if s in opts.sizes]:
        reason = clock.skip_reason(max(compile_s, default=0.0))
        if reason:
            results["actor_cost_compiled"][name] = {"skipped": reason}
            clock.log(f"actor cost compiled {name}: {reason}")
            continue
        row = guarded(clock, f"actor cost compiled {name}", section_actor_cost_compiled, name, opts)
        results["actor_cost_compiled"][name] = row
        compile_s.append(row["seconds"])
    iteration_s: list[float] = []  # a compiled iteration row compiles two runners: until measured, twice the above
    for name in [s for s in opts.compile_iteration_sizes if s in opts.sizes]:
        reason = clock.skip_reason(max(iteration_s, default=2.0 * max(compile_s, default=0.0)))
        if reason:
            results["iteration_compiled"][name] = {"skipped": reason}
            clock.log(f"iteration compiled {name}: {reason}")
            continue
        row = guarded(clock, f"iteration compiled {name}", section_iteration, name, opts, "default")
        eager_ppo = results["iteration"].get(name, {}).get("ppo")
        if "genpo" in row and eager_ppo:
            row["ratio_total_vs_eager_ppo"] = row["genpo"]["total"] / eager_ppo["total"]
        results["iteration_compiled"][name] = row
        iteration_s.append(row["seconds"])
    results["meta"]["elapsed_s"] = clock.elapsed()
    clock.log("all sections done")
    return results


def meta(opts: argparse.Namespace) -> dict[str, Any]:
    """Return what the header of the report states about this run."""
    cuda = str(opts.device).startswith("cuda")
    return {
        "device": opts.device,
        "device_name": torch.cuda.get_device_name(opts.device) if cuda else cpu_name(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda if cuda else None,
        "python": platform.python_version(),
        "cpu_threads": torch.get_num_threads(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": opts.command or " ".join(["python3", "bench/bench_gpu.py", *sys.argv[1:]]),
        "batch": opts.batch,
        "num_envs": opts.num_envs,
        "repeats": opts.repeats,
        "iterations": opts.iterations,
        "latency_calls": opts.latency_calls,
        "hidden_override": opts.hidden,
    }


def cpu_name() -> str:
    """Return the CPU model (``/proc/cpuinfo``), or the platform's processor string."""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "CPU"
