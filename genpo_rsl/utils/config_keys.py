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


def forwarded_keys(cls: type) -> set[str]:
    """Return the keyword names ``cls(...)`` accepts, following ``**kwargs`` that its ``__init__`` passes on to its
    bases (a task's own model class, ``def __init__(self, *args, scale=1.0, **kwargs)``, takes its base's keys too)."""
    names: set[str] = set()
    for klass in cls.__mro__:
        init = vars(klass).get("__init__")
        if init is None or klass is object:
            continue
        names |= accepted_keys(init)
        if not any(p.kind is p.VAR_KEYWORD for p in inspect.signature(init).parameters.values()):
            break
    return names - INTERNAL


def check_keys(who: str, section: str, keys: Iterable[str], allowed: set[str]) -> None:
    """Raise ``ValueError`` naming the keys of ``section`` that are not in ``allowed``, and listing the allowed ones."""
    unknown = sorted(set(keys) - allowed)
    if unknown:
        raise ValueError(
            f"GenPO config: unknown key(s) {unknown} in '{section}' (class {who}); allowed: {sorted(allowed)}."
        )


def require_model(
    algorithm: str, role: str, model: object, expected: type, class_name: str, shown: str | None = None
) -> None:
    """Raise ``TypeError`` unless ``model`` is an ``expected``, naming the ``class_name`` to set in the config.

    Args:
        algorithm: The algorithm's name (``"GenPO"``, ``"FPO"``, ...).
        role: The model's config section (``"actor"``, ``"student"``, ``"policy"``).
        model: The model the runner built.
        expected: The model class the algorithm needs.
        class_name: The config value that selects it (``"genpo_rsl:GenPOActor"``).
        shown: How the message names the expected classes (default: ``expected``'s name).
    """
    if not isinstance(model, expected):
        raise TypeError(
            f"{algorithm} needs a genpo_rsl.{shown or expected.__name__} {role}, got {type(model).__name__}; set the "
            f"{role}'s class_name to '{class_name}'."
        )


def flow_actor_for(model: object, family: str) -> str:
    """Return the ``class_name`` of the flow actor on the same rsl_rl model class as ``model`` (for error messages).

    Args:
        model: The model the runner built (e.g. a Gaussian ``RNNModel``).
        family: ``"GenPO"`` or ``"FPO"``.

    Returns:
        ``genpo_rsl:<family>RNNActor`` for a recurrent model, ``...CNNActor`` for a CNN model, else ``...Actor``.
    """
    kind = "RNN" if getattr(model, "is_recurrent", False) else "CNN" if hasattr(model, "cnns") else ""
    return f"genpo_rsl:{family}{kind}Actor"


def check_shared_cnns(algorithm: str, cfg: dict, cnn_actor: str) -> None:
    """Raise ``ValueError`` unless both models are CNN models, as ``share_cnn_encoders=True`` needs.

    Args:
        algorithm: The algorithm's name, for the message.
        cfg: The runner config (its ``actor`` and ``critic`` sections).
        cnn_actor: The ``class_name`` of the algorithm's CNN actor, for the message.
    """
    from rsl_rl.models import CNNModel
    from rsl_rl.utils import resolve_callable

    for role in ("actor", "critic"):
        name = cfg[role]["class_name"]
        if not issubclass(resolve_callable(name), CNNModel):
            raise ValueError(
                f"{algorithm}: share_cnn_encoders=True needs CNN models, but the {role} is {name!r}; allowed: the "
                f"actor {cnn_actor!r} and the critic 'CNNModel' (with image observation groups), or "
                f"share_cnn_encoders=False."
            )
