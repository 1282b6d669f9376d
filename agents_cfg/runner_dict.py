"""Turn a runner config into the dict rsl_rl's ``OnPolicyRunner`` takes, exactly as IsaacLab's train/play do."""

from __future__ import annotations

import copy
import importlib.metadata
from typing import Any

from isaaclab.utils import to_dict
from isaaclab_rl.rsl_rl import RslRlBaseRunnerCfg, handle_deprecated_rsl_rl_cfg


def to_runner_dict(cfg: RslRlBaseRunnerCfg) -> dict[str, Any]:
    """Return the dict rsl_rl's runner takes.

    Args:
        cfg: A runner config (not changed).

    Returns:
        ``to_dict`` of a copy of ``cfg`` after IsaacLab's ``handle_deprecated_rsl_rl_cfg``.
    """
    migrated = handle_deprecated_rsl_rl_cfg(copy.deepcopy(cfg), importlib.metadata.version("rsl-rl-lib"))
    return to_dict(migrated)
