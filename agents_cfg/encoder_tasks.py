"""GenPO on the stock task ids whose rsl_rl agent is an image (``CNNModel``) or memory (``RNNModel``) model.

    isaaclab train --rl_library rsl_rl --task Isaac-Cartpole-Camera-Direct --agent genpo

The config of a row of :data:`agents_cfg.table.ENCODERS` is the stock config with only the actor's head and the
algorithm changed, so a comparison with the stock agent differs in nothing else:

- runner (steps per env, iterations, save interval, ``obs_groups``, ``clip_actions``) and critic: the stock ones;
- actor: :class:`~agents_cfg.actor_cfg.GenPOCNNActorCfg` (the stock ``cnn_cfg``) or
  :class:`~agents_cfg.actor_cfg.GenPORNNActorCfg` (the stock ``rnn_type``, ``rnn_hidden_dim``, ``rnn_num_layers``),
  with the stock hidden sizes and observation normalization, GenPO's flow defaults (N = 5, p = 0.9, Mish);
- algorithm: :class:`~agents_cfg.algorithm_cfg.GenPOAlgorithmCfg` with every stock PPO value (``share_cnn_encoders``
  included); the paper row's learning rate, γ and entropy coefficient (and hidden sizes) where the row names one.

The classes are served by name from :mod:`agents_cfg.tasks` (``<stem>GenPORunnerCfg``, the string registered as
``genpo``); :mod:`agents_cfg.fpo_tasks` derives FPO++'s from them. Building one imports the stock config module.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from isaaclab_rl.rsl_rl import RslRlCNNModelCfg, RslRlRNNModelCfg
from rsl_rl.utils import resolve_callable

from agents_cfg.actor_cfg import GenPOCNNActorCfg, GenPORNNActorCfg
from agents_cfg.algorithm_cfg import GenPOAlgorithmCfg
from agents_cfg.runner_cfg import GenPORunnerCfg
from agents_cfg.table import PAPER, EncoderRow
from agents_cfg.variant_tasks import RNN_KEYS
from isaaclab_tasks_ext.agents import GENPO

RUNNER_KEYS = ("num_steps_per_env", "max_iterations", "save_interval", "obs_groups", "clip_actions")
"""The runner values an encoder row takes from its stock config."""


def stock_config(row: EncoderRow) -> Any:
    """Return a row's stock rsl_rl config (a ``PresetCfg``: its ``default`` preset).

    Args:
        row: The task's row of :data:`agents_cfg.table.ENCODERS`.

    Returns:
        The stock runner config.
    """
    cfg = resolve_callable(row.stock)()
    return getattr(cfg, "default", cfg)


def encoder_actor(stock_actor: Any, **flow: Any) -> GenPOCNNActorCfg | GenPORNNActorCfg:
    """Return the GenPO actor on a stock encoder actor's model kind and encoder.

    Args:
        stock_actor: The stock ``RslRlCNNModelCfg`` or ``RslRlRNNModelCfg``.
        **flow: Actor fields set over the stock ones (the paper row's sizes).

    Returns:
        The actor config.

    Raises:
        TypeError: The stock actor is neither.
    """
    common = {"hidden_dims": list(stock_actor.hidden_dims), "obs_normalization": stock_actor.obs_normalization, **flow}
    if isinstance(stock_actor, RslRlCNNModelCfg):
        return GenPOCNNActorCfg(**common, cnn_cfg=stock_actor.cnn_cfg)
    if isinstance(stock_actor, RslRlRNNModelCfg):
        return GenPORNNActorCfg(**common, **{key: getattr(stock_actor, key) for key in RNN_KEYS})
    raise TypeError(f"stock actor {type(stock_actor).__name__} is not an RslRlCNNModelCfg or RslRlRNNModelCfg")


def encoder_cfg(row: EncoderRow) -> GenPORunnerCfg:
    """Return the GenPO config of an encoder row (see the module docstring).

    Args:
        row: The task's row of :data:`agents_cfg.table.ENCODERS`.

    Returns:
        The runner config, experiment ``<stock experiment>_genpo``.
    """
    stock = stock_config(row)
    cfg = GenPORunnerCfg(**{key: getattr(stock, key) for key in RUNNER_KEYS})
    cfg.experiment_name = GENPO.experiment_name(row)
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
