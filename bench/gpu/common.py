"""``bench/bench_gpu.py``'s shared parts: the paper's task sizes, the defaults per device kind, the clock and its time
guard, the row guard (a failure or warning is recorded in the row) and the cells of the report's tables."""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import os
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


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
    """Elapsed time since ``start`` (``bench/bench_gpu.py``: the interpreter's start, imports included), progress
    lines and the compiled-rows time guard."""

    def __init__(self, guard_s: float, hard_limit_s: float, start: float) -> None:
        """Skip compiled rows after ``guard_s`` seconds, or when one would end after ``hard_limit_s``.

        ``start`` is a ``time.perf_counter()`` reading: the seconds count from there.
        """
        self.guard_s = guard_s
        self.hard_limit_s = hard_limit_s
        self.start = start

    def elapsed(self) -> float:
        """Return the seconds since ``start``."""
        return time.perf_counter() - self.start

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


def heading(title: str, *text: str) -> list[str]:
    """Return the lines that open a report section: ``title``, then its ``text`` lines (if any), blank-separated."""
    return ["", title, "", *text, ""] if text else ["", title, ""]


def size_table(
    header: list[str],
    rows_in: dict[str, Any],
    hidden: list[int] | None,
    cells_of: Callable[[str, dict[str, Any]], list[str]],
    none: str | None = None,
) -> list[str]:
    """Return the lines of a table with one row per size of ``rows_in``: the size's cells, then ``cells_of(name,
    row)`` (a skipped or failed row: its note and dashes). No rows and ``none`` given: the line ``none`` instead."""
    rows = []
    for name, r in rows_in.items():
        cells = not_measured(r, len(header) - 3)
        rows.append(size_cells(name, hidden) + (cells_of(name, r) if cells is None else cells))
    return [none] if none is not None and not rows else table(header, rows)
