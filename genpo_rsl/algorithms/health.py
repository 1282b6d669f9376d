"""Numerical health of a GenPO run: refuse non-finite values, keep the last good state, write it on failure."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

import torch

LAST_GOOD_PREFIX = "last_good_model"
"""File name prefix of the checkpoint written on a numerical failure: ``last_good_model_<iter>[_rank<r>].pt``."""

NUMERICAL_HINT = (
    "Usual causes: a learning rate too high for the flow (lower learning_rate / desired_kl, keep max_grad_norm), "
    "unnormalized observations with large values (set obs_normalization=True), or an ill-conditioned flow (the "
    "inverse amplifies float32 rounding by about mix_p^(-2*num_flow_steps); use mix_p >= 0.9 or fewer steps)."
)
"""What to try after a :class:`GenPONumericalError` (appended to its message)."""


class GenPONumericalError(RuntimeError):
    """The flow policy produced non-finite values; the message names the iteration, the quantity and the checkpoint."""


def all_finite(tensors: Iterable[torch.Tensor]) -> bool:
    """Return whether every value of every tensor is finite (one device sync).

    Args:
        tensors: The tensors to check.

    Returns:
        True when all values are finite.
    """
    return bool(torch.stack([torch.isfinite(t).all() for t in tensors]).all())


def describe_nonfinite(tensors: dict[str, torch.Tensor]) -> str:
    """Describe the tensors with non-finite values.

    Args:
        tensors: The tensors by name.

    Returns:
        ``"<n> of <total> <name> are non-finite (NaN/inf)"`` for (at most 4 of) the tensors with such values, joined
        by commas.
    """
    parts = [
        f"{int((~torch.isfinite(t)).sum())} of {t.numel()} {name} are non-finite (NaN/inf)"
        for name, t in tensors.items()
        if not torch.isfinite(t).all()
    ]
    more = f" and {len(parts) - 4} more" if len(parts) > 4 else ""
    return ", ".join(parts[:4]) + more


def clone_state(obj: Any) -> Any:
    """Return a copy of nested dicts/lists/tuples with every tensor cloned (detached).

    Args:
        obj: The state (other values are kept as they are, not copied).

    Returns:
        The copy.
    """
    if isinstance(obj, torch.Tensor):
        return obj.detach().clone()
    if isinstance(obj, dict):
        return {key: clone_state(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(clone_state(value) for value in obj)
    return obj


def env_log_dir(env: object) -> str | None:
    """Return the run's log dir as IsaacLab hands it to the environment (``env_cfg.log_dir``), else ``None``.

    IsaacLab's ``train`` sets ``env_cfg.log_dir`` to the run's folder before it builds the runner, and rsl_rl hands
    the environment to ``construct_algorithm``; outside IsaacLab, set the algorithm's ``checkpoint_dir``.

    Args:
        env: The rsl_rl ``VecEnv`` (its ``cfg`` is an object or a dict).

    Returns:
        The log dir, or ``None`` when the environment's config has none.
    """
    cfg = getattr(env, "cfg", None)
    log_dir = cfg.get("log_dir") if isinstance(cfg, dict) else getattr(cfg, "log_dir", None)
    return str(log_dir) if log_dir else None


class HealthGuard:
    """Checks tensors, keeps a snapshot of the last good state and raises :class:`GenPONumericalError` on failure.

    Args:
        snapshot: ``snapshot()`` returns the runner checkpoint of the current state (with ``iter``).
        rank: The process's rank; a nonzero rank is appended to the file name of the last good state.
    """

    def __init__(self, snapshot: Callable[[], dict], rank: int) -> None:
        """Start with no last good state (see the class docstring)."""
        self.snapshot, self.rank = snapshot, rank
        self.iteration = 0
        """Runner iteration of the current rollout and update: ``update()`` calls so far, plus a loaded ``iter``."""
        self.checkpoint_dir: str | None = None
        """Directory for the last good state (``None``: the current directory)."""
        self.last_good: dict | None = None

    def keep(self) -> None:
        """Remember the current state as the last good one (before an update changes it)."""
        self.last_good = clone_state(self.snapshot())

    def check(self, tensors: dict[str, torch.Tensor], where: str = "") -> None:
        """Raise (after writing the last good state) if a value of ``tensors`` is non-finite.

        Args:
            tensors: The tensors to check, by name.
            where: Appended to the description in the error message.

        Raises:
            GenPONumericalError: If a value is non-finite.
        """
        if not all_finite(tensors.values()):
            self.fail(describe_nonfinite(tensors) + where)

    def fail(self, details: str) -> NoReturn:
        """Write the last good state (if any) and raise :class:`GenPONumericalError` naming the iteration.

        Args:
            details: What failed, for the error message.

        Raises:
            GenPONumericalError: Always.
        """
        message = f"iteration {self.iteration}: {details}"
        if self.last_good is None:
            saved = (
                "no checkpoint written: this happened before the first update of this process (the initial or loaded "
                "parameters already fail), so there is no earlier good state"
            )
        else:
            path = self._write(message)
            saved = (
                f"last good state (the parameters iteration {self.last_good['iter']}'s finite rollout was collected "
                f"with) saved to {path}; resume with OnPolicyRunner.load('{path}') or --checkpoint {path}"
            )
        raise GenPONumericalError(f"{message}; {saved}. {NUMERICAL_HINT}")

    def _write(self, message: str) -> str:
        """Save the last good state as a checkpoint the runner's ``load`` accepts; return its path."""
        assert self.last_good is not None
        directory = self.checkpoint_dir or os.getcwd()
        os.makedirs(directory, exist_ok=True)
        rank = f"_rank{self.rank}" if self.rank else ""
        path = os.path.join(directory, f"{LAST_GOOD_PREFIX}_{self.last_good['iter']}{rank}.pt")
        torch.save({**self.last_good, "infos": {"genpo_numerical_error": message}}, path)
        return path


class GuardedRun:
    """Mixed into GenPO's core: the run's iteration count and where the last good state goes, kept by ``health``.

    The algorithm provides ``checkpoint_state()`` (the runner checkpoint of the current state) and sets ``health`` to
    ``HealthGuard(self._snapshot, rank)``.
    """

    health: HealthGuard
    checkpoint_state: Callable[[], dict]

    @property
    def iteration(self) -> int:
        """Return the runner iteration of the current rollout and update."""
        return self.health.iteration

    @property
    def checkpoint_dir(self) -> str | None:
        """Return the directory for the last good state on a numerical failure (``None``: the current directory).

        The 5.x adapter sets it to the run's log dir when IsaacLab hands one over (:func:`env_log_dir`).
        """
        return self.health.checkpoint_dir

    @checkpoint_dir.setter
    def checkpoint_dir(self, path: str | None) -> None:
        """Set the directory for the last good state."""
        self.health.checkpoint_dir = path

    def loaded(self, loaded_dict: dict, resumes: bool) -> None:
        """Count iterations on from a resumed checkpoint; forget the last good state (the loaded one is in use).

        Args:
            loaded_dict: The loaded runner checkpoint.
            resumes: Whether the runner resumes its iteration count from it.
        """
        if resumes:
            self.health.iteration = int(loaded_dict.get("iter", 0))
        self.health.last_good = None

    def _snapshot(self) -> dict:
        """Return the runner checkpoint of the current state with ``iter`` = this iteration."""
        return {**self.checkpoint_state(), "iter": self.health.iteration}
