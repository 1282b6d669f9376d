"""Maximum-likelihood cloning into rsl_rl 5's stock Gaussian actor: the baseline of GenPO's warm start.

The actor is rsl_rl's ``MLPModel`` with a ``GaussianDistribution`` (a state-independent std ``σ ∈ R^d``), the one the
stock ``PPO`` builds from a task's ``rsl_rl_cfg_entry_point``, so a clone is an ordinary rsl_rl checkpoint. Its
likelihood is exact, ``log π(a | s) = Σ_i log N(a_i; μ_i(s), σ_i²)``, and the mean ``μ`` and ``σ`` are fitted jointly
by (weighted) maximum likelihood with the loop of :func:`genpo_rsl.behavior_clone` (:func:`~genpo_rsl.warm_start.cloning.
fit_likelihood`: same normalizer fit, optimizer, minibatches, gradient clipping).

**The std: learned, with a floor** ``σ_min``. After every step ``σ`` is projected onto ``σ ≥ σ_min``; after the last
epoch it is set to its maximum-likelihood value given the cloned mean,

    σ_i = max(σ_min,i, RMS_w(a_i − μ_i(s)))          (weighted RMS residual over the demonstrations)

which is exact however few steps the fit had. Why a floor and not the plain maximum-likelihood σ: ``genpo-record``
plays a PPO teacher's mean, so the demonstrations have no spread and the unconstrained σ is only the mean's fitting
error, far too small for PPO fine-tuning to explore from. Why not set ``σ = σ_min``: where the demonstrations are
noisier than the floor (stochastic or mixed-quality data) the residual is the honest spread, and a smaller σ would be
over-confident. The fair floor for the offline → online comparison is the GenPO clone's own per-state spread of the
environment action (``GenPOActor.spreads(obs)["action_std"]``, :func:`genpo_rsl.modules.policy.per_state_std`: the std over
fresh latent draws for a fixed state, averaged over states), where GenPO fine-tuning starts from; ``genpo-pretrain
--init_std_from`` measures it, ``--init_std`` sets an explicit value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import torch
from tensordict import TensorDict

from genpo_rsl.warm_start.cloning import fit_likelihood, prepare_demonstrations

if TYPE_CHECKING:
    from rsl_rl.models import MLPModel
    from rsl_rl.modules.distribution import GaussianDistribution


def gaussian_distribution(actor: torch.nn.Module) -> GaussianDistribution:
    """Return the actor's state-independent Gaussian.

    Args:
        actor: rsl_rl's ``MLPModel`` with a ``GaussianDistribution``.

    Returns:
        The actor's ``distribution``.

    Raises:
        ValueError: If the actor has another distribution (or none); the message names it.
    """
    from rsl_rl.modules.distribution import GaussianDistribution, HeteroscedasticGaussianDistribution

    distribution = getattr(actor, "distribution", None)
    if not isinstance(distribution, GaussianDistribution) or isinstance(
        distribution, HeteroscedasticGaussianDistribution
    ):
        raise ValueError(
            f"gaussian_clone: the actor {type(actor).__name__} has distribution {type(distribution).__name__}; "
            f"allowed: rsl_rl's MLPModel with distribution_cfg class_name 'GaussianDistribution' (the stock PPO actor)."
        )
    return distribution


def std_floor(min_std: float | torch.Tensor | None, distribution: GaussianDistribution) -> torch.Tensor:
    """Return the floor ``σ_min`` per dimension, at least rsl_rl's ``std_range[0]``.

    Args:
        min_std: The floor: a float, ``[d]``, or ``None`` for rsl_rl's ``std_range[0]`` alone.
        distribution: The actor's Gaussian.

    Returns:
        ``σ_min`` ``[d]`` on the CPU.

    Raises:
        ValueError: If ``min_std`` is not finite, not ``> 0``, or not one value or ``[d]``.
    """
    d, low = distribution.output_dim, distribution.std_range[0]
    if min_std is None:
        return torch.full((d,), low)
    floor = torch.as_tensor(min_std, dtype=torch.float32).detach().cpu()
    if floor.ndim > 1 or floor.numel() not in (1, d) or not torch.isfinite(floor).all() or (floor <= 0).any():
        shown = min_std if isinstance(min_std, (int, float)) else floor.flatten()[:8].tolist()
        raise ValueError(
            f"gaussian_clone: min_std={shown} is invalid; allowed: finite values > 0, one float or [{d}] (one per "
            f"action dimension)."
        )
    return floor.expand(d).clamp(min=low).clone()


def current_std(distribution: GaussianDistribution) -> torch.Tensor:
    """Return ``σ`` of the Gaussian's parameter, without clamping.

    Args:
        distribution: The Gaussian (``std_type`` ``scalar`` or ``log``).

    Returns:
        ``σ`` ``[d]``, detached.
    """
    if distribution.std_type == "log":
        return distribution.log_std_param.detach().exp()
    return distribution.std_param.detach()


@torch.no_grad()
def set_std_(distribution: GaussianDistribution, std: torch.Tensor) -> None:
    """Write ``σ`` into the Gaussian's parameter.

    Args:
        distribution: The Gaussian (``std_type`` ``scalar`` or ``log``).
        std: The new ``σ`` ``[d]``.
    """
    if distribution.std_type == "log":
        distribution.log_std_param.copy_(std.log())
    else:
        distribution.std_param.copy_(std)


def gaussian_nll(actor: MLPModel, obs: TensorDict, actions: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Return the weighted mean ``−log π(a | s)`` of one batch, with gradient (the forward pass sets the Gaussian).

    Args:
        actor: rsl_rl's Gaussian ``MLPModel``.
        obs: The batch's observations ``[b]``.
        actions: The batch's actions ``[b, d]``.
        weights: The batch's weights ``[b]``.

    Returns:
        A scalar: the weighted mean negative log-likelihood.
    """
    actor(obs, stochastic_output=True)
    return -(weights * actor.get_output_log_prob(actions)).sum() / weights.sum()


def gaussian_clone(
    actor: MLPModel,
    obs: TensorDict,
    actions: torch.Tensor,
    *,
    min_std: float | torch.Tensor | None = None,
    weights: torch.Tensor | None = None,
    epochs: int = 100,
    batch_size: int = 256,
    learning_rate: float = 1e-3,
    max_grad_norm: float = 1.0,
    on_epoch: Callable[[int, float], None] | None = None,
) -> list[float]:
    """Fit rsl_rl's Gaussian ``actor`` to ``actions`` by maximum likelihood with ``σ ≥ min_std``.

    On return the actor's std is ``max(σ_min, RMS residual of the mean)`` (module docstring).

    Args:
        actor: rsl_rl's ``MLPModel`` with a ``GaussianDistribution`` (the stock PPO actor).
        obs: The actor's observation groups, batch size ``[n]``.
        actions: The actions ``[n, d]``.
        min_std: The floor ``σ_min`` of the std: a float or ``[d]``; ``None`` for rsl_rl's ``std_range[0]`` alone.
        weights: Per-demonstration weights ``[n]`` (``>= 0``); ``None`` for equal weights.
        epochs: Number of passes over the demonstrations.
        batch_size: Demonstrations per minibatch.
        learning_rate: Adam's learning rate.
        max_grad_norm: Gradient-norm clip of each step.
        on_epoch: ``on_epoch(epoch, nll)`` is called after each epoch, or ``None``.

    Returns:
        The (weighted) mean NLL of each epoch.

    Raises:
        ValueError: If the actor is not a state-independent Gaussian one, ``min_std`` is invalid, or the
            demonstrations are invalid.
    """
    distribution = gaussian_distribution(actor)
    floor = std_floor(min_std, distribution).to(actions.device)
    weights = prepare_demonstrations("gaussian_clone", actor, distribution.output_dim, obs, actions, weights)
    set_std_(distribution, torch.maximum(current_std(distribution), floor))
    history = fit_likelihood(
        actor,
        lambda idx: gaussian_nll(actor, obs[idx], actions[idx], weights[idx]),
        weights,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        max_grad_norm=max_grad_norm,
        after_step=lambda: set_std_(distribution, torch.maximum(current_std(distribution), floor)),
        on_epoch=on_epoch,
    )
    with torch.no_grad():
        residual = (weights.unsqueeze(-1) * (actions - actor(obs)).square()).sum(0) / weights.sum()
    set_std_(distribution, torch.maximum(residual.sqrt(), floor))
    return history
