"""IsaacLab config of the GenPO flow actor (``genpo_rsl:GenPOActor``)."""

from __future__ import annotations

from typing import Any, Literal

from isaaclab.utils import configclass
from isaaclab_rl.rsl_rl import RslRlCNNModelCfg, RslRlMLPModelCfg, RslRlRNNModelCfg


@configclass
class GenPOActorCfg(RslRlMLPModelCfg):
    """GenPO flow actor: an rsl_rl ``MLPModel`` config whose output distribution is the flow itself.

    Subclasses :class:`RslRlMLPModelCfg` so IsaacLab's deprecation handler finds ``distribution_cfg`` and
    ``stochastic``; every GenPO field has a real default (``class_to_dict`` would turn ``MISSING`` into ``{}``).
    """

    class_name: str = "genpo_rsl:GenPOActor"
    """The actor class, resolved by rsl_rl."""

    hidden_dims: list[int] = [256, 256, 256]
    """Hidden sizes of the velocity MLP (per-task values come from the paper table)."""

    activation: str = "mish"
    """Activation of the velocity and time-embedding MLPs (paper: Mish)."""

    distribution_cfg: None = None
    """Must stay None: the flow is the distribution."""

    num_flow_steps: int = 5
    """Flow steps N (paper: 5)."""

    mix_p: float = 0.9
    """Mixing coefficient p in (0, 1) (paper: 0.9)."""

    time_embed_dim: int = 32
    """Sinusoidal time-embedding size (paper: 32; 16 for Quadcopter)."""

    time_hidden_dims: list[int] = [256, 256]
    """Hidden sizes of the time-embedding MLP (paper: [256, 256]; [128, 128] for Quadcopter)."""

    time_embedding: Literal["scaled", "released"] = "scaled"
    """Sinusoidal time embedding: angles of 1000·t ("scaled") or of raw t as in the authors' released code."""

    base_scale: Literal["fixed", "learned", "per_dim", "state"] | None = None
    """Scale σ of the base noise z ~ N(0, diag σ²): "fixed" (the paper's flow), "learned" (one σ), "per_dim" (one σ
    per action dimension) or "state" (σ(s) from a small head, bounded); the log-density stays exact in every mode.
    None: the package default ("learned", chosen at 5 M env steps on Ant, results §13; "fixed" reproduces the paper).
    See genpo_rsl.modules.base_noise."""

    learn_base_scale: bool | None = None
    """Alias: True is base_scale="learned", False is "fixed" (None: not set)."""

    base_scale_init: float = 1.0
    """Initial σ (1.0 keeps the paper's initial env-action spread, ≈ 0.71 per dimension)."""

    base_scale_range: list[float] | None = None
    """[min, max] of σ, a clamp like rsl_rl's std_range (None: [1e-6, 1e6]; "state": its bounds, [0.01, 2.0])."""

    flow_cfg: dict | None = None
    """Optional flow sub-config with a ``class_name`` (default ``genpo_rsl.modules.flow:GenPOFlow``) and its keys, e.g.
    ``{"learn_base_scale": True}``; a key may not be given both here and at the top level."""

    inference_mode: Literal["zero_noise", "sample"] = "zero_noise"
    """Deterministic play/export uses z = 0 ("zero_noise") or a fresh sample ("sample")."""


@configclass
class MemoryCfg(RslRlRNNModelCfg):
    """The memory keys of rsl_rl's ``RNNModel`` with real defaults (a flow actor on the memory: GenPO's, FPO++'s)."""

    rnn_type: str = "lstm"
    """``"lstm"`` or ``"gru"`` (as rsl_rl's ``RNNModel``)."""
    rnn_hidden_dim: int = 256
    """Size of the memory (the flow's conditioning)."""
    rnn_num_layers: int = 1
    """Number of recurrent layers."""


@configclass
class GenPORNNActorCfg(GenPOActorCfg, MemoryCfg):
    """GenPO flow actor on rsl_rl's ``RNNModel`` (``genpo_rsl:GenPORNNActor``): the flow is conditioned on the memory."""

    class_name: str = "genpo_rsl:GenPORNNActor"
    """The actor class, resolved by rsl_rl."""


@configclass
class GenPOCNNActorCfg(GenPOActorCfg, RslRlCNNModelCfg):
    """GenPO flow actor on rsl_rl's ``CNNModel`` (``genpo_rsl:GenPOCNNActor``): the flow is conditioned on the image
    encoders' latent (with the 1D groups); ``cnn_cfg`` as stock."""

    class_name: str = "genpo_rsl:GenPOCNNActor"
    """The actor class, resolved by rsl_rl."""


def own_model_cfg(base: type, head: str, model_class: str, extra: dict[str, Any]) -> type:
    """Return a flow actor config class over a task's own model class (the head by name, ``models/flow_head.py``).

    Args:
        base: The flow actor config of the model kind (:class:`GenPOCNNActorCfg`, FPO++'s, ...).
        head: ``"genpo_rsl:GenPOModel"`` or ``"genpo_rsl:FPOModel"``.
        model_class: The task's model class, ``"module:Class"``.
        extra: The model config's own fields and their values (e.g. ``init_temperature``).

    Returns:
        The ``@configclass`` subclass of ``base`` with ``class_name=head``, ``model_class`` and ``extra`` as fields.
    """
    name = f"{base.__name__.removesuffix('Cfg')}On{model_class.rpartition(':')[2]}Cfg"
    annotations = {"class_name": str, "model_class": str, **dict.fromkeys(extra, Any)}
    body = {"__module__": __name__, "__qualname__": name, "__annotations__": annotations, "class_name": head,
            "model_class": model_class, **extra}  # fmt: skip
    return configclass(type(name, (base,), body))
