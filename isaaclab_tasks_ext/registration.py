"""Add the flow agents of :data:`isaaclab_tasks_ext.agents.AGENTS` (``--agent genpo``, ...) to the stock task ids.

The task ids are the rows of :data:`agents_cfg.table.TASKS` (a variant agent: its rows of
:data:`agents_cfg.table.VARIANTS`; ``genpo`` and ``fpo`` also the image/memory ids of
:data:`agents_cfg.table.ENCODERS`); the keys and ``module:Class`` strings come from the agent entries.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

from agents_cfg.table import ENCODERS, TASKS, variant_rows
from isaaclab_tasks_ext.agents import AGENTS, GENPO, Agent

ENTRY_POINT_KEYS: tuple[str, ...] = GENPO.gym_keys
"""The ``gym.spec(task).kwargs`` keys that point at the GenPO config (``--agent genpo``)."""


@dataclass
class RegistrationReport:
    """What :func:`register` did: task ids given the agent keys, and ids missing from the installed registry."""

    registered: dict[str, dict[str, str]] = field(default_factory=dict)
    """Task id → {algorithm name → ``module:Class`` entry point added under every key of that algorithm}."""
    missing: list[str] = field(default_factory=list)
    """Task ids of the table that the installed ``gym.registry`` does not have (renamed or removed)."""

    @property
    def ok(self) -> bool:
        """True when every task id of the table was found."""
        return not self.missing

    def __str__(self) -> str:
        """One line per task id and algorithm."""
        lines = [f"{name}: {tid} -> {ep}" for tid, eps in self.registered.items() for name, ep in eps.items()]
        lines += [f"MISSING task id {tid} (not in gym.registry)" for tid in self.missing]
        return "\n".join(lines)


def agent_rows(agent: Agent) -> tuple:
    """Return the table rows an algorithm is registered on.

    Args:
        agent: The algorithm's entry of :data:`isaaclab_tasks_ext.agents.AGENTS`.

    Returns:
        Its :data:`~agents_cfg.table.VARIANTS` rows (a variant agent), else :data:`~agents_cfg.table.TASKS` and, where
        :attr:`Agent.encoders`, :data:`~agents_cfg.table.ENCODERS`.
    """
    if agent.variant:
        return variant_rows(agent.name)
    return TASKS + ENCODERS if agent.encoders else TASKS


def register(import_tasks: bool = True) -> RegistrationReport:
    """Add every registering algorithm's entry points to each table task id in ``gym.registry``; warn about the rest.

    Idempotent. The values are ``module:Class`` strings (``agent.entry_point(row)``), so nothing heavy is imported.

    Args:
        import_tasks: Import the stock ``isaaclab_tasks`` package first, so its ids exist.

    Returns:
        What was registered on which task id, and the table's task ids the installed registry lacks.
    """
    import gymnasium as gym

    if import_tasks:
        import isaaclab_tasks  # noqa: F401  (registers the stock task ids)

    agents = [agent for agent in AGENTS.values() if agent.registers]
    report = RegistrationReport()
    for agent in agents:
        for row in agent_rows(agent):
            spec = gym.registry.get(row.task_id)
            if spec is None:
                if row.task_id not in report.missing:  # several agents register on one id
                    report.missing.append(row.task_id)
                continue
            entry_point = agent.entry_point(row)
            for key in agent.gym_keys:
                spec.kwargs[key] = entry_point
            report.registered.setdefault(row.task_id, {})[agent.name] = entry_point
    if report.missing:
        names = [agent.name for agent in agents]
        warnings.warn(
            f"GenPO: {len(report.missing)} task id(s) not in the installed gym registry (renamed or removed in this "
            f"isaaclab version?): {report.missing}. Their agents {names} were not registered.",
            stacklevel=2,
        )
    return report
