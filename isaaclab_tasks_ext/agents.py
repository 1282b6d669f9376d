"""The algorithms ``genpo-train``/``genpo-compare`` know: one entry each, plain data, no IsaacLab import.

The one table of agent keys, config modules and class-name suffixes: registration, preflight, ``genpo-compare``, its
report and the config modules of :mod:`agents_cfg` read them here. A flow algorithm with its own config classes
(``<module>:<stem><class_suffix>`` for every task of :data:`agents_cfg.table.TASKS`, built from that table) is
registered on the stock task ids; an entry without ``config_module`` uses an agent config IsaacLab itself registers.

Adding an algorithm is one entry in :data:`AGENTS`, e.g. the ``fpo`` flow agent (FPO++) with config classes
``agents_cfg.fpo_tasks:AntDirectFPORunnerCfg`` ...::

    Agent(name="fpo", gym_keys=("fpo", "rsl_rl_fpo_cfg_entry_point"), label="FPO++", checkpoint_marker="fpo",
          config_module="agents_cfg.fpo_tasks", class_suffix="FPORunnerCfg")

and, for a flow algorithm, its config module, which builds a task's config from its table row and serves them by
name: ``__getattr__ = agents_cfg.tasks.derived_configs(FPO, fpo_cfg)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # agents_cfg.table imports this module
    from agents_cfg.table import TaskRow


@dataclass(frozen=True)
class Agent:
    """One algorithm: how IsaacLab selects it, how its runs are labelled, how its checkpoints are recognised."""

    name: str
    """Name in ``genpo-compare --algorithms`` and in the run folders ``runs/<name>_seed<k>``."""
    gym_keys: tuple[str, ...]
    """``gym.spec(task).kwargs`` keys of its agent config; the first is the ``--agent`` value."""
    label: str
    """Name in plots and tables."""
    checkpoint_marker: str | None = None
    """Top-level key its checkpoints have (GenPO: ``"genpo"``); ``None``: a plain rsl_rl checkpoint."""
    config_module: str | None = None
    """Module of its per-task config classes, registered under :attr:`gym_keys`; ``None``: IsaacLab registers it."""
    class_suffix: str = ""
    """Config class of a task: ``<TaskRow.stem><class_suffix>`` in :attr:`config_module`."""
    overrides: tuple[str, ...] = ()
    """Hydra overrides added to every run of this algorithm (before the user's)."""
    loads_plain_checkpoints: bool = False
    """Whether its ``--checkpoint`` may be a plain rsl_rl checkpoint (a distillation's Gaussian teacher)."""
    compared: bool = True
    """Whether ``genpo-compare`` can run it from scratch (a distillation needs a teacher checkpoint: ``False``)."""
    variant: bool = False
    """Registered only on its rows of :data:`agents_cfg.table.VARIANTS` (the task ids with the stock variant)."""
    encoders: bool = False
    """Also registered on the image/memory task ids of :data:`agents_cfg.table.ENCODERS` (the stock encoder kept)."""

    @property
    def agent_key(self) -> str:
        """The ``--agent`` value of ``isaaclab train``/``play``."""
        return self.gym_keys[0]

    @property
    def registers(self) -> bool:
        """True when :func:`isaaclab_tasks_ext.register` adds this algorithm's keys to the task ids."""
        return self.config_module is not None

    def class_name(self, row: TaskRow) -> str:
        """Return the name of this algorithm's config class for a task.

        Args:
            row: The task's row of :data:`agents_cfg.table.TASKS`.

        Returns:
            ``<stem><class_suffix>``, e.g. ``AntDirectFPORunnerCfg``.
        """
        return f"{row.stem}{self.class_suffix}"

    def entry_point(self, row: TaskRow) -> str:
        """Return the ``module:Class`` string of this algorithm's config class for a task.

        Args:
            row: The task's row of :data:`agents_cfg.table.TASKS`.

        Returns:
            ``<config_module>:<stem><class_suffix>``, the value registered under :attr:`gym_keys`.

        Raises:
            ValueError: The algorithm has no config classes of its own (``config_module`` is ``None``).
        """
        if self.config_module is None:
            raise ValueError(f"agent '{self.name}' has no config classes of its own (config_module is None)")
        return f"{self.config_module}:{self.class_name(row)}"

    def experiment_name(self, row: TaskRow) -> str:
        """Return the ``experiment_name`` of this algorithm's config for a task.

        Args:
            row: The task's row of :data:`agents_cfg.table.TASKS`.

        Returns:
            ``<stock experiment name>_<name>``, e.g. ``ant_direct_genpo`` (runs log to ``logs/rsl_rl/<it>``).
        """
        return f"{row.experiment}_{self.name}"


GAUSSIAN_INIT_STD_MATCHED = 1.0 / math.sqrt(2.0)
"""GenPO's initial spread of the environment action per dimension: the mean of two unit-variance halves."""

GENPO = Agent(
    name="genpo",
    gym_keys=("genpo", "rsl_rl_genpo_cfg_entry_point"),
    label="GenPO",
    checkpoint_marker="genpo",
    config_module="agents_cfg.tasks",
    class_suffix="GenPORunnerCfg",
    encoders=True,
)
PPO = Agent(name="ppo", gym_keys=("rsl_rl_cfg_entry_point",), label="Gaussian PPO")
PPO_MATCHED = Agent(
    name="ppo_matched",
    gym_keys=("rsl_rl_cfg_entry_point",),
    label=f"Gaussian PPO (init std {GAUSSIAN_INIT_STD_MATCHED:.2f})",
    overrides=(f"agent.actor.distribution_cfg.init_std={GAUSSIAN_INIT_STD_MATCHED!r}",),
)

GENPO_DISTILL = Agent(
    name="genpo_distill",
    gym_keys=("genpo_distill", "rsl_rl_genpo_distill_cfg_entry_point"),
    label="GenPO distilled from PPO",
    checkpoint_marker="genpo",
    loads_plain_checkpoints=True,
    config_module="agents_cfg.distill_tasks",
    class_suffix="GenPODistillRunnerCfg",
    compared=False,
)

FPO = Agent(
    name="fpo",
    gym_keys=("fpo", "rsl_rl_fpo_cfg_entry_point"),
    label="FPO++",
    checkpoint_marker="fpo",
    config_module="agents_cfg.fpo_tasks",
    class_suffix="FPORunnerCfg",
    encoders=True,
)
FPO_PAPER = Agent(
    name="fpo_paper",
    gym_keys=("fpo_paper", "rsl_rl_fpo_paper_cfg_entry_point"),
    label="FPO++ (published settings)",
    checkpoint_marker="fpo",
    config_module="agents_cfg.fpo_paper_tasks",
    class_suffix="FPOPaperRunnerCfg",
)

GENPO_SYMMETRY = Agent(
    name="genpo_with_symmetry",
    gym_keys=("genpo_with_symmetry", "rsl_rl_genpo_with_symmetry_cfg_entry_point"),
    label="GenPO with symmetry",
    checkpoint_marker="genpo",
    config_module="agents_cfg.variant_tasks",
    class_suffix="GenPOWithSymmetryRunnerCfg",
    variant=True,
)
GENPO_RECURRENT = Agent(
    name="genpo_recurrent",
    gym_keys=("genpo_recurrent", "rsl_rl_genpo_recurrent_cfg_entry_point"),
    label="GenPO recurrent",
    checkpoint_marker="genpo",
    config_module="agents_cfg.variant_tasks",
    class_suffix="GenPORecurrentRunnerCfg",
    variant=True,
)
PPO_SYMMETRY = Agent(
    name="ppo_with_symmetry", gym_keys=("rsl_rl_with_symmetry_cfg_entry_point",), label="Gaussian PPO with symmetry"
)
PPO_RECURRENT = Agent(
    name="ppo_recurrent", gym_keys=("rsl_rl_recurrent_cfg_entry_point",), label="Gaussian PPO recurrent"
)

_ORDER = (GENPO, FPO, FPO_PAPER, PPO, PPO_MATCHED, GENPO_DISTILL, GENPO_SYMMETRY, PPO_SYMMETRY, GENPO_RECURRENT)
AGENTS: dict[str, Agent] = {agent.name: agent for agent in (*_ORDER, PPO_RECURRENT)}
"""Algorithm name → entry. Order: the order of plots, tables and runs."""

BASELINE = PPO.name
"""The algorithm the speed ratio of a comparison is measured against."""


def compared_agents() -> list[str]:
    """Return the names ``genpo-compare --algorithms`` accepts.

    Returns:
        The names of the algorithms that train from scratch (:attr:`Agent.compared`), in table order.
    """
    return [name for name, agent in AGENTS.items() if agent.compared]


def get_agent(name: str) -> Agent:
    """Return the entry of an algorithm.

    Args:
        name: The algorithm's name (a key of :data:`AGENTS`).

    Returns:
        Its entry.

    Raises:
        ValueError: Not in the table; the message names the allowed ones.
    """
    if name not in AGENTS:
        raise ValueError(f"unknown algorithm '{name}'; allowed: {list(AGENTS)}")
    return AGENTS[name]


def agent_for_key(agent_key: str) -> Agent | None:
    """Return the algorithm an ``--agent`` value selects.

    Args:
        agent_key: The ``--agent`` value (any of an entry's :attr:`Agent.gym_keys`).

    Returns:
        The first entry whose :attr:`Agent.gym_keys` contain it, else ``None``.
    """
    return next((agent for agent in AGENTS.values() if agent_key in agent.gym_keys), None)


def registered_keys() -> tuple[str, ...]:
    """Return every ``gym`` kwargs key that :func:`isaaclab_tasks_ext.register` adds.

    Returns:
        The :attr:`Agent.gym_keys` of the entries that register config classes, in table order.
    """
    return tuple(key for agent in AGENTS.values() if agent.registers for key in agent.gym_keys)


def label(name: str) -> str:
    """Return the plot/table label of an algorithm.

    Args:
        name: The algorithm's name.

    Returns:
        Its :attr:`Agent.label`, or the name itself for one not in the table.
    """
    return AGENTS[name].label if name in AGENTS else name
