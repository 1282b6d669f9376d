"""GenPO for stock rsl-rl-lib: an invertible flow policy and a PPO subclass, selected by ``class_name``.

One core (:mod:`genpo_rsl.flow`, :mod:`genpo_rsl.policy`, :mod:`genpo_rsl.objective`, :mod:`genpo_rsl.core`) and one
thin adapter per rsl-rl-lib major version, picked from the installed version:

- rsl-rl-lib 5.x: ``class_name="genpo_rsl:GenPO"`` (algorithm) and ``"genpo_rsl:GenPOActor"`` (actor);
  ``"genpo_rsl:GenPODistillation"`` distils any stock teacher into a GenPO student (``DistillationRunner``);
  ``"genpo_rsl:FPO"`` / ``"genpo_rsl:FPOActor"`` train a plain flow-matching policy with FPO++.
- rsl-rl-lib 3.x (IsaacLab 2.x): ``class_name="genpo_rsl.GenPO"`` (algorithm) and ``"genpo_rsl.GenPOActorCritic"``
  (policy), after ``import genpo_rsl`` (see :mod:`genpo_rsl.rsl3`).

The other version's class names raise an ``ImportError`` naming both versions.
"""

from genpo_rsl.cloning import behavior_clone
from genpo_rsl.demonstrations import Demonstrations, concatenate_demonstrations, load_demonstrations
from genpo_rsl.flow import GenPOFlow
from genpo_rsl.health import GenPONumericalError
from genpo_rsl.rsl_version import SUPPORTED_MAJORS, rsl_rl_major, rsl_rl_version, wrong_adapter_error

if rsl_rl_major() == 3:
    from genpo_rsl.rsl3 import GenPO, GenPOActorCritic

    __all__ = [
        "Demonstrations",
        "GenPO",
        "GenPOActorCritic",
        "GenPOFlow",
        "GenPONumericalError",
        "behavior_clone",
        "concatenate_demonstrations",
        "load_demonstrations",
    ]
elif rsl_rl_major() == 5:
    from genpo_rsl.rsl5 import FPO, FPOActor, GenPO, GenPOActor, GenPODistillation

    __all__ = [
        "FPO",
        "Demonstrations",
        "FPOActor",
        "GenPO",
        "GenPOActor",
        "GenPODistillation",
        "GenPOFlow",
        "GenPONumericalError",
        "behavior_clone",
        "concatenate_demonstrations",
        "load_demonstrations",
    ]
else:
    raise ImportError(
        f"genpo_rsl supports rsl-rl-lib {' and '.join(f'{m}.x' for m in SUPPORTED_MAJORS)}; "
        f"installed rsl-rl-lib is {rsl_rl_version()}."
    )
__version__ = "0.3.0"
"""The package version (pyproject.toml reads it from here)."""


def __getattr__(name: str):
    """Raise a clear ``ImportError`` for the other rsl-rl-lib version's classes."""
    error = wrong_adapter_error(name)
    if error is not None:
        raise error
    raise AttributeError(f"module 'genpo_rsl' has no attribute {name!r}")
