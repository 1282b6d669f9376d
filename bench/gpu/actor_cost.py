"""``bench/bench_gpu.py`` section 1: ``bench/actor_cost.py``'s variants at one task size, eager (1) and with the
velocity MLP compiled (1b, (b')); and their tables in the report."""

from __future__ import annotations

import argparse
import traceback
from typing import Any

import torch

from bench.actor_timing import measure, measure_compiled
from bench.gpu.common import TASKS, heading, hidden_of, ms, ratio, release, size_table


def section_actor_cost(name: str, opts: argparse.Namespace) -> dict[str, Any]:
    """bench/actor_cost.py's eager variants at one task size."""
    size = TASKS[name]
    dims = (size.num_obs, size.num_actions)
    try:
        result = measure(name, opts.batch, opts.device, opts.repeats, dims=dims, hidden=hidden_of(size, opts))
    except Exception as err:  # (c), measured last, is the memory-hungry variant: measure the others without it
        note = "(c) OOM" if isinstance(err, torch.OutOfMemoryError) else f"(c) {type(err).__name__}"
        if note != "(c) OOM":
            traceback.print_exc()
        release(opts.device)
        result = measure(
            name, opts.batch, opts.device, opts.repeats, dims=dims, hidden=hidden_of(size, opts), jacobian=False
        )
        result["note"] = note
    release(opts.device)
    return result


def section_actor_cost_compiled(name: str, opts: argparse.Namespace) -> dict[str, Any]:
    """bench/actor_cost.py's (b'): GenPO with the velocity MLP compiled, at one task size."""
    size = TASKS[name]
    torch._dynamo.reset()
    result = measure_compiled(
        (size.num_obs, size.num_actions), hidden_of(size, opts), opts.batch, opts.device, opts.repeats
    )
    release(opts.device)
    return result


def actor_cost_section(results: dict[str, Any], hidden: list[int] | None) -> list[str]:
    """Return the lines of the eager (1) and compiled (1b) actor-cost tables."""
    out = heading(
        "## 1. Actor cost (`bench/actor_cost.py`), eager",
        "Seconds of one rollout `act()` (batch rows) and of one update minibatch (likelihood + backward) per variant:",
        "(a) Gaussian PPO, (b) GenPO closed form, (c) GenPO with the released code's autograd Jacobian, (d) floor:",
        "2N passes of a bare MLP of the velocity's sizes, (b0) (b) with torch's `nn.Mish`.",
    )
    header = ["task", "obs x act", "hidden", "gauss act", "gauss upd", "genpo act", "genpo upd", "jac act"]
    header += ["jac upd", "floor upd", "b0 act", "b0 upd", "b/a act", "b/a upd", "c/b upd", "b/d upd"]

    def eager_cells(name: str, r: dict[str, Any]) -> list[str]:
        keys = ["a_gauss_act", "a_gauss_update", "b_genpo_act", "b_genpo_update", "c_jacobian_act"]
        keys += ["c_jacobian_update", "d_floor_update", "b0_act", "b0_update"]
        cells = [ms(r[k]) if k in r else r.get("note", "—") for k in keys]
        return cells + [ratio(r[k]) if k in r else "—" for k in ("b/a act", "b/a update", "c/b update", "b/d update")]

    out += size_table(header, results["actor_cost"], hidden, eager_cells)
    out += heading(
        "### 1b. Actor cost, compiled (b'): velocity MLP through `torch.compile` (the runner's "
        '`torch_compile_mode="default"`)'
    )
    header = ["task", "obs x act", "hidden", "first act+upd (compile)", "b' act", "b' upd", "b'/b act", "b'/b upd"]
    header += ["b'/a act", "b'/a upd"]

    def compiled_cells(name: str, r: dict[str, Any]) -> list[str]:
        eager = results["actor_cost"].get(name, {})
        act, upd, first = r["b'_act"], r["b'_update"], r["b'_first_call"]
        cells = [f"{first:.1f} s", ms(act), ms(upd)]
        if "b_genpo_act" not in eager:
            return [*cells, *["—"] * 4]
        cells += [ratio(act / eager["b_genpo_act"]), ratio(upd / eager["b_genpo_update"])]
        return [*cells, ratio(act / eager["a_gauss_act"]), ratio(upd / eager["a_gauss_update"])]

    none = "(no compiled sizes requested: `--compile_sizes NAME ...`)"
    return out + size_table(header, results["actor_cost_compiled"], hidden, compiled_cells, none)
