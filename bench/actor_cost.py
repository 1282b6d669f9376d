"""Cost of one rollout ``act()`` and one update minibatch: Gaussian PPO vs GenPO (closed form / Jacobian) vs floor.

    python bench/actor_cost.py [--batch 4096] [--device cpu] [--repeats 3] [--sizes ant humanoid] [--compile]

Prints, per size, the median seconds of each variant and the ratios measured in this one run:
b/a (GenPO closed form vs Gaussian), c/b (Jacobian vs closed form), b/d (closed form vs the 2N-MLP-pass floor:
a bare ``nn.Sequential`` with torch's own activation). ``--compile`` adds (b') GenPO with its velocity MLP through
``torch.compile`` (what the runner's ``torch_compile_mode`` does) and prints its first-call (compile) time and b'/b.
Always printed too: (b0) GenPO with torch's own ``nn.Mish`` in the flow instead of the one-exp kernel, and b/b0.
The variants and their timing are in ``bench/actor_timing.py`` (``bench/bench_gpu.py`` reuses its :func:`measure` and
:func:`measure_compiled` at the paper's task sizes).
``--profile`` prints torch.profiler's top operators of one (b0) and one (b) update minibatch (where the time goes).
"""

from __future__ import annotations

import argparse
import os
import sys

if not __package__:  # run as `python bench/actor_cost.py`: import the bench package from the repository root
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import torch

from bench.actor_timing import SIZES, build, genpo_update, measure, sample_dummy, with_torch_mish


def profile(size: str, batch: int, device: str) -> None:
    """Print torch.profiler's top operators (self CPU time) of one update minibatch of (b0) and of (b)."""
    obs_dim, d = SIZES[size]
    obs, _, genpo, _ = build(obs_dim, d, batch, device)
    dummy = sample_dummy(genpo, obs)
    for name, actor in (("(b0) torch's nn.Mish", with_torch_mish(genpo)), ("(b) one-exp Mish", genpo)):
        for _ in range(2):  # warm-up, then the profiled call
            with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
                genpo_update(actor, obs, dummy)
        print(f"{size} {name}: one update minibatch of {batch} rows")
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=8))


def main() -> None:
    """Run the benchmark and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=4096)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--compile", action="store_true", help="also time GenPO with the velocity MLP compiled (b')")
    parser.add_argument("--profile", action="store_true", help="print the top operators of a (b0) and a (b) update")
    args = parser.parse_args()
    print(f"batch {args.batch}, device {args.device}, torch {torch.__version__}, threads {torch.get_num_threads()}")
    print(
        "| size | "
        + " | ".join(
            [
                "gauss act",
                "gauss upd",
                "genpo act",
                "genpo upd",
                "jac act",
                "jac upd",
                "floor upd",
                "b/a upd",
                "c/b upd",
                "b/d upd",
            ]
        )
        + " |"
    )
    print("|---" * 11 + "|")
    if args.profile:
        profile(args.sizes[0], args.batch, args.device)
    for size in args.sizes:
        r = measure(size, args.batch, args.device, args.repeats, args.compile)
        secs = [
            r[k]
            for k in (
                "a_gauss_act",
                "a_gauss_update",
                "b_genpo_act",
                "b_genpo_update",
                "c_jacobian_act",
                "c_jacobian_update",
                "d_floor_update",
            )
        ]
        ratios = [r["b/a update"], r["c/b update"], r["b/d update"]]
        print(
            f"| {size} | "
            + " | ".join(f"{s * 1e3:.0f} ms" for s in secs)
            + " | "
            + " | ".join(f"{x:.2f}x" for x in ratios)
            + " |"
        )
        print(f"  {size}: act ratios b/a {r['b/a act']:.2f}x, c/b {r['c/b act']:.1f}x", flush=True)
        act, upd = r["b0_act"], r["b0_update"]
        print(
            f"  {size}: torch's nn.Mish in the flow (b0) act {act * 1e3:.0f} ms, update {upd * 1e3:.0f} ms; "
            f"b/b0 act {r['b_genpo_act'] / act:.2f}x, update {r['b_genpo_update'] / upd:.2f}x",
            flush=True,
        )
        if args.compile:
            act, upd, first = r["b'_act"], r["b'_update"], r["b'_first_call"]
            print(
                f"  {size}: compiled (b') act {act * 1e3:.0f} ms, update {upd * 1e3:.0f} ms, first call (compiling) "
                f"{first:.1f} s; b'/b act {act / r['b_genpo_act']:.2f}x, update {upd / r['b_genpo_update']:.2f}x",
                flush=True,
            )


if __name__ == "__main__":
    main()
