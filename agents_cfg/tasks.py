"""GenPO runner config of every task id (the ``module:Class`` strings registered as ``genpo``), built from the table.

One class per row of :data:`agents_cfg.table.TASKS`, named ``<stem>GenPORunnerCfg`` and importable by that name
(``from agents_cfg.tasks import AntDirectGenPORunnerCfg``). Each is :class:`GenPORunnerCfg` with, like a stock
``agents/rsl_rl_ppo_cfg.py`` class, only what differs from the shared defaults set:

- its paper row (:data:`agents_cfg.table.PAPER`): hidden dims of the flow and the critic, learning rate, γ,
  entropy coefficient, time-embedding sizes;
- the stock rsl_rl PPO values of the same task id (``TaskRow.runner``, ``TaskRow.algorithm``,
  ``TaskRow.obs_normalization``);
- the experiment name, the stock one plus ``_genpo``.

Read a task's full config in ``agents_cfg/yaml/<key>.yaml`` (generated from these classes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from isaaclab.utils import configclass

from agents_cfg.actor_cfg import GenPOActorCfg
from agents_cfg.algorithm_cfg import GenPOAlgorithmCfg
from agents_cfg.critic_cfg import GenPOCriticCfg
from agents_cfg.runner_cfg import GenPORunnerCfg
from agents_cfg.table import ENCODERS, PAPER, TASKS, EncoderRow, PaperRow, TaskRow
from isaaclab_tasks_ext.agents import GENPO

if TYPE_CHECKING:
    from isaaclab_tasks_ext.agents import Agent


def paper_actor(row: PaperRow, **stock: Any) -> GenPOActorCfg:
    """Return the flow actor of a paper row.

    Args:
        row: The paper row (hidden sizes; time sizes where it sets them).
        **stock: Any other actor field, e.g. the stock ``obs_normalization``.

    Returns:
        The actor config.
    """
    time_sizes: dict[str, Any] = {}
    if row.time_embed_dim is not None:
        time_sizes["time_embed_dim"] = row.time_embed_dim
    if row.time_hidden_dims is not None:
        time_sizes["time_hidden_dims"] = list(row.time_hidden_dims)
    return GenPOActorCfg(hidden_dims=list(row.hidden_dims), **time_sizes, **stock)


def paper_critic(row: PaperRow, **stock: Any) -> GenPOCriticCfg:
    """Return the critic of a paper row.

    Args:
        row: The paper row (the critic has the actor's hidden sizes).
        **stock: Any other critic field, e.g. the stock ``obs_normalization``.

    Returns:
        The critic config.
    """
    return GenPOCriticCfg(hidden_dims=list(row.hidden_dims), **stock)


def paper_algorithm(row: PaperRow, **stock: Any) -> GenPOAlgorithmCfg:
    """Return the GenPO algorithm of a paper row.

    Args:
        row: The paper row (learning rate, γ, entropy coefficient).
        **stock: Any other PPO field, e.g. the stock ``value_loss_coef``.

    Returns:
        The algorithm config.
    """
    return GenPOAlgorithmCfg(learning_rate=row.learning_rate, gamma=row.gamma, entropy_coef=row.entropy_coef, **stock)


def genpo_class(row: TaskRow) -> type[GenPORunnerCfg]:
    """Return the GenPO config class of a task: its paper row and its stock values over :class:`GenPORunnerCfg`.

    Args:
        row: The task's row of :data:`TASKS`.

    Returns:
        The ``@configclass`` ``<stem>GenPORunnerCfg`` of module ``agents_cfg.tasks``.
    """
    paper, models = PAPER[row.paper], {"obs_normalization": row.obs_normalization}
    name = GENPO.class_name(row)
    stock_name = row.stock.rpartition(":")[2]
    body = {
        "__module__": __name__,
        "__qualname__": name,
        "__doc__": f"GenPO on ``{row.task_id}``: paper row ``{row.paper}``, stock ``{stock_name}``.",
        **row.runner,
        "experiment_name": GENPO.experiment_name(row),
        "actor": paper_actor(paper, **models),
        "critic": paper_critic(paper, **models),
        "algorithm": paper_algorithm(paper, **row.algorithm),
    }
    return configclass(type(name, (GenPORunnerCfg,), body))


CONFIG_CLASSES: dict[str, type[GenPORunnerCfg]] = {row.key: genpo_class(row) for row in TASKS}
"""Table key → GenPO config class."""

globals().update({cls.__name__: cls for cls in CONFIG_CLASSES.values()})  # importable by name, picklable


def derived_configs(
    agent: Agent, build: Callable[[Any], object], rows: tuple = TASKS
) -> Callable[[str], Callable[[], object]]:
    """Return a module ``__getattr__`` that serves an algorithm's config of every table task.

    For the configs derived from the GenPO classes (``fpo``, ``fpo_paper``, ``genpo_distill``): IsaacLab's loader gets
    the attribute named by the registered ``module:Class`` string and calls it.

    Args:
        agent: The algorithm's entry of :data:`isaaclab_tasks_ext.agents.AGENTS` (its module and class suffix).
        build: Returns the algorithm's config of a task from the task's row.
        rows: The rows it serves (default :data:`TASKS`; a variant agent's rows of
            :data:`agents_cfg.table.VARIANTS`), each with a ``stem``.

    Returns:
        ``__getattr__(name)``: for ``name == agent.class_name(row)`` the factory ``build(row)`` (named ``name``).
    """

    def module_getattr(name: str) -> Callable[[], object]:
        for row in rows:
            if name == agent.class_name(row):
                factory = lambda row=row: build(row)  # noqa: E731
                factory.__name__ = factory.__qualname__ = name
                return factory
        raise AttributeError(f"module {agent.config_module!r} has no attribute {name!r}")

    return module_getattr


def genpo_cfg(row: TaskRow | EncoderRow) -> GenPORunnerCfg:
    """Return the GenPO config of a task row or of an image/memory row (:mod:`agents_cfg.encoder_tasks`; a stock
    ``PresetCfg`` gives a ``PresetCfg`` of GenPO configs).

    Args:
        row: A row of :data:`TASKS` or of :data:`agents_cfg.table.ENCODERS`.

    Returns:
        A new instance of the task's GenPO runner config.
    """
    if isinstance(row, TaskRow):
        return CONFIG_CLASSES[row.key]()
    from agents_cfg.encoder_tasks import encoder_cfg  # imports the stock config module

    return encoder_cfg(row)


def is_preset(cfg: object) -> bool:
    """True for an IsaacLab ``PresetCfg`` (a stock entry with named alternatives, ``presets=<name>``)."""
    from isaaclab_tasks.utils import PresetCfg

    return isinstance(cfg, PresetCfg)


_serve_encoders = derived_configs(GENPO, genpo_cfg, ENCODERS)


def __getattr__(name: str) -> Callable[[], object]:
    """Return the GenPO config factory of an image/memory task (``<stem>GenPORunnerCfg`` of an ENCODERS row)."""
    return _serve_encoders(name)
