"""mjlab configs of the GenPO and FPO++ agents: mjlab's own rl dataclasses, subclassed with their keys.

mjlab users write a task's rl config as :class:`mjlab.rl.RslRlOnPolicyRunnerCfg` with ``RslRlModelCfg`` actor and
critic and an ``RslRlPpoAlgorithmCfg``; its ``train``/``play`` turn it into rsl_rl's dict with ``dataclasses.asdict``
and override any field from the command line (``--agent.algorithm.compression-coef 0.0``). The GenPO classes below
are those dataclasses with GenPO's fields added, so the same CLI reaches them. Their defaults are the ones of
:mod:`agents_cfg` (IsaacLab); ``tests/mjlab/test_mjlab_configs.py`` checks both against ``genpo_rsl``'s own defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Literal

from mjlab.rl import RslRlModelCfg, RslRlOnPolicyRunnerCfg, RslRlPpoAlgorithmCfg

from agents_cfg.table import PaperRow


@dataclass
class FlowModelCfg(RslRlModelCfg):
    """The keys GenPO's and FPO++'s flow actors share: an rsl_rl ``MLPModel`` whose distribution is a flow."""

    hidden_dims: tuple[int, ...] = (256, 256, 256)
    """Hidden sizes of the velocity MLP (per task: the paper row's)."""
    activation: str = "mish"
    """Activation of the velocity and time-embedding MLPs (paper: Mish)."""
    time_embed_dim: int = 32
    """Sinusoidal time-embedding size (paper: 32)."""
    time_hidden_dims: tuple[int, ...] = (256, 256)
    """Hidden sizes of the time-embedding MLP (paper: [256, 256])."""
    time_embedding: Literal["scaled", "released"] = "scaled"
    """Angles of 1000·t ("scaled") or of raw t as in the authors' released code."""
    inference_mode: Literal["zero_noise", "sample"] = "zero_noise"
    """Deterministic play/export starts the flow from zero noise ("zero_noise") or from a fresh sample ("sample")."""


@dataclass
class GenPOModelCfg(FlowModelCfg):
    """The GenPO flow actor (``genpo_rsl:GenPOActor``)."""

    class_name: str = "genpo_rsl:GenPOActor"
    """The actor class, resolved by rsl_rl."""
    num_flow_steps: int = 5
    """Flow steps N (paper: 5)."""
    mix_p: float = 0.9
    """Mixing coefficient p in (0, 1) (paper: 0.9)."""
    base_scale: Literal["fixed", "learned", "per_dim", "state"] | None = None
    """Base-noise scale σ: None is the package default ("learned"); "fixed" is the paper's flow."""
    learn_base_scale: bool | None = None
    """Alias: True is base_scale="learned", False is "fixed" (None: not set)."""
    base_scale_init: float = 1.0
    """Initial σ (1.0 keeps the paper's initial env-action spread, about 0.71 per dimension)."""
    base_scale_range: tuple[float, float] | None = None
    """(min, max) of σ (None: (1e-6, 1e6); "state": its bounds, (0.01, 2.0))."""


@dataclass
class GenPOAlgorithmCfg(RslRlPpoAlgorithmCfg):
    """GenPO's update (``genpo_rsl:GenPO``): PPO's settings plus the compression loss and the entropy form."""

    class_name: str = "genpo_rsl:GenPO"
    """The algorithm class, resolved by rsl_rl."""
    compression_coef: float = 0.01
    """Weight ν of the compression loss of the halves' gap x_N - y_N (paper: 0.01)."""
    compression_form: Literal["squared_norm", "norm", "mean_square"] = "squared_norm"
    """C = E‖x−y‖² (paper), E‖x−y‖₂ (released code) or E‖x−y‖²/d."""
    entropy_form: Literal["estimate", "exact"] = "estimate"
    """The paper's estimate −mean log π(ã_old|s), or the exact entropy of the doubled action."""
    compression_fraction: float = 1.0
    """Share of each minibatch the compression loss is evaluated on, in (0, 1] (paper: 1.0)."""
    cuda_graphs: bool = False
    """Replay the flow's rollout and minibatch passes as CUDA graphs (GPU only; same numbers)."""
    allow_tf32: bool = False
    """Let GenPO's sampling and update use TF32 matmuls."""


def field_values(cfg: object, cls: type, drop: tuple[str, ...] = ()) -> dict:
    """Return the values of ``cls``'s dataclass fields in ``cfg`` (an instance of ``cls`` or a subclass), but ``drop``."""
    return {f.name: getattr(cfg, f.name) for f in fields(cls) if f.name not in drop}


def _mish_critic() -> RslRlModelCfg:
    return RslRlModelCfg(hidden_dims=(256, 256, 256), activation="mish")


@dataclass
class GenPORunnerCfg(RslRlOnPolicyRunnerCfg):
    """mjlab's runner config with the GenPO actor, a Mish MLP critic and the GenPO algorithm."""

    actor: GenPOModelCfg = field(default_factory=GenPOModelCfg)
    """The flow actor."""
    critic: RslRlModelCfg = field(default_factory=_mish_critic)
    """The value MLP (paper: Mish, the actor's hidden sizes)."""
    algorithm: GenPOAlgorithmCfg = field(default_factory=GenPOAlgorithmCfg)
    """GenPO's update."""


@dataclass
class FPOModelCfg(FlowModelCfg):
    """FPO++'s flow-matching actor (``genpo_rsl:FPOActor``)."""

    class_name: str = "genpo_rsl:FPOActor"
    """The actor class, resolved by rsl_rl."""
    num_flow_steps: int = 10
    """Euler steps of the sampler (FPO++: 10)."""


@dataclass
class FPOAlgorithmCfg(RslRlPpoAlgorithmCfg):
    """FPO++'s update (``genpo_rsl:FPO``): PPO's settings with the CFM-loss ratio (no entropy term)."""

    class_name: str = "genpo_rsl:FPO"
    """The algorithm class, resolved by rsl_rl."""
    entropy_coef: float = 0.0
    """FPO++ has no entropy term."""
    num_mc_samples: int = 8
    """(τ, ε) samples per action for the CFM loss."""
    per_sample_ratio: bool = True
    """One ratio per sample (FPO++) or one per action (FPO)."""
    trust_region: Literal["aspo", "ppo"] = "aspo"
    """ASPO (FPO++) or PPO clipping."""
    ema_decay: float = 0.0
    """Decay of the policy-weight EMA used for rollouts and play (0: off)."""
    ema_warmup_updates: int = 0
    """Updates before the EMA starts."""
    weight_decay: float | None = None
    """Weight decay of the optimizer (None: the optimizer's default)."""


@dataclass
class FPORunnerCfg(RslRlOnPolicyRunnerCfg):
    """mjlab's runner config with FPO++'s actor and algorithm."""

    actor: FPOModelCfg = field(default_factory=FPOModelCfg)
    """The flow-matching actor."""
    critic: RslRlModelCfg = field(default_factory=_mish_critic)
    """The value MLP."""
    algorithm: FPOAlgorithmCfg = field(default_factory=FPOAlgorithmCfg)
    """FPO++'s update."""


def fpo_runner_cfg(genpo: GenPORunnerCfg) -> FPORunnerCfg:
    """Return the FPO++ config of a task from its GenPO config, as IsaacLab's ``--agent fpo`` is built.

    Same runner, critic and PPO settings; the flow-matching actor with the GenPO actor's shared keys
    (:class:`FlowModelCfg`: sizes, activation, time embedding, inference mode, and the stock ``obs_normalization``);
    no entropy term; the experiment name ``<stock>_fpo``.

    Args:
        genpo: The task's GenPO config (:func:`genpo_runner_cfg`).
    """
    runner = field_values(genpo, RslRlOnPolicyRunnerCfg, drop=("actor", "algorithm"))
    runner["experiment_name"] = genpo.experiment_name.removesuffix("_genpo") + "_fpo"
    return FPORunnerCfg(
        **runner,
        actor=FPOModelCfg(**field_values(genpo.actor, FlowModelCfg, drop=("class_name",))),
        algorithm=FPOAlgorithmCfg(
            **field_values(genpo.algorithm, RslRlPpoAlgorithmCfg, drop=("class_name", "entropy_coef"))
        ),
    )


def genpo_runner_cfg(stock: RslRlOnPolicyRunnerCfg, row: PaperRow) -> GenPORunnerCfg:
    """Return the GenPO config of a task: its stock mjlab rl config with GenPO's actor, critic and algorithm.

    Kept from the stock config: every runner field (steps per env, iterations, save interval, obs groups, logger,
    clip_actions, ...), every PPO field, and the stock ``obs_normalization``. Taken from the paper row: the hidden
    sizes of the flow and the critic, the time-embedding sizes, the learning rate, γ and the entropy coefficient.
    The experiment name is the stock one plus ``_genpo``.

    Args:
        stock: The stock task's rl config (``mjlab.tasks.registry.load_rl_cfg(stock_id)``).
        row: The task's GenPO paper row (:data:`agents_cfg.table.PAPER`).
    """
    runner = field_values(stock, RslRlOnPolicyRunnerCfg, drop=("actor", "critic", "algorithm", "class_name"))
    ppo = field_values(stock.algorithm, RslRlPpoAlgorithmCfg, drop=("class_name",))
    ppo.update(learning_rate=row.learning_rate, gamma=row.gamma, entropy_coef=row.entropy_coef)
    time_sizes: dict = {}
    if row.time_embed_dim is not None:
        time_sizes["time_embed_dim"] = row.time_embed_dim
    if row.time_hidden_dims is not None:
        time_sizes["time_hidden_dims"] = tuple(row.time_hidden_dims)
    runner["experiment_name"] = f"{stock.experiment_name}_genpo"
    return GenPORunnerCfg(
        **runner,
        class_name=stock.class_name,
        actor=GenPOModelCfg(
            hidden_dims=tuple(row.hidden_dims), obs_normalization=stock.actor.obs_normalization, **time_sizes
        ),
        critic=RslRlModelCfg(
            hidden_dims=tuple(row.hidden_dims), activation="mish", obs_normalization=stock.critic.obs_normalization
        ),
        algorithm=GenPOAlgorithmCfg(**ppo),
    )
