"""The flow heads over any rsl-rl-lib 5 model class, named in a config: ``class_name="genpo_rsl:GenPOModel"`` (GenPO)
or ``"genpo_rsl:FPOModel"`` (FPO++) with ``model_class="<module>:<ModelClass>"``.

``GenPOActor``, ``GenPOCNNActor`` and ``GenPORNNActor`` are the flow head over rsl_rl's own ``MLPModel``,
``CNNModel`` and ``RNNModel``. A task that brings its own model class (a subclass of ``MLPModel``, such as IsaacLab's
Kuka-Allegro spatial-softmax CNN) gets the same head over that class here, without new code::

    actor = {"class_name": "genpo_rsl:GenPOModel",
             "model_class": "isaaclab_tasks.core.lift.config.kuka_allegro.agents.models:SpatialSoftmaxCNNModel",
             "cnn_cfg": {...}, "hidden_dims": [512, 256, 128], ...}   # the model's keys, then the flow's

The model part (its encoders, ``get_latent``, its JIT/ONNX exporters) is the model class's; the flow takes the place
of its MLP and distribution (:class:`~genpo_rsl.models.flow_model.FlowModel`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from rsl_rl.models import MLPModel
from rsl_rl.utils import resolve_callable
from tensordict import TensorDict

from genpo_rsl.models.fpo_actor import FPOHead
from genpo_rsl.models.genpo_actor import GenPOHead


@cache
def flow_head_class(head: type, model: type) -> type:
    """Return the class ``head`` over ``model`` (one class per pair: ``GenPO<Model>`` / ``FPO<Model>``).

    Args:
        head: :class:`~genpo_rsl.models.genpo_actor.GenPOHead` or :class:`~genpo_rsl.models.fpo_actor.FPOHead`.
        model: An rsl-rl-lib 5 ``MLPModel`` subclass.

    Returns:
        The subclass ``(head, model)``.
    """
    name = f"{head.__name__.removesuffix('Head')}{model.__name__}"
    doc = f"{head.__name__} over ``{model.__module__}:{model.__qualname__}`` (:func:`flow_head_class`)."
    return type(name, (head, model), {"__module__": __name__, "__qualname__": name, "__doc__": doc})


def model_class_of(who: str, model_class: str | type) -> type:
    """Resolve ``model_class`` and check it is an rsl-rl-lib 5 model class.

    Args:
        who: The head's name, for the error.
        model_class: ``"module:Class"`` or the class.

    Returns:
        The class.

    Raises:
        TypeError: It is not a subclass of rsl_rl's ``MLPModel``.
    """
    # a str subclass (IsaacLab's configs hold class names as callable ResolvableString) is resolved as its text
    model = resolve_callable(str(model_class) if isinstance(model_class, str) else model_class)
    if not (isinstance(model, type) and issubclass(model, MLPModel)):
        raise TypeError(
            f"{who}: model_class={model_class!r} is not an rsl_rl model class; allowed: MLPModel, CNNModel, RNNModel "
            f"or a subclass of one (as 'module:Class')."
        )
    return model


def head_over_model(head: type, name: str) -> Callable[..., MLPModel]:
    """Return the config entry point ``name`` that builds ``head`` over the model class its config names.

    Args:
        head: :class:`~genpo_rsl.models.genpo_actor.GenPOHead` or :class:`~genpo_rsl.models.fpo_actor.FPOHead`.
        name: The entry point's name (``"GenPOModel"``, ``"FPOModel"``), as ``class_name="genpo_rsl:<name>"``.

    Returns:
        ``build(obs, obs_groups, obs_set, output_dim, model_class="rsl_rl.models:MLPModel", **keys)``: an instance of
        ``flow_head_class(head, model_class)``; ``keys`` are the model class's, then the flow's.
    """

    def build(
        obs: TensorDict,
        obs_groups: dict[str, list[str]],
        obs_set: str,
        output_dim: int,
        model_class: str | type = "rsl_rl.models:MLPModel",
        **keys,
    ) -> MLPModel:
        model = model_class_of(name, model_class)
        return flow_head_class(head, model)(obs, obs_groups, obs_set, output_dim, **keys)

    build.__name__ = build.__qualname__ = name
    build.__doc__ = f"""Build {head.__name__} over ``model_class`` (``class_name="genpo_rsl:{name}"``).

    Args:
        obs: Observation dictionary.
        obs_groups: Observation sets to groups.
        obs_set: This model's observation set (``"actor"``).
        output_dim: Environment action size ``d``.
        model_class: The model class, ``"module:Class"`` (default rsl_rl's ``MLPModel``).
        **keys: The model class's keys, then the flow's.
    """
    return build


GenPOModel = head_over_model(GenPOHead, "GenPOModel")
"""GenPO's flow head over the model class a config names (``class_name="genpo_rsl:GenPOModel"``, ``model_class``)."""

FPOModel = head_over_model(FPOHead, "FPOModel")
"""FPO++'s flow head over the model class a config names (``class_name="genpo_rsl:FPOModel"``, ``model_class``)."""
