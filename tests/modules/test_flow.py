"""The flow's math: exact inverse, constant log-determinant, a normalized density."""

from __future__ import annotations

import math

import pytest
import torch

from genpo_rsl.modules.flow import GenPOFlow


def make_flow(d: int, n: int, p: float, obs_dim: int = 6, dtype=torch.float32, seed: int = 0) -> GenPOFlow:
    torch.manual_seed(seed)
    # the paper's flow (z ~ N(0, I)): these tests check the map and its density; the σ modes: test_base_noise.py
    flow = GenPOFlow(
        d, obs_dim, [32, 32], "mish", n, p, time_embed_dim=8, time_hidden_dims=[16, 16], base_scale="fixed"
    )
    flow = flow.to(dtype)
    for param in flow.parameters():  # random nets with a velocity of order one, not a near-identity flow
        param.data.normal_(0.0, 0.5 / math.sqrt(max(param.shape[-1], 1)) if param.dim() > 1 else 0.1)
    return flow


@pytest.mark.parametrize("d", [1, 8, 21])
@pytest.mark.parametrize("n", [1, 5, 20])
@pytest.mark.parametrize("p", [0.5, 0.9, 0.99])
def test_round_trip(d: int, n: int, p: float) -> None:
    """≤1e-5 (float32) / ≤1e-10 (float64) wherever the map's conditioning allows it.

    The mixing contracts x - y by p² per step, so the inverse amplifies rounding by about p^(-2N) (1e12 for
    p = 0.5, N = 20: no finite-precision inverse can be exact there). Where eps·p^(-2N) exceeds the tolerance,
    the bound is 16·eps·p^(-2N), i.e. the inverse loses nothing beyond what the conditioning forces.
    """
    for dtype, tol in ((torch.float32, 1e-5), (torch.float64, 1e-10)):
        tol = max(tol, 16 * torch.finfo(dtype).eps * p ** (-2 * n))
        flow = make_flow(d, n, p, dtype=dtype)
        gen = torch.Generator().manual_seed(1)
        z = torch.randn(256, 2 * d, generator=gen, dtype=dtype)
        obs = torch.randn(256, 6, generator=gen, dtype=dtype)
        with torch.no_grad():
            a = flow(z, obs)
            err = (flow.inverse(a, obs) - z).abs().max().item()
        assert err <= tol, f"{dtype} round trip error {err:.3g} > {tol} (d={d}, N={n}, p={p})"
        assert (a - z).abs().max() > 1e-2, "the flow must not be the identity"


@pytest.mark.parametrize("d,n,p", [(1, 5, 0.9), (3, 5, 0.5), (8, 5, 0.9), (4, 20, 0.99), (21, 2, 0.9)])
def test_autograd_log_det_is_the_closed_form(d: int, n: int, p: float) -> None:
    flow = make_flow(d, n, p, dtype=torch.float64)
    z, obs = torch.randn(8, 2 * d, dtype=torch.float64), torch.randn(8, 6, dtype=torch.float64)
    log_det = flow.forward_log_det_autograd(z, obs)
    assert torch.allclose(log_det, torch.full_like(log_det, 2 * d * n * math.log(p)), atol=1e-4)
    assert flow.log_det == pytest.approx(2 * d * n * math.log(p))


def test_jacobian_log_prob_matches_closed_form_with_gradients() -> None:
    flow = make_flow(3, 5, 0.9)
    a, obs = torch.randn(16, 6), torch.randn(16, 6)
    closed, z1 = flow.log_prob(a, obs)
    jac, z2 = flow.log_prob_jacobian(a, obs)
    assert torch.allclose(closed, jac, atol=1e-4) and torch.equal(z1, z2)
    g1 = torch.autograd.grad(closed.sum(), flow.velocity.input_layer.weight)[0]
    g2 = torch.autograd.grad(jac.sum(), flow.velocity.input_layer.weight)[0]
    assert torch.allclose(g1, g2, atol=1e-4)


def test_density_integrates_to_one_on_a_grid() -> None:
    """d = 1: the dummy action is 2-D; integrate exp(log π) over a fine grid."""
    flow = make_flow(1, 5, 0.9, dtype=torch.float64)
    obs = torch.randn(1, 6, dtype=torch.float64)
    with torch.no_grad():
        samples = flow(torch.randn(20000, 2, dtype=torch.float64), obs.expand(20000, -1))
        lo, hi = samples.min(0).values - 1.0, samples.max(0).values + 1.0
        k = 400
        xs = torch.linspace(lo[0].item(), hi[0].item(), k, dtype=torch.float64)
        ys = torch.linspace(lo[1].item(), hi[1].item(), k, dtype=torch.float64)
        grid = torch.cartesian_prod(xs, ys)
        log_p, _ = flow.log_prob(grid, obs.expand(grid.shape[0], -1))
        cell = (xs[1] - xs[0]) * (ys[1] - ys[0])
        mass = (log_p.exp().sum() * cell).item()
    assert mass == pytest.approx(1.0, abs=0.01)


def test_density_matches_histogram_of_samples() -> None:
    """Probabilities of grid cells from the closed-form density agree with sample frequencies."""
    flow = make_flow(1, 3, 0.7, dtype=torch.float64, seed=3)
    obs = torch.randn(1, 6, dtype=torch.float64)
    n = 200000
    with torch.no_grad():
        samples = flow(torch.randn(n, 2, dtype=torch.float64), obs.expand(n, -1))
        edges = [torch.quantile(samples[:, i], torch.linspace(0.1, 0.9, 5, dtype=torch.float64)) for i in (0, 1)]
        counts = torch.zeros(4, 4, dtype=torch.float64)
        ix = torch.bucketize(samples[:, 0], edges[0]) - 1
        iy = torch.bucketize(samples[:, 1], edges[1]) - 1
        keep = (ix >= 0) & (ix < 4) & (iy >= 0) & (iy < 4)
        counts.index_put_((ix[keep], iy[keep]), torch.ones(int(keep.sum()), dtype=torch.float64), accumulate=True)
        freq = counts / n
        model = torch.zeros(4, 4, dtype=torch.float64)
        for i in range(4):
            for j in range(4):  # midpoint rule with a 40x40 sub-grid per cell
                xs = torch.linspace(edges[0][i].item(), edges[0][i + 1].item(), 41, dtype=torch.float64)
                ys = torch.linspace(edges[1][j].item(), edges[1][j + 1].item(), 41, dtype=torch.float64)
                xm, ym = (xs[1:] + xs[:-1]) / 2, (ys[1:] + ys[:-1]) / 2
                grid = torch.cartesian_prod(xm, ym)
                log_p, _ = flow.log_prob(grid, obs.expand(grid.shape[0], -1))
                model[i, j] = log_p.exp().sum() * (xs[1] - xs[0]) * (ys[1] - ys[0])
    big = freq > 0.005
    assert big.sum() >= 6
    rel = ((model - freq).abs() / freq)[big]
    assert rel.max().item() < 0.1, f"model vs histogram relative error {rel.max().item():.3f}"
