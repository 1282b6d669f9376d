"""Soak: 1000 GenPO updates per flow setting stay finite and keep the float32 inverse exact to its conditioning.

Tiny on purpose (8 envs x 2 steps, one epoch of one minibatch, 16-unit nets, one CPU thread): the 9 settings take
100-145 s on a shared 2-core CPU, 60% of it for N = 20 (2N velocity passes per inverse, per sample and per
compression sample).

The bound is 1e-4 where float32 allows it. The mixing contracts x - y by p² per step, so the inverse
amplifies rounding by about p^(-2N); where eps32·p^(-2N) exceeds 1e-4 the bound is 16·eps32·p^(-2N), the same
conditioning-aware tolerance as ``tests/modules/test_flow.py::test_round_trip``. Measured maxima over 1000 updates (float32):
N = 1: < 1e-6 for all p; N = 5: 1.6e-4 (p = 0.5), 1.4e-6 (p = 0.9), 1e-6 (p = 0.99); N = 20: 1.9e5 (p = 0.5: the
inverse is numerically meaningless there; the run stays finite but does not learn), 3.3e-5 (p = 0.9), 1.7e-6
(p = 0.99). ``GenPOActor`` warns at construction exactly for the two settings with eps32·p^(-2N) > 1e-4.
"""

from __future__ import annotations

import contextlib
import io
import math
import warnings

import pytest
import torch
from rsl_rl.runners import OnPolicyRunner

from genpo_rsl.toy_env import PointReachEnv, train_cfg
from genpo_rsl.utils.settings import ROUNDTRIP_WARN

EPS32 = torch.finfo(torch.float32).eps
UPDATES = 1000


def tiny_runner(num_flow_steps: int, mix_p: float) -> OnPolicyRunner:
    """Build the smallest sensible GenPO run on PointReach (the runner and algorithm are the stock ones)."""
    cfg = train_cfg("genpo", num_learning_epochs=1, num_mini_batches=1)
    cfg["num_steps_per_env"] = 2
    cfg["critic"]["hidden_dims"] = [16]
    cfg["actor"].update(
        hidden_dims=[16],
        activation="mish",
        num_flow_steps=num_flow_steps,
        mix_p=mix_p,
        time_embed_dim=8,
        time_hidden_dims=[8],
    )
    torch.manual_seed(0)
    with contextlib.redirect_stdout(io.StringIO()):  # rsl_rl prints the model summaries
        return OnPolicyRunner(PointReachEnv(num_envs=8, seed=0), cfg, log_dir=None, device="cpu")


@pytest.fixture
def one_thread():
    """Run on one intra-op thread: these tensors are tiny, so threads only add overhead on a shared CPU."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.parametrize("num_flow_steps", [1, 5, 20])
@pytest.mark.parametrize("mix_p", [0.5, 0.9, 0.99])
def test_1000_updates_stay_finite_and_invertible(num_flow_steps: int, mix_p: float, one_thread) -> None:
    conditioning = EPS32 * mix_p ** (-2 * num_flow_steps)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runner = tiny_runner(num_flow_steps, mix_p)
    ill_conditioned = [w for w in caught if "ill-conditioned" in str(w.message)]
    assert bool(ill_conditioned) == (conditioning > ROUNDTRIP_WARN), [str(w.message) for w in caught]

    history: list[dict[str, float]] = []
    update = runner.alg.update
    runner.alg.update = lambda: history.append(update()) or history[-1]  # type: ignore[method-assign]
    runner.learn(UPDATES)  # raises GenPONumericalError on any non-finite action, log-prob or parameter

    assert len(history) == UPDATES and runner.alg.iteration == UPDATES
    assert all(math.isfinite(value) for losses in history for value in losses.values())
    assert all(losses["nonfinite_fraction"] == 0.0 for losses in history)
    for name, param in runner.alg.actor.named_parameters():
        assert torch.isfinite(param).all(), name
    worst = max(losses["roundtrip_error"] for losses in history)
    tolerance = max(1e-4, 16 * conditioning)
    assert worst <= tolerance, f"N={num_flow_steps}, p={mix_p}: round-trip error {worst:.3g} > {tolerance:.3g}"
