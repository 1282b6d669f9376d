"""Exact-likelihood cloning (``genpo_rsl.behavior_clone``): it keeps both modes of bimodal demonstrations."""

from __future__ import annotations

import pytest
import torch
from tensordict import TensorDict

from genpo_rsl import GenPOActor, behavior_clone
from genpo_rsl.toy_env import bimodal_demonstrations, clone_gaussian, mode_shares

N, OBS = 1024, 3


def bimodal(seed: int) -> tuple[TensorDict, torch.Tensor]:
    """Half of the demonstrations go to (1, 1), half to (−1, −1), from the same state distribution."""
    return bimodal_demonstrations(N, OBS, seed)


def test_cloned_flow_keeps_both_modes_and_a_gaussian_does_not() -> None:
    torch.manual_seed(0)
    obs, actions = bimodal(0)
    test_obs = TensorDict({"policy": torch.randn(2000, OBS)}, batch_size=[2000])
    flow = GenPOActor(
        obs, {"actor": ["policy"]}, "actor", 2, [64, 64], "elu", time_embed_dim=16, time_hidden_dims=[32, 32]
    )
    nll = behavior_clone(flow, obs, actions, epochs=300, batch_size=256, learning_rate=3e-3)
    assert nll[-1] < nll[0] - 3.0  # the bound on −log p(a|s) fell by more than 3 nats per sample
    with torch.no_grad():
        up, down, middle = mode_shares(flow(test_obs, stochastic_output=True))
    assert up >= 0.3 and down >= 0.3 and middle < 0.05, (up, down, middle)

    gauss = clone_gaussian(obs, actions, epochs=300)
    with torch.no_grad():
        g_up, g_down, g_middle = mode_shares(gauss(test_obs, stochastic_output=True))
    # the maximum-likelihood Gaussian is one wide bump between the modes
    assert g_up < 0.2 and g_down < 0.2 and g_middle > 0.1, (g_up, g_down, g_middle)


def test_weights_select_the_demonstrations() -> None:
    """Weighted cloning with zero weight on one mode reproduces only the other."""
    torch.manual_seed(1)
    obs, actions = bimodal(1)
    weights = (actions[:, 0] > 0).float()
    actor = GenPOActor(
        obs, {"actor": ["policy"]}, "actor", 2, [64, 64], "elu", time_embed_dim=16, time_hidden_dims=[32, 32]
    )
    seen: list[tuple[int, float]] = []
    history = behavior_clone(
        actor,
        obs,
        actions,
        weights=weights,
        epochs=150,
        batch_size=256,
        learning_rate=3e-3,
        on_epoch=lambda epoch, nll: seen.append((epoch, nll)),
    )
    assert seen == list(enumerate(history))  # the progress callback sees every epoch's returned NLL
    with torch.no_grad():
        up, down, _ = mode_shares(actor(obs[:1000], stochastic_output=True))
    assert up > 0.6 and down < 0.05, (up, down)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda o, a, w: (o, a[:, :1], w), r"actions of shape \(1024, 1\) are invalid; expected \[n, 2\]"),
        (lambda o, a, w: (o[:10], a, w), r"obs has batch size \(10,\); expected \[1024\]"),
        (lambda o, a, w: (o, a.index_fill(0, torch.tensor([3]), float("nan")), w), r"2 action values are NaN/inf"),
        (lambda o, a, w: (o, a, -w), r"weights must be finite, >= 0 and not all 0"),
        (lambda o, a, w: (o[:0], a[:0], None), r"no demonstrations"),
    ],
)
def test_bad_demonstrations_are_named(change, message: str) -> None:
    obs, actions = bimodal(2)
    actor = GenPOActor(obs, {"actor": ["policy"]}, "actor", 2, [8], "elu", time_embed_dim=4, time_hidden_dims=[8])
    obs, actions, weights = change(obs, actions, torch.ones(N))
    with pytest.raises(ValueError, match=message):
        behavior_clone(actor, obs, actions, weights=weights, epochs=1)
