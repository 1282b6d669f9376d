"""GenPO for stock rsl-rl-lib: an invertible flow policy and a PPO subclass, selected by ``class_name``.

Laid out by role, as rsl_rl is: :mod:`genpo_rsl.algorithms` (GenPO's update, FPO++, distillation),
:mod:`genpo_rsl.modules` (the flow and its parts), :mod:`genpo_rsl.models` (the rsl-rl-lib 5.x actors),
:mod:`genpo_rsl.warm_start` (cloning, demonstrations, AWR), :mod:`genpo_rsl.utils`, and :mod:`genpo_rsl.rsl3` (the
rsl-rl-lib 3.x adapter over the same modules). The classes of the installed major version are exported here:

- rsl-rl-lib 5.x: ``class_name="genpo_rsl:GenPO"`` (algorithm) and ``"genpo_rsl:GenPOActor"`` (actor);
  ``"genpo_rsl:GenPODistillation"`` distils any stock teacher into a GenPO student (``DistillationRunner``);
  ``"genpo_rsl:FPO"`` / ``"genpo_rsl:FPOActor"`` train a plain flow-matching policy with FPO++.
- rsl-rl-lib 3.x (IsaacLab 2.x): ``class_name="genpo_rsl.GenPO"`` (algorithm) and ``"genpo_rsl.GenPOActorCritic"``
  (policy), after ``import genpo_rsl`` (see :mod:`genpo_rsl.rsl3`).

The other version's class names raise an ``ImportError`` naming both versions.
"""

from genpo_rsl import _moved
from genpo_rsl.algorithms.health import GenPONumericalError
from genpo_rsl.modules.flow import GenPOFlow
from genpo_rsl.utils.rsl_version import SUPPORTED_MAJORS, rsl_rl_major, rsl_rl_version, wrong_adapter_error
from genpo_rsl.warm_start.cloning import behavior_clone
from genpo_rsl.warm_start.demonstrations import Demonstrations, concatenate_demonstrations, load_demonstrations

if rsl_rl_major() == 3:
    from genpo_rsl.rsl3 import GenPO, GenPOActorCritic, GenPOActorCriticRecurrent

    __all__ = [
        "Demonstrations",
        "GenPO",
        "GenPOActorCritic",
        "GenPOActorCriticRecurrent",
        "GenPOFlow",
        "GenPONumericalError",
        "behavior_clone",
        "concatenate_demonstrations",
        "load_demonstrations",
    ]
elif rsl_rl_major() == 5:
    from genpo_rsl.algorithms.distillation import GenPODistillation
    from genpo_rsl.algorithms.fpo import FPO
    from genpo_rsl.algorithms.genpo_rsl5 import GenPO
    from genpo_rsl.models import (
        FPOActor,
        FPOCNNActor,
        FPOModel,
        FPORNNActor,
        GenPOActor,
        GenPOCNNActor,
        GenPOModel,
        GenPORNNActor,
    )

    __all__ = [
        "FPO",
        "Demonstrations",
        "FPOActor",
        "FPOCNNActor",
        "FPOModel",
        "FPORNNActor",
        "GenPO",
        "GenPOActor",
        "GenPOCNNActor",
        "GenPODistillation",
        "GenPOFlow",
        "GenPOModel",
        "GenPONumericalError",
        "GenPORNNActor",
        "behavior_clone",
        "concatenate_demonstrations",
        "load_demonstrations",
    ]
else:
    raise ImportError(
        f"genpo_rsl supports rsl-rl-lib {' and '.join(f'{m}.x' for m in SUPPORTED_MAJORS)}; "
        f"installed rsl-rl-lib is {rsl_rl_version()}."
    )
_moved.install()

__version__ = "0.3.0"
"""The package version (pyproject.toml reads it from here)."""


def __getattr__(name: str):
    """Raise a clear ``ImportError`` for the other rsl-rl-lib version's classes."""
    error = wrong_adapter_error(name)
    if error is not None:
        raise error
    raise AttributeError(f"module 'genpo_rsl' has no attribute {name!r}")
