"""The GenPO flow: an exactly invertible, coupled flow over a doubled action (docs/algorithm.md §1).

The flow maps a latent ``z = (x_0, y_0) ~ N(0, σ²I_2d)`` to a dummy action ``ã = (x_N, y_N)`` in ``N`` steps.
Each step is two shears (determinant 1) and two triangular mixing lines (determinant ``p^d`` each), so

    log|det ∂ã/∂z| = 2·d·N·log p          (a constant: no Jacobian is ever needed)
    log π(ã | c)   = log N(F⁻¹(ã); 0, σ²I) − 2·d·N·log p

with ``c`` the conditioning (the actor's observation latent) and ``σ = 1`` unless the base scale is learned.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn

from genpo_rsl.checkpoint import check_saved_settings, settings_tensor
from genpo_rsl.velocity import VelocityField

LEGACY_PARTS = ("input_layer.", "trunk.", "time_mlp.")
"""Parameter prefixes of genpo_rsl 0.1 checkpoints (the velocity MLP lived directly in the flow); renamed on load."""


class GenPOFlow(nn.Module):
    """Velocity field ``v(u, c, t)`` and the coupled forward / inverse maps of GenPO.

    The interface a flow class offers to the actors (``flow_cfg.class_name`` selects another one): ``action_dim``,
    ``latent_dim``, ``forward(z, c)``, ``inverse(ã, c)``, ``log_prob(ã, c)``, ``latent_log_prob(z)``,
    ``sample_latent(n, like)``, ``env_action(ã)``, ``sample_action(c)``, ``zero_noise_action(c)``.
    """

    def __init__(
        self,
        action_dim: int,
        cond_dim: int,
        hidden_dims: list[int],
        activation: str = "mish",
        num_flow_steps: int = 5,
        mix_p: float = 0.9,
        time_embed_dim: int = 32,
        time_hidden_dims: list[int] | tuple[int, ...] = (256, 256),
        time_embedding: str = "scaled",
        learn_base_scale: bool = False,
    ) -> None:
        """Build the velocity field; ``learn_base_scale`` makes ``σ`` of the base noise a parameter (init 1)."""
        super().__init__()
        self.action_dim, self.cond_dim, self.latent_dim = action_dim, cond_dim, 2 * action_dim
        self.num_flow_steps, self.mix_p = num_flow_steps, mix_p
        self.velocity = VelocityField.build(
            action_dim, cond_dim, hidden_dims, activation, time_embed_dim, time_hidden_dims, time_embedding
        )
        self.register_buffer("step_times", torch.arange(num_flow_steps, dtype=torch.float) / num_flow_steps)
        self.log_base_scale = nn.Parameter(torch.zeros(())) if learn_base_scale else None
        self.register_buffer("settings", settings_tensor(self))

    def _load_from_state_dict(self, state_dict: dict, prefix: str, *args, **kwargs) -> None:
        """Check the checkpoint's flow settings against this flow before loading (a clear error, not shape noise)."""
        check_saved_settings(state_dict.get(prefix + "settings"), self)
        state_dict.setdefault(prefix + "settings", self.settings)  # older checkpoints have no settings buffer
        for key in [k for k in state_dict if k.startswith(prefix) and k[len(prefix) :].startswith(LEGACY_PARTS)]:
            new = prefix + "velocity." + key[len(prefix) :].replace("time_mlp.", "time_mlp.mlp.", 1)
            state_dict[new] = state_dict.pop(key)  # genpo_rsl 0.1 layout: flow.{input_layer,trunk,time_mlp}
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    @property
    def log_det(self) -> float:
        """Return ``log|det ∂ã/∂z| = 2·d·N·log p`` (constant in parameters, conditioning and latent)."""
        return 2.0 * self.action_dim * self.num_flow_steps * math.log(self.mix_p)

    def forward(self, z: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        """Map the latent ``z = (x_0, y_0)`` to the dummy action ``ã = (x_N, y_N)``."""
        h_cond, h_time = self.velocity.conditioning(cond, self.step_times)
        p, dt = self.mix_p, 1.0 / self.num_flow_steps
        x, y = z[..., : self.action_dim], z[..., self.action_dim :]
        for i in range(self.num_flow_steps):
            h = h_cond + h_time[i]
            x_ = x + dt * self.velocity(y, h)
            y_ = y + dt * self.velocity(x_, h)
            x = p * x_ + (1.0 - p) * y_
            y = p * y_ + (1.0 - p) * x
        return torch.cat([x, y], dim=-1)

    def inverse(self, a: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        """Map the dummy action ``ã`` back to its latent ``z`` (exact inverse of :meth:`forward`)."""
        h_cond, h_time = self.velocity.conditioning(cond, self.step_times)
        p, dt = self.mix_p, 1.0 / self.num_flow_steps
        x, y = a[..., : self.action_dim], a[..., self.action_dim :]
        for i in range(self.num_flow_steps - 1, -1, -1):
            y_ = (y - (1.0 - p) * x) / p
            x_ = (x - (1.0 - p) * y_) / p
            h = h_cond + h_time[i]
            y = y_ - dt * self.velocity(x_, h)
            x = x_ - dt * self.velocity(y, h)
        return torch.cat([x, y], dim=-1)

    def latent_log_prob(self, z: torch.Tensor) -> torch.Tensor:
        """Return ``log π(ã | c)`` of the action the latent ``z`` maps to (closed form)."""
        if self.log_base_scale is None:
            gauss = -0.5 * z.pow(2).sum(-1) - self.action_dim * math.log(2.0 * math.pi)
        else:
            s = self.log_base_scale
            gauss = -0.5 * (z * torch.exp(-s)).pow(2).sum(-1) - self.latent_dim * (s + 0.5 * math.log(2.0 * math.pi))
        return gauss - self.log_det

    def log_prob(self, a: torch.Tensor, cond: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(log π(ã | c), z)`` with ``z = F⁻¹(ã)``, using the constant log-determinant."""
        z = self.inverse(a, cond)
        return self.latent_log_prob(z), z

    def sample_latent(self, n: int, like: torch.Tensor) -> torch.Tensor:
        """Return ``n`` latents ``z ~ N(0, σ²I_2d)`` with the dtype and device of ``like``."""
        z = torch.randn(n, self.latent_dim, dtype=like.dtype, device=like.device)
        return z if self.log_base_scale is None else z * torch.exp(self.log_base_scale)

    def env_action(self, a: torch.Tensor) -> torch.Tensor:
        """Map dummy actions ``(x, y)`` to environment actions ``(x + y) / 2``."""
        return 0.5 * (a[..., : self.action_dim] + a[..., self.action_dim :])

    def sample_action(self, cond: torch.Tensor) -> torch.Tensor:
        """Return the environment action ``(x_N + y_N) / 2`` of a fresh latent ``z ~ N(0, σ²I)``."""
        return self.env_action(self(self.sample_latent(cond.shape[0], cond), cond))

    def zero_noise_action(self, cond: torch.Tensor) -> torch.Tensor:
        """Return the deterministic environment action ``(x_N + y_N) / 2`` of the latent ``z = 0``."""
        z = torch.zeros(cond.shape[0], self.latent_dim, dtype=cond.dtype, device=cond.device)
        return self.env_action(self.forward(z, cond))

    def compile_velocity(self, mode: str | None = "default") -> None:
        """Evaluate the velocity MLP through ``torch.compile(mode=mode)`` (the hot path of every flow pass)."""
        self.velocity.enable_compile(mode)

    def log_prob_jacobian(self, a: torch.Tensor, cond: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(log π(ã | c), z)`` with an autograd Jacobian of the inverse (the released code's method).

        Differentiable with respect to the parameters; used as a test oracle and as the benchmark baseline.
        """
        z = self.inverse(a, cond)
        with self.velocity.eager():
            jac = torch.func.vmap(torch.func.jacrev(lambda ai, ci: self.inverse(ai[None], ci[None])[0]))(a, cond)
        return self.latent_log_prob(z) + self.log_det + torch.linalg.slogdet(jac)[1], z

    def forward_log_det_autograd(self, z: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        """Return ``log|det ∂ã/∂z|`` per sample from an autograd Jacobian of :meth:`forward` (test oracle)."""
        with self.velocity.eager():
            jac = torch.func.vmap(torch.func.jacrev(lambda zi, ci: self.forward(zi[None], ci[None])[0]))(z, cond)
        return torch.linalg.slogdet(jac)[1]
