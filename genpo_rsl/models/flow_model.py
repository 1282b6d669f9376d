"""``FlowModel``: an rsl-rl-lib 5 ``MLPModel`` with a flow as its output head, on the observation latent."""

from __future__ import annotations

import inspect
from typing import NamedTuple

import torch
import torch.nn as nn
from rsl_rl.models import MLPModel
from rsl_rl.modules import HiddenState
from tensordict import TensorDict

from genpo_rsl.models.export import FlowPolicyExport, FlowPolicyOnnx
from genpo_rsl.modules.policy import check_finite_condition
from genpo_rsl.utils.config_keys import accepted_keys, check_keys
from genpo_rsl.utils.settings import check_inference_mode


class FlowHead(NamedTuple):
    """What a model gives its flow head: the sizes of what goes in and out, and the network's shape."""

    action_dim: int
    """Environment action size ``d``."""
    latent_dim: int
    """Size of the observation latent the flow is conditioned on (:meth:`FlowModel.get_latent`)."""
    hidden_dims: list[int]
    """Hidden sizes of the velocity MLP (the model's ``hidden_dims``)."""
    activation: str
    """Activation name (the model's ``activation``)."""


class FlowModel(MLPModel):
    """An rsl-rl-lib 5 ``MLPModel`` whose output head is a flow on the observation latent (GenPO's and FPO++'s actors).

    The model part is ``MLPModel``'s: observation groups, normalization, :meth:`get_latent`. Where ``MLPModel`` puts
    its MLP (and ``distribution_cfg`` its distribution), a subclass puts its flow: :meth:`build_flow` returns a module
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
        **flow_keys: The flow's settings, passed to :meth:`build_flow`.
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
        **flow_keys,
    ) -> None:
        """Build the observation latent as ``MLPModel`` does and the flow head on it (see the class docstring)."""
        who = type(self).__name__
        if distribution_cfg:
            raise ValueError(
                f"{who}: distribution_cfg={distribution_cfg!r} is not allowed; the flow is the distribution. "
                f"Remove distribution_cfg (or set it to None)."
            )
        check_inference_mode(who, inference_mode)
        head = inspect.signature(self.build_flow).parameters
        if not any(p.kind is p.VAR_KEYWORD for p in head.values()):  # a head with a closed key set: name bad keys
            check_keys(who, "actor", flow_keys, accepted_keys(FlowModel, self.build_flow) - {"output_dim"})
        super().__init__(obs, obs_groups, obs_set, output_dim, [1], activation, obs_normalization, None)
        del self.mlp  # the flow takes the place of MLPModel's output MLP
        self.action_dim, self.inference_mode = output_dim, inference_mode
        self.action_spread = torch.zeros(output_dim)
        self.flow = self.build_flow(
            FlowHead(output_dim, self._get_latent_dim(), list(hidden_dims), activation), **flow_keys
        )

    def build_flow(self, head: FlowHead, **flow_keys) -> nn.Module:
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
        """Return the model's observation latent (:meth:`get_latent`); raise on non-finite values."""
        latent = self.get_latent(obs, masks, hidden_state)
        return check_finite_condition(type(self).__name__, latent, obs, self.obs_groups)

    @property
    def output_std(self) -> torch.Tensor:
        """Return the policy's per-dimension action std for a fixed state (measured at the last update)."""
        return self.action_spread

    def as_jit(self) -> nn.Module:
        """Return a TorchScript-able deterministic (zero-noise) policy: observations -> actions."""
        return FlowPolicyExport(self.obs_normalizer, self.flow, self.obs_dim)

    def as_onnx(self, verbose: bool) -> nn.Module:
        """Return an ONNX-exportable deterministic (zero-noise) policy with the flow steps unrolled."""
        return FlowPolicyOnnx(self.obs_normalizer, self.flow, self.obs_dim, verbose)
