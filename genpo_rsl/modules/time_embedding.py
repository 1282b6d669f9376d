"""The time embedding ``e(t)`` of the flow step times ``t_i = i / N``: sinusoids through a small MLP (docs/algorithm.md §1)."""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from genpo_rsl.modules.layers import mlp

TIME_EMBEDDINGS = ("scaled", "released")
"""``"scaled"``: angles ``1000·t·10000^(-k/half)`` (genpo_rsl 0.1); ``"released"``: angles ``t·10000^(-k/(half-1))``,
as in the GenPO authors' released code."""


def sinusoidal_embedding(t: torch.Tensor, dim: int, form: str = "scaled") -> torch.Tensor:
    """Return the ``dim``-feature embedding ``(sin | cos)`` of times ``t`` ``[T]`` in ``[0, 1]``."""
    half = dim // 2
    scale, denominator = (1000.0, max(half, 1)) if form == "scaled" else (1.0, max(half - 1, 1))
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=t.dtype, device=t.device) / denominator)
    angles = scale * t[:, None] * freqs[None, :]
    return F.pad(torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1), (0, dim - 2 * half))


class TimeEmbedding(nn.Module):
    """``e(t)``: the sinusoidal embedding of ``t`` (``dim`` features, ``form``) through an MLP of ``hidden_dims``."""

    def __init__(self, dim: int, hidden_dims: list[int] | tuple[int, ...], form: str, activation: str) -> None:
        """Build the MLP ``dim -> hidden_dims -> dim``."""
        super().__init__()
        self.dim, self.form = dim, form
        self.mlp = mlp(dim, dim, list(hidden_dims), activation, False)

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        """Return ``e(t)`` ``[T, dim]`` for times ``t`` ``[T]``."""
        return self.mlp(sinusoidal_embedding(t, self.dim, self.form))
