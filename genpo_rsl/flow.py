"""The GenPO flow: an exactly invertible, coupled flow over a doubled action (spec ``genpo.md`` §1).

The flow maps a latent ``z = (x_0, y_0) ~ N(0, I_2d)`` to a dummy action ``ã = (x_N, y_N)`` in ``N`` steps.
Each step is two shears (determinant 1) and two triangular mixing lines (determinant ``p^d`` each), so

    log|det ∂ã/∂z| = 2·d·N·log p          (a constant: no Jacobian is ever needed)
    log π(ã | s)   = -½‖F⁻¹(ã)‖² - d·log(2π) - 2·d·N·log p
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterator

import torch
import torch.nn as nn
import torch.nn.functional as F
from rsl_rl.utils import resolve_nn_activation

from genpo_rsl.mish import Mish


def sinusoidal_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Return the sinusoidal embedding (sin | cos) of times ``t`` in ``[0, 1]`` with ``dim`` features."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=t.dtype, device=t.device) / max(half, 1))
    angles = 1000.0 * t[:, None] * freqs[None, :]
    emb = torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1)
    return F.pad(emb, (0, dim - 2 * half))


def _activation(name: str) -> nn.Module:
    """Return the activation module for ``name`` (rsl_rl's names; Mish with the flow's one-exp kernel)."""
    return Mish() if name.lower() == "mish" else resolve_nn_activation(name)


def _mlp(in_dim: int, out_dim: int, hidden_dims: list[int], activation: str, first_activation: bool) -> nn.Sequential:
    """Build ``[act] Linear act Linear ... Linear`` (the leading activation is optional)."""
    dims = [in_dim, *hidden_dims]
    layers: list[nn.Module] = [_activation(activation)] if first_activation else []
    for a, b in zip(dims[:-1], dims[1:]):
        layers += [nn.Linear(a, b), _activation(activation)]
    layers.append(nn.Linear(dims[-1], out_dim))
    return nn.Sequential(*layers)


class GenPOFlow(nn.Module):
    """Velocity field ``v(u, s, t)`` and the coupled forward / inverse maps of GenPO.

    ``v`` is one MLP on ``concat(u, s, e(t))``. Its first linear layer is applied in three parts so that the
    observation part is computed once per call and the time part once per step time (not per sample and step).
    """

    def __init__(
        self,
        action_dim: int,
        obs_dim: int,
        hidden_dims: list[int],
        activation: str = "mish",
        num_flow_steps: int = 5,
        mix_p: float = 0.9,
        time_embed_dim: int = 32,
        time_hidden_dims: list[int] = (256, 256),  # type: ignore[assignment]
    ) -> None:
        """Build the velocity MLP and the time-embedding MLP."""
        super().__init__()
        self.action_dim = action_dim
        self.obs_dim = obs_dim
        self.num_flow_steps = num_flow_steps
        self.mix_p = mix_p
        self.time_embed_dim = time_embed_dim
        self.time_mlp = _mlp(time_embed_dim, time_embed_dim, list(time_hidden_dims), activation, False)
        self.input_layer = nn.Linear(action_dim + obs_dim + time_embed_dim, hidden_dims[0])
        self.trunk = _mlp(hidden_dims[0], action_dim, list(hidden_dims[1:]), activation, True)
        self.register_buffer("step_times", torch.arange(num_flow_steps, dtype=torch.float) / num_flow_steps)
        self._compiled_velocity = None

    def compile_velocity(self, mode: str | None = "default") -> None:
        """Evaluate the velocity MLP through ``torch.compile(mode=mode)`` (dynamic batch; compiled on first use)."""
        self._compiled_velocity = torch.compile(self._velocity, mode=mode, dynamic=True)

    @contextlib.contextmanager
    def eager(self) -> Iterator[None]:
        """Run the velocity MLP eagerly inside this context (for ``torch.func`` transforms and export)."""
        compiled, self._compiled_velocity = self._compiled_velocity, None
        try:
            yield
        finally:
            self._compiled_velocity = compiled

    @property
    def log_det(self) -> float:
        """Return ``log|det ∂ã/∂z| = 2·d·N·log p`` (constant in parameters, observation and latent)."""
        return 2.0 * self.action_dim * self.num_flow_steps * math.log(self.mix_p)

    def conditioning(self, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the observation share ``[B, H]`` and the per-step time share ``[N, H]`` of the first layer."""
        d, o = self.action_dim, self.obs_dim
        w = self.input_layer.weight
        h_obs = F.linear(obs, w[:, d : d + o], self.input_layer.bias)
        e = self.time_mlp(sinusoidal_embedding(self.step_times.to(obs.dtype), self.time_embed_dim))
        h_time = F.linear(e, w[:, d + o :])
        return h_obs, h_time

    def velocity(self, u: torch.Tensor, h_cond: torch.Tensor) -> torch.Tensor:
        """Evaluate ``v(u, s, t_i)`` given ``h_cond``, the first layer's observation + time share at ``t_i``."""
        if torch.jit.is_scripting() or self._compiled_velocity is None:
            return self._velocity(u, h_cond)
        return self._run_compiled(u, h_cond)

    @torch.jit.unused
    def _run_compiled(self, u: torch.Tensor, h_cond: torch.Tensor) -> torch.Tensor:
        """Compiled :meth:`velocity`; falls back to eager (with a warning) if this machine cannot compile."""
        try:
            return self._compiled_velocity(u, h_cond)
        except torch._dynamo.exc.BackendCompilerFailed as err:  # e.g. no C++ compiler / Triton on this machine
            cause = f"{type(err.inner_exception).__name__}: {err.inner_exception}".splitlines()[0]
            warnings.warn(f"GenPOFlow: torch.compile failed ({cause}); running the velocity MLP eagerly.", stacklevel=2)
            self._compiled_velocity = None
        return self._velocity(u, h_cond)

    def _velocity(self, u: torch.Tensor, h_cond: torch.Tensor) -> torch.Tensor:
        """Eager :meth:`velocity`."""
        return self.trunk(torch.addmm(h_cond, u, self.input_layer.weight[:, : self.action_dim].T))

    def forward(self, z: torch.Tensor, obs: torch.Tensor) -> torch.Tensor:
        """Map the latent ``z = (x_0, y_0)`` to the dummy action ``ã = (x_N, y_N)``."""
        h_obs, h_time = self.conditioning(obs)
        p, dt = self.mix_p, 1.0 / self.num_flow_steps
        x, y = z[..., : self.action_dim], z[..., self.action_dim :]
        for i in range(self.num_flow_steps):
            h = h_obs + h_time[i]
            x_ = x + dt * self.velocity(y, h)
            y_ = y + dt * self.velocity(x_, h)
            x = p * x_ + (1.0 - p) * y_
            y = p * y_ + (1.0 - p) * x
        return torch.cat([x, y], dim=-1)

    def inverse(self, a: torch.Tensor, obs: torch.Tensor) -> torch.Tensor:
        """Map the dummy action ``ã`` back to its latent ``z`` (exact inverse of :meth:`forward`)."""
        h_obs, h_time = self.conditioning(obs)
        p, dt = self.mix_p, 1.0 / self.num_flow_steps
        x, y = a[..., : self.action_dim], a[..., self.action_dim :]
        for i in range(self.num_flow_steps - 1, -1, -1):
            y_ = (y - (1.0 - p) * x) / p
            x_ = (x - (1.0 - p) * y_) / p
            h = h_obs + h_time[i]
            y = y_ - dt * self.velocity(x_, h)
            x = x_ - dt * self.velocity(y, h)
        return torch.cat([x, y], dim=-1)

    def zero_noise_action(self, obs: torch.Tensor) -> torch.Tensor:
        """Return the deterministic environment action ``(x_N + y_N) / 2`` of the latent ``z = 0``."""
        a = self.forward(torch.zeros(obs.shape[0], 2 * self.action_dim, dtype=obs.dtype, device=obs.device), obs)
        return 0.5 * (a[:, : self.action_dim] + a[:, self.action_dim :])

    def latent_log_prob(self, z: torch.Tensor) -> torch.Tensor:
        """Return ``log π(ã | s)`` of the action the latent ``z`` maps to (closed form)."""
        return -0.5 * z.pow(2).sum(-1) - self.action_dim * math.log(2.0 * math.pi) - self.log_det

    def log_prob(self, a: torch.Tensor, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(log π(ã | s), z)`` with ``z = F⁻¹(ã)``, using the constant log-determinant."""
        z = self.inverse(a, obs)
        return self.latent_log_prob(z), z

    def log_prob_jacobian(self, a: torch.Tensor, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(log π(ã | s), z)`` with an autograd Jacobian of the inverse (the released code's method).

        Differentiable with respect to the parameters; used as a test oracle and as the benchmark baseline.
        """
        z = self.inverse(a, obs)
        with self.eager():
            jac = torch.func.vmap(torch.func.jacrev(lambda ai, si: self.inverse(ai[None], si[None])[0]))(a, obs)
        log_det_inv = torch.linalg.slogdet(jac)[1]
        gauss = -0.5 * z.pow(2).sum(-1) - self.action_dim * math.log(2.0 * math.pi)
        return gauss + log_det_inv, z

    def forward_log_det_autograd(self, z: torch.Tensor, obs: torch.Tensor) -> torch.Tensor:
        """Return ``log|det ∂ã/∂z|`` per sample from an autograd Jacobian of :meth:`forward` (test oracle)."""
        with self.eager():
            jac = torch.func.vmap(torch.func.jacrev(lambda zi, si: self.forward(zi[None], si[None])[0]))(z, obs)
        return torch.linalg.slogdet(jac)[1]
