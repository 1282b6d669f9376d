"""Maximum-likelihood cloning into rsl_rl's stock Gaussian actor (``genpo_rsl.warm_start.gaussian_cloning``): the baseline."""

from __future__ import annotations

import pytest
import torch
from rsl_rl.models import MLPModel
from tensordict import TensorDict

from genpo_rsl.warm_start.gaussian_cloning import current_std, gaussian_clone, gaussian_nll

N, OBS = 4096, 3
W = torch.tensor([[0.8, -0.5, 0.3], [0.2, 0.6, -0.4]])
B = torch.tensor([0.1, -0.2])
SIGMA = torch.tensor([0.3, 0.1])
"""The expert: ``a = W s + b + σ ε`` with ``ε ~ N(0, I)``, so the maximum-likelihood clone is ``μ(s) = W s + b``, σ."""


def linear_gaussian_expert(n: int, seed: int) -> tuple[TensorDict, torch.Tensor]:
    """``(obs, actions)`` of the linear-Gaussian expert on states ``s ~ N(0, I)``."""
    gen = torch.Generator().manual_seed(seed)
    states = torch.randn(n, OBS, generator=gen)
    actions = states @ W.T + B + SIGMA * torch.randn(n, 2, generator=gen)
    return TensorDict({"policy": states}, batch_size=[n]), actions


def stock_actor(obs: TensorDict, std_type: str = "scalar") -> MLPModel:
    """rsl_rl's Gaussian ``MLPModel`` as the stock PPO config builds it (init std 1)."""
    distribution = {"class_name": "GaussianDistribution", "init_std": 1.0, "std_type": std_type}
    return MLPModel(obs, {"actor": ["policy"]}, "actor", 2, [64, 64], "elu", distribution_cfg=distribution)


@pytest.mark.parametrize("std_type", ["scalar", "log"])
def test_recovers_a_linear_gaussian_expert(std_type: str) -> None:
    torch.manual_seed(0)
    obs, actions = linear_gaussian_expert(N, seed=0)
    actor = stock_actor(obs, std_type)
    history = gaussian_clone(actor, obs, actions, epochs=40, learning_rate=3e-3)
    assert len(history) == 40 and history[-1] < history[0] - 1.0
    test_obs, test_actions = linear_gaussian_expert(2000, seed=1)
    with torch.no_grad():
        error = actor(test_obs) - (test_obs["policy"] @ W.T + B)  # the deterministic output is the mean
        nll = gaussian_nll(actor, test_obs, test_actions, torch.ones(2000)).item()
    assert error.abs().mean() < 0.05, error.abs().mean(0)
    torch.testing.assert_close(current_std(actor.distribution), SIGMA, rtol=0.1, atol=0.0)
    # on fresh data the clone's NLL is the expert's own (its entropy), within 0.1 nats
    entropy = 0.5 * torch.log(2 * torch.pi * torch.e * SIGMA**2).sum().item()
    assert abs(nll - entropy) < 0.1, (nll, entropy)


def test_std_floor_binds_where_the_data_is_sharper_and_zero_weights_do_not_count() -> None:
    """σ = max(σ_min, the maximum-likelihood σ) per dimension; after every step too; weight-0 rows are ignored."""
    torch.manual_seed(0)
    obs, actions = linear_gaussian_expert(N, seed=0)
    outliers = actions[:512] + 5.0  # wrong actions with weight 0
    obs, actions = torch.cat([obs, obs[:512]]), torch.cat([actions, outliers])
    weights = torch.cat([torch.ones(N), torch.zeros(512)])
    actor, floor = stock_actor(obs), torch.tensor([0.5, 0.05])
    during: list[torch.Tensor] = []
    gaussian_clone(
        actor,
        obs,
        actions,
        min_std=floor,
        weights=weights,
        epochs=30,
        learning_rate=3e-3,
        on_epoch=lambda epoch, nll: during.append(current_std(actor.distribution).clone()),
    )
    std = current_std(actor.distribution)
    assert std[0] == 0.5  # the floor: the data's 0.3 is sharper
    assert abs(std[1] - SIGMA[1]) < 0.01  # maximum likelihood: the data's 0.1 is above the floor 0.05
    assert all((s >= floor).all() for s in during)
    torch.manual_seed(0)
    scalar_floor = stock_actor(obs)
    gaussian_clone(scalar_floor, obs, actions, min_std=0.2, weights=weights, epochs=30, learning_rate=3e-3)
    assert current_std(scalar_floor.distribution)[1] == pytest.approx(0.2) and std[0] > 0.2


@pytest.mark.parametrize(
    ("min_std", "message"),
    [
        (0.0, r"min_std=0.0 is invalid; allowed: finite values > 0, one float or \[2\]"),
        (-0.1, r"min_std=-0.1 is invalid"),
        (float("nan"), r"min_std=nan is invalid"),
        (torch.tensor([0.1, 0.2, 0.3]), r"min_std=\[0.1.*\] is invalid; allowed: .* one float or \[2\]"),
    ],
)
def test_bad_std_floor_is_named(min_std, message: str) -> None:
    obs, actions = linear_gaussian_expert(64, seed=0)
    actor = stock_actor(obs)
    before = current_std(actor.distribution).clone()
    with pytest.raises(ValueError, match=message):
        gaussian_clone(actor, obs, actions, min_std=min_std, epochs=1)
    assert torch.equal(current_std(actor.distribution), before)  # refused before anything was fitted


def test_only_the_stock_gaussian_actor_is_accepted_and_bad_demonstrations_are_named() -> None:
    obs, actions = linear_gaussian_expert(64, seed=0)
    critic_like = MLPModel(obs, {"critic": ["policy"]}, "critic", 2, [8])  # no distribution
    with pytest.raises(ValueError, match=r"has distribution NoneType; allowed: rsl_rl's MLPModel with .*Gaussian"):
        gaussian_clone(critic_like, obs, actions, min_std=0.1, epochs=1)
    hetero = {"class_name": "HeteroscedasticGaussianDistribution"}
    state_dependent = MLPModel(obs, {"actor": ["policy"]}, "actor", 2, [8], distribution_cfg=hetero)
    with pytest.raises(ValueError, match=r"HeteroscedasticGaussianDistribution; allowed"):
        gaussian_clone(state_dependent, obs, actions, min_std=0.1, epochs=1)
    with pytest.raises(ValueError, match=r"gaussian_clone: actions of shape \(64, 1\) are invalid; expected \[n, 2\]"):
        gaussian_clone(stock_actor(obs), obs, actions[:, :1], min_std=0.1, epochs=1)
