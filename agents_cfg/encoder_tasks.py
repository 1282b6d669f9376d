"""GenPO on the stock task ids whose rsl_rl agent is an image (``CNNModel``) or memory (``RNNModel``) model.

    isaaclab train --rl_library rsl_rl --task Isaac-Cartpole-Camera-Direct --agent genpo

The config of a row of :data:`agents_cfg.table.ENCODERS` is the stock config with only the actor's head and the
algorithm changed, so a comparison with the stock agent differs in nothing else:

- runner (steps per env, iterations, save interval, ``obs_groups``, ``clip_actions``) and critic: the stock ones;
- actor: :class:`~agents_cfg.actor_cfg.GenPOCNNActorCfg` (the stock ``cnn_cfg``) or
  :class:`~agents_cfg.actor_cfg.GenPORNNActorCfg` (the stock ``rnn_type``, ``rnn_hidden_dim``, ``rnn_num_layers``),
  with the stock hidden sizes and observation normalization, GenPO's flow defaults (N = 5, p = 0.9, Mish); a task's
  own model class (Kuka-Allegro's spatial-softmax CNN) gets the flow head by name (``genpo_rsl:GenPOModel`` with
  ``model_class``) and keeps its own config fields;
- algorithm: :class:`~agents_cfg.algorithm_cfg.GenPOAlgorithmCfg` with every stock PPO value (``share_cnn_encoders``
  included); the paper row's learning rate, γ and entropy coefficient (and hidden sizes) where the row names one.

A stock ``PresetCfg`` (camera pipelines, camera rigs) gives a ``PresetCfg`` of the same names, each preset converted
(``presets=<name>`` picks one, as for the stock agent). The classes are served by name from :mod:`agents_cfg.tasks` (``<stem>GenPORunnerCfg``, the string registered as
``genpo``); :mod:`agents_cfg.fpo_tasks` derives FPO++'s from them. Building one imports the stock config module.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from isaaclab_rl.rsl_rl import RslRlCNNModelCfg, RslRlRNNModelCfg

from agents_cfg.actor_cfg import GenPOActorCfg, GenPOCNNActorCfg, GenPORNNActorCfg, own_model_cfg
from agents_cfg.algorithm_cfg import GenPOAlgorithmCfg
from agents_cfg.runner_cfg import GenPORunnerCfg
from agents_cfg.table import PAPER, EncoderRow
from agents_cfg.variant_tasks import RNN_KEYS
from isaaclab_tasks_ext.agents import GENPO

RUNNER_KEYS = ("num_steps_per_env", "max_iterations", "save_interval", "obs_groups", "clip_actions", "check_for_nan")
"""The runner values an encoder row takes from its stock config."""

STOCK_MODELS = ("MLPModel", "CNNModel", "RNNModel")
"""rsl_rl's own model classes; another actor ``class_name`` is a task's own model class (flow head by name)."""


def stock_entry(row: EncoderRow) -> Any:
    """Return a row's stock rsl_rl agent entry as IsaacLab loads it (a ``PresetCfg`` stays one).

    Args:
        row: The task's row of :data:`agents_cfg.table.ENCODERS`.

    Returns:
        The stock runner config or ``PresetCfg`` registered under ``rsl_rl_cfg_entry_point``.
    """
    from isaaclab_tasks.utils.parse_cfg import load_cfg_from_registry

    return load_cfg_from_registry(row.task_id, "rsl_rl_cfg_entry_point")


def encoder_actor(stock_actor: Any, **flow: Any) -> Any:
    """Return the GenPO actor on a stock actor's model kind, encoder and sizes.

    Args:
        stock_actor: The stock actor config (``RslRlCNNModelCfg``, ``RslRlRNNModelCfg``, ``RslRlMLPModelCfg`` or a
            task's subclass of one, whose model class then carries the flow head by name).
        **flow: Actor fields set over the stock ones (the paper row's sizes).

    Returns:
        The actor config.
    """
    common = {"hidden_dims": list(stock_actor.hidden_dims), "obs_normalization": stock_actor.obs_normalization, **flow}
    if isinstance(stock_actor, RslRlCNNModelCfg):
        base, common = GenPOCNNActorCfg, {**common, "cnn_cfg": stock_actor.cnn_cfg}
    elif isinstance(stock_actor, RslRlRNNModelCfg):
        base, common = GenPORNNActorCfg, {**common, **{key: getattr(stock_actor, key) for key in RNN_KEYS}}
    else:
        base = GenPOActorCfg
    if stock_actor.class_name.rpartition(":")[2].rpartition(".")[2] in STOCK_MODELS:
        return base(**common)
    own = {f.name for f in dataclasses.fields(type(stock_actor))} - {f.name for f in dataclasses.fields(base)}
    extra = {key: getattr(stock_actor, key) for key in own}
    return own_model_cfg(base, "genpo_rsl:GenPOModel", stock_actor.class_name, extra)(**common)


def genpo_of(stock: Any, row: EncoderRow) -> GenPORunnerCfg:
    """Return the GenPO config of one stock runner config (see the module docstring).

    Args:
        stock: A stock runner config.
        row: The task's row (experiment name, paper row).

    Returns:
        The runner config, experiment ``<stock experiment>_genpo``.
    """
    cfg = GenPORunnerCfg(**{key: getattr(stock, key) for key in RUNNER_KEYS})
    cfg.experiment_name = f"{stock.experiment_name}_{GENPO.name}"
    alg = {
        f.name: getattr(stock.algorithm, f.name) for f in dataclasses.fields(stock.algorithm) if f.name != "class_name"
    }
    flow: dict[str, Any] = {}
    if row.paper is not None:
        paper = PAPER[row.paper]
        flow["hidden_dims"] = list(paper.hidden_dims)
        alg.update(learning_rate=paper.learning_rate, gamma=paper.gamma, entropy_coef=paper.entropy_coef)
    cfg.actor = encoder_actor(stock.actor, **flow)
    cfg.critic = stock.critic
    cfg.algorithm = GenPOAlgorithmCfg(**alg)
    return cfg


def encoder_cfg(row: EncoderRow) -> Any:
    """Return the GenPO config of an encoder row: :func:`genpo_of` the stock config, or of each of its presets.

    Args:
        row: The task's row of :data:`agents_cfg.table.ENCODERS`.

    Returns:
        The runner config; where the stock entry is a ``PresetCfg`` (camera pipelines, camera rigs), a ``PresetCfg``
        with the same preset names (``presets=<name>`` picks one, as for the stock agent).
    """
    from isaaclab_tasks.utils import PresetCfg, preset

    stock = stock_entry(row)
    if not isinstance(stock, PresetCfg):
        return genpo_of(stock, row)
    names = [f.name for f in dataclasses.fields(stock)]
    return preset(**{name: genpo_of(getattr(stock, name), row) for name in names})
