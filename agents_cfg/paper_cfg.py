"""Actor, critic and algorithm configs of a paper row, with a task's stock settings as keyword arguments."""

from __future__ import annotations

from typing import Any

from agents_cfg.actor_cfg import GenPOActorCfg
from agents_cfg.algorithm_cfg import GenPOAlgorithmCfg
from agents_cfg.critic_cfg import GenPOCriticCfg
from agents_cfg.paper import PaperRow


def paper_actor(row: PaperRow, **stock: Any) -> GenPOActorCfg:
    """Return the flow actor of ``row`` (hidden and time sizes); ``stock`` sets any other actor field."""
    time_sizes: dict[str, Any] = {}
    if row.time_embed_dim is not None:
        time_sizes["time_embed_dim"] = row.time_embed_dim
    if row.time_hidden_dims is not None:
        time_sizes["time_hidden_dims"] = list(row.time_hidden_dims)
    return GenPOActorCfg(hidden_dims=list(row.hidden_dims), **time_sizes, **stock)


def paper_critic(row: PaperRow, **stock: Any) -> GenPOCriticCfg:
    """Return the critic of ``row`` (the actor's hidden dims); ``stock`` sets any other critic field."""
    return GenPOCriticCfg(hidden_dims=list(row.hidden_dims), **stock)


def paper_algorithm(row: PaperRow, **stock: Any) -> GenPOAlgorithmCfg:
    """Return the algorithm of ``row`` (learning rate, γ, entropy coef); ``stock`` sets any other PPO field."""
    return GenPOAlgorithmCfg(learning_rate=row.learning_rate, gamma=row.gamma, entropy_coef=row.entropy_coef, **stock)
