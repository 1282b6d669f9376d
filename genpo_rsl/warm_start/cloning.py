"""Exact-likelihood behaviour cloning of a GenPO actor from environment actions (warm start before GenPO fine-tuning).

The flow's likelihood is exact, but it is a density of the doubled action ``ã = (x, y)``, and an environment action
``a = (x + y) / 2`` has many doubled actions. Each demonstration ``a`` is lifted to ``ã = (a + u, a − u)`` with a fresh
``u ~ N(0, σ²I_d)`` (σ = ``dequant_std``), which maps back to exactly ``a``. The map ``(a, u) → ã`` has
``|det| = 2^d``, so by Jensen's inequality

    log p(a | s) ≥ E_u[ log π((a + u, a − u) | s) ] + d·log 2 + H(N(0, σ²I_d))

Maximizing the right-hand side is a dequantization-style bound on the exact likelihood of the environment action.
Cloning ``(a, a)`` alone (σ → 0) fails: the entropy of ``ã`` is fixed by the constant log-det, so a sharp ``a`` needs
spread along ``x − y``. The returned per-epoch numbers are the (weighted) mean of the negative bound, an upper bound
on ``−log p(a | s)`` in nats per sample.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from tensordict import TensorDict

from genpo_rsl.modules.policy import FlowPolicy


def check_demonstrations(
    action_dim: int, obs: TensorDict, actions: torch.Tensor, weights: torch.Tensor | None, who: str = "behavior_clone"
) -> None:
    """Check that demonstrations fit an actor before cloning.

    Args:
        action_dim: The actor's action size ``d``.
        obs: The observations, batch size ``[n]``.
        actions: The actions ``[n, d]``.
        weights: Per-demonstration weights ``[n]`` (finite, ``>= 0``, not all 0), or ``None``.
        who: The caller's name, at the start of each error message.

    Raises:
        ValueError: If a shape does not match, there are no demonstrations, an action or weight is not finite, or
            the weights are negative or all 0. The message names the bad input and what is expected.
    """
    n = actions.shape[0] if actions.ndim == 2 else -1
    if actions.ndim != 2 or actions.shape[1] != action_dim:
        raise ValueError(
            f"{who}: actions of shape {tuple(actions.shape)} are invalid; expected [n, {action_dim}] "
            f"(the actor's action size)."
        )
    if obs.batch_size[:1] != torch.Size([n]):
        raise ValueError(f"{who}: obs has batch size {tuple(obs.batch_size)}; expected [{n}] (one per action).")
    if n == 0:
        raise ValueError(f"{who}: no demonstrations (0 actions); expected at least one.")
    if not torch.isfinite(actions).all():
        raise ValueError(f"{who}: {int((~torch.isfinite(actions)).sum())} action values are NaN/inf.")
    if weights is not None:
        if weights.shape != (n,):
            raise ValueError(f"{who}: weights of shape {tuple(weights.shape)}; expected [{n}].")
        if not torch.isfinite(weights).all() or (weights < 0).any() or weights.sum() <= 0:
            raise ValueError(f"{who}: weights must be finite, >= 0 and not all 0.")


def prepare_demonstrations(
    who: str,
    actor: torch.nn.Module,
    action_dim: int,
    obs: TensorDict,
    actions: torch.Tensor,
    weights: torch.Tensor | None,
) -> torch.Tensor:
    """Check the demonstrations and fit the actor's observation normalizer (if any) to ``obs``.

    Args:
        who: The caller's name, at the start of each error message.
        actor: The actor to clone into; its ``update_normalization(obs)`` is called when it has one.
        action_dim: The actor's action size ``d``.
        obs: The observations, batch size ``[n]``.
        actions: The actions ``[n, d]``.
        weights: Per-demonstration weights ``[n]``, or ``None`` for equal weights.

    Returns:
        The weights ``[n]`` in the actions' dtype (all ones when ``weights`` is ``None``).

    Raises:
        ValueError: If the demonstrations are invalid (see :func:`check_demonstrations`).
    """
    check_demonstrations(action_dim, obs, actions, weights, who)
    if hasattr(actor, "update_normalization"):
        actor.update_normalization(obs)
    return torch.ones(actions.shape[0], device=actions.device) if weights is None else weights.to(actions.dtype)


def fit_likelihood(
    actor: torch.nn.Module,
    batch_nll: Callable[[torch.Tensor], torch.Tensor],
    weights: torch.Tensor,
    *,
    epochs: int,
    batch_size: int,
    learning_rate: float,
    max_grad_norm: float,
    after_step: Callable[[], None] | None = None,
    on_epoch: Callable[[int, float], None] | None = None,
) -> list[float]:
    """The cloning loop of every actor: Adam on shuffled minibatches.

    Args:
        actor: The module whose trainable parameters are optimized.
        batch_nll: ``batch_nll(idx)`` returns the weighted mean NLL of the demonstrations ``idx``, with gradient.
        weights: Per-demonstration weights ``[n]``; ``n`` is the number of demonstrations.
        epochs: Number of passes over the demonstrations.
        batch_size: Demonstrations per minibatch.
        learning_rate: Adam's learning rate.
        max_grad_norm: Gradient-norm clip of each step.
        after_step: Called after each optimizer step (e.g. a projection of the parameters), or ``None``.
        on_epoch: ``on_epoch(epoch, nll)`` is called after each epoch, or ``None``.

    Returns:
        The (weighted) mean NLL of each epoch.
    """
    params = [p for p in actor.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=learning_rate)
    n, history = weights.shape[0], []
    for epoch in range(epochs):
        order, total = torch.randperm(n, device=weights.device), 0.0
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            loss = batch_nll(idx)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, max_grad_norm)
            optimizer.step()
            if after_step is not None:
                after_step()
            total += loss.item() * weights[idx].sum().item()
        history.append(total / weights.sum().item())
        if on_epoch is not None:
            on_epoch(epoch, history[-1])
    return history


def dequantized_nll(
    actor: FlowPolicy, obs: TensorDict, actions: torch.Tensor, weights: torch.Tensor, dequant_std: float
) -> torch.Tensor:
    """Return the weighted mean negative bound (module docstring) of one batch, with gradient.

    Args:
        actor: The flow actor.
        obs: The batch's observations ``[b]``.
        actions: The batch's environment actions ``[b, d]``.
        weights: The batch's weights ``[b]``.
        dequant_std: The std ``σ`` of the lift ``u``.

    Returns:
        A scalar: the weighted mean of ``−(log π(ã | s) + d·log 2 + H(N(0, σ²I_d)))``.
    """
    u = dequant_std * torch.randn_like(actions)
    log_prob, _ = actor.log_prob(obs, torch.cat([actions + u, actions - u], dim=-1))
    d = actions.shape[1]
    entropy_q = 0.5 * d * (1.0 + math.log(2.0 * math.pi * dequant_std**2))
    bound = log_prob + d * math.log(2.0) + entropy_q
    return -(weights * bound).sum() / weights.sum()


def behavior_clone(
    actor: FlowPolicy,
    obs: TensorDict,
    actions: torch.Tensor,
    *,
    weights: torch.Tensor | None = None,
    epochs: int = 100,
    batch_size: int = 256,
    learning_rate: float = 1e-3,
    dequant_std: float = 0.5,
    max_grad_norm: float = 1.0,
    on_epoch: Callable[[int, float], None] | None = None,
) -> list[float]:
    """Fit a flow ``actor`` to environment actions by (weighted) maximum likelihood.

    The actor's observation normalizer (if any) is fitted to ``obs`` first. The Gaussian counterpart (rsl_rl's stock
    actor) is :func:`genpo_rsl.warm_start.gaussian_cloning.gaussian_clone`.

    Args:
        actor: The flow actor to train (e.g. a :class:`genpo_rsl.GenPOActor`).
        obs: The actor's observation groups, batch size ``[n]``.
        actions: The environment actions ``[n, d]``.
        weights: Per-demonstration weights ``[n]`` (``>= 0``, e.g. advantage weights ``exp(A/β)``); ``None`` for
            equal weights.
        epochs: Number of passes over the demonstrations.
        batch_size: Demonstrations per minibatch.
        learning_rate: Adam's learning rate.
        dequant_std: The std ``σ`` of the lift ``u`` of each action to a doubled action (module docstring).
        max_grad_norm: Gradient-norm clip of each step.
        on_epoch: ``on_epoch(epoch, nll)`` is called after each epoch (progress output), or ``None``.

    Returns:
        The (weighted) mean negative bound of each epoch, in nats per sample.

    Raises:
        ValueError: If the demonstrations are invalid (shapes, NaN/inf values, negative weights).
    """
    module: torch.nn.Module = actor  # type: ignore[assignment]  # the adapters' actors are modules
    weights = prepare_demonstrations("behavior_clone", module, actor.action_dim, obs, actions, weights)
    return fit_likelihood(
        module,
        lambda idx: dequantized_nll(actor, obs[idx], actions[idx], weights[idx], dequant_std),
        weights,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        max_grad_norm=max_grad_norm,
        on_epoch=on_epoch,
    )
