"""``bench/bench_gpu.py`` section 2: one full rsl_rl iteration of GenPO and of PPO through the stock
``OnPolicyRunner`` on ``bench/standin_env.py`` (eager, 2b compiled), and section 3: the batch-1 latency of the
exported policy; the runner configs the other iteration sections (2c, 2d, 2e) build on; and their tables."""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import time
from typing import Any

import torch
from rsl_rl.runners import OnPolicyRunner

from bench.actor_timing import N_STEPS, TIME_DIM, TIME_HIDDEN, sync
from bench.gpu.common import (
    MIX_P,
    NUM_LEARNING_EPOCHS,
    NUM_MINI_BATCHES,
    PAPER_ANT_LATENCY_MS,
    TASKS,
    TaskSize,
    heading,
    hidden_of,
    ms,
    one_thread,
    ratio,
    release,
    size_table,
)
from bench.standin_env import StandinEnv


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


def iteration_section(
    rows_in: dict[str, Any], hidden: list[int] | None, m: dict[str, Any], compiled: bool
) -> list[str]:
    """Return the lines of the iteration table (eager or compiled)."""
    if compiled:
        out = heading(
            "### 2b. One rsl_rl iteration, compiled",
            '`torch_compile_mode="default"` for both (GenPO: velocity MLP + critic; PPO: actor + critic); '
            "first = the two warm-up iterations (compiling).",
        )
    else:
        out = heading(
            "## 2. One rsl_rl iteration, eager",
            f"Stock `OnPolicyRunner` algorithms on `bench/standin_env.py` ({m['num_envs']} environments), rollout of "
            f"the task's stock `num_steps_per_env` (steps) + update ({NUM_LEARNING_EPOCHS} epochs x "
            f"{NUM_MINI_BATCHES} minibatches). collect = `alg.act` + `alg.process_env_step` (the environment's "
            "own step excluded, shown as env); update = `compute_returns` + `update`; total = collect + update.",
        )
    header = ["task", "obs x act", "hidden", "steps", "PPO collect", "PPO update", "PPO total", "GenPO collect"]
    header += ["GenPO update", "GenPO total", "env step", "GenPO/PPO collect", "update", "total"]
    if compiled:
        header += ["first PPO", "first GenPO", "GenPO compiled / PPO eager total"]

    def row_cells(name: str, r: dict[str, Any]) -> list[str]:
        ppo, genpo = r["ppo"], r["genpo"]
        cells = [str(TASKS[name].num_steps_per_env)]
        cells += [ms(ppo[k]) for k in ("collect", "update", "total")]
        cells += [ms(genpo[k]) for k in ("collect", "update", "total")]
        cells += [ms(genpo["env"])] + [ratio(r[f"ratio_{k}"]) for k in ("collect", "update", "total")]
        if compiled:
            cells += [f"{ppo['warmup']:.1f} s", f"{genpo['warmup']:.1f} s"]
            cells.append(ratio(r["ratio_total_vs_eager_ppo"]) if "ratio_total_vs_eager_ppo" in r else "—")
        return cells

    none = "(no compiled sizes requested: `--compile_iteration_sizes NAME ...`)" if compiled else "(no sizes)"
    return out + size_table(header, rows_in, hidden, row_cells, none)


def latency_section(rows_in: dict[str, Any], hidden: list[int] | None, m: dict[str, Any]) -> list[str]:
    """Return the lines of the batch-1 export latency table."""
    on_cpu = m["device"] == "cpu"
    out = heading(
        "## 3. Per-action latency of the exported policy, batch 1",
        "`torch.jit.script(actor.as_jit())` (what `OnPolicyRunner.export_policy_to_jit` saves; GenPO: zero noise, "
        f"N steps), median of {m['latency_calls']} calls after 20 warm-up calls, synchronized per call; on the CPU "
        "with one intra-op thread. The GenPO "
        f"paper reports {PAPER_ANT_LATENCY_MS} ms per action on Ant.",
    )
    dev = "cpu" if on_cpu else m["device"]
    header = ["task", "obs x act", "hidden", f"PPO ({dev})", f"GenPO ({dev})", "GenPO/PPO"]
    if not on_cpu:
        header += ["PPO (cpu)", "GenPO (cpu)", "GenPO/PPO (cpu)"]

    def row_cells(name: str, r: dict[str, Any]) -> list[str]:
        cells = [ms(r["ppo"]["latency"]), ms(r["genpo"]["latency"]), ratio(r["ratio_latency"])]
        if not on_cpu:
            cells += [ms(r["ppo"]["latency_cpu"]), ms(r["genpo"]["latency_cpu"]), ratio(r["ratio_latency_cpu"])]
        return cells

    return out + size_table(header, rows_in, hidden, row_cells)
