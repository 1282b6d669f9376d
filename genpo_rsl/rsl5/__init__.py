"""GenPO adapter for rsl-rl-lib 5.x: ``GenPOActor`` (a model) and ``GenPO`` (a ``PPO``), ``GenPODistillation`` (a
``Distillation``), and FPO++ beside it (``FPOActor``, ``FPO``), selected by ``class_name``."""

from genpo_rsl.rsl_version import require_rsl_rl_major

require_rsl_rl_major(5, "genpo_rsl.rsl5")

from genpo_rsl.rsl5.actor import GenPOActor  # noqa: E402
from genpo_rsl.rsl5.distillation import GenPODistillation  # noqa: E402
from genpo_rsl.rsl5.fpo import FPO  # noqa: E402
from genpo_rsl.rsl5.fpo_actor import FPOActor  # noqa: E402
from genpo_rsl.rsl5.genpo import GenPO  # noqa: E402

__all__ = ["FPO", "FPOActor", "GenPO", "GenPOActor", "GenPODistillation"]
