"""``GenPO(cuda_graphs=True)``: replayed CUDA graphs give the eager numbers; on a CPU the key warns and runs eagerly.

The CUDA tests run wherever a GPU is present (the lent GPU machine runs them with ``bench/gpu_device.sh``).
"""

from __future__ import annotations

import copy

import pytest
import torch
from rsl_rl.runners import OnPolicyRunner
from toy_helpers import collect_rollout

from bench.standin_env import StandinEnv
from genpo_rsl.modules.cuda_graphs import FlowGraphs
from genpo_rsl.toy_env import PointReachEnv, train_cfg

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA graphs need a GPU")


def make_runner(env, device: str, cuda_graphs: bool, **alg) -> OnPolicyRunner:
    """The stock runner with GenPO on ``env``; the same seed gives the same initial parameters."""
    torch.manual_seed(0)
    return OnPolicyRunner(env, train_cfg("genpo", cuda_graphs=cuda_graphs, **alg), log_dir=None, device=device)


def updates_agree(eager: OnPolicyRunner, graphs: OnPolicyRunner, iterations: int, tol: float) -> None:
    """Run ``iterations`` rollouts with ``eager``; update both from the same storage and RNG; compare.

    Exact on a CPU. On a GPU a graph capture moves the CUDA generator's offset, so the later minibatches draw other
    compression latents: there the minibatch steps are compared one by one (:func:`minibatch_steps`).
    """
    env = eager.env
    for _ in range(iterations):
        graphs.alg.actor.load_state_dict(eager.alg.actor.state_dict())
        graphs.alg.critic.load_state_dict(eager.alg.critic.state_dict())
        graphs.alg.optimizer.load_state_dict(eager.alg.optimizer.state_dict())
        graphs.alg.learning_rate = eager.alg.learning_rate
        collect_rollout(eager.alg, env, eager.cfg["num_steps_per_env"])
        graphs.alg.storage = copy.deepcopy(eager.alg.storage)
        torch.manual_seed(1)
        losses_eager = eager.alg.update()
        torch.manual_seed(1)
        losses_graphs = graphs.alg.update()
        for key, value in losses_eager.items():
            assert losses_graphs[key] == pytest.approx(value, rel=tol, abs=tol), key
        for (name, a), b in zip(eager.alg.actor.named_parameters(), graphs.alg.actor.parameters(), strict=True):
            assert torch.allclose(a, b, rtol=tol, atol=tol), name


def test_bad_value_is_named() -> None:
    with pytest.raises(ValueError, match=r"cuda_graphs='yes' is invalid; allowed: True or False"):
        make_runner(PointReachEnv(num_envs=8), "cpu", "yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"allow_tf32=1 is invalid; allowed: True or False"):
        make_runner(PointReachEnv(num_envs=8), "cpu", False, allow_tf32=1)


def tf32_matmuls_on() -> bool:
    """Whether CUDA matmuls may use TF32, read through the API this torch has (reading the old one after the new one
    was set raises)."""
    matmul = torch.backends.cuda.matmul
    return matmul.fp32_precision == "tf32" if hasattr(matmul, "fp32_precision") else matmul.allow_tf32


@pytest.mark.parametrize("caller_api", ["allow_tf32", "fp32_precision"])
def test_genpo_restores_the_callers_tf32_setting(caller_api: str) -> None:
    """GenPO's work runs without TF32 (unless ``allow_tf32``); the global setting the caller chose is left as it was,
    whichever of torch's two APIs set it: ``isaaclab train`` sets ``allow_tf32 = True``, mjlab's ``train`` sets
    ``fp32_precision = "tf32"`` (torch >= 2.9; reading ``allow_tf32`` after that raises)."""
    matmul, cudnn = torch.backends.cuda.matmul, torch.backends.cudnn
    if not hasattr(matmul, caller_api):
        pytest.skip(f"torch {torch.__version__} has no {caller_api}")
    runner = make_runner(PointReachEnv(num_envs=32), "cpu", False)
    seen = []
    runner.alg.actor.flow.register_forward_pre_hook(lambda *_: seen.append(tf32_matmuls_on()))
    on = True if caller_api == "allow_tf32" else "tf32"
    saved = getattr(matmul, caller_api), getattr(cudnn, caller_api)
    try:
        setattr(matmul, caller_api, on)
        setattr(cudnn, caller_api, on)
        runner.learn(1)
        assert seen and not any(seen)
        assert (getattr(matmul, caller_api), getattr(cudnn, caller_api)) == (on, on)
    finally:
        setattr(matmul, caller_api, saved[0])
        setattr(cudnn, caller_api, saved[1])


def test_on_cpu_the_key_warns_and_runs_eagerly() -> None:
    eager = make_runner(PointReachEnv(num_envs=32), "cpu", False)
    graphs = make_runner(PointReachEnv(num_envs=32), "cpu", True)
    with pytest.warns(UserWarning, match="cuda_graphs=True needs a CUDA device; running eagerly on cpu"):
        updates_agree(eager, graphs, iterations=1, tol=0.0)
    assert graphs.alg.flow_graphs is None


@cuda
def test_sample_graph_replays_fresh_latents_through_the_current_flow() -> None:
    runner = make_runner(StandinEnv(256, 12, 4, device="cuda"), "cuda", True)
    flow = runner.alg.actor.flow
    graphs = FlowGraphs(flow)
    cond = torch.randn(256, flow.cond_dim, device="cuda")
    _, z, _ = graphs.sample(cond)
    _, z2, _ = graphs.sample(cond)  # outputs are copies: the second replay leaves the first result alone
    assert not torch.equal(z, z2)  # new random numbers at every replay
    assert 0.9 < z2.std().item() < 1.1
    with torch.no_grad():
        for p in flow.parameters():
            p.add_(0.01)  # the graph reads the parameters in place: an update is seen by the next replay
        dummy3, z3, log_prob3 = graphs.sample(cond)
        torch.testing.assert_close(dummy3, flow(z3, cond), rtol=1e-5, atol=1e-5)
        torch.testing.assert_close(log_prob3, flow.latent_log_prob(z3, cond), rtol=1e-6, atol=1e-6)


def minibatch_steps(runner: OnPolicyRunner, batches: list, seed: int) -> list[tuple[float, list[torch.Tensor]]]:
    """Run the update's minibatch steps on ``batches`` (same noise per step); return each loss and gradients."""
    alg, out = runner.alg, []
    for k, batch in enumerate(batches):
        torch.manual_seed(seed + k)  # the compression's fresh latents
        loss, _ = alg.minibatch_loss(batch, first=k == 0)
        alg.optimizer.zero_grad()
        loss.backward()
        out.append((loss.item(), [p.grad.clone() for p in alg.actor.parameters() if p.grad is not None]))
        alg.clip_gradients()
        alg.optimizer.step()
    return out


@cuda
@pytest.mark.parametrize("alg", [{}, {"compression_fraction": 0.25}])
def test_graph_minibatch_steps_equal_eager_steps(alg: dict) -> None:
    """Every minibatch of an update (20 replays, parameters changing in place) gives the eager loss and gradients."""
    env = StandinEnv(256, 12, 4, device="cuda")
    eager = make_runner(env, "cuda", False, **alg)
    graphs = make_runner(env, "cuda", True, **alg)
    collect_rollout(eager.alg, env, eager.cfg["num_steps_per_env"])
    graphs.alg.storage = copy.deepcopy(eager.alg.storage)
    torch.manual_seed(1)
    eager_batches = list(eager.alg.minibatches())
    torch.manual_seed(1)
    graph_batches = list(graphs.alg.minibatches())
    results = zip(minibatch_steps(eager, eager_batches, 7), minibatch_steps(graphs, graph_batches, 7), strict=True)
    for k, ((loss_e, grads_e), (loss_g, grads_g)) in enumerate(results):
        assert loss_g == pytest.approx(loss_e, rel=1e-5, abs=1e-6), k
        assert len(grads_g) == len(grads_e)
        for a, b in zip(grads_e, grads_g, strict=True):
            torch.testing.assert_close(b, a, rtol=1e-4, atol=1e-5)
    assert graphs.alg.flow_graphs is not None and len(graphs.alg.flow_graphs._passes) == 1


@cuda
def test_graph_rollouts_round_trip_through_the_graph_update() -> None:
    """Rollouts sampled by the replayed graph invert exactly under the graphed minibatch passes (first minibatch)."""
    env = StandinEnv(512, 12, 4, device="cuda")
    runner = make_runner(env, "cuda", True)
    for _ in range(3):
        collect_rollout(runner.alg, env, runner.cfg["num_steps_per_env"])
        losses = runner.alg.update()
        assert losses["roundtrip_error"] < 1e-4 and abs(losses["kl"]) < 0.1
    graphs = runner.alg.flow_graphs
    assert graphs is not None and len(graphs._samples) == 1 and len(graphs._passes) == 1  # captured once each
