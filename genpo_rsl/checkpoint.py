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
    """Return the flow's settings as the float64 tensor stored in its state dict."""
    return torch.tensor([float(getattr(flow, name)) for name in SETTINGS_FIELDS], dtype=torch.float64)


def settings_dict(flow: torch.nn.Module) -> dict[str, float | int]:
    """Return the flow's settings as a dict (integers stay integers)."""
    return {name: getattr(flow, name) for name in SETTINGS_FIELDS}


def check_saved_settings(saved: torch.Tensor | None, flow: torch.nn.Module) -> None:
    """Raise ``ValueError`` naming every setting where the checkpoint's ``saved`` differs from ``flow``'s."""
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
