"""The flow settings of a GenPO actor: the flat keys, the ``flow_cfg`` sub-config, their checks (both adapters)."""

from __future__ import annotations

import importlib
import inspect
import warnings

import torch

from genpo_rsl.modules.base_noise import check_base_scale, resolve_base_scale
from genpo_rsl.modules.time_embedding import TIME_EMBEDDINGS

INFERENCE_MODES = ("zero_noise", "sample")
"""Deterministic (``z = 0``) or sampled actions at inference / play time."""

FLAT_FLOW_KEYS = (
    "num_flow_steps",
    "mix_p",
    "time_embed_dim",
    "time_hidden_dims",
    "time_embedding",
    "base_scale",
    "learn_base_scale",
    "base_scale_init",
    "base_scale_range",
)
"""Flow settings an actor config may give at its top level (merged into ``flow_cfg``)."""

DEFAULT_FLOW = "genpo_rsl.modules.flow:GenPOFlow"
"""The flow class when ``flow_cfg`` names none."""

ROUNDTRIP_WARN = 1e-4
"""Warn when the expected float32 round-trip error ``eps32 * mix_p^(-2N)`` of the inverse exceeds this."""


def resolve_class(name: str | type) -> type:
    """Return the class named ``"module:Class"`` or ``"module.Class"`` (or ``name`` itself if it is a class).

    Args:
        name: The class, or its import path.

    Returns:
        The class.

    Raises:
        ValueError: If ``name`` cannot be imported.
    """
    if isinstance(name, type):
        return name
    module, _, attr = name.rpartition(":") if ":" in name else name.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError, ValueError) as err:
        raise ValueError(
            f"flow_cfg: class_name={name!r} cannot be imported ({err}); allowed: 'module:Class'."
        ) from None


def take_flat_flow_keys(who: str, section: str, kwargs: dict, allowed: set[str]) -> dict:
    """Return the flat flow keys of an actor's ``**kwargs``; any other key is an error listing what is allowed.

    Args:
        who: The actor class's name, for the error message.
        section: The config section (e.g. ``"actor"``), for the error message.
        kwargs: The actor's extra keyword arguments.
        allowed: The actor's own keys, listed in the error message with :data:`FLAT_FLOW_KEYS`.

    Returns:
        A copy of ``kwargs``.

    Raises:
        ValueError: If a key is not one of :data:`FLAT_FLOW_KEYS`.
    """
    unknown = sorted(set(kwargs) - set(FLAT_FLOW_KEYS))
    if unknown:
        raise ValueError(
            f"GenPO config: unknown key(s) {unknown} in '{section}' (class {who}); "
            f"allowed: {sorted(allowed | set(FLAT_FLOW_KEYS))}."
        )
    return dict(kwargs)


def merge_flow_cfg(who: str, flow_cfg: dict | None, flat: dict) -> dict:
    """Return ``flow_cfg`` with ``class_name`` resolved and the flat keys merged in.

    Args:
        who: The actor class's name, for the error message.
        flow_cfg: The ``flow_cfg`` sub-config (``class_name`` defaults to :data:`DEFAULT_FLOW`), or ``None``.
        flat: The flat flow keys; ``None`` values are not merged.

    Returns:
        A new dict: ``flow_cfg``'s keys, ``class_name`` as a class, and the flat keys that are not ``None``.

    Raises:
        ValueError: If ``flow_cfg`` is not a dict or ``None``, its ``class_name`` cannot be imported, or a key is
            given both flat and in ``flow_cfg``.
    """
    if flow_cfg is not None and not isinstance(flow_cfg, dict):
        raise ValueError(
            f"{who}: flow_cfg={flow_cfg!r} is invalid; allowed: None or a dict with a 'class_name' and flow keys "
            f"(from the command line, set the flat keys instead, e.g. agent.actor.learn_base_scale=true)."
        )
    cfg = dict(flow_cfg or {})
    cfg["class_name"] = resolve_class(cfg.get("class_name", DEFAULT_FLOW))
    twice = sorted(k for k, v in flat.items() if v is not None and k in cfg)
    if twice:
        raise ValueError(f"{who}: {twice} given both at the top level and in flow_cfg; allowed: one of the two.")
    cfg.update({k: v for k, v in flat.items() if v is not None})
    return cfg


def flow_parameters(flow_class: type) -> dict[str, inspect.Parameter]:
    """Return the named constructor parameters of ``flow_class``, following ``**kwargs`` up to its bases.

    Args:
        flow_class: The flow class.

    Returns:
        The parameters by name (``*args`` / ``**kwargs`` left out).
    """
    params: dict[str, inspect.Parameter] = {}
    for cls in flow_class.__mro__:
        if "__init__" not in vars(cls):
            continue
        signature = inspect.signature(cls.__init__).parameters
        named = {n: p for n, p in signature.items() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
        params = {**named, **params}
        if not any(p.kind is p.VAR_KEYWORD for p in signature.values()):
            break
    return params


def check_flow_settings(
    who: str, action_dim: int, hidden_dims: list[int] | tuple[int, ...], cfg: dict, names: tuple[str, str]
) -> None:
    """Check a merged ``flow_cfg``; warn if the flow's inverse is ill-conditioned.

    Args:
        who: The actor class's name, for the messages.
        action_dim: The environment action size.
        hidden_dims: The velocity MLP's hidden sizes.
        cfg: A merged ``flow_cfg`` (:func:`merge_flow_cfg`).
        names: How the adapter calls the action size and the hidden sizes, for the error message.

    Raises:
        ValueError: If a setting is unknown to the flow class or invalid; the message names it and what is allowed.
    """
    flow_class = cfg["class_name"]
    params = flow_parameters(flow_class)
    accepted = set(params) - {"self", "action_dim", "cond_dim", "hidden_dims", "activation"}
    unknown = sorted(set(cfg) - accepted - {"class_name"})
    if unknown:
        raise ValueError(
            f"{who}: unknown flow_cfg key(s) {unknown} for {flow_class.__name__}; allowed: {sorted(accepted)}."
        )
    if action_dim < 1:
        raise ValueError(f"{who}: {names[0]}={action_dim!r} is invalid; allowed: >= 1.")
    if len(hidden_dims) == 0 or any(int(h) < 1 for h in hidden_dims):
        raise ValueError(
            f"{who}: {names[1]}={list(hidden_dims)!r} is invalid; allowed: a non-empty list of sizes >= 1."
        )
    defaults = {name: p.default for name, p in params.items()}
    mix_p, steps = (
        cfg.get("mix_p", defaults.get("mix_p", 0.9)),
        cfg.get("num_flow_steps", defaults.get("num_flow_steps", 5)),
    )
    if not 0.0 < float(mix_p) < 1.0:
        raise ValueError(f"{who}: mix_p={mix_p!r} is invalid; allowed: 0 < mix_p < 1 (paper: 0.9).")
    if isinstance(steps, bool) or int(steps) != steps or steps < 1:
        raise ValueError(f"{who}: num_flow_steps={steps!r} is invalid; allowed: an integer >= 1 (paper: 5).")
    if int(cfg.get("time_embed_dim", 32)) < 2:
        raise ValueError(f"{who}: time_embed_dim={cfg['time_embed_dim']!r} is invalid; allowed: an integer >= 2.")
    if cfg.get("time_embedding", "scaled") not in TIME_EMBEDDINGS:
        raise ValueError(
            f"{who}: time_embedding={cfg['time_embedding']!r} is invalid; allowed: {list(TIME_EMBEDDINGS)}."
        )
    if "base_scale" in params:
        mode = resolve_base_scale(who, cfg.get("base_scale"), cfg.get("learn_base_scale"))
        check_base_scale(who, mode, cfg.get("base_scale_init", 1.0), cfg.get("base_scale_range"))
    amplification = float(mix_p) ** (-2 * int(steps))  # the inverse's rounding amplification
    if torch.finfo(torch.float32).eps * amplification > ROUNDTRIP_WARN:
        warnings.warn(
            f"{who}: mix_p={mix_p} with num_flow_steps={steps} is ill-conditioned: the inverse amplifies "
            f"float32 rounding by mix_p^(-2N) = {amplification:.3g}, so the inverse recovers the latent (and the "
            f"log-prob) only to about {torch.finfo(torch.float32).eps * amplification:.2g} (> {ROUNDTRIP_WARN}). "
            f"Use mix_p >= 0.9 or fewer steps (paper: mix_p=0.9, num_flow_steps=5).",
            stacklevel=4,
        )


def check_inference_mode(who: str, inference_mode: str) -> None:
    """Check the actor's ``inference_mode``.

    Args:
        who: The actor class's name, for the error message.
        inference_mode: The value to check.

    Raises:
        ValueError: Unless ``inference_mode`` is one of :data:`INFERENCE_MODES`.
    """
    if inference_mode not in INFERENCE_MODES:
        raise ValueError(f"{who}: inference_mode={inference_mode!r} is invalid; allowed: {list(INFERENCE_MODES)}.")


def build_flow(
    who: str,
    flow_cfg: dict | None,
    flat: dict,
    action_dim: int,
    cond_dim: int,
    hidden_dims: list[int] | tuple[int, ...],
    activation: str,
    names: tuple[str, str] = ("output_dim", "hidden_dims"),
) -> torch.nn.Module:
    """Check the settings and build the flow ``flow_cfg.class_name`` (default: :data:`DEFAULT_FLOW`).

    Args:
        who: The actor class's name, for the messages.
        flow_cfg: The ``flow_cfg`` sub-config, or ``None``.
        flat: The flat flow keys (:data:`FLAT_FLOW_KEYS`); ``None`` values are not given.
        action_dim: The environment action size.
        cond_dim: The size of the flow's conditioning.
        hidden_dims: The velocity MLP's hidden sizes.
        activation: The velocity MLP's activation.
        names: How the adapter calls the action size and the hidden sizes, for the error message.

    Returns:
        The flow.

    Raises:
        ValueError: If a setting is invalid (:func:`merge_flow_cfg`, :func:`check_flow_settings`).
    """
    cfg = merge_flow_cfg(who, flow_cfg, flat)
    check_flow_settings(who, action_dim, hidden_dims, cfg, names)
    flow_class = cfg.pop("class_name")
    return flow_class(action_dim, cond_dim, list(hidden_dims), activation, **cfg)
