"""Checks ``genpo-train`` / ``genpo-play`` run before IsaacLab starts: one clear line instead of a traceback."""

from __future__ import annotations

import difflib
import os

from isaaclab_tasks_ext.agents import AGENTS, GENPO, Agent, agent_for_key, registered_keys


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
        shown = agent if agent in registered_keys() else GENPO.agent_key
        agent_tasks = sorted(t for t, s in gym.registry.items() if shown in s.kwargs)
        raise ValueError(
            f"unknown task id '{task_id}'"
            + (f" (did you mean {near}?)" if near else "")
            + f"; tasks with the {shown} agent: {agent_tasks}"
        )
    kwargs = gym.registry[task_id].kwargs
    if agent not in kwargs:
        keys = sorted(k for k in kwargs if k.endswith("_entry_point") or k in registered_keys())
        keys = [k for k in keys if k != "env_cfg_entry_point"]
        raise ValueError(f"agent '{agent}' is not registered for {task_id}; allowed --agent values: {keys}")


def checkpoint_agent(saved: object) -> Agent | None:
    """Return the table entry whose checkpoint marker ``saved`` has at top level; ``None`` for a plain checkpoint."""
    if not isinstance(saved, dict):
        return None
    return next((a for a in AGENTS.values() if a.checkpoint_marker and a.checkpoint_marker in saved), None)


def check_checkpoint(path: str | None, agent: str) -> None:
    """Raise ``ValueError`` if the checkpoint file was written by another algorithm than ``agent`` trains."""
    if not path or not os.path.isfile(path):
        return
    import torch

    written_by = checkpoint_agent(torch.load(path, map_location="cpu", weights_only=False))
    wanted = agent_for_key(agent)
    wanted_marker = wanted.checkpoint_marker if wanted else None
    if written_by is not None and written_by.checkpoint_marker != wanted_marker:
        raise ValueError(
            f"checkpoint {path} is a {written_by.label} checkpoint but --agent {agent} is not {written_by.label}; "
            f"allowed: --agent {written_by.agent_key} (or a checkpoint of a {agent} run)"
        )
    if written_by is None and wanted is not None and wanted_marker is not None and not wanted.loads_plain_checkpoints:
        plain = next((a for a in AGENTS.values() if a.checkpoint_marker is None), None)
        resume = f", or --agent {plain.agent_key} to resume it" if plain else ""
        raise ValueError(
            f"checkpoint {path} was not written by {wanted.label} (e.g. a Gaussian PPO run); allowed: a "
            f"checkpoint of a --agent {agent} run{resume}"
        )


def preflight(argv: list[str]) -> None:
    """Check task, agent and checkpoint of a ``genpo-train``/``genpo-play`` command line."""
    agent = _value(argv, "--agent") or GENPO.agent_key
    check_task_and_agent(_value(argv, "--task"), agent)
    check_checkpoint(_value(argv, "--checkpoint"), agent)
