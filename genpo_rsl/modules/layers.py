"""Small layer builders of the flow's networks."""

from __future__ import annotations

from itertools import pairwise

import torch.nn as nn
from rsl_rl.utils import resolve_nn_activation

from genpo_rsl.modules.mish import Mish


def activation_module(name: str) -> nn.Module:
    """Return the activation module for ``name`` (rsl_rl's names; Mish with the flow's one-exp kernel)."""
    return Mish() if name.lower() == "mish" else resolve_nn_activation(name)


def mlp(in_dim: int, out_dim: int, hidden_dims: list[int], activation: str, first_activation: bool) -> nn.Sequential:
    """Build ``[act] Linear act Linear ... Linear`` (the leading activation is optional)."""
    dims = [in_dim, *hidden_dims]
    layers: list[nn.Module] = [activation_module(activation)] if first_activation else []
    for a, b in pairwise(dims):
        layers += [nn.Linear(a, b), activation_module(activation)]
    layers.append(nn.Linear(dims[-1], out_dim))
    return nn.Sequential(*layers)
