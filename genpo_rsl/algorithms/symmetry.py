"""Symmetry augmentation and the mirror loss for GenPO, with rsl_rl's ``symmetry_cfg`` and its mirror functions.

rsl_rl's ``Symmetry`` mirrors observations and env actions with a user function ``f(env, obs, actions)`` that returns
``k`` blocks (the original first, then each mirror). GenPO's stored action is the doubled ``ã = (x, y)``, whose env
action is ``(x + y)/2``; a mirror map ``M`` of the env action is linear in the stock functions, so both halves are
mirrored alike, ``(Mx, My)``, and the mirrored env action is ``M (x + y)/2``. The old log-probs of the mirrored rows
are the original ones, as rsl_rl's PPO reuses them: for a policy symmetric under ``(s, a) → (Ms, Ma)`` and a map with
``|det M| = 1`` (sign flips and permutations), ``π(Mã | Ms) = π(ã | s)`` (docs/algorithm.md, "Symmetry"). The mirror
loss compares the deterministic zero-noise actions (``actor(obs)``), what a user deploys.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from types import SimpleNamespace

import torch
import torch.nn as nn
from rsl_rl.extensions import Symmetry
from tensordict import TensorDict

from genpo_rsl.algorithms.genpo import Minibatch


def mirrored(symmetry: Symmetry, batch: Minibatch) -> Minibatch:
    """Return ``batch`` with its mirrored copies appended (``use_data_augmentation``); ``batch`` itself otherwise.

    Args:
        symmetry: rsl_rl's symmetry extension (its function and env).
        batch: A minibatch of ``n`` rows (no recurrent trajectories: rsl_rl refuses symmetry with those).

    Returns:
        The minibatch of ``k·n`` rows with ``copies = k``: observations and both action halves mirrored, the other
        per-row fields repeated; ``old_latent`` stays the original rows' (only they are inverted exactly).

    Raises:
        ValueError: If the mirror function returns a shape other than ``k`` blocks of the inputs; the message names it.
    """
    if not symmetry.use_data_augmentation:
        return batch
    n, d = batch.dummy_actions.shape[0], batch.dummy_actions.shape[1] // 2
    x, y = batch.dummy_actions[:, :d], batch.dummy_actions[:, d:]
    obs, x_aug = symmetry.data_augmentation_func(env=symmetry.env, obs=batch.obs, actions=x)
    _, y_aug = symmetry.data_augmentation_func(env=symmetry.env, obs=None, actions=y)
    k = obs.batch_size[0] // n if obs is not None else 0
    shapes = {"observations": None if obs is None else tuple(obs.batch_size)}
    shapes.update(
        {f"actions ({half})": None if a is None else tuple(a.shape) for half, a in (("x", x_aug), ("y", y_aug))}
    )
    expected = {"observations": (k * n,), "actions (x)": (k * n, d), "actions (y)": (k * n, d)}
    bad = [f"{what} of shape {shape}" for what, shape in shapes.items() if k < 1 or shape != expected[what]]
    if bad:
        raise ValueError(
            f"GenPO symmetry: data_augmentation_func returned {', '.join(bad)} for {n} rows of {d}-dim actions; "
            f"allowed: k blocks of the input (k >= 1, the original rows first): batch size k*{n}, actions [k*{n}, {d}]."
        )
    return dataclasses.replace(
        batch,
        obs=obs,
        dummy_actions=torch.cat([x_aug, y_aug], dim=-1),
        old_log_prob=batch.old_log_prob.repeat(k),
        advantages=batch.advantages.repeat(k),
        returns=batch.returns.repeat(k, 1),
        old_values=batch.old_values.repeat(k, 1),
        copies=k,
    )


def mirror_loss(symmetry: Symmetry, actor: nn.Module, batch: Minibatch) -> torch.Tensor:
    """Return rsl_rl's mirror loss on the zero-noise actions: ``MSE(a(Ms), M a(s))`` over the mirrored rows.

    Args:
        symmetry: rsl_rl's symmetry extension.
        actor: The flow actor; ``actor(obs)`` is its deterministic zero-noise action.
        batch: The minibatch (mirrored already with ``use_data_augmentation``).

    Returns:
        The loss, detached unless ``use_mirror_loss`` (then it is only logged), as rsl_rl returns it.
    """
    return symmetry.compute_loss(actor, SimpleNamespace(observations=batch.obs), batch.original_rows)  # type: ignore[arg-type]


@torch.no_grad()
def measured_asymmetry(
    actor: nn.Module, obs: TensorDict, data_augmentation_func: Callable, env: object = None
) -> float:
    """Return how far the deterministic policy is from symmetric: mean ``‖a(Ms) − M a(s)‖`` over the mirrors.

    Args:
        actor: A policy; ``actor(obs)`` is its deterministic action (GenPO: zero noise; a Gaussian model: its mean).
        obs: The states ``s`` (``n`` rows).
        data_augmentation_func: The mirror function ``f(env, obs, actions)`` of ``symmetry_cfg``.
        env: The environment handed to ``f``.

    Returns:
        The mean distance over the ``k − 1`` mirrored copies of each state (0 for a symmetric policy).
    """
    n = obs.batch_size[0]
    obs_aug, _ = data_augmentation_func(env=env, obs=obs, actions=None)
    actions = actor(obs_aug)
    _, mirrored_actions = data_augmentation_func(env=env, obs=None, actions=actions[:n])
    return (actions[n:] - mirrored_actions[n:]).norm(dim=-1).mean().item()
