"""The rsl-rl-lib 5.x actors: :class:`~.genpo_actor.GenPOActor` (GenPO's invertible flow on an ``MLPModel``'s latent)
and :class:`~.fpo_actor.FPOActor` (FPO++'s flow-matching policy) on rsl_rl's ``MLPModel``, their ``CNNModel``
counterparts :class:`~.genpo_actor.GenPOCNNActor` and :class:`~.fpo_actor.FPOCNNActor`, and the recurrent
:class:`~.genpo_actor.GenPORNNActor` and :class:`~.fpo_actor.FPORNNActor` (``RNNModel``): a flow head
(:class:`~.flow_model.FlowModel`) over the model class, exported through the model's own JIT/ONNX exporters;
:func:`~.flow_head.GenPOModel` / :func:`~.flow_head.FPOModel`: the same heads over any model class named in a config."""

from genpo_rsl.utils.rsl_version import require_rsl_rl_major

require_rsl_rl_major(5, "genpo_rsl.models")

from genpo_rsl.models.flow_head import FPOModel, GenPOModel  # noqa: E402
from genpo_rsl.models.fpo_actor import FPOActor, FPOCNNActor, FPORNNActor  # noqa: E402
from genpo_rsl.models.genpo_actor import GenPOActor, GenPOCNNActor, GenPORNNActor  # noqa: E402

__all__ = [
    "FPOActor",
    "FPOCNNActor",
    "FPOModel",
    "FPORNNActor",
    "GenPOActor",
    "GenPOCNNActor",
    "GenPOModel",
    "GenPORNNActor",
]
