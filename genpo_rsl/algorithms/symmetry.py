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
from typing import TYPE_CHECKING

import torch
import torch.nn as nn
from tensordict import TensorDict

from genpo_rsl.algorithms.genpo import Minibatch

if TYPE_CHECKING:  # rsl-rl-lib 5.x only; the 3.x adapter passes a DictSymmetry
    from rsl_rl.extensions import Symmetry


def mirrored(symmetry: Symmetry | DictSymmetry, batch: Minibatch) -> Minibatch:
    """Return ``batch`` with its mirrored copies appended (``use_data_augmentation``); ``batch`` itself otherwise.

    Args:
        symmetry: rsl_rl's symmetry extension (its function and env; 3.x: :class:`DictSymmetry`).
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


class DictSymmetry:
    """rsl-rl-lib 3.x's ``symmetry_cfg`` dict (its runner adds the env as ``"_env"``) with the attributes of 5.x's
    ``Symmetry`` that :func:`mirrored` and :func:`symmetry_term` read, so both adapters share them.

    Args:
        cfg: The dict 3.x's ``PPO`` keeps as ``self.symmetry``.
    """

    def __init__(self, cfg: dict) -> None:
        """Keep the dict (read at every use, as 3.x's PPO reads it)."""
        self.cfg = cfg

    use_data_augmentation = property(lambda self: bool(self.cfg["use_data_augmentation"]))
    use_mirror_loss = property(lambda self: bool(self.cfg["use_mirror_loss"]))
    mirror_loss_coeff = property(lambda self: float(self.cfg.get("mirror_loss_coeff", 0.0)))
    data_augmentation_func = property(lambda self: self.cfg["data_augmentation_func"])
    env = property(lambda self: self.cfg.get("_env"))


def mirror_loss(
    symmetry: Symmetry | DictSymmetry, actor: Callable[[TensorDict], torch.Tensor], batch: Minibatch
) -> torch.Tensor:
    """Return rsl_rl's mirror loss on the zero-noise actions: ``MSE(a(Ms), M a(s))`` over the mirrored rows.

    As rsl_rl's PPO computes it (both majors): the observations are mirrored here unless the batch was augmented
    already; the mirrored actions of the original rows are the (detached) target.

    Args:
        symmetry: rsl_rl's symmetry extension (5.x) or the 3.x dict's view.
        actor: The deterministic zero-noise action of the flow, ``actor(obs)``.
        batch: The minibatch (mirrored already with ``use_data_augmentation``).

    Returns:
        The loss, detached unless ``use_mirror_loss`` (then it is only logged), as rsl_rl returns it.
    """
    augmented = batch.obs if symmetry.use_data_augmentation else None  # mirrored already, or mirrored here
    on_mirror, mirrored_actions = mirror_pairs(
        actor, batch.obs, batch.original_rows, symmetry.data_augmentation_func, symmetry.env, augmented
    )
    loss = nn.functional.mse_loss(on_mirror, mirrored_actions.detach())
    return loss if symmetry.use_mirror_loss else loss.detach()


def mirror_pairs(
    actor: Callable[[TensorDict], torch.Tensor],
    obs: TensorDict,
    n: int,
    data_augmentation_func: Callable,
    env: object = None,
    augmented: TensorDict | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return ``a(Ms)`` and ``M a(s)`` for the mirrored copies of ``n`` states (what a symmetric policy makes equal).

    Args:
        actor: The deterministic action, ``actor(obs)``.
        obs: The states ``s`` (their first ``n`` rows are the originals).
        n: How many original states.
        data_augmentation_func: The mirror function ``f(env, obs, actions)`` of ``symmetry_cfg``.
        env: The environment handed to ``f``.
        augmented: The original and mirrored states if already at hand (``k·n`` rows); else ``f`` mirrors ``obs``.

    Returns:
        ``(a(Ms), M a(s))``, each ``[(k − 1)·n, d]``.
    """
    if augmented is None:
        augmented, _ = data_augmentation_func(env=env, obs=obs, actions=None)
    actions = actor(augmented.detach().clone())
    _, mirrored_actions = data_augmentation_func(env=env, obs=None, actions=actions[:n])
    return actions[n:], mirrored_actions[n:]


def symmetry_term(
    symmetry: Symmetry | DictSymmetry | None,
    actor: Callable[[TensorDict], torch.Tensor],
    batch: Minibatch,
    terms: dict[str, torch.Tensor],
) -> torch.Tensor | float:
    """Return the mirror loss times its coefficient where ``use_mirror_loss`` (else 0); log it as ``symmetry``.

    Args:
        symmetry: The symmetry extension or view; ``None``: no symmetry (returns 0, logs nothing).
        actor: The deterministic zero-noise action of the flow.
        batch: The minibatch.
        terms: The update's logged terms (``symmetry`` is added).

    Returns:
        The weighted loss to add to GenPO's, or 0.
    """
    if not symmetry:
        return 0.0
    loss = mirror_loss(symmetry, actor, batch)
    terms["symmetry"] = loss.detach()
    return symmetry.mirror_loss_coeff * loss if symmetry.use_mirror_loss else 0.0


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
    on_mirror, mirrored_actions = mirror_pairs(actor, obs, obs.batch_size[0], data_augmentation_func, env)
    return (on_mirror - mirrored_actions).norm(dim=-1).mean().item()
