"""``GenPOActor``: an rsl-rl-lib 5 model whose output distribution is the GenPO flow."""

from __future__ import annotations

import torch
from rsl_rl.models import CNNModel, MLPModel, RNNModel
from rsl_rl.modules import HiddenState
from tensordict import TensorDict

from genpo_rsl.models.flow_model import FlowModel, HeadSizes
from genpo_rsl.modules.flow import GenPOFlow
from genpo_rsl.modules.policy import FlowPolicy, gaussian_only
from genpo_rsl.utils.settings import build_flow, take_flat_flow_keys


@gaussian_only("genpo_rsl:GenPO", "output_mean", "output_entropy", "output_distribution_params", "get_output_log_prob")
class GenPOHead(FlowPolicy, FlowModel):
    """The GenPO flow as a model's head: a flow policy over the doubled action ``ã = (x, y)``, env action ``(x + y)/2``.

    Put it before an rsl-rl-lib 5 model class (:class:`GenPOActor`: ``MLPModel``; :class:`GenPOCNNActor`:
    ``CNNModel``). Same constructor contract as that model class (the constructor is
    :class:`~genpo_rsl.models.flow_model.FlowModel`'s, whose docstring lists its arguments), plus the flow: ``flow_cfg``
    (a sub-config with a ``class_name``, default :class:`~genpo_rsl.modules.flow.GenPOFlow`, like rsl_rl's
    ``distribution_cfg``) or the flat keys of :data:`~genpo_rsl.utils.settings.FLAT_FLOW_KEYS`. The flow is
    conditioned on :meth:`get_latent` (the model's observation latent), so an encoder model (CNN, RNN) can take the
    place of :class:`MLPModel`. Train it with :class:`genpo_rsl.GenPO`; the stock Gaussian ``PPO`` cannot.

    Args (the keys beyond :class:`~genpo_rsl.models.flow_model.FlowModel`'s):
        flow_cfg: The flow's sub-config (``class_name`` and its keys), or ``None``.
        num_flow_steps: ``N`` (paper: 5).
        mix_p: Mixing coefficient ``p`` in (0, 1) (paper: 0.9).
        time_embed_dim: Size of the sinusoidal time embedding.
        time_hidden_dims: Hidden sizes of the time-embedding MLP.
        time_embedding: ``"scaled"`` or ``"released"``.
        base_scale: Base-noise mode, one of :data:`~genpo_rsl.modules.base_noise.BASE_SCALES` (default
            ``"learned"``; ``"fixed"`` is the paper's flow).
        learn_base_scale: Alias: ``True`` is ``base_scale="learned"``, ``False`` is ``"fixed"``.
        base_scale_init: Initial σ of the base noise.
        base_scale_range: ``(min, max)`` of σ.

    The flow keys' defaults are the flow class's (:class:`~genpo_rsl.modules.flow.GenPOFlow`); a key may be given
    either flat or in ``flow_cfg``, not both.
    """

    def build_flow(self, head: HeadSizes, flow_cfg: dict | None = None, **flat_flow_keys) -> GenPOFlow:
        """Return the GenPO flow of ``flow_cfg`` and the flat keys (:func:`~genpo_rsl.utils.settings.build_flow`).

        Args:
            head: The model's action size, latent size, hidden sizes and activation.
            flow_cfg: A sub-config with a ``class_name`` (default :class:`~genpo_rsl.modules.flow.GenPOFlow`) and its
                keys, like rsl_rl's ``distribution_cfg``.
            **flat_flow_keys: The same keys at the top level of the actor config (``num_flow_steps``, ``mix_p``, ...).

        Returns:
            The flow.
        """
        who = type(self).__name__
        flat = take_flat_flow_keys(who, "actor", flat_flow_keys, self.model_keys() | {"flow_cfg"})
        return build_flow(who, flow_cfg, flat, *head)

    def flow_condition(
        self, obs: TensorDict, masks: torch.Tensor | None = None, hidden_state: HiddenState = None
    ) -> torch.Tensor:
        """Return the model's observation latent (:meth:`get_latent`); raise on non-finite values."""
        return FlowModel.flow_condition(self, obs, masks, hidden_state)


class GenPOActor(GenPOHead, MLPModel):
    """GenPO's actor on an rsl-rl-lib 5 ``MLPModel`` (its observation groups and normalization): ``class_name``
    ``"genpo_rsl:GenPOActor"``, the keys of :class:`GenPOHead`."""


class GenPOCNNActor(GenPOHead, CNNModel):
    """GenPO's actor on an rsl-rl-lib 5 ``CNNModel``: its image encoders (``cnn_cfg``, one per 2D observation group, or
    ``cnns`` shared with the critic through the algorithm's ``share_cnn_encoders``) and 1D groups make the latent the
    flow is conditioned on. ``class_name`` ``"genpo_rsl:GenPOCNNActor"``, the keys of :class:`GenPOHead` plus
    ``cnn_cfg``."""


class GenPORNNActor(GenPOHead, RNNModel):
    """GenPO's actor on an rsl-rl-lib 5 ``RNNModel``: the flow is conditioned on the memory output (LSTM or GRU:
    ``rnn_type``, ``rnn_hidden_dim``, ``rnn_num_layers`` as stock). ``class_name`` ``"genpo_rsl:GenPORNNActor"``, the
    keys of :class:`GenPOHead` plus those three. :class:`genpo_rsl.GenPO` then trains on rsl_rl's padded trajectory
    minibatches, and the JIT/ONNX exports carry the hidden state as rsl_rl's recurrent exports do."""
