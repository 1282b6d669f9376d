"""IsaacLab integration of GenPO: registers the ``genpo`` agent (and every flow agent of ``AGENTS``) on stock ids.

Use ``isaaclab train --rl_library rsl_rl --task <id> --agent genpo --external_callback
isaaclab_tasks_ext.external_callback`` or the ``genpo-train`` / ``genpo-play`` wrappers.
"""

from isaaclab_tasks_ext.agents import AGENTS, Agent
from isaaclab_tasks_ext.callback import external_callback
from isaaclab_tasks_ext.registration import ENTRY_POINT_KEYS, RegistrationReport, register

__all__ = ["AGENTS", "ENTRY_POINT_KEYS", "Agent", "RegistrationReport", "external_callback", "register"]
