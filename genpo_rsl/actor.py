"""GenPO actor: an rsl_rl 5 model whose output distribution is the GenPO flow."""

from __future__ import annotations

import copy

from genpo_rsl.rsl_version import require_rsl_rl_major

require_rsl_rl_major(5, "genpo_rsl.actor")

import torch
import torch.nn as nn
from rsl_rl.models import MLPModel
from rsl_rl.modules import HiddenState
from tensordict import TensorDict

from genpo_rsl.flow import GenPOFlow
from genpo_rsl.flow_policy import FlowPolicyMixin, check_finite_obs, validate_flow_settings


class GenPOActor(FlowPolicyMixin, MLPModel):
    """Flow policy over the doubled action ``ã = (x, y)``; the environment receives ``(x + y) / 2``.

    Same constructor contract as :class:`rsl_rl.models.MLPModel`, plus the GenPO fields. Train it with
    :class:`genpo_rsl.GenPO`; the stock Gaussian ``PPO`` cannot train it.
    """

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
        num_flow_steps: int = 5,
        mix_p: float = 0.9,
        time_embed_dim: int = 32,
        time_hidden_dims: tuple[int, ...] | list[int] = (256, 256),
        inference_mode: str = "zero_noise",
    ) -> None:
        """Build the flow; see the class docstring and :class:`genpo_rsl.flow.GenPOFlow` for the fields."""
        _validate(output_dim, hidden_dims, distribution_cfg, num_flow_steps, mix_p, time_embed_dim, inference_mode)
        super().__init__(obs, obs_groups, obs_set, output_dim, hidden_dims, activation, obs_normalization, None)
        del self.mlp  # the velocity MLP lives in the flow
        self.action_dim = output_dim
        self.inference_mode = inference_mode
        self.flow = GenPOFlow(
            output_dim,
            self.obs_dim,
            list(hidden_dims),
            activation,
            num_flow_steps,
            mix_p,
            time_embed_dim,
            list(time_hidden_dims),
        )
        self._action_std = torch.zeros(output_dim)

    # -- sampling and likelihood -------------------------------------------------------------------------------

    def forward(
        self,
        obs: TensorDict,
        masks: torch.Tensor | None = None,
        hidden_state: HiddenState = None,
        stochastic_output: bool = False,
    ) -> torch.Tensor:
        """Return the environment action ``(x_N + y_N) / 2``; zero noise unless sampling is asked for."""
        latent = self.get_latent(obs)
        if stochastic_output or self.inference_mode == "sample":
            return self.env_action(self.flow(self.noise(latent), latent))
        return self.flow.zero_noise_action(latent)

    def flow_obs(self, obs: TensorDict) -> torch.Tensor:
        """Return the normalized observation the flow is conditioned on (:meth:`get_latent`)."""
        return self.get_latent(obs)

    def get_latent(
        self, obs: TensorDict, masks: torch.Tensor | None = None, hidden_state: HiddenState = None
    ) -> torch.Tensor:
        """Concatenate and normalize the observation groups; raise on non-finite values."""
        return check_finite_obs("GenPOActor", super().get_latent(obs, masks, hidden_state), obs, self.obs_groups)

    # -- what rsl_rl's runner and logger read -----------------------------------------------------------------

    @property
    def output_std(self) -> torch.Tensor:
        """Return the per-dimension std of the executed action over the last sampled batch."""
        return self._action_std

    @property
    def output_mean(self) -> torch.Tensor:
        """Not defined for a flow policy (no closed-form mean)."""
        raise _stock_ppo_error("output_mean")

    @property
    def output_entropy(self) -> torch.Tensor:
        """Not defined for a flow policy (the dummy-space entropy is a constant)."""
        raise _stock_ppo_error("output_entropy")

    @property
    def output_distribution_params(self) -> tuple[torch.Tensor, ...]:
        """Not defined for a flow policy."""
        raise _stock_ppo_error("output_distribution_params")

    def get_output_log_prob(self, outputs: torch.Tensor) -> torch.Tensor:
        """Not defined without observations; use :meth:`log_prob`."""
        raise _stock_ppo_error("get_output_log_prob")

    # -- export -------------------------------------------------------------------------------------------------

    def as_jit(self) -> nn.Module:
        """Return a TorchScript-able deterministic (zero-noise) policy: observations -> env actions."""
        return _ExportFlowPolicy(self)

    def as_onnx(self, verbose: bool) -> nn.Module:
        """Return an ONNX-exportable deterministic (zero-noise) policy with the N flow steps unrolled."""
        return _OnnxFlowPolicy(self, verbose)


def _stock_ppo_error(name: str) -> RuntimeError:
    return RuntimeError(
        f"GenPOActor has no '{name}': it is a flow policy and must be trained with algorithm class_name "
        f"'genpo_rsl:GenPO', not the Gaussian 'PPO'."
    )


def _validate(
    output_dim: int,
    hidden_dims: tuple[int, ...] | list[int],
    distribution_cfg: dict | None,
    num_flow_steps: int,
    mix_p: float,
    time_embed_dim: int,
    inference_mode: str,
) -> None:
    """Raise ``ValueError`` naming the bad value and what is allowed."""
    validate_flow_settings("GenPOActor", output_dim, hidden_dims, num_flow_steps, mix_p, time_embed_dim, inference_mode)
    if distribution_cfg:
        raise ValueError(
            f"GenPOActor: distribution_cfg={distribution_cfg!r} is not allowed; the flow is the distribution. "
            f"Remove distribution_cfg (or set it to None)."
        )


class _ExportFlowPolicy(nn.Module):
    """Deterministic flow policy for TorchScript: normalize, run the flow from ``z = 0``, average the halves."""

    def __init__(self, actor: GenPOActor) -> None:
        """Copy the normalizer and the flow of ``actor`` (on the CPU-agnostic module)."""
        super().__init__()
        self.obs_normalizer = copy.deepcopy(actor.obs_normalizer)
        with actor.flow.eager():
            self.flow = copy.deepcopy(actor.flow)
        self.action_dim = actor.action_dim
        self.input_size = actor.obs_dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map concatenated observations ``[B, obs_dim]`` to environment actions ``[B, d]``."""
        return self.flow.zero_noise_action(self.obs_normalizer(x))

    @torch.jit.export
    def reset(self) -> None:
        """No recurrent state to reset."""
        pass


class _OnnxFlowPolicy(_ExportFlowPolicy):
    """ONNX flavour of :class:`_ExportFlowPolicy` with the names rsl_rl's exporter reads."""

    is_recurrent: bool = False

    def __init__(self, actor: GenPOActor, verbose: bool) -> None:
        """Copy the policy; ``verbose`` is kept for rsl_rl's exporter."""
        super().__init__(actor)
        self.verbose = verbose

    def get_dummy_inputs(self) -> tuple[torch.Tensor]:
        """Return a dummy observation batch for tracing."""
        return (torch.zeros(1, self.input_size),)

    @property
    def input_names(self) -> list[str]:
        """Return the ONNX input names."""
        return ["obs"]

    @property
    def output_names(self) -> list[str]:
        """Return the ONNX output names."""
        return ["actions"]
