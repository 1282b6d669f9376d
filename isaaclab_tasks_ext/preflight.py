"""Checks ``genpo-train`` / ``genpo-play`` run before IsaacLab starts: one clear line instead of a traceback."""

from __future__ import annotations

import difflib
import os

from isaaclab_tasks_ext.registration import ENTRY_POINT_KEYS

GAUSSIAN_AGENTS_HINT = "rsl_rl_cfg_entry_point"


def _value(argv: list[str], flag: str) -> str | None:
    """Return the value of ``flag`` in ``argv`` (``--flag v`` or ``--flag=v``), else ``None``."""
    for i, arg in enumerate(argv):
        if arg == flag and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    return None


def check_task_and_agent(task: str | None, agent: str) -> None:
    """Raise ``ValueError`` if ``task`` is not registered or has no agent config ``agent``."""
    import gymnasium as gym

    if not task:
        raise ValueError("no --task given; allowed: a registered IsaacLab task id, e.g. Isaac-Cartpole-Direct")
    task_id = task.split(":")[-1]
    if task_id not in gym.registry:
        near = difflib.get_close_matches(task_id, list(gym.registry), n=3)
        genpo_tasks = sorted(t for t, s in gym.registry.items() if "genpo" in s.kwargs)
        raise ValueError(
            f"unknown task id '{task_id}'"
            + (f" (did you mean {near}?)" if near else "")
            + f"; tasks with the genpo agent: {genpo_tasks}"
        )
    keys = sorted(k for k in gym.registry[task_id].kwargs if k.endswith("_entry_point") or k in ENTRY_POINT_KEYS)
    if agent not in gym.registry[task_id].kwargs:
        keys = [k for k in keys if k != "env_cfg_entry_point"]
        raise ValueError(f"agent '{agent}' is not registered for {task_id}; allowed --agent values: {keys}")


def check_checkpoint(path: str | None, agent: str) -> None:
    """Raise ``ValueError`` if the checkpoint file was written by the other algorithm than ``agent`` trains."""
    if not path or not os.path.isfile(path):
        return
    import torch

    saved = torch.load(path, map_location="cpu", weights_only=False)
    is_genpo_checkpoint = isinstance(saved, dict) and "genpo" in saved
    wants_genpo = agent in ENTRY_POINT_KEYS
    if is_genpo_checkpoint and not wants_genpo:
        raise ValueError(
            f"checkpoint {path} is a GenPO checkpoint but --agent {agent} is not GenPO; "
            f"allowed: --agent genpo (or a checkpoint of a {agent} run)"
        )
    if wants_genpo and not is_genpo_checkpoint:
        raise ValueError(
            f"checkpoint {path} was not written by GenPO (e.g. a Gaussian PPO run); allowed: a "
            f"checkpoint of a --agent genpo run, or --agent {GAUSSIAN_AGENTS_HINT} to resume it"
        )


def preflight(argv: list[str]) -> None:
    """Check task, agent and checkpoint of a ``genpo-train``/``genpo-play`` command line."""
    agent = _value(argv, "--agent") or "genpo"
    check_task_and_agent(_value(argv, "--task"), agent)
    check_checkpoint(_value(argv, "--checkpoint"), agent)
