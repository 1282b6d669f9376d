"""GenPO agent configs for IsaacLab: one shared base, the task table, one class per task id, YAML files.

Importing this package is light (the table only); the IsaacLab config classes load on first attribute access.
"""

from __future__ import annotations

import importlib
from typing import Any

from agents_cfg.table import PAPER, PAPER_TASK_IDS, TASKS, PaperRow, TaskRow, task_row

_LAZY = {
    "GenPOActorCfg": "agents_cfg.actor_cfg",
    "GenPOAlgorithmCfg": "agents_cfg.algorithm_cfg",
    "GenPOCriticCfg": "agents_cfg.critic_cfg",
    "GenPORunnerCfg": "agents_cfg.runner_cfg",
    "CONFIG_CLASSES": "agents_cfg.tasks",
    "load_cfg_from_yaml": "agents_cfg.yaml_io",
    "save_cfg_to_yaml": "agents_cfg.yaml_io",
    "write_all_yaml": "agents_cfg.yaml_io",
    "to_runner_dict": "agents_cfg.runner_dict",
}

__all__ = ["PAPER", "PAPER_TASK_IDS", "TASKS", "PaperRow", "TaskRow", "task_row", *_LAZY]


def __getattr__(name: str) -> Any:
    """Import the IsaacLab-dependent names on first use; a task's GenPO class by its name.

    Args:
        name: A name of ``_LAZY`` or a GenPO task config class (``AntDirectGenPORunnerCfg``).

    Returns:
        The object of that name.

    Raises:
        AttributeError: Neither.
    """
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in {row.class_name for row in TASKS}:
        return getattr(importlib.import_module("agents_cfg.tasks"), name)
    raise AttributeError(f"module 'agents_cfg' has no attribute {name!r}")
