"""The algorithms, as rsl_rl's are: GenPO's update (:mod:`.genpo`, the shared core, and :mod:`.genpo_rsl5`, its
rsl-rl-lib 5.x ``PPO`` subclass), FPO++ (:mod:`.fpo`), distillation into a GenPO student (:mod:`.distillation`), the
update loop they share (:mod:`.update_loop`), the GenPO objective (:mod:`.objective`) and the numerical health check
(:mod:`.health`).

The 5.x classes are imported on first use, so the rsl-rl-lib 3.x adapter can import the core from here.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "GenPO": "genpo_rsl.algorithms.genpo_rsl5",
    "FPO": "genpo_rsl.algorithms.fpo",
    "GenPODistillation": "genpo_rsl.algorithms.distillation",
}

__all__ = ["FPO", "GenPO", "GenPODistillation"]


def __getattr__(name: str) -> Any:
    """Import a 5.x algorithm class on first use."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'genpo_rsl.algorithms' has no attribute {name!r}")
