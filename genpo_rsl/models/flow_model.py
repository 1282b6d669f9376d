"""``FlowModel``: a flow as the output head of an rsl-rl-lib 5 model (``MLPModel``, ``CNNModel``, ``RNNModel``).

``class GenPOActor(FlowPolicy, FlowModel, MLPModel)`` and ``class GenPOCNNActor(FlowPolicy, FlowModel, CNNModel)``
share everything but the model class: :class:`FlowModel` builds the model as rsl_rl does (observation groups,
normalization, encoders), puts the flow where the model's MLP would be, and exports through the model's own JIT/ONNX
exporters with the flow's zero-noise action as the head (:class:`ZeroNoiseHead`).
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from typing import NamedTuple

import torch
import torch.nn as nn
from rsl_rl.modules import HiddenState
from rsl_rl.utils import unpad_trajectories
from tensordict import TensorDict

from genpo_rsl.modules.policy import check_finite_condition
from genpo_rsl.utils.config_keys import accepted_keys, check_keys, forwarded_keys
from genpo_rsl.utils.settings import check_inference_mode


class HeadSizes(NamedTuple):
    """What a model gives its flow head: the sizes of what goes in and out, and the network's shape."""

    action_dim: int
    """Environment action size ``d``."""
    latent_dim: int
    """Size of the observation latent the flow is conditioned on (:meth:`get_latent` of the model)."""
    hidden_dims: list[int]
    """Hidden sizes of the velocity MLP (the model's ``hidden_dims``)."""
    activation: str
    """Activation name (the model's ``activation``)."""


class ZeroNoiseHead(nn.Module):
    """The flow as a deterministic head: latent -> zero-noise env action, where rsl_rl's exporters expect ``mlp``."""

    def __init__(self, flow: nn.Module) -> None:
        """Copy the flow eagerly (a compiled velocity field would not script or trace)."""
        super().__init__()
        with flow.velocity.eager():
            self.flow = copy.deepcopy(flow)

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        """Return the zero-noise environment action of the latent."""
        return self.flow.zero_noise_action(latent)


class FlowModel:
    """A flow as the output head of the rsl-rl-lib 5 model class that follows it (GenPO's and FPO++'s actors).

    The model part is the model class's (``MLPModel``: observation groups and normalization; ``CNNModel``: plus its
    image encoders, ``cnn_cfg``/``cnns``): :meth:`get_latent`. Where the model puts its MLP (and ``distribution_cfg``
    its distribution), a subclass puts its flow: :meth:`build_flow` returns a module
    with ``velocity``, ``sample_action(c)`` and ``zero_noise_action(c)`` on the latent ``c``. The forward pass, the
    measured action spread and the JIT/ONNX export are shared.

    Args:
        obs: Observation dictionary (as ``MLPModel``).
        obs_groups: Observation sets to groups (as ``MLPModel``).
        obs_set: This model's observation set (``"actor"``).
        output_dim: Environment action size ``d``.
        hidden_dims: Hidden sizes of the flow's velocity MLP.
        activation: Activation of the velocity and time MLPs (paper: Mish).
        obs_normalization: Normalize the observations (as ``MLPModel``).
        distribution_cfg: Must be ``None``: the flow is the distribution.
        inference_mode: ``"zero_noise"`` (deterministic, the default) or ``"sample"`` at play/export time.
        **keys: The model class's own keys (e.g. ``cnn_cfg``), then the flow's settings, passed to :meth:`build_flow`.
    """

    flow: nn.Module

    def __init__(
        self,
        obs: TensorDict,
        obs_groups: dict[str, list[str]],
        obs_set: str,
        output_dim: int,
        hidden_dims: tuple[int, ...] | list[int] = (256, 256, 256),
        activation: str = "mish",
        obs_normalization: bool = False,
        distribution_cfg: dict | None = None,
        inference_mode: str = "zero_noise",
        **keys,
    ) -> None:
        """Build the observation latent as ``MLPModel`` does and the flow head on it (see the class docstring)."""
        who = type(self).__name__
        if distribution_cfg:
            raise ValueError(
                f"{who}: distribution_cfg={distribution_cfg!r} is not allowed; the flow is the distribution. "
                f"Remove distribution_cfg (or set it to None)."
            )
        check_inference_mode(who, inference_mode)
        model_part = self.model_keys()
        own = model_part - accepted_keys(FlowModel)  # the model class's own keys (CNNModel: cnn_cfg, cnns)
        model_keys = {k: keys.pop(k) for k in list(keys) if k in own}
        head = inspect.signature(self.build_flow).parameters
        if not any(p.kind is p.VAR_KEYWORD for p in head.values()):  # a head with a closed key set: name bad keys
            check_keys(who, "actor", keys, model_part | accepted_keys(self.build_flow))
        super().__init__(obs, obs_groups, obs_set, output_dim, [1], activation, obs_normalization, None, **model_keys)
        del self.mlp  # the flow takes the place of the model's output MLP
        self.action_dim, self.inference_mode = output_dim, inference_mode
        self.action_spread = torch.zeros(output_dim)
        sizes = HeadSizes(output_dim, self._get_latent_dim(), list(hidden_dims), activation)
        self.flow = self.build_flow(sizes, **keys)

    def model_keys(self) -> set[str]:
        """Return the config keys of the model part: :class:`FlowModel`'s and the model class's (not the flow's)."""
        model_class = next(  # rsl_rl's model class, or a task's own subclass of one (models/flow_head.py)
            c for c in type(self).__mro__ if issubclass(c, nn.Module) and not c.__module__.startswith("genpo_rsl")
        )
        return (accepted_keys(FlowModel) | forwarded_keys(model_class)) - {"output_dim"}

    def build_flow(self, head: HeadSizes, **flow_keys) -> nn.Module:
        """Return the flow head on the observation latent (a subclass implements it).

        Args:
            head: The sizes and activation the model gives its head.
            **flow_keys: The subclass's flow settings.

        Returns:
            The flow module.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement build_flow")

    def forward(
        self,
        obs: TensorDict,
        masks: torch.Tensor | None = None,
        hidden_state: HiddenState = None,
        stochastic_output: bool = False,
    ) -> torch.Tensor:
        """Return the environment action: zero noise unless sampling is asked for."""
        cond = self.flow_condition(obs, masks, hidden_state)
        if stochastic_output or self.inference_mode == "sample":
            return self.flow.sample_action(cond)
        return self.flow.zero_noise_action(cond)

    def flow_condition(
        self, obs: TensorDict, masks: torch.Tensor | None = None, hidden_state: HiddenState = None
    ) -> torch.Tensor:
        """Return the model's observation latent (:meth:`get_latent`); raise on non-finite values.

        With ``masks`` (a recurrent update's padded trajectories), the latent is ``[T, n, c]`` as rsl_rl's models
        return it: an ``RNNModel`` unpads its memory output, a model without memory unpads the observations first.
        """
        if masks is not None and not self.is_recurrent:
            obs = unpad_trajectories(obs, masks)
        latent = self.get_latent(obs, masks, hidden_state)
        return check_finite_condition(type(self).__name__, latent, obs, self.obs_groups)

    @property
    def output_std(self) -> torch.Tensor:
        """Return the policy's per-dimension action std for a fixed state (measured at the last update)."""
        return self.action_spread

    def as_jit(self) -> nn.Module:
        """Return the model class's TorchScript export with the flow's zero-noise action as its head."""
        return self._export(super().as_jit)  # type: ignore[misc]

    def as_onnx(self, verbose: bool = False) -> nn.Module:
        """Return the model class's ONNX export with the flow's zero-noise action as its head (steps unrolled)."""
        return self._export(lambda: super(FlowModel, self).as_onnx(verbose))  # type: ignore[misc]

    def _export(self, build: Callable[[], nn.Module]) -> nn.Module:
        """Run the model class's exporter with ``mlp`` set to the flow's zero-noise head for the time of the copy."""
        self.mlp = ZeroNoiseHead(self.flow)
        try:
            return build()
        finally:
            del self.mlp
