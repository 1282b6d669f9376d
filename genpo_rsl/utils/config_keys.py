"""Unknown config keys: one check for both adapters, the allowed keys read from the constructors' signatures."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable

INTERNAL = {"self", "actor", "critic", "policy", "storage", "device", "multi_gpu_cfg", "obs", "obs_groups", "obs_set"}
"""Constructor arguments the runner fills in itself: never config keys."""


def accepted_keys(*callables: type | Callable) -> set[str]:
    """Return the keyword names the constructors of classes (or the callables) accept (``**kwargs`` excluded)."""
    names: set[str] = set()
    for fn in callables:
        params = inspect.signature(fn.__init__ if isinstance(fn, type) else fn).parameters.values()
        names |= {p.name for p in params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
    return names - INTERNAL


def check_keys(who: str, section: str, keys: Iterable[str], allowed: set[str]) -> None:
    """Raise ``ValueError`` naming the keys of ``section`` that are not in ``allowed``, and listing the allowed ones."""
    unknown = sorted(set(keys) - allowed)
    if unknown:
        raise ValueError(
            f"GenPO config: unknown key(s) {unknown} in '{section}' (class {who}); allowed: {sorted(allowed)}."
        )


def require_model(algorithm: str, role: str, model: object, expected: type, class_name: str) -> None:
    """Raise ``TypeError`` unless ``model`` is an ``expected``, naming the ``class_name`` to set in the config.

    Args:
        algorithm: The algorithm's name (``"GenPO"``, ``"FPO"``, ...).
        role: The model's config section (``"actor"``, ``"student"``, ``"policy"``).
        model: The model the runner built.
        expected: The model class the algorithm needs.
        class_name: The config value that selects it (``"genpo_rsl:GenPOActor"``).
    """
    if not isinstance(model, expected):
        raise TypeError(
            f"{algorithm} needs a genpo_rsl.{expected.__name__} {role}, got {type(model).__name__}; set the {role}'s "
            f"class_name to '{class_name}'."
        )
