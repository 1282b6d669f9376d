"""The velocity field ``v(u, c, t)`` of the GenPO flow: one MLP on ``concat(u, c, e(t))``."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import torch
import torch.nn as nn
import torch.nn.functional as F

from genpo_rsl.modules.layers import mlp
from genpo_rsl.modules.time_embedding import TimeEmbedding


class VelocityField(nn.Module):
    """``v(u, c, t)`` for ``u ∈ R^d``, the conditioning ``c`` (the actor's observation latent) and a step time ``t``.

    The first linear layer is applied in three parts: the conditioning share once per call, the time share once per
    step time (not per sample), and the ``u`` share fused into an ``addmm`` at every evaluation.
    """

    def __init__(
        self, action_dim: int, cond_dim: int, hidden_dims: list[int], activation: str, time: TimeEmbedding
    ) -> None:
        """Build the split first layer and the trunk on top of the time embedding ``time``."""
        super().__init__()
        self.action_dim, self.cond_dim = action_dim, cond_dim
        self.time_mlp = time
        self.input_layer = nn.Linear(action_dim + cond_dim + time.dim, hidden_dims[0])
        self.trunk = mlp(hidden_dims[0], action_dim, list(hidden_dims[1:]), activation, True)
        self._compiled = None

    @classmethod
    def build(
        cls,
        action_dim: int,
        cond_dim: int,
        hidden_dims: list[int],
        activation: str,
        time_embed_dim: int,
        time_hidden_dims: list[int] | tuple[int, ...],
        time_embedding: str,
    ) -> VelocityField:
        """Return the velocity field with its time embedding ``e(t)`` (sinusoid of ``time_embedding`` form + MLP)."""
        time = TimeEmbedding(time_embed_dim, time_hidden_dims, time_embedding, activation)
        return cls(action_dim, cond_dim, hidden_dims, activation, time)

    def conditioning(self, cond: torch.Tensor, step_times: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the first layer's conditioning share ``[B, H]`` (with bias) and time share ``[N, H]``."""
        d, c = self.action_dim, self.cond_dim
        w = self.input_layer.weight
        h_cond = F.linear(cond, w[:, d : d + c], self.input_layer.bias)
        return h_cond, F.linear(self.time_mlp(step_times.to(cond.dtype)), w[:, d + c :])

    def forward(self, u: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        """Return ``v(u, c, t_i)`` given ``h``, the first layer's conditioning + time share at ``t_i``."""
        if torch.jit.is_scripting() or self._compiled is None:
            return self.eager_forward(u, h)
        return self._run_compiled(u, h)

    def eager_forward(self, u: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        """Return :meth:`forward` evaluated eagerly."""
        return self.trunk(torch.addmm(h, u, self.input_layer.weight[:, : self.action_dim].T))

    def enable_compile(self, mode: str | None = "default") -> None:
        """Evaluate through ``torch.compile(mode=mode)`` from now on (dynamic batch; compiled on first use)."""
        self._compiled = torch.compile(self.eager_forward, mode=mode, dynamic=True)

    @property
    def is_compiled(self) -> bool:
        """Whether :meth:`forward` runs the compiled function."""
        return self._compiled is not None

    @contextlib.contextmanager
    def eager(self) -> Iterator[None]:
        """Run eagerly inside this context (for ``torch.func`` transforms and export)."""
        compiled, self._compiled = self._compiled, None
        try:
            yield
        finally:
            self._compiled = compiled

    @torch.jit.unused
    def _run_compiled(self, u: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        """Compiled :meth:`forward`; falls back to eager (with a warning) if this machine cannot compile."""
        try:
            return self._compiled(u, h)  # type: ignore[misc]
        except torch._dynamo.exc.BackendCompilerFailed as err:  # e.g. no C++ compiler / Triton on this machine
            cause = f"{type(err.inner_exception).__name__}: {err.inner_exception}".splitlines()[0]
            warnings.warn(f"GenPOFlow: torch.compile failed ({cause}); running the velocity MLP eagerly.", stacklevel=2)
            self._compiled = None
        return self.eager_forward(u, h)
