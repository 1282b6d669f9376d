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
