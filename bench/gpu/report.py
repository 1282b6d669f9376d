"""``bench/bench_gpu.py``'s markdown report: the run's header, each measurement's tables (from its module) and the
warnings raised while measuring."""

from __future__ import annotations

from typing import Any

from bench.actor_timing import N_STEPS, TIME_DIM, TIME_HIDDEN
from bench.gpu.actor_cost import actor_cost_section
from bench.gpu.common import MIX_P
from bench.gpu.fpo import fpo_section
from bench.gpu.graphs import graphs_section, tf32_section
from bench.gpu.iteration import iteration_section, latency_section


def render(results: dict[str, Any]) -> str:
    """Return the markdown report of :func:`bench.gpu.benchmark.run`'s results."""
    m = results["meta"]
    hidden = m["hidden_override"]
    out = [
        "# GenPO vs PPO on one GPU: actor cost, one rsl_rl iteration, export latency",
        "",
        f"- device: **{m['device_name']}** (`{m['device']}`), torch {m['torch']}"
        + (f", CUDA {m['cuda']}" if m["cuda"] else "")
        + f", Python {m['python']}, {m['cpu_threads']} CPU threads",
        f"- date: {m['date']}; whole run {m.get('elapsed_s', float('nan')):.0f} s",
        f"- command: `{m['command']}`",
        f"- batch {m['batch']} (actor cost), {m['num_envs']} environments (iteration), median of {m['repeats']} "
        f"repeats (actor cost) / {m['iterations']} iterations after warm-up / {m['latency_calls']} calls (latency)",
        f"- GenPO: N = {N_STEPS} flow steps, p = {MIX_P}, time embedding {TIME_DIM}, time MLP "
        f"{TIME_HIDDEN}; actor and critic hidden sizes as in the task's stock agent config"
        + (f" (here overridden: {hidden})" if hidden else "")
        + "; Mish everywhere, for both algorithms",
    ]
    out += actor_cost_section(results, hidden)
    out += iteration_section(results["iteration"], hidden, m, compiled=False)
    out += iteration_section(results["iteration_compiled"], hidden, m, compiled=True)
    out += graphs_section(results.get("iteration_graphs", {}), results["iteration"], hidden)
    out += tf32_section(results.get("iteration_tf32", {}), hidden)
    out += fpo_section(results.get("iteration_fpo", {}), results["iteration"], hidden)
    out += latency_section(results["iteration"], hidden, m)
    out += warnings_section(results)
    return "\n".join(out) + "\n"


def warnings_section(results: dict[str, Any]) -> list[str]:
    """Return the lines listing the warnings raised while measuring each row (none: a line saying so)."""
    out = ["", "## Warnings raised during the measurements", ""]
    sections = ("actor_cost", "iteration", "actor_cost_compiled", "iteration_compiled", "iteration_graphs")
    for section in (*sections, "iteration_tf32", "iteration_fpo"):
        for name, row in results.get(section, {}).items():
            out += [f"- {section} / {name}: `{note}`" for note in row.get("warnings", [])]
    return out if len(out) > 3 else [*out, "(none)"]
