"""GenPO checkpoint metadata, one format for both adapters: the flow's ``settings`` buffer (checked on load)."""

from __future__ import annotations

import math

import torch

SETTINGS_FIELDS = ("action_dim", "cond_dim", "num_flow_steps", "mix_p")
"""What a checkpoint must agree on with the configured flow, stored in this order as the buffer ``settings``."""

CHECKPOINT_TAG = "genpo"
"""Top-level key of rsl-rl-lib 5.x GenPO checkpoints: the same settings as a dict, for tools that do not build the
model (``genpo-train``'s checkpoint check)."""


def settings_tensor(flow: torch.nn.Module) -> torch.Tensor:
    """Return the flow's settings as the float64 tensor stored in its state dict.

    Args:
        flow: The flow (with the attributes of :data:`SETTINGS_FIELDS`).

    Returns:
        ``[len(SETTINGS_FIELDS)]`` in the order of :data:`SETTINGS_FIELDS`.
    """
    return torch.tensor([float(getattr(flow, name)) for name in SETTINGS_FIELDS], dtype=torch.float64)


def settings_dict(flow: torch.nn.Module) -> dict[str, float | int]:
    """Return the flow's settings as a dict (integers stay integers).

    Args:
        flow: The flow (with the attributes of :data:`SETTINGS_FIELDS`).

    Returns:
        The settings by name.
    """
    return {name: getattr(flow, name) for name in SETTINGS_FIELDS}


def check_saved_settings(saved: torch.Tensor | None, flow: torch.nn.Module) -> None:
    """Check a checkpoint's settings against the configured flow.

    Args:
        saved: The checkpoint's ``settings`` buffer, or ``None`` (genpo_rsl 0.1: nothing to check).
        flow: The configured flow.

    Raises:
        ValueError: If a setting differs; the message names every one that does.
    """
    if saved is None:
        return  # checkpoints of genpo_rsl 0.1 carry no settings buffer (5.x: checked through CHECKPOINT_TAG)
    mine = settings_tensor(flow).tolist()
    bad = [(k, a, b) for k, a, b in zip(SETTINGS_FIELDS, saved.tolist(), mine) if not math.isclose(a, b)]
    if bad:
        details = ", ".join(f"{k}: checkpoint {_fmt(a)} vs config {_fmt(b)}" for k, a, b in bad)
        raise ValueError(f"GenPO checkpoint does not match the configured actor ({details}).")


def _fmt(value: float) -> str:
    """Format a stored setting (integers without a decimal point)."""
    return str(int(value)) if float(value).is_integer() else repr(value)


FULL_LOAD = {"actor": True, "critic": True, "optimizer": True, "iteration": True, "rnd": True}
"""What rsl_rl's ``PPO.load`` loads when no ``load_cfg`` is given."""


def warm_start_view(loaded_dict: dict, load_cfg: dict | None) -> tuple[dict, dict]:
    """Return the checkpoint and ``load_cfg`` for GenPO's ``PPO.load``, accepting warm-start checkpoints too.

    - A ``GenPODistillation`` checkpoint: its ``student_state_dict`` becomes the actor; the critic and optimizer start
      fresh and the iteration count at 0 (distillation iterations are not RL iterations).
    - A ``genpo-pretrain`` checkpoint (no optimizer state): actor, and critic when it was pretrained.
    Parts the checkpoint lacks are left out of ``load_cfg``; a full GenPO checkpoint loads as before.

    Args:
        loaded_dict: The checkpoint.
        load_cfg: What to load (rsl_rl's ``load_cfg``), or ``None`` for everything (:data:`FULL_LOAD`).

    Returns:
        ``(checkpoint, load_cfg)``: the checkpoint as ``PPO.load`` reads it, and a new ``load_cfg``.
    """
    load_cfg = dict(FULL_LOAD if load_cfg is None else load_cfg)
    if "actor_state_dict" not in loaded_dict and "student_state_dict" in loaded_dict:
        loaded_dict = {"actor_state_dict": loaded_dict["student_state_dict"]}
    present = {"actor": "actor_state_dict", "critic": "critic_state_dict", "optimizer": "optimizer_state_dict"}
    present.update(rnd="rnd_state_dict")
    for part, key in present.items():
        if key not in loaded_dict:
            load_cfg[part] = False
    if "optimizer_state_dict" not in loaded_dict:
        load_cfg["iteration"] = False
    return loaded_dict, load_cfg


def optimizer_state_in_model_order(
    optimizer_state: dict, saved_actor_state: dict, actor: torch.nn.Module, renames: dict[str, str]
) -> dict:
    """Return ``optimizer_state`` with the actor's entries in the order the actor now registers its parameters.

    rsl_rl's optimizer state is indexed by position (actor parameters first, then the critic's). A checkpoint whose
    actor registered the same parameters in another order (e.g. the learned σ, which moved from ``flow`` to
    ``flow.base_noise`` in 0.3) would give each parameter another's Adam moments; the order saved in the
    checkpoint's ``actor_state_dict`` tells which is which.

    Args:
        optimizer_state: The checkpoint's ``optimizer_state_dict`` (one parameter group).
        saved_actor_state: The checkpoint's ``actor_state_dict``, in the order it was saved.
        actor: The actor the state is loaded into.
        renames: Old parameter name → current name (renamed keys keep their saved position).

    Returns:
        The state to load; ``optimizer_state`` itself when the order is unchanged or cannot be matched by name.
    """
    current = [name for name, _ in actor.named_parameters()]
    known = set(current)
    saved = [name for name in (renames.get(key, key) for key in saved_actor_state) if name in known]
    if saved == current or sorted(saved) != sorted(current) or len(optimizer_state["param_groups"]) != 1:
        return optimizer_state
    position = {name: index for index, name in enumerate(saved)}
    ids = optimizer_state["param_groups"][0]["params"]
    state = dict(optimizer_state["state"])
    for index, name in enumerate(current):
        old = ids[position[name]]
        if old in optimizer_state["state"]:
            state[ids[index]] = optimizer_state["state"][old]
        else:
            state.pop(ids[index], None)
    return {**optimizer_state, "state": state}
