"""GenPO vs Gaussian PPO on one GPU at the paper's network sizes: actor cost, one rsl_rl iteration, export latency.

    python bench/bench_gpu.py [--device cuda] [--sizes ant humanoid ...] [--out docs/gpu.md]   # make bench-gpu
    python bench/bench_gpu.py --device cpu                                                      # small and fast

Sections (every number measured in this one run, on one device):

1. ``bench/actor_cost.py``'s measurements per task size (eager), then (b') with the velocity MLP compiled, as the
   runner's ``torch_compile_mode="default"`` does.
2. One full rsl_rl iteration (rollout of the task's stock ``num_steps_per_env`` + update, 5 epochs x 4 minibatches)
   of GenPO and of PPO through the stock ``OnPolicyRunner`` on a GPU-resident stand-in environment
   (``bench/standin_env.py``), eager, then compiled (``torch_compile_mode="default"``) for a few sizes. Collection
   counts ``alg.act`` + ``alg.process_env_step`` only: the environment's own step is timed apart. Then GenPO with
   ``cuda_graphs=True`` (2c) at every size (``--graph_sizes``; none on the CPU), with TF32 (2d) and FPO++ (2e).
3. Per-action latency of the exported policy (``actor.as_jit()`` scripted, zero noise) at batch 1.

A global time guard skips the remaining compiled rows once ``--time-guard`` seconds have passed (or when the next
one would end past ``--hard-limit``); the table says which rows were skipped.
"""
# The measurements are in bench/gpu/ (one module each, with its tables); this file is the command line.

from __future__ import annotations

import time

_T0 = time.perf_counter()  # the time guard counts from the interpreter's start, imports included

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

if not __package__:  # run as `python bench/bench_gpu.py`: import the bench package from the repository root
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import torch  # noqa: E402

from bench.gpu.benchmark import run  # noqa: E402
from bench.gpu.common import DEFAULTS, TASKS  # noqa: E402
from bench.gpu.report import render  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line; unset options take the defaults of the device kind (cuda or cpu)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cuda", help="cuda, cuda:N or cpu (cpu: small and fast defaults)")
    parser.add_argument("--sizes", nargs="+", choices=list(TASKS), help="task sizes (default: all on cuda)")
    parser.add_argument("--batch", type=int, help="rows of the actor-cost measurements")
    parser.add_argument("--num_envs", type=int, help="environments of the iteration measurements")
    parser.add_argument("--repeats", type=int, help="timed repeats of each actor-cost variant (median)")
    parser.add_argument("--iterations", type=int, help="timed iterations after the warm-up (median)")
    parser.add_argument("--latency_calls", type=int, help="timed batch-1 calls of the exported policy (median)")
    parser.add_argument("--compile_sizes", nargs="*", choices=list(TASKS), help="sizes of the compiled (b') rows")
    parser.add_argument(
        "--compile_iteration_sizes", nargs="*", choices=list(TASKS), help="sizes of the compiled iteration rows"
    )
    parser.add_argument(
        "--graph_sizes", nargs="*", choices=list(TASKS), help="sizes of the GenPO cuda_graphs=True iteration rows"
    )
    parser.add_argument("--fpo_sizes", nargs="*", choices=list(TASKS), help="sizes of the FPO++ iteration rows (2e)")
    parser.add_argument("--tf32_sizes", nargs="*", choices=list(TASKS), help="sizes of the TF32 iteration rows (2d)")
    parser.add_argument("--hidden", type=int, nargs="+", help="override every MLP's hidden sizes (tiny test runs)")
    parser.add_argument("--time_guard", type=float, default=360.0, help="no compiled row starts after this (s)")
    parser.add_argument("--hard_limit", type=float, default=450.0, help="no compiled row expected to end after (s)")
    parser.add_argument("--out", help="markdown report (default: docs/gpu.md on cuda, bench/out/gpu_cpu.md on cpu)")
    parser.add_argument("--json", help="raw results (default: bench/out/gpu.json or bench/out/gpu_cpu.json)")
    parser.add_argument("--command", help="the command to state in the report (default: this one)")
    opts = parser.parse_args(argv)
    kind = "cpu" if opts.device == "cpu" else "cuda"
    for key, value in DEFAULTS[kind].items():
        if getattr(opts, key) is None:
            setattr(opts, key, value)
    if kind == "cuda" and not torch.cuda.is_available():
        parser.error(f"--device {opts.device}: CUDA is not available here; use --device cpu for the small CPU run.")
    return opts


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark, print the report and write it (markdown and JSON)."""
    opts = parse_args(argv)
    results = run(opts, _T0)
    report = render(results)
    print(report)
    for path, text in ((opts.out, report), (opts.json, json.dumps(results, indent=1, default=str))):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        print(f"wrote {path}")
    return results


if __name__ == "__main__":
    main()
