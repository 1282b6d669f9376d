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

from __future__ import annotations

import time

_T0 = time.perf_counter()  # the time guard counts from the interpreter's start, imports included

import argparse  # noqa: E402
import contextlib  # noqa: E402
import datetime  # noqa: E402
import gc  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any  # noqa: E402

import torch  # noqa: E402
from actor_cost import N_STEPS, TIME_DIM, TIME_HIDDEN, measure, measure_compiled  # noqa: E402
from rsl_rl.runners import OnPolicyRunner  # noqa: E402
from standin_env import StandinEnv  # noqa: E402

from genpo_rsl.precision import flow_precision  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass(frozen=True)
class TaskSize:
    """Observation/action sizes, network and stock rollout length of one paper task."""

    task: str
    num_obs: int
    num_actions: int
    hidden: tuple[int, ...]
    num_steps_per_env: int
    obs_normalization: bool


TASKS: dict[str, TaskSize] = {
    "ant": TaskSize("Isaac-Ant-Direct", 60, 8, (400, 200, 100), 32, False),
    "humanoid": TaskSize("Isaac-Humanoid-Direct", 87, 21, (400, 200, 100), 32, True),
    "anymal_d": TaskSize("Isaac-Velocity-Flat-AnymalD", 48, 12, (128, 128, 128), 24, False),
    "h1": TaskSize("Isaac-Velocity-Rough-H1", 256, 19, (512, 256, 128), 24, False),
    "go2": TaskSize("Isaac-Velocity-Rough-UnitreeGo2", 235, 12, (512, 256, 128), 24, False),
    "shadow_hand": TaskSize("Isaac-Reorient-Cube-Shadow-Direct", 157, 20, (512, 512, 256, 128), 16, True),
}
"""The paper's task sizes; ``num_steps_per_env`` and ``obs_normalization`` as in the stock IsaacLab agent configs."""

NUM_LEARNING_EPOCHS, NUM_MINI_BATCHES = 5, 4
MIX_P = 0.9  # GenPOActor's default, as in bench/actor_cost.py
PAPER_ANT_LATENCY_MS = 2.577

DEFAULTS: dict[str, dict[str, Any]] = {
    # device kind -> defaults of the options left unset on the command line
    "cuda": {
        "sizes": list(TASKS),
        "batch": 4096,
        "num_envs": 4096,
        "repeats": 5,
        "iterations": 3,
        "latency_calls": 200,
        "compile_sizes": ["ant", "humanoid", "h1", "shadow_hand", "go2", "anymal_d"],
        "compile_iteration_sizes": ["ant", "shadow_hand"],
        "graph_sizes": list(TASKS),
        "tf32_sizes": ["humanoid", "ant"],
        "fpo_sizes": list(TASKS),
        "out": os.path.join(ROOT, "docs", "gpu.md"),
        "json": os.path.join(ROOT, "bench", "out", "gpu.json"),
    },
    "cpu": {  # a smoke run of the same code: one small size, no torch.compile (about a minute per compile here)
        "sizes": ["anymal_d"],
        "batch": 128,
        "num_envs": 64,
        "repeats": 1,
        "iterations": 1,
        "latency_calls": 20,
        "compile_sizes": [],
        "compile_iteration_sizes": [],
        "graph_sizes": [],  # CUDA graphs need a GPU (on a CPU, cuda_graphs=True warns and runs eagerly)
        "tf32_sizes": [],
        "fpo_sizes": ["anymal_d"],
        "out": os.path.join(ROOT, "bench", "out", "gpu_cpu.md"),
        "json": os.path.join(ROOT, "bench", "out", "gpu_cpu.json"),
    },
}


class Clock:
    """Elapsed time since the interpreter started, progress lines and the compiled-rows time guard."""

    def __init__(self, guard_s: float, hard_limit_s: float) -> None:
        """Skip compiled rows after ``guard_s`` seconds, or when one would end after ``hard_limit_s``."""
        self.guard_s = guard_s
        self.hard_limit_s = hard_limit_s

    def elapsed(self) -> float:
        """Return the seconds since the interpreter started."""
        return time.perf_counter() - _T0

    def log(self, message: str) -> None:
        """Print a progress line with wall-clock and elapsed time."""
        print(f"[{datetime.datetime.now():%H:%M:%S} +{self.elapsed():6.1f}s] {message}", flush=True)

    def skip_reason(self, estimate_s: float) -> str | None:
        """Return why a compiled row expected to take ``estimate_s`` must be skipped, or ``None`` to run it."""
        elapsed = self.elapsed()
        if elapsed > self.guard_s:
            return f"skipped: time guard ({elapsed:.0f} s elapsed > {self.guard_s:.0f} s)"
        if elapsed + estimate_s > self.hard_limit_s:
            return (
                f"skipped: time guard ({elapsed:.0f} s elapsed + ~{estimate_s:.0f} s for this row "
                f"> {self.hard_limit_s:.0f} s)"
            )
        return None


def sync(device: str) -> None:
    """Wait for the device's queued work (CUDA); a no-op on the CPU."""
    if str(device).startswith("cuda"):
        torch.cuda.synchronize()


def runner_cfg(
    algorithm: str,
    size: TaskSize,
    hidden: list[int],
    time_hidden: list[int],
    compile_mode: str | None,
    **genpo_keys: Any,
) -> dict[str, Any]:
    """Return the OnPolicyRunner config of GenPO (``"genpo"``, plus ``genpo_keys``) or PPO (``"ppo"``) at one size."""
    norm = size.obs_normalization
    cfg: dict[str, Any] = {
        "num_steps_per_env": size.num_steps_per_env,
        "save_interval": 10**9,
        "obs_groups": {"actor": ["policy"], "critic": ["policy"]},
        "critic": {"class_name": "MLPModel", "hidden_dims": hidden, "activation": "mish", "obs_normalization": norm},
        "algorithm": {
            "class_name": "PPO",
            "num_learning_epochs": NUM_LEARNING_EPOCHS,
            "num_mini_batches": NUM_MINI_BATCHES,
            "learning_rate": 1e-3,
            "schedule": "adaptive",
            "desired_kl": 0.01,
            "entropy_coef": 0.01,
        },
        "torch_compile_mode": compile_mode,
    }
    if algorithm == "genpo":
        cfg["algorithm"].update(class_name="genpo_rsl:GenPO", compression_coef=0.01, **genpo_keys)
        cfg["actor"] = {
            "class_name": "genpo_rsl:GenPOActor",
            "hidden_dims": hidden,
            "activation": "mish",
            "obs_normalization": norm,
            "num_flow_steps": N_STEPS,
            "mix_p": MIX_P,
            "time_embed_dim": TIME_DIM,
            "time_hidden_dims": time_hidden,
        }
    elif algorithm == "fpo":
        cfg["algorithm"].update(class_name="genpo_rsl:FPO", entropy_coef=0.0)
        cfg["actor"] = {
            "class_name": "genpo_rsl:FPOActor",
            "hidden_dims": hidden,
            "activation": "mish",
            "obs_normalization": norm,
            "time_embed_dim": TIME_DIM,
            "time_hidden_dims": time_hidden,
        }
    elif algorithm == "ppo":
        cfg["actor"] = {
            "class_name": "MLPModel",
            "hidden_dims": hidden,
            "activation": "mish",
            "obs_normalization": norm,
            "distribution_cfg": {"class_name": "GaussianDistribution", "init_std": 1.0},
        }
    else:
        raise ValueError(f"runner_cfg: algorithm={algorithm!r} is invalid; allowed: 'genpo', 'fpo', 'ppo'.")
    return cfg


def build_runner(
    algorithm: str, size: TaskSize, opts: argparse.Namespace, compile_mode: str | None, **genpo_keys: Any
) -> tuple[OnPolicyRunner, StandinEnv]:
    """Return a stock OnPolicyRunner (no logging) on a stand-in environment of the task's sizes."""
    env = StandinEnv(opts.num_envs, size.num_obs, size.num_actions, device=opts.device, seed=0)
    cfg = runner_cfg(algorithm, size, hidden_of(size, opts), TIME_HIDDEN, compile_mode, **genpo_keys)
    torch.manual_seed(0)
    with contextlib.redirect_stdout(io.StringIO()):  # the runner prints the models
        runner = OnPolicyRunner(env, cfg, log_dir=None, device=opts.device)
    return runner, env


def run_iteration(runner: OnPolicyRunner, env: StandinEnv, device: str) -> dict[str, float]:
    """Run one rsl_rl iteration as ``OnPolicyRunner.learn`` does; return its timed parts in seconds."""
    alg = runner.alg
    collect = env_time = 0.0
    obs = env.get_observations()
    sync(device)
    with torch.inference_mode():
        for _ in range(runner.cfg["num_steps_per_env"]):
            t0 = time.perf_counter()
            actions = alg.act(obs)
            sync(device)
            t1 = time.perf_counter()
            obs, rewards, dones, extras = env.step(actions)
            sync(device)
            t2 = time.perf_counter()
            alg.process_env_step(obs, rewards, dones, extras)
            sync(device)
            t3 = time.perf_counter()
            collect += (t1 - t0) + (t3 - t2)
            env_time += t2 - t1
        t0 = time.perf_counter()
        alg.compute_returns(obs)
    alg.update()
    sync(device)
    update = time.perf_counter() - t0
    return {"collect": collect, "env": env_time, "update": update, "total": collect + update}


def time_iterations(runner: OnPolicyRunner, env: StandinEnv, opts: argparse.Namespace, warmup: int) -> dict[str, float]:
    """Return the median parts of ``opts.iterations`` iterations after ``warmup`` (the first one's total as well)."""
    runner.alg.train_mode()
    start = time.perf_counter()
    for _ in range(warmup):
        run_iteration(runner, env, opts.device)
    first = time.perf_counter() - start
    runs = [run_iteration(runner, env, opts.device) for _ in range(opts.iterations)]
    result = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    result["warmup"] = first
    return result


def export_latency(runner: OnPolicyRunner, num_obs: int, device: str, calls: int) -> float:
    """Return the median seconds of one batch-1 call of the scripted exported policy (``as_jit()``) on ``device``.

    On the CPU with one intra-op thread: at batch 1 more threads only add synchronization (and, on a shared machine,
    scheduler-tick waits of milliseconds).
    """
    policy = torch.jit.script(runner.alg.get_policy().as_jit().to(device)).eval()
    x = torch.randn(1, num_obs, device=device)
    times = []
    with torch.inference_mode(), one_thread(device == "cpu"):
        for _ in range(20):  # TorchScript's profiling executor optimizes during the first calls
            policy(x)
        for _ in range(calls):
            sync(device)
            start = time.perf_counter()
            policy(x)
            sync(device)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


@contextlib.contextmanager
def one_thread(enabled: bool) -> Iterator[None]:
    """Run the block with one intra-op CPU thread (when ``enabled``), then restore the previous count."""
    threads = torch.get_num_threads()
    if enabled:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def hidden_of(size: TaskSize, opts: argparse.Namespace) -> list[int]:
    """Return the task's hidden sizes, or ``--hidden`` where given (tiny test runs)."""
    return list(opts.hidden) if opts.hidden else list(size.hidden)


def release(device: str) -> None:
    """Free the memory of the models of the previous row."""
    gc.collect()
    if str(device).startswith("cuda"):
        torch.cuda.empty_cache()


def guarded(clock: Clock, label: str, fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run ``fn(*args)`` for one row; a failure is recorded in the row (``error``) instead of ending the benchmark."""
    clock.log(f"{label} ...")
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:  # e.g. GenPO's eager fallback when torch.compile fails
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", DeprecationWarning)  # torch.jit.script's own deprecation notice
        try:
            row = fn(*args)
        except Exception as err:  # keep the other rows of a scarce GPU run
            traceback.print_exc()
            row = {"error": f"{type(err).__name__}: {err}".splitlines()[0][:200]}
    row["seconds"] = time.perf_counter() - start
    notes = sorted({f"{w.category.__name__}: {str(w.message).splitlines()[0][:200]}" for w in caught})
    if notes:
        row["warnings"] = notes[:6]
        for note in notes[:6]:
            clock.log(f"{label}: {note}")
    clock.log(f"{label} done in {row['seconds']:.1f} s")
    return row


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


def section_iteration(name: str, opts: argparse.Namespace, compile_mode: str | None) -> dict[str, Any]:
    """One rsl_rl iteration of PPO and of GenPO (and, eager, the batch-1 export latency of both) at one size."""
    size = TASKS[name]
    row: dict[str, Any] = {}
    for algorithm in ("ppo", "genpo"):
        if compile_mode is not None:
            torch._dynamo.reset()
        runner, env = build_runner(algorithm, size, opts, compile_mode)
        row[algorithm] = time_iterations(runner, env, opts, warmup=1 if compile_mode is None else 2)
        if compile_mode is None:
            row[algorithm]["latency"] = export_latency(runner, size.num_obs, opts.device, opts.latency_calls)
            if opts.device != "cpu":
                row[algorithm]["latency_cpu"] = export_latency(runner, size.num_obs, "cpu", opts.latency_calls)
        del runner, env
        release(opts.device)
    for key in ("collect", "update", "total"):
        row[f"ratio_{key}"] = row["genpo"][key] / row["ppo"][key]
    if compile_mode is None:
        row["ratio_latency"] = row["genpo"]["latency"] / row["ppo"]["latency"]
        if opts.device != "cpu":
            row["ratio_latency_cpu"] = row["genpo"]["latency_cpu"] / row["ppo"]["latency_cpu"]
    return row


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


GRAPHS_COMPRESSION_FRACTION = 0.25
"""Section 2c's second GenPO row: the compression loss on a quarter of each minibatch (paper: all of it)."""

TF32_VARIANTS = {
    "ppo": ("ppo", {}),
    "genpo_graphs": ("genpo", {"cuda_graphs": True}),
    "genpo_graphs_tf32": ("genpo", {"cuda_graphs": True, "allow_tf32": True}),
}
"""Section 2d's rows: name -> (algorithm, GenPO keys), all timed with TF32 matmuls on globally."""


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


def run(opts: argparse.Namespace) -> dict[str, Any]:
    """Run every section; return the results (also the input of :func:`render`)."""
    clock = Clock(opts.time_guard, opts.hard_limit)
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


def ms(seconds: float) -> str:
    """Format seconds as milliseconds with 3 significant digits."""
    value = seconds * 1e3
    return f"{value:.3g} ms" if value < 100 else f"{value:.0f} ms"


def ratio(x: float) -> str:
    """Format a ratio."""
    return f"{x:.2f}x"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Return the lines of a markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def size_cells(name: str, opts_hidden: list[int] | None) -> list[str]:
    """Return the task, obs x act and hidden cells of a row."""
    size = TASKS[name]
    hidden = opts_hidden or list(size.hidden)
    return [name, f"{size.num_obs}x{size.num_actions}", "[" + ",".join(map(str, hidden)) + "]"]


def not_measured(row: dict[str, Any], width: int) -> list[str] | None:
    """Return the cells of a skipped or failed row (note in the first cell, dashes after), else ``None``."""
    note = row.get("skipped") or (f"error: {row['error']}" if "error" in row else None)
    return None if note is None else [note] + ["—"] * (width - 1)


def render(results: dict[str, Any]) -> str:
    """Return the markdown report of :func:`run`'s results."""
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
        "",
        "## 1. Actor cost (`bench/actor_cost.py`), eager",
        "",
        "Seconds of one rollout `act()` (batch rows) and of one update minibatch (likelihood + backward) per variant:",
        "(a) Gaussian PPO, (b) GenPO closed form, (c) GenPO with the released code's autograd Jacobian, (d) floor:",
        "2N passes of a bare MLP of the velocity's sizes, (b0) (b) with torch's `nn.Mish`.",
        "",
    ]
    header = ["task", "obs x act", "hidden", "gauss act", "gauss upd", "genpo act", "genpo upd", "jac act"]
    header += ["jac upd", "floor upd", "b0 act", "b0 upd", "b/a act", "b/a upd", "c/b upd", "b/d upd"]
    rows = []
    for name, r in results["actor_cost"].items():
        cells = not_measured(r, len(header) - 3)
        if cells is None:
            keys = ["a_gauss_act", "a_gauss_update", "b_genpo_act", "b_genpo_update", "c_jacobian_act"]
            keys += ["c_jacobian_update", "d_floor_update", "b0_act", "b0_update"]
            cells = [ms(r[k]) if k in r else r.get("note", "—") for k in keys]
            cells += [ratio(r[k]) if k in r else "—" for k in ("b/a act", "b/a update", "c/b update", "b/d update")]
        rows.append(size_cells(name, hidden) + cells)
    out += table(header, rows)
    out += [
        "",
        "### 1b. Actor cost, compiled (b'): velocity MLP through `torch.compile` (the runner's "
        '`torch_compile_mode="default"`)',
        "",
    ]
    header = ["task", "obs x act", "hidden", "first act+upd (compile)", "b' act", "b' upd", "b'/b act", "b'/b upd"]
    header += ["b'/a act", "b'/a upd"]
    rows = []
    for name, r in results["actor_cost_compiled"].items():
        cells = not_measured(r, len(header) - 3)
        eager = results["actor_cost"].get(name, {})
        if cells is None:
            act, upd, first = r["b'_act"], r["b'_update"], r["b'_first_call"]
            cells = [f"{first:.1f} s", ms(act), ms(upd)]
            if "b_genpo_act" in eager:
                cells += [ratio(act / eager["b_genpo_act"]), ratio(upd / eager["b_genpo_update"])]
                cells += [ratio(act / eager["a_gauss_act"]), ratio(upd / eager["a_gauss_update"])]
            else:
                cells += ["—"] * 4
        rows.append(size_cells(name, hidden) + cells)
    out += table(header, rows) if rows else ["(no compiled sizes requested: `--compile_sizes NAME ...`)"]
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


def iteration_section(
    rows_in: dict[str, Any], hidden: list[int] | None, m: dict[str, Any], compiled: bool
) -> list[str]:
    """Return the lines of the iteration table (eager or compiled)."""
    title = "### 2b. One rsl_rl iteration, compiled" if compiled else "## 2. One rsl_rl iteration, eager"
    out = ["", title, ""]
    if compiled:
        out += [
            '`torch_compile_mode="default"` for both (GenPO: velocity MLP + critic; PPO: actor + critic); '
            "first = the two warm-up iterations (compiling).",
            "",
        ]
    else:
        out += [
            f"Stock `OnPolicyRunner` algorithms on `bench/standin_env.py` ({m['num_envs']} environments), rollout of "
            f"the task's stock `num_steps_per_env` (steps) + update ({NUM_LEARNING_EPOCHS} epochs x "
            f"{NUM_MINI_BATCHES} minibatches). collect = `alg.act` + `alg.process_env_step` (the environment's "
            "own step excluded, shown as env); update = `compute_returns` + `update`; total = collect + update.",
            "",
        ]
    header = ["task", "obs x act", "hidden", "steps", "PPO collect", "PPO update", "PPO total", "GenPO collect"]
    header += ["GenPO update", "GenPO total", "env step", "GenPO/PPO collect", "update", "total"]
    if compiled:
        header += ["first PPO", "first GenPO", "GenPO compiled / PPO eager total"]
    rows = []
    for name, r in rows_in.items():
        cells = not_measured(r, len(header) - 3)
        if cells is None:
            ppo, genpo = r["ppo"], r["genpo"]
            cells = [str(TASKS[name].num_steps_per_env)]
            cells += [ms(ppo[k]) for k in ("collect", "update", "total")]
            cells += [ms(genpo[k]) for k in ("collect", "update", "total")]
            cells += [ms(genpo["env"])] + [ratio(r[f"ratio_{k}"]) for k in ("collect", "update", "total")]
            if compiled:
                cells += [f"{ppo['warmup']:.1f} s", f"{genpo['warmup']:.1f} s"]
                cells.append(ratio(r["ratio_total_vs_eager_ppo"]) if "ratio_total_vs_eager_ppo" in r else "—")
        rows.append(size_cells(name, hidden) + cells)
    none = "(no compiled sizes requested: `--compile_iteration_sizes NAME ...`)" if compiled else "(no sizes)"
    return out + (table(header, rows) if rows else [none])


def graphs_section(rows_in: dict[str, Any], eager: dict[str, Any], hidden: list[int] | None) -> list[str]:
    """Return the lines of the GenPO ``cuda_graphs=True`` iteration table."""
    out = [
        "",
        "### 2c. One rsl_rl iteration, GenPO with CUDA graphs",
        "",
        "GenPO with `cuda_graphs=True` (`genpo_rsl/cuda_graphs.py`: the rollout sample and each minibatch's flow "
        "passes, forward and backward, replayed as captured CUDA graphs), the same set-up as section 2; the "
        "warm-up iteration includes the capture. Eager PPO and GenPO are section 2's rows.",
        "",
    ]
    header = ["task", "obs x act", "hidden", "GenPO graphs collect", "update", "total", "first (capture)"]
    header += ["speed-up vs eager GenPO", "GenPO graphs / PPO total"]
    header += [f"+ compression_fraction {GRAPHS_COMPRESSION_FRACTION} total", "/ PPO total"]
    rows = []
    for name, r in rows_in.items():
        cells = not_measured(r, len(header) - 3)
        if cells is None:
            g = r["genpo"]
            cells = [ms(g[k]) for k in ("collect", "update", "total")] + [f"{g['warmup']:.1f} s"]
            cells += [ratio(r[k]) if k in r else "—" for k in ("speedup_total", "ratio_total")]
            cells += [ms(r["genpo_cf"]["total"]), ratio(r["ratio_cf_total"]) if "ratio_cf_total" in r else "—"]
        rows.append(size_cells(name, hidden) + cells)
    return out + (table(header, rows) if rows else ["(no sizes requested: `--graph_sizes NAME ...`)"])


def fpo_section(rows_in: dict[str, Any], eager: dict[str, Any], hidden: list[int] | None) -> list[str]:
    """Return the lines of the FPO++ iteration table (2e)."""
    out = [
        "",
        "### 2e. One rsl_rl iteration, FPO++ (eager)",
        "",
        "`genpo_rsl:FPO` with `FPOActor` (10 Euler steps per action, 8 CFM pairs per action in the update), the same "
        "set-up as section 2; PPO and GenPO are section 2's eager rows.",
        "",
    ]
    header = ["task", "obs x act", "hidden", "FPO collect", "update", "total", "FPO/PPO total", "FPO/GenPO total"]
    rows = []
    for name, r in rows_in.items():
        cells = not_measured(r, len(header) - 3)
        if cells is None:
            cells = [ms(r["fpo"][k]) for k in ("collect", "update", "total")]
            cells += [ratio(r[k]) if k in r else "—" for k in ("ratio_ppo", "ratio_genpo")]
        rows.append(size_cells(name, hidden) + cells)
    return out + (table(header, rows) if rows else ["(no sizes requested: `--fpo_sizes NAME ...`)"])


def tf32_section(rows_in: dict[str, Any], hidden: list[int] | None) -> list[str]:
    """Return the lines of the TF32 iteration table (2d)."""
    out = [
        "",
        "### 2d. One rsl_rl iteration with TF32 matmuls on (what `isaaclab train` sets for rsl_rl)",
        "",
        "PPO runs in TF32. GenPO switches TF32 off for its own sampling and update unless `allow_tf32=True` "
        "(`genpo_rsl/precision.py`; the round-trip error it would cost is in `bench/mixed_precision.py`); both GenPO "
        "rows use `cuda_graphs=True`.",
        "",
    ]
    header = ["task", "obs x act", "hidden", "PPO tf32 total", "GenPO graphs (fp32 flow) total", "GenPO/PPO"]
    header += ["GenPO graphs allow_tf32 total", "GenPO/PPO"]
    rows = []
    for name, r in rows_in.items():
        cells = not_measured(r, len(header) - 3)
        if cells is None:
            cells = [ms(r["ppo"]["total"]), ms(r["genpo_graphs"]["total"]), ratio(r["ratio_genpo_graphs"])]
            cells += [ms(r["genpo_graphs_tf32"]["total"]), ratio(r["ratio_genpo_graphs_tf32"])]
        rows.append(size_cells(name, hidden) + cells)
    return out + (table(header, rows) if rows else ["(no sizes requested: `--tf32_sizes NAME ...`)"])


def latency_section(rows_in: dict[str, Any], hidden: list[int] | None, m: dict[str, Any]) -> list[str]:
    """Return the lines of the batch-1 export latency table."""
    on_cpu = m["device"] == "cpu"
    out = [
        "",
        "## 3. Per-action latency of the exported policy, batch 1",
        "",
        "`torch.jit.script(actor.as_jit())` (what `OnPolicyRunner.export_policy_to_jit` saves; GenPO: zero noise, "
        f"N steps), median of {m['latency_calls']} calls after 20 warm-up calls, synchronized per call; on the CPU "
        "with one intra-op thread. The GenPO "
        f"paper reports {PAPER_ANT_LATENCY_MS} ms per action on Ant.",
        "",
    ]
    dev = "cpu" if on_cpu else m["device"]
    header = ["task", "obs x act", "hidden", f"PPO ({dev})", f"GenPO ({dev})", "GenPO/PPO"]
    if not on_cpu:
        header += ["PPO (cpu)", "GenPO (cpu)", "GenPO/PPO (cpu)"]
    rows = []
    for name, r in rows_in.items():
        cells = not_measured(r, len(header) - 3)
        if cells is None:
            cells = [ms(r["ppo"]["latency"]), ms(r["genpo"]["latency"]), ratio(r["ratio_latency"])]
            if not on_cpu:
                cells += [ms(r["ppo"]["latency_cpu"]), ms(r["genpo"]["latency_cpu"]), ratio(r["ratio_latency_cpu"])]
        rows.append(size_cells(name, hidden) + cells)
    return out + table(header, rows)


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
    results = run(opts)
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
