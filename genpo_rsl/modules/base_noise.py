"""The base noise of the GenPO flow: ``z = σ ⊙ ε``, ``ε ~ N(0, I_2d)``, with a fixed, learned or state-dependent σ.

The flow maps ``z`` to the doubled action with the constant log-determinant ``2dN·log p``, so the likelihood stays
exact for every σ (docs/algorithm.md §1, §5):

    log π(ã | c) = Σ_i log N(z_i; 0, σ_i²) − 2dN·log p,            z = F⁻¹(ã | c)
    H(ã | c)     = Σ_i (log σ_i + ½·log 2πe) + 2dN·log p           (the exact entropy of the doubled action)

σ has one value per action dimension ``j`` (shared by the halves ``x_j`` and ``y_j``), so ``Σ_i log σ_i =
2·Σ_j log σ_j``. The modes (actor key ``base_scale``, :data:`BASE_SCALES`), as rsl_rl's ``GaussianDistribution``
offers its std:

- ``"fixed"``: σ = ``base_scale_init`` (1 unless said otherwise), not trained: the paper's flow;
- ``"learned"``: one learnable σ for every dimension (``learn_base_scale=True`` is its alias);
- ``"per_dim"``: a learnable σ per action dimension (like rsl_rl's Gaussian std vector);
- ``"state"``: σ(c) from the observation latent by a small head, bounded smoothly to ``base_scale_range`` (like
  rsl_rl's heteroscedastic Gaussian), and equal to ``base_scale_init`` for every state at initialisation.

``base_scale_range = (min, max)`` clamps σ as rsl_rl's ``std_range`` clamps the std (default ``(1e-6, 1e6)``;
``"state"``: ``(0.01, 2.0)``, the bounds of its squashing). ``base_scale_init = 1`` keeps the initial env-action
spread of the paper's flow (≈ 0.71 per dimension).
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn

BASE_SCALES = ("fixed", "learned", "per_dim", "state")
"""Modes of the base-noise scale σ (actor key ``base_scale``)."""

DEFAULT_BASE_SCALE = "learned"
"""The mode when neither ``base_scale`` nor ``learn_base_scale`` is given (``"fixed"`` is the paper's flow)."""

DEFAULT_RANGE = (1e-6, 1e6)
"""σ's clamp range of the parameter modes when ``base_scale_range`` is not given (rsl_rl's ``std_range``)."""

DEFAULT_STATE_RANGE = (0.01, 2.0)
"""σ(c)'s bounds in the ``"state"`` mode when ``base_scale_range`` is not given."""

STATE_HEAD_HIDDEN = 64
"""Hidden size of the ``"state"`` mode's head ``c → log σ(c)``."""

HALF_LOG_2PI_E = 0.5 * math.log(2.0 * math.pi * math.e)


def resolve_base_scale(who: str, base_scale: str | None, learn_base_scale: bool | None) -> str:
    """Return the base-noise mode from ``base_scale`` and its alias ``learn_base_scale``; raise on a bad or clashing value.

    Args:
        who: Name of the configured class, for the error message.
        base_scale: One of :data:`BASE_SCALES`, or ``None`` for the alias / the default.
        learn_base_scale: ``True`` means ``"learned"``, ``False`` means ``"fixed"``, ``None`` says nothing.
    """
    if base_scale is not None and base_scale not in BASE_SCALES:
        raise ValueError(f"{who}: base_scale={base_scale!r} is invalid; allowed: {list(BASE_SCALES)}.")
    if learn_base_scale is not None and not isinstance(learn_base_scale, bool):
        raise ValueError(f"{who}: learn_base_scale={learn_base_scale!r} is invalid; allowed: True, False or None.")
    alias = None if learn_base_scale is None else ("learned" if learn_base_scale else "fixed")
    if base_scale is not None and alias is not None and alias != base_scale:
        raise ValueError(
            f"{who}: learn_base_scale={learn_base_scale!r} (base_scale={alias!r}) contradicts base_scale="
            f"{base_scale!r}; allowed: one of the two, or both saying the same."
        )
    return base_scale or alias or DEFAULT_BASE_SCALE


def check_base_scale(who: str, mode: str, init: float, scale_range: tuple[float, float] | list[float] | None) -> tuple:
    """Return the checked ``(min, max)`` range of σ for ``mode``; raise ``ValueError`` naming a bad init or range.

    Args:
        who: Name of the configured class, for the error message.
        mode: One of :data:`BASE_SCALES`.
        init: ``base_scale_init``, the initial σ (> 0, inside the range).
        scale_range: ``base_scale_range`` ``(min, max)`` with ``0 < min < max``, or ``None`` for the mode's default.
    """
    if isinstance(init, bool) or not isinstance(init, (int, float)) or not math.isfinite(init) or init <= 0.0:
        raise ValueError(f"{who}: base_scale_init={init!r} is invalid; allowed: a finite number > 0 (default 1.0).")
    if scale_range is None:
        scale_range = DEFAULT_STATE_RANGE if mode == "state" else DEFAULT_RANGE
    if (
        len(scale_range) != 2
        or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in scale_range)
        or not 0.0 < scale_range[0] < scale_range[1]
    ):
        raise ValueError(
            f"{who}: base_scale_range={list(scale_range)!r} is invalid; allowed: [min, max] with 0 < min < max."
        )
    low, high = float(scale_range[0]), float(scale_range[1])
    inside = low < init < high if mode == "state" else low <= init <= high
    if not inside:
        bounds = "strictly inside" if mode == "state" else "inside"
        raise ValueError(
            f"{who}: base_scale_init={init!r} is outside base_scale_range={[low, high]!r}; allowed: a value "
            f"{bounds} the range."
        )
    return low, high


class BaseNoise(nn.Module):
    """``z = σ ⊙ ε`` over the 2d latent, σ per action dimension from :meth:`log_scale`; the ``"fixed"`` mode.

    Subclasses change only :meth:`log_scale` (and their parameters); sampling, density and entropy follow.

    Args:
        action_dim: Environment action size ``d`` (the latent has ``2d`` entries).
        cond_dim: Size of the conditioning ``c`` (used by the ``"state"`` mode).
        init: Initial σ (``base_scale_init``).
        scale_range: ``(min, max)`` of σ, already checked (:func:`check_base_scale`).
    """

    mode = "fixed"
    learnable = False
    """Whether σ is trained (and logged as ``base_scale``)."""

    def __init__(self, action_dim: int, cond_dim: int, init: float, scale_range: tuple[float, float]) -> None:
        super().__init__()
        self.action_dim = action_dim
        self.init, self.log_range = float(init), (math.log(scale_range[0]), math.log(scale_range[1]))

    def log_scale(self, cond: torch.Tensor) -> torch.Tensor:
        """Return ``log σ`` per action dimension, ``[d]`` or ``[B, d]`` (broadcast against ``[B, d]``)."""
        return cond.new_full((self.action_dim,), math.log(self.init))

    def latent_log_scale(self, cond: torch.Tensor) -> torch.Tensor:
        """Return ``log σ`` of the 2d latent entries (each action dimension's value for both halves)."""
        log_scale = self.log_scale(cond)
        return torch.cat([log_scale, log_scale], dim=-1)

    def sample(self, cond: torch.Tensor) -> torch.Tensor:
        """Return one latent ``z = σ(c) ⊙ ε`` per row of ``cond`` (differentiable in σ)."""
        eps = torch.randn(cond.shape[0], 2 * self.action_dim, dtype=cond.dtype, device=cond.device)
        return eps * self.latent_log_scale(cond).exp()

    def log_prob(self, z: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        """Return ``Σ_i log N(z_i; 0, σ_i²)`` ``[B]``."""
        log_scale = self.latent_log_scale(cond)
        gauss = -0.5 * (z * torch.exp(-log_scale)).pow(2) - log_scale
        return gauss.sum(-1) - self.action_dim * math.log(2.0 * math.pi)

    def entropy(self, cond: torch.Tensor) -> torch.Tensor:
        """Return the entropy ``H(N(0, diag σ²))`` of the latent per row of ``cond`` ``[B]`` (exact)."""
        log_scale = self.log_scale(cond).expand(cond.shape[0], self.action_dim)
        return 2.0 * log_scale.sum(-1) + 2.0 * self.action_dim * HALF_LOG_2PI_E

    def mean_scale(self, cond: torch.Tensor) -> torch.Tensor:
        """Return σ averaged over the dimensions (and the rows of ``cond``): what the logs call ``base_scale``."""
        return self.log_scale(cond).exp().mean()

    def unit_state(self) -> dict[str, torch.Tensor]:
        """Return this module's state dict with σ = 1 everywhere (what a flow saved without base noise used)."""
        return {}

    def clamped(self, log_scale: torch.Tensor) -> torch.Tensor:
        """Return ``log_scale`` clamped to the log of ``base_scale_range`` (rsl_rl's ``std_range`` rule)."""
        return log_scale.clamp(*self.log_range)


class LearnedNoise(BaseNoise):
    """``"learned"``: one trainable σ for every latent entry (the parameter ``log_scale_param``, shape ``[]``)."""

    mode, learnable = "learned", True

    def __init__(self, action_dim: int, cond_dim: int, init: float, scale_range: tuple[float, float]) -> None:
        super().__init__(action_dim, cond_dim, init, scale_range)
        self.log_scale_param = nn.Parameter(torch.full(self.param_shape(), math.log(init)))

    def param_shape(self) -> tuple[int, ...]:
        """Return the shape of the trained ``log σ``."""
        return ()

    def log_scale(self, cond: torch.Tensor) -> torch.Tensor:
        """Return the clamped ``log σ`` as ``[d]``."""
        return self.clamped(self.log_scale_param).expand(self.action_dim)

    def unit_state(self) -> dict[str, torch.Tensor]:
        """Return ``log σ = 0``."""
        return {"log_scale_param": torch.zeros_like(self.log_scale_param)}


class PerDimNoise(LearnedNoise):
    """``"per_dim"``: a trainable σ per action dimension (``log_scale_param``, shape ``[d]``)."""

    mode = "per_dim"

    def param_shape(self) -> tuple[int, ...]:
        """Return ``[d]``."""
        return (self.action_dim,)


class StateNoise(BaseNoise):
    """``"state"``: ``log σ(c) = lo + (hi − lo)·sigmoid(head(c))``, bounded to ``base_scale_range``.

    ``head`` is ``Linear(cond_dim, 64) → Mish → Linear(64, d)`` whose last layer starts at zero weights and the bias
    that gives ``σ = base_scale_init`` for every state (rsl_rl's heteroscedastic Gaussian initialises its std head
    the same way).
    """

    mode, learnable = "state", True

    def __init__(self, action_dim: int, cond_dim: int, init: float, scale_range: tuple[float, float]) -> None:
        super().__init__(action_dim, cond_dim, init, scale_range)
        self.head = nn.Sequential(
            nn.Linear(cond_dim, STATE_HEAD_HIDDEN), nn.Mish(), nn.Linear(STATE_HEAD_HIDDEN, action_dim)
        )
        nn.init.zeros_(self.head[-1].weight)
        nn.init.constant_(self.head[-1].bias, self.constant_logit(init))

    def constant_logit(self, scale: float) -> float:
        """Return the head output that gives ``σ = scale`` (strictly inside ``base_scale_range``)."""
        low, high = self.log_range
        fraction = (math.log(scale) - low) / (high - low)
        if not 0.0 < fraction < 1.0:
            raise ValueError(
                f"GenPOFlow: σ = {scale} is outside base_scale_range={[math.exp(low), math.exp(high)]}; allowed: a "
                f"range around it."
            )
        return math.log(fraction / (1.0 - fraction))

    def unit_state(self) -> dict[str, torch.Tensor]:
        """Return the head with its last layer at zero weights and the bias of σ = 1."""
        state = {k: v.detach().clone() for k, v in self.head.state_dict(prefix="head.").items()}
        last = f"head.{len(self.head) - 1}."
        state[last + "weight"].zero_()
        state[last + "bias"].fill_(self.constant_logit(1.0))
        return state

    def log_scale(self, cond: torch.Tensor) -> torch.Tensor:
        """Return ``log σ(c)`` ``[B, d]``."""
        low, high = self.log_range
        return low + (high - low) * torch.sigmoid(self.head(cond))


NOISE_CLASSES: dict[str, type[BaseNoise]] = {
    cls.mode: cls for cls in (BaseNoise, LearnedNoise, PerDimNoise, StateNoise)
}


def build_base_noise(
    who: str,
    action_dim: int,
    cond_dim: int,
    base_scale: str | None = None,
    learn_base_scale: bool | None = None,
    base_scale_init: float = 1.0,
    base_scale_range: tuple[float, float] | list[float] | None = None,
) -> BaseNoise:
    """Check the settings and return the base noise of the mode they select (see the module docstring)."""
    mode = resolve_base_scale(who, base_scale, learn_base_scale)
    scale_range = check_base_scale(who, mode, base_scale_init, base_scale_range)
    return NOISE_CLASSES[mode](action_dim, cond_dim, base_scale_init, scale_range)


def saved_mode(state_dict: dict, prefix: str) -> str:
    """Return the base-noise mode a flow's state dict was saved with (no base-noise entry: ``"fixed"``)."""
    keys = [k[len(prefix) :] for k in state_dict if k.startswith(prefix)]
    if any(k.startswith("head.") for k in keys):
        return "state"
    if "log_scale_param" in keys:
        return "learned" if state_dict[prefix + "log_scale_param"].dim() == 0 else "per_dim"
    return "fixed"
