"""FPO++ runner config of every task id that has a GenPO agent (``--agent fpo``): the same runner, critic and PPO
settings as the task's GenPO config (:mod:`agents_cfg.tasks`), with the flow-matching actor and ``genpo_rsl:FPO``.

    isaaclab train --rl_library rsl_rl --task Isaac-Ant-Direct --agent fpo

The config of a task, ``<stem>FPORunnerCfg``, is derived from its GenPO class (both come from the task table), so a
three-way comparison differs only in the actor and the algorithm: hidden sizes, time embedding, learning rate, γ, λ,
clip, epochs and minibatches are the GenPO config's. FPO has no entropy term (``entropy_coef = 0``). FPO++'s own
settings (``num_mc_samples``, ``per_sample_ratio``, ``trust_region``, the policy-weight EMA, the actor's
``num_flow_steps``) have the defaults below; override them like any key (``agent.algorithm.num_mc_samples=16``).
``--agent fpo_paper`` (:mod:`agents_cfg.fpo_paper_tasks`) is FPO++ at its own published settings.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from isaaclab.utils import configclass
from isaaclab_rl.rsl_rl import (
    RslRlCNNModelCfg,
    RslRlMLPModelCfg,
    RslRlOnPolicyRunnerCfg,
    RslRlPpoAlgorithmCfg,
    RslRlRNNModelCfg,
)

from agents_cfg.actor_cfg import GenPOActorCfg, GenPOCNNActorCfg, GenPORNNActorCfg, MemoryCfg, own_model_cfg
from agents_cfg.table import ENCODERS, TASKS, EncoderRow, TaskRow
from agents_cfg.tasks import derived_configs, genpo_cfg, is_preset
from agents_cfg.variant_tasks import memory_of
from isaaclab_tasks_ext.agents import FPO, GENPO

PPO_KEYS = ("num_learning_epochs", "num_mini_batches", "learning_rate", "schedule", "gamma", "lam", "desired_kl")
PPO_KEYS += ("max_grad_norm", "value_loss_coef", "use_clipped_value_loss", "clip_param")
"""The PPO settings an FPO config takes from the task's GenPO config."""


@configclass
class FPOActorCfg(RslRlMLPModelCfg):
    """``genpo_rsl:FPOActor``: a flow-matching velocity policy (GenPO's velocity network, no doubled action)."""

    class_name: str = "genpo_rsl:FPOActor"
    hidden_dims: list[int] = [256, 256, 256]
    activation: str = "mish"
    distribution_cfg: None = None
    """Must stay None: the flow is the distribution."""
    num_flow_steps: int = 10
    """Euler steps of the sampler (FPO: 10)."""
    time_embed_dim: int = 32
    time_hidden_dims: list[int] = [256, 256]
    time_embedding: Literal["scaled", "released"] = "scaled"
    inference_mode: Literal["zero_noise", "sample"] = "zero_noise"
    """Play/export: zero-noise actions (FPO++'s evaluation) or a fresh sample."""


@configclass
class FPOCNNActorCfg(FPOActorCfg, RslRlCNNModelCfg):
    """``genpo_rsl:FPOCNNActor``: the FPO++ flow on rsl_rl's ``CNNModel`` latent (``cnn_cfg`` as stock)."""

    class_name: str = "genpo_rsl:FPOCNNActor"


@configclass
class FPORNNActorCfg(FPOActorCfg, MemoryCfg):
    """``genpo_rsl:FPORNNActor``: the FPO++ flow on rsl_rl's ``RNNModel`` memory (``rnn_*`` as stock)."""

    class_name: str = "genpo_rsl:FPORNNActor"


@configclass
class FPOAlgorithmCfg(RslRlPpoAlgorithmCfg):
    """``genpo_rsl:FPO``: PPO settings plus FPO++'s (see :class:`genpo_rsl.FPO`)."""

    class_name: str = "genpo_rsl:FPO"
    entropy_coef: float = 0.0
    """Must stay 0: the flow has no likelihood, so no entropy estimate."""
    num_mc_samples: int = 8
    """Monte-Carlo pairs (ε, τ) per action for the CFM-loss ratio."""
    per_sample_ratio: bool = True
    """One ratio per pair (FPO++); False: one ratio from the mean CFM loss (FPO)."""
    trust_region: Literal["aspo", "ppo"] = "aspo"
    """"aspo": PPO clip for A >= 0 and SPO penalty for A < 0 (FPO++); "ppo": PPO clip for both."""
    ema_decay: float = 0.0
    """Decay of the policy-weight EMA that play/export deploy, in [0, 1); 0: off (FPO++ locomotion: 0.95)."""
    ema_warmup_updates: int = 0
    """Learning iterations before the EMA starts from the trained weights (FPO++: 500)."""
    weight_decay: float | None = None
    """Weight decay of the optimizer (FPO++: 1e-4 with optimizer="adamw"); None: the optimizer's default."""


def fpo_actor(genpo_actor: Any) -> FPOActorCfg:
    """Return the FPO++ actor with a GenPO actor's sizes, time embedding and model kind (MLP, CNN or RNN encoder).

    Args:
        genpo_actor: The task's GenPO actor config.

    Returns:
        :class:`FPOActorCfg`, :class:`FPOCNNActorCfg` (its ``cnn_cfg``) or :class:`FPORNNActorCfg` (its ``rnn_*``).
    """
    kind, encoder, genpo_kind = FPOActorCfg, {}, GenPOActorCfg
    if isinstance(genpo_actor, RslRlCNNModelCfg):
        kind, encoder, genpo_kind = FPOCNNActorCfg, {"cnn_cfg": genpo_actor.cnn_cfg}, GenPOCNNActorCfg
    elif isinstance(genpo_actor, RslRlRNNModelCfg):
        kind, encoder, genpo_kind = FPORNNActorCfg, memory_of(genpo_actor), GenPORNNActorCfg
    if hasattr(genpo_actor, "model_class"):  # a task's own model class: FPO++'s head by name over it
        own = {f.name for f in dataclasses.fields(genpo_actor)} - {f.name for f in dataclasses.fields(genpo_kind)}
        extra = {key: getattr(genpo_actor, key) for key in own - {"model_class"}}
        kind = own_model_cfg(kind, "genpo_rsl:FPOModel", genpo_actor.model_class, extra)
    return kind(
        hidden_dims=list(genpo_actor.hidden_dims),
        activation=genpo_actor.activation,
        obs_normalization=genpo_actor.obs_normalization,
        time_embed_dim=genpo_actor.time_embed_dim,
        time_hidden_dims=list(genpo_actor.time_hidden_dims),
        time_embedding=genpo_actor.time_embedding,
        **encoder,
    )


def fpo_cfg(row: TaskRow | EncoderRow) -> RslRlOnPolicyRunnerCfg:
    """Return the FPO config of a task: its GenPO config with the flow-matching actor and the FPO algorithm.

    Args:
        row: The task's row of :data:`agents_cfg.table.TASKS` or :data:`agents_cfg.table.ENCODERS`.

    Returns:
        The task's GenPO runner config with :func:`fpo_actor` (the GenPO actor's sizes and encoder),
        :class:`FPOAlgorithmCfg` (the GenPO config's :data:`PPO_KEYS`) and the experiment name ``<stock>_fpo``.
    """
    cfg = genpo_cfg(row)
    if is_preset(cfg):  # a stock PresetCfg (camera pipelines, rigs): each preset converted
        return type(cfg)(**{f.name: fpo_of(getattr(cfg, f.name), row) for f in dataclasses.fields(cfg)})
    return fpo_of(cfg, row)


def fpo_of(cfg: RslRlOnPolicyRunnerCfg, row: TaskRow | EncoderRow) -> RslRlOnPolicyRunnerCfg:
    """Return a GenPO runner config turned into FPO++'s (see :func:`fpo_cfg`)."""
    genpo_alg = cfg.algorithm
    cfg.experiment_name = f"{cfg.experiment_name.removesuffix(f'_{GENPO.name}')}_{FPO.name}"  # each preset's own
    cfg.actor = fpo_actor(cfg.actor)
    cfg.algorithm = FPOAlgorithmCfg(**{key: getattr(genpo_alg, key) for key in PPO_KEYS})
    return cfg


__getattr__ = derived_configs(FPO, fpo_cfg, TASKS + ENCODERS)
