"""The GenPO flow: an exactly invertible, coupled flow over a doubled action (docs/algorithm.md §1).

The flow maps a latent ``z = (x_0, y_0) ~ N(0, diag σ²)`` to a dummy action ``ã = (x_N, y_N)`` in ``N`` steps.
Each step is two shears (determinant 1) and two triangular mixing lines (determinant ``p^d`` each), so

    log|det ∂ã/∂z| = 2·d·N·log p          (a constant: no Jacobian is ever needed)
    log π(ã | c)   = log N(F⁻¹(ã); 0, diag σ²) − 2·d·N·log p
    H(ã | c)       = H(N(0, diag σ²)) + 2·d·N·log p

with ``c`` the conditioning (the actor's observation latent) and σ the base-noise scale
(:mod:`genpo_rsl.modules.base_noise`: fixed at 1 in the paper's flow, or learned, per dimension, or state-dependent).
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn

from genpo_rsl.modules.base_noise import BaseNoise, build_base_noise, saved_mode
from genpo_rsl.modules.velocity import VelocityField
from genpo_rsl.utils.checkpoint import check_saved_settings, settings_tensor

LEGACY_PARTS = ("input_layer.", "trunk.", "time_mlp.")
"""Parameter prefixes of genpo_rsl 0.1 checkpoints (the velocity MLP lived directly in the flow); renamed on load."""
LEGACY_BASE_SCALE = ("log_base_scale", "base_noise.log_scale_param")
"""Where ``learn_base_scale=True`` kept log σ before the base-noise modes, and where ``"learned"`` keeps it now."""


def legacy_key_renames(prefix: str) -> dict[str, str]:
    """Return the state-dict key renames of a pre-mode checkpoint for a flow stored under ``prefix`` (``"flow."``).

    Args:
        prefix: The flow's key prefix in the state dict.

    Returns:
        Old key → current key.
    """
    old, new = LEGACY_BASE_SCALE
    return {prefix + old: prefix + new}


class GenPOFlow(nn.Module):
    """Velocity field ``v(u, c, t)`` and the coupled forward / inverse maps of GenPO.

    The interface a flow class offers to the actors (``flow_cfg.class_name`` selects another one): ``action_dim``,
    ``latent_dim``, ``forward(z, c)``, ``inverse(ã, c)``, ``log_prob(ã, c)``, ``latent_log_prob(z, c)``,
    ``sample_latent(n, c)``, ``entropy(c)``, ``env_action(ã)``, ``sample_action(c)``, ``zero_noise_action(c)``.

    Args:
        action_dim: Environment action size ``d``.
        cond_dim: Size of the conditioning ``c``.
        hidden_dims: Hidden sizes of the velocity MLP.
        activation: Activation of the velocity and time MLPs (paper: Mish).
        num_flow_steps: ``N`` (paper: 5).
        mix_p: Mixing coefficient ``p`` in (0, 1) (paper: 0.9).
        time_embed_dim: Size of the sinusoidal time embedding.
        time_hidden_dims: Hidden sizes of the time-embedding MLP.
        time_embedding: ``"scaled"`` or ``"released"`` (:mod:`genpo_rsl.modules.time_embedding`).
        base_scale: Base-noise mode, one of :data:`genpo_rsl.modules.base_noise.BASE_SCALES` (``None``: the default,
            ``"learned"``; ``"fixed"`` is the paper's flow).
        learn_base_scale: Alias: ``True`` is ``base_scale="learned"``, ``False`` is ``"fixed"``.
        base_scale_init: Initial σ (1: the paper's initial spread).
        base_scale_range: ``(min, max)`` of σ (clamp; the bounds of the ``"state"`` head).
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
        base_scale: str | None = None,
        learn_base_scale: bool | None = None,
        base_scale_init: float = 1.0,
        base_scale_range: tuple[float, float] | list[float] | None = None,
    ) -> None:
        """Build the velocity field and the base noise (see the class docstring)."""
        super().__init__()
        self.action_dim, self.cond_dim, self.latent_dim = action_dim, cond_dim, 2 * action_dim
        self.num_flow_steps, self.mix_p = num_flow_steps, mix_p
        self.velocity = VelocityField.build(
            action_dim, cond_dim, hidden_dims, activation, time_embed_dim, time_hidden_dims, time_embedding
        )
        self.register_buffer("step_times", torch.arange(num_flow_steps, dtype=torch.float) / num_flow_steps)
        # registered after the velocity field: a learned σ stays the last parameter, as in older checkpoints
        self.base_noise: BaseNoise = build_base_noise(
            type(self).__name__, action_dim, cond_dim, base_scale, learn_base_scale, base_scale_init, base_scale_range
        )
        self.register_buffer("settings", settings_tensor(self))

    def _load_from_state_dict(self, state_dict: dict, prefix: str, *args, **kwargs) -> None:
        """Check the checkpoint's flow settings against this flow before loading (a clear error, not shape noise)."""
        check_saved_settings(state_dict.get(prefix + "settings"), self)
        state_dict.setdefault(prefix + "settings", self.settings)  # older checkpoints have no settings buffer
        self._load_base_noise(state_dict, prefix)
        for key in [k for k in state_dict if k.startswith(prefix) and k[len(prefix) :].startswith(LEGACY_PARTS)]:
            new = prefix + "velocity." + key[len(prefix) :].replace("time_mlp.", "time_mlp.mlp.", 1)
            state_dict[new] = state_dict.pop(key)  # genpo_rsl 0.1 layout: flow.{input_layer,trunk,time_mlp}
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def _load_base_noise(self, state_dict: dict, prefix: str) -> None:
        """Rename a pre-mode learned σ; give a checkpoint without base-noise entries σ = 1 (it was a fixed flow).

        A checkpoint saved with another learnable mode is refused with both modes named.
        """
        for old, new in legacy_key_renames(prefix).items():
            if old in state_dict:
                state_dict[new] = state_dict.pop(old)
        noise_prefix = prefix + "base_noise."
        saved, mine = saved_mode(state_dict, noise_prefix), self.base_noise.mode
        if saved == mine:
            return
        if saved != "fixed":
            raise ValueError(
                f"GenPO checkpoint does not match the configured actor (base_scale: checkpoint {saved!r} vs config "
                f"{mine!r}); allowed: the checkpoint's base_scale."
            )
        for name, value in self.base_noise.unit_state().items():  # the paper's flow: σ = 1 in every state
            state_dict[noise_prefix + name] = value

    def saved_without_base_noise(self, state_dict: dict, prefix: str = "flow.") -> bool:
        """Return True when loading ``state_dict`` gives this flow's learnable σ its first value (σ = 1).

        Such a checkpoint (a ``"fixed"`` flow) has no optimizer state for σ, so it resumes as a warm start.

        Args:
            state_dict: The checkpoint's state dict (of the flow or of a model holding it).
            prefix: The flow's key prefix in ``state_dict``.

        Returns:
            Whether this flow's σ is learnable and the checkpoint has no learned σ.
        """
        legacy = any(old in state_dict for old in legacy_key_renames(prefix))  # a pre-mode learned σ
        saved = saved_mode(state_dict, prefix + "base_noise.")
        return self.base_noise.learnable and not legacy and saved == "fixed"

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
        """Map the dummy action ``ã`` back to its latent ``z`` (exact inverse of :meth:`forward`).

        Args:
            a: The dummy actions ``[B, 2d]``.
            cond: The conditioning ``[B, cond_dim]``.

        Returns:
            The latents ``[B, 2d]``.
        """
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

    def latent_log_prob(self, z: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        """Return ``log π(ã | c)`` of the action the latent ``z`` maps to (closed form).

        Args:
            z: The latents ``[B, 2d]``.
            cond: The conditioning ``[B, cond_dim]``.

        Returns:
            The log-likelihood ``[B]``.
        """
        return self.base_noise.log_prob(z, cond) - self.log_det

    def log_prob(self, a: torch.Tensor, cond: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the log-likelihood of dummy actions, using the constant log-determinant.

        Args:
            a: The dummy actions ``[B, 2d]``.
            cond: The conditioning ``[B, cond_dim]``.

        Returns:
            ``(log π(ã | c), z)``: the log-likelihood ``[B]`` and the latents ``z = F⁻¹(ã)`` ``[B, 2d]``.
        """
        z = self.inverse(a, cond)
        return self.latent_log_prob(z, cond), z

    def sample_latent(self, n: int, cond: torch.Tensor) -> torch.Tensor:
        """Return latents ``z ~ N(0, diag σ(c)²)``, one per row of ``cond``.

        Args:
            n: Number of latents; must equal the rows of ``cond``.
            cond: The conditioning ``[n, cond_dim]``.

        Returns:
            The latents ``[n, 2d]``.

        Raises:
            ValueError: If ``n`` differs from the rows of ``cond``.
        """
        if n != cond.shape[0]:
            raise ValueError(f"sample_latent: n={n} must equal the rows of cond ({cond.shape[0]}).")
        return self.base_noise.sample(cond)

    def entropy(self, cond: torch.Tensor) -> torch.Tensor:
        """Return the exact entropy ``H(ã | c) = H(N(0, diag σ(c)²)) + 2dN·log p`` per row of ``cond``.

        Args:
            cond: The conditioning ``[B, cond_dim]``.

        Returns:
            The entropy ``[B]``.
        """
        return self.base_noise.entropy(cond) + self.log_det

    def env_action(self, a: torch.Tensor) -> torch.Tensor:
        """Map dummy actions ``(x, y)`` to environment actions ``(x + y) / 2``.

        Args:
            a: The dummy actions ``[..., 2d]``.

        Returns:
            The environment actions ``[..., d]``.
        """
        return 0.5 * (a[..., : self.action_dim] + a[..., self.action_dim :])

    def sample_action(self, cond: torch.Tensor) -> torch.Tensor:
        """Return the environment action ``(x_N + y_N) / 2`` of a fresh latent ``z ~ N(0, σ²I)``.

        Args:
            cond: The conditioning ``[B, cond_dim]``.

        Returns:
            The environment actions ``[B, d]``.
        """
        return self.env_action(self(self.sample_latent(cond.shape[0], cond), cond))

    def zero_noise_action(self, cond: torch.Tensor) -> torch.Tensor:
        """Return the deterministic environment action ``(x_N + y_N) / 2`` of the latent ``z = 0``.

        Args:
            cond: The conditioning ``[B, cond_dim]``.

        Returns:
            The environment actions ``[B, d]``.
        """
        z = torch.zeros(cond.shape[0], self.latent_dim, dtype=cond.dtype, device=cond.device)
        return self.env_action(self.forward(z, cond))

    def compile_velocity(self, mode: str | None = "default") -> None:
        """Evaluate the velocity MLP through ``torch.compile(mode=mode)`` (the hot path of every flow pass).

        Args:
            mode: ``torch.compile``'s mode.
        """
        self.velocity.enable_compile(mode)

    def log_prob_jacobian(self, a: torch.Tensor, cond: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the log-likelihood with an autograd Jacobian of the inverse (the released code's method).

        Differentiable with respect to the parameters; used as a test oracle and as the benchmark baseline. Same
        arguments and result as :meth:`log_prob`.
        """
        z = self.inverse(a, cond)
        with self.velocity.eager():
            jac = torch.func.vmap(torch.func.jacrev(lambda ai, ci: self.inverse(ai[None], ci[None])[0]))(a, cond)
        return self.latent_log_prob(z, cond) + self.log_det + torch.linalg.slogdet(jac)[1], z

    def forward_log_det_autograd(self, z: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        """Return ``log|det ∂ã/∂z|`` ``[B]`` per sample from an autograd Jacobian of :meth:`forward` (test oracle)."""
        with self.velocity.eager():
            jac = torch.func.vmap(torch.func.jacrev(lambda zi, ci: self.forward(zi[None], ci[None])[0]))(z, cond)
        return torch.linalg.slogdet(jac)[1]
