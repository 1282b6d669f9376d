"""Add the GenPO agent to the stock IsaacLab task ids: ``--agent genpo`` (and ``rsl_rl_genpo_cfg_entry_point``)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

from agents_cfg.table import TASKS

ENTRY_POINT_KEYS: tuple[str, ...] = ("genpo", "rsl_rl_genpo_cfg_entry_point")
"""The ``gym.spec(task).kwargs`` keys that point at the GenPO config (``--agent genpo``)."""


@dataclass
class RegistrationReport:
    """What :func:`register` did: task ids given the GenPO keys, and ids missing from the installed registry."""

    registered: dict[str, str] = field(default_factory=dict)
    """Task id → ``module:Class`` entry point added under every key of :data:`ENTRY_POINT_KEYS`."""
    missing: list[str] = field(default_factory=list)
    """Task ids of the table that the installed ``gym.registry`` does not have (renamed or removed)."""

    @property
    def ok(self) -> bool:
        """True when every task id of the table was found."""
        return not self.missing

    def __str__(self) -> str:
        """One line per task id."""
        lines = [f"genpo: {tid} -> {ep}" for tid, ep in self.registered.items()]
        lines += [f"genpo: MISSING task id {tid} (not in gym.registry)" for tid in self.missing]
        return "\n".join(lines)


def register(import_tasks: bool = True) -> RegistrationReport:
    """Add the GenPO entry points to every table task id present in ``gym.registry``; warn about the others.

    Idempotent. The values are ``module:Class`` strings, so nothing heavy is imported here; with
    ``import_tasks`` the stock ``isaaclab_tasks`` package is imported first so its ids exist.
    """
    import gymnasium as gym

    if import_tasks:
        import isaaclab_tasks  # noqa: F401  (registers the stock task ids)

    report = RegistrationReport()
    for row in TASKS:
        spec = gym.registry.get(row.task_id)
        if spec is None:
            report.missing.append(row.task_id)
            continue
        for key in ENTRY_POINT_KEYS:
            spec.kwargs[key] = row.entry_point
        report.registered[row.task_id] = row.entry_point
    if report.missing:
        warnings.warn(
            f"GenPO: {len(report.missing)} task id(s) not in the installed gym registry (renamed or removed in this "
            f"isaaclab version?): {report.missing}. Their 'genpo' agent was not registered.",
            stacklevel=2,
        )
    return report
