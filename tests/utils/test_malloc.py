"""genpo_rsl.utils.malloc: with the settings, a freed large tensor's memory is reused instead of page-faulted again.

The reference is the kernel's own count of minor page faults (``getrusage``), not a timing: a 64 MiB tensor allocated
and freed 8 times faults its 16 384 pages on every allocation under glibc's defaults (it is above the 32 MiB mmap
threshold cap), and about once in all with the settings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from genpo_rsl.utils import malloc

CHILD = """
import json, resource, sys, torch
from genpo_rsl.utils.malloc import keep_freed_memory
applied = keep_freed_memory() if sys.argv[1] == "call" else None
torch.ones(16 * 2**20).sum()  # warm-up: the first allocation faults in every case
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(8):
    torch.ones(16 * 2**20).sum()  # 64 MiB of float32, freed at once
print(json.dumps({"faults": resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before, "applied": applied}))
"""
PAGES = 16 * 2**20 * 4 // 4096
"""Pages of one 64 MiB tensor (4 KiB pages)."""


def huge_pages_always() -> bool:
    """Whether the kernel backs every allocation with 2 MiB pages: then a fault per 4 KiB page is not the unit."""
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            return "[always]" in f.read()
    except OSError:
        return False


glibc_only = pytest.mark.skipif(
    not sys.platform.startswith("linux") or huge_pages_always(), reason="glibc malloc; counts 4 KiB page faults"
)


def child_faults(mode: str, env: dict[str, str]) -> dict:
    """Run the child with ``mode`` ("call": keep_freed_memory() first; "env": only the environment given)."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode], env=env, capture_output=True, text=True, check=True, timeout=300
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def clean_env() -> dict[str, str]:
    """This environment without any malloc setting or switch."""
    names = {name for name, _, _ in malloc.SETTINGS} | {malloc.SWITCH}
    return {k: v for k, v in os.environ.items() if k not in names}


@glibc_only
def test_defaults_page_fault_every_large_allocation() -> None:
    """The problem the module solves exists: under glibc's defaults every 64 MiB allocation faults its pages again."""
    assert child_faults("env", clean_env())["faults"] >= 8 * PAGES * 0.9


@glibc_only
def test_keep_freed_memory_reuses_freed_memory() -> None:
    """keep_freed_memory() in the process: the 8 allocations fault less than one tensor's pages in all."""
    result = child_faults("call", clean_env())
    assert result["applied"] is True
    assert result["faults"] < PAGES


@glibc_only
def test_malloc_env_reuses_freed_memory_in_a_child() -> None:
    """malloc_env() for a child process (what genpo-compare starts its runs with) has the same effect."""
    assert child_faults("env", malloc.malloc_env(clean_env()))["faults"] < PAGES


def test_switch_and_user_settings_are_left_alone() -> None:
    """GENPO_KEEP_FREED_MEMORY=0 turns it off; a MALLOC_* setting of the user's own is not overridden."""
    base = clean_env()
    assert malloc.malloc_env({**base, malloc.SWITCH: "0"}) == {**base, malloc.SWITCH: "0"}
    own = {**base, "MALLOC_TOP_PAD_": "4096"}
    assert malloc.malloc_env(own) == own
    added = malloc.malloc_env(base)
    assert {k: added[k] for k, _, _ in malloc.SETTINGS} == {
        "MALLOC_MMAP_MAX_": "0",
        "MALLOC_TRIM_THRESHOLD_": str(2**40),
        "MALLOC_TOP_PAD_": str(2**30),
    }


@glibc_only
def test_switched_off_in_process() -> None:
    """keep_freed_memory() applies nothing when switched off, and the child then faults as under the defaults."""
    result = child_faults("call", {**clean_env(), malloc.SWITCH: "0"})
    assert result["applied"] is False
    assert result["faults"] >= 8 * PAGES * 0.9
