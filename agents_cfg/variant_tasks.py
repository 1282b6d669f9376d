"""GenPO with symmetry augmentation (``--agent genpo_with_symmetry``) and with memory (``--agent genpo_recurrent``),
next to the stock ``rsl_rl_with_symmetry_cfg_entry_point`` / ``rsl_rl_recurrent_cfg_entry_point`` of a task id.

    isaaclab train --rl_library rsl_rl --task Isaac-Cartpole --agent genpo_with_symmetry

A variant's config is the task's GenPO config (:mod:`agents_cfg.tasks`: paper row and stock values) plus what the
stock variant adds (:data:`agents_cfg.table.VARIANTS`):

- ``genpo_with_symmetry``: the stock ``symmetry_cfg`` (its mirror function unchanged; GenPO mirrors both halves of
  the doubled action, :mod:`genpo_rsl.algorithms.symmetry`);
- ``genpo_recurrent``: the flow on rsl_rl's ``RNNModel`` (:class:`~agents_cfg.actor_cfg.GenPORNNActorCfg`) and an
  ``RNNModel`` critic, with the stock variant's ``rnn_type``, ``rnn_hidden_dim`` and ``rnn_num_layers``.
"""

from __future__ import annotations

from typing import Any

from isaaclab_rl.rsl_rl import RslRlRNNModelCfg
from rsl_rl.utils import resolve_callable

from agents_cfg.actor_cfg import GenPORNNActorCfg
from agents_cfg.runner_cfg import GenPORunnerCfg
from agents_cfg.table import VariantRow, variant_rows
from agents_cfg.tasks import CONFIG_CLASSES, derived_configs
from isaaclab_tasks_ext.agents import GENPO_RECURRENT, GENPO_SYMMETRY, Agent

RNN_KEYS = ("rnn_type", "rnn_hidden_dim", "rnn_num_layers")
"""The memory keys a recurrent variant takes from the stock variant's actor and critic."""


def memory_of(model_cfg: Any) -> dict[str, Any]:
    """Return the ``rnn_*`` keys of a stock model config."""
    return {key: getattr(model_cfg, key) for key in RNN_KEYS}


def variant_cfg(agent: Agent, variant: VariantRow) -> GenPORunnerCfg:
    """Return the config of a variant agent on a task: the task's GenPO config plus the stock variant's addition.

    Args:
        agent: The variant agent (its experiment-name suffix).
        variant: The task's row of :data:`agents_cfg.table.VARIANTS`.

    Returns:
        The runner config.
    """
    cfg = CONFIG_CLASSES[variant.base]()
    cfg.experiment_name = agent.experiment_name(variant.row)
    stock = resolve_callable(variant.stock)() if variant.stock else None
    if agent is GENPO_SYMMETRY:
        assert stock is not None, f"{variant}: symmetry needs the stock variant's symmetry_cfg"
        cfg.algorithm.symmetry_cfg = stock.algorithm.symmetry_cfg
    else:
        actor_memory = memory_of(stock.actor) if stock else variant.rnn
        critic_memory = memory_of(stock.critic) if stock else variant.rnn
        flow = {key: value for key, value in cfg.actor.to_dict().items() if key != "class_name"}
        cfg.actor = GenPORNNActorCfg(**{**flow, **actor_memory})
        critic = cfg.critic.to_dict()
        cfg.critic = RslRlRNNModelCfg(
            hidden_dims=critic["hidden_dims"], activation=critic["activation"],
            obs_normalization=critic["obs_normalization"], **critic_memory,
        )  # fmt: skip
    return cfg


_serve = {agent.name: derived_configs(agent, lambda v, a=agent: variant_cfg(a, v), variant_rows(agent.name))
          for agent in (GENPO_SYMMETRY, GENPO_RECURRENT)}  # fmt: skip


def __getattr__(name: str) -> Any:
    """Return the config factory ``<stem><suffix>`` of a variant agent (what the registered string names)."""
    for agent in (GENPO_SYMMETRY, GENPO_RECURRENT):
        if name.endswith(agent.class_suffix):
            return _serve[agent.name](name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
