"""Keep freed memory in the process: glibc malloc settings that stop large tensors from page-faulting on every update.

glibc serves an allocation above its mmap threshold (at most 32 MiB) with a fresh ``mmap`` and returns it to the
kernel on ``free``; the next allocation of that size page-faults every page again, and the kernel zeroes each one.
A CPU update whose activations exceed the threshold (FPO++'s 16 CFM pairs per action: 65 536 rows × 400 units ×
4 B = 100 MiB in Ant's first layer at 4096 rows a minibatch; a large GenPO batch) then spends much of its time in
the kernel: on this project's CPU FPO++'s ``fpo_paper`` update on Ant spent 42% of its CPU time there, and took
150 s per iteration instead of 72 s with these settings (docs/results.md §13). The settings: serve no allocation
by ``mmap`` (``M_MMAP_MAX = 0``), never trim the heap (``M_TRIM_THRESHOLD``), and grow it in large steps
(``M_TOP_PAD``). Freed memory is then reused; the price is a resident size near the run's peak (4.9 GB instead of
2.0 GB for that run).

Two ways in, both no-ops where they do not apply (not glibc) and both leaving a user's own ``MALLOC_*`` settings be:

- :func:`keep_freed_memory` for this process (``genpo-train``/``genpo-play`` call it before IsaacLab's train/play);
- :func:`malloc_env` for a child process (``genpo-compare`` starts its runs with it), as environment variables.

``GENPO_KEEP_FREED_MEMORY=0`` in the environment turns both off.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from collections.abc import Mapping

M_TRIM_THRESHOLD = -1
M_TOP_PAD = -2
M_MMAP_MAX = -4
"""glibc's ``mallopt`` parameter numbers (``malloc.h``)."""

SETTINGS: tuple[tuple[str, int, int], ...] = (
    ("MALLOC_MMAP_MAX_", M_MMAP_MAX, 0),
    ("MALLOC_TRIM_THRESHOLD_", M_TRIM_THRESHOLD, 2**40),
    ("MALLOC_TOP_PAD_", M_TOP_PAD, 2**30),
)
"""``(environment variable, mallopt parameter, value)`` of each setting; the variables are glibc's own tunables."""

SWITCH = "GENPO_KEEP_FREED_MEMORY"
"""Environment variable that turns the settings off when it is ``0``."""


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Return whether the settings apply: not switched off, and no ``MALLOC_*`` setting of the user's own."""
    environ = os.environ if environ is None else environ
    if environ.get(SWITCH, "1") == "0":
        return False
    return not any(name in environ for name, _, _ in SETTINGS)


def malloc_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return a copy of ``environ`` (default: this process's) with the settings added for a child process.

    Args:
        environ: The environment to extend; unchanged in the copy when :func:`enabled` says no.

    Returns:
        The environment for ``subprocess`` (``env=``).
    """
    environ = dict(os.environ if environ is None else environ)
    if enabled(environ):
        environ.update({name: str(value) for name, _, value in SETTINGS})
    return environ


def keep_freed_memory() -> bool:
    """Apply the settings to this process with glibc's ``mallopt``; allocations made afterwards follow them.

    Returns:
        Whether they were applied: ``False`` off glibc, when switched off, or when ``MALLOC_*`` is already set.
    """
    if not enabled():
        return False
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name).mallopt if name else None
    except (OSError, AttributeError):
        mallopt = None
    if mallopt is None:
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return all(mallopt(parameter, min(value, 2**31 - 1)) == 1 for _, parameter, value in SETTINGS)
