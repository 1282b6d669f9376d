"""The rsl-rl-lib 5.x actors: :class:`~.genpo_actor.GenPOActor` (GenPO's invertible flow on an ``MLPModel``'s latent)
and :class:`~.fpo_actor.FPOActor` (FPO++'s flow-matching policy), both on :class:`~.flow_model.FlowModel`, with their
JIT/ONNX export modules (:mod:`.export`)."""

from genpo_rsl.utils.rsl_version import require_rsl_rl_major

require_rsl_rl_major(5, "genpo_rsl.models")

from genpo_rsl.models.fpo_actor import FPOActor  # noqa: E402
from genpo_rsl.models.genpo_actor import GenPOActor  # noqa: E402

__all__ = ["FPOActor", "GenPOActor"]
