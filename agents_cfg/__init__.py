"""GenPO agent configs for IsaacLab: one shared base, the paper's per-task rows, one class per task id, YAML files.

Importing this package is light (the tables only); the IsaacLab config classes load on first attribute access.
"""

from __future__ import annotations

import importlib
from typing import Any

from agents_cfg.paper import PAPER, PAPER_TASK_IDS, PaperRow
from agents_cfg.table import TASKS, TaskRow, task_row

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
_TASK_CLASSES = {row.class_name for row in TASKS}
"""Task config classes, importable by name: ``from agents_cfg import AntDirectGenPORunnerCfg``."""

__all__ = ["PAPER", "PAPER_TASK_IDS", "TASKS", "PaperRow", "TaskRow", "task_row", *_LAZY, *sorted(_TASK_CLASSES)]


def __getattr__(name: str) -> Any:
    """Import the IsaacLab-dependent names on first use."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in _TASK_CLASSES:
        return getattr(importlib.import_module("agents_cfg.tasks"), name)
    raise AttributeError(f"module 'agents_cfg' has no attribute {name!r}")
