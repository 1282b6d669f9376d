"""Offline pieces of a warm start from a dataset with rewards: Monte-Carlo returns, a critic fit, AWR weights.

Advantage-weighted cloning (AWR, Peng et al. 2019; for generative policies: GMPO) weights each demonstration by

    w = min(exp(A / β), w_max),     A = G − V(s)

with ``G`` the discounted return-to-go of the step in its recorded episode and ``V`` a critic fitted to those returns.
Small ``β`` clones mostly the best steps; large ``β`` approaches plain cloning. The fitted critic is also what GenPO
fine-tuning starts from, instead of a random one.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn as nn
from tensordict import TensorDict


def monte_carlo_returns(rewards: torch.Tensor, episode: torch.Tensor, gamma: float) -> torch.Tensor:
    """Return the discounted return-to-go ``G_t = Σ_k γ^k r_{t+k}`` of every step within its episode.

    A recorded episode that was cut short is treated as ended (no bootstrap).

    Args:
        rewards: The reward of each step ``[n]``.
        episode: The episode label of each step ``[n]`` (steps of one episode are contiguous and in order).
        gamma: The discount factor ``γ``.

    Returns:
        ``G`` ``[n]`` (float32).
    """
    returns = torch.empty_like(rewards, dtype=torch.float32)
    running = 0.0
    for t in range(rewards.shape[0] - 1, -1, -1):
        if t == rewards.shape[0] - 1 or episode[t + 1] != episode[t]:
            running = 0.0
        running = float(rewards[t]) + gamma * running
        returns[t] = running
    return returns


def fit_critic(
    critic: nn.Module,
    obs: TensorDict,
    returns: torch.Tensor,
    *,
    epochs: int = 50,
    batch_size: int = 256,
    learning_rate: float = 1e-3,
    on_epoch: Callable[[int, float], None] | None = None,
) -> list[float]:
    """Regress ``critic(obs)`` on ``returns`` by mean squared error (Adam on shuffled minibatches).

    Args:
        critic: The critic to train.
        obs: The critic's observations, batch size ``[n]``.
        returns: The regression targets ``[n]``.
        epochs: Number of passes over the data.
        batch_size: Samples per minibatch.
        learning_rate: Adam's learning rate.
        on_epoch: ``on_epoch(epoch, loss)`` is called after each epoch, or ``None``.

    Returns:
        The mean squared error of each epoch.
    """
    optimizer = torch.optim.Adam([p for p in critic.parameters() if p.requires_grad], lr=learning_rate)
    n, history = returns.shape[0], []
    for epoch in range(epochs):
        order, total = torch.randperm(n, device=returns.device), 0.0
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            loss = (critic(obs[idx]).squeeze(-1) - returns[idx]).pow(2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * idx.shape[0]
        history.append(total / n)
        if on_epoch is not None:
            on_epoch(epoch, history[-1])
    return history


def awr_weights(returns: torch.Tensor, values: torch.Tensor, beta: float, max_weight: float = 20.0) -> torch.Tensor:
    """Return the advantage weights ``min(exp((G − V) / β), max_weight)`` per step.

    Args:
        returns: The returns ``G`` ``[n]``.
        values: The critic's values ``V(s)`` ``[n]``.
        beta: The temperature ``β`` (``> 0``).
        max_weight: The cap ``w_max`` (``> 0``).

    Returns:
        The weights ``[n]``.

    Raises:
        ValueError: If ``beta`` or ``max_weight`` is not ``> 0``.
    """
    if not beta > 0.0:
        raise ValueError(f"awr_weights: beta={beta!r} is invalid; allowed: > 0.")
    if not max_weight > 0.0:
        raise ValueError(f"awr_weights: max_weight={max_weight!r} is invalid; allowed: > 0.")
    return torch.exp((returns - values) / beta).clamp(max=max_weight)
