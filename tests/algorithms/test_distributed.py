"""Two CPU ranks (gloo) updating on the two halves of one batch equal one process updating on the whole batch.

rsl_rl's runner only starts NCCL on CUDA, so this drives the algorithm directly, built the runner's way
(``GenPO.construct_algorithm`` with ``cfg["multi_gpu"]``). Covered: the initial broadcast (rank 1 starts from other
weights), the gradient all-reduce over actor and critic, the KL all-reduce and learning-rate broadcast of the
adaptive schedule (desired_kl=1e-4: the rate moves in a later epoch), and the normalizer statistics, which rsl_rl's
``EmpiricalNormalization.update`` merges over ranks itself.

Made equal by construction, because rsl_rl does these per rank (see ``GenPO``'s docstring):
- the advantages are stored already normalized over the whole batch (``compute_returns`` normalizes per rank);
- one minibatch per epoch, so the per-rank shuffle only reorders a mean (equal halves: mean of means = mean);
- the compression loss's "fresh" noise is a fixed function of the observation row, so that both runs draw the same
  noise for the same sample whatever the shuffle (with torch's own RNG each rank draws independent noise: equal in
  distribution to one process, not bitwise).

Run in float64 (parameters agree to ~6e-16: the semantics are identical) and float32 (see ``TOLERANCE``).
"""

from __future__ import annotations

import contextlib
import io
import os

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from toy_helpers import collect_rollout

from genpo_rsl import GenPO
from genpo_rsl.toy_env import PointReachEnv, train_cfg
from genpo_rsl.utils.rsl_version import rsl_rl_version

NUM_ENVS, NUM_STEPS, WORLD = 16, 8, 2
SEED = 2
"""Initial weights of the reference and rank 0 (rank r: SEED + r): the KL estimate of this batch is positive in a
later epoch in float32 and float64, so the adaptive rate moves (its sign depends on the initialisation)."""
TOLERANCE = {torch.float64: 1e-6, torch.float32: 1e-5}
"""Parameter tolerance, rank vs one process. float64 measures ~6e-16. float32 measures ~1.2e-6 on one weight of 1024:
the all-reduce sums the gradient in another order, and Adam divides by sqrt(v) + 1e-8, which turns the relative
rounding of a ~1e-8 gradient into a visible share of a ~1e-3 step; that is float32 arithmetic, not semantics."""
FIELDS = ("actions", "rewards", "dones", "values", "actions_log_prob", "returns", "advantages")


def build(num_envs: int, seed: int, multi_gpu: dict | None) -> GenPO:
    """Build GenPO exactly as ``OnPolicyRunner`` does, with normalizers and a rate that adapts."""
    cfg = train_cfg("genpo", num_learning_epochs=4, num_mini_batches=1, compression_coef=0.5, desired_kl=1e-4)
    cfg["num_steps_per_env"] = NUM_STEPS
    cfg["actor"].update(obs_normalization=True, hidden_dims=[32, 32])
    cfg["critic"].update(obs_normalization=True, hidden_dims=[32, 32])
    cfg["multi_gpu"] = multi_gpu
    env = PointReachEnv(num_envs=num_envs, seed=0)
    torch.manual_seed(seed)
    with contextlib.redirect_stdout(io.StringIO()):
        return GenPO.construct_algorithm(env.get_observations(), env, cfg, "cpu")


def row_noise(latent: torch.Tensor) -> torch.Tensor:
    """Deterministic stand-in for ``GenPOFlow.sample_latent``: the same conditioning row always gets the same noise."""
    weight = torch.randn(latent.shape[1], 4, generator=torch.Generator().manual_seed(7), dtype=latent.dtype)
    return torch.sin(3.0 * latent @ weight)


def collect_batch(alg: GenPO) -> dict:
    """Roll out once (fixed seed) and return the filled storage tensors (advantages normalized over all of it)."""
    collect_rollout(alg, PointReachEnv(num_envs=NUM_ENVS, seed=1), NUM_STEPS)
    st = alg.storage
    batch = {name: getattr(st, name).clone() for name in FIELDS}
    batch["observations"] = st.observations.clone()
    batch["latent"] = st.distribution_params[0].clone()  # type: ignore[index]
    return batch


def fill(alg: GenPO, batch: dict, envs: slice) -> None:
    """Put the env columns ``envs`` of ``batch`` into the storage, as if this rank had collected them."""
    st = alg.storage
    for name in FIELDS:
        getattr(st, name).copy_(batch[name][:, envs])
    st.observations.copy_(batch["observations"][:, envs])
    st.distribution_params = (batch["latent"][:, envs].clone(),)
    st.step = NUM_STEPS


def result(alg: GenPO, losses: dict) -> dict:
    """Return what the comparison needs: model states (normalizers included), learning rate, losses."""
    return {
        "actor": {k: v.clone() for k, v in alg.actor.state_dict().items()},
        "critic": {k: v.clone() for k, v in alg.critic.state_dict().items()},
        "lr": alg.learning_rate,
        "losses": losses,
    }


def _rank(rank: int, init_file: str, batch_path: str, out_dir: str, dtype: torch.dtype) -> None:
    """One rank: build with its own seed, take rank 0's weights, update on its half of the batch."""
    torch.set_num_threads(1)
    torch.set_default_dtype(dtype)
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=WORLD)
    try:
        multi_gpu = {"global_rank": rank, "local_rank": rank, "world_size": WORLD}  # as OnPolicyRunner fills it
        alg = build(NUM_ENVS // WORLD, seed=SEED + rank, multi_gpu=multi_gpu)
        before = alg.actor.flow.velocity.input_layer.weight.clone()
        alg.broadcast_parameters()
        broadcast_changed_weights = not torch.equal(before, alg.actor.flow.velocity.input_layer.weight)
        half = NUM_ENVS // WORLD
        fill(alg, torch.load(batch_path, weights_only=False), slice(rank * half, (rank + 1) * half))
        alg.actor.flow.sample_latent = lambda n, like: row_noise(like)  # type: ignore[method-assign]
        out = result(alg, alg.update())
        out["broadcast_changed_weights"] = broadcast_changed_weights
        torch.save(out, os.path.join(out_dir, f"rank{rank}.pt"))
    finally:
        dist.destroy_process_group()


@pytest.fixture(scope="module", params=[torch.float64, torch.float32], ids=["float64", "float32"])
def runs(request, tmp_path_factory) -> tuple[dict, list[dict], dict]:
    """The single-process reference and the two ranks' results (computed once per dtype)."""
    tmp = tmp_path_factory.mktemp("dist")
    default_dtype = torch.get_default_dtype()
    torch.set_default_dtype(request.param)
    try:
        reference = build(NUM_ENVS, seed=SEED, multi_gpu=None)
        batch = collect_batch(reference)
        torch.save(batch, tmp / "batch.pt")
        reference.actor.flow.sample_latent = lambda n, like: row_noise(like)  # type: ignore[method-assign]
        expected = result(reference, reference.update())
    finally:
        torch.set_default_dtype(default_dtype)
    args = (str(tmp / "init"), str(tmp / "batch.pt"), str(tmp), request.param)
    mp.spawn(_rank, args=args, nprocs=WORLD, join=True)
    ranks = [torch.load(tmp / f"rank{r}.pt", weights_only=False) for r in range(WORLD)]
    return expected, ranks, batch


MERGES_NORMALIZERS = tuple(int(x) for x in rsl_rl_version().split(".")[:2]) >= (5, 5)
"""rsl-rl-lib 5.5 all-reduces the normalizer statistics; 5.4 (mjlab's pin) keeps one per rank, for PPO as for GenPO."""


def compared(state: dict) -> dict:
    """The state entries the ranks must agree on: all, or all but the normalizers where rsl_rl keeps them per rank."""
    return {k: v for k, v in state.items() if MERGES_NORMALIZERS or not k.startswith("obs_normalizer.")}


def test_two_ranks_equal_one_process_on_the_whole_batch(runs) -> None:
    expected, ranks, _ = runs
    assert expected["lr"] != train_cfg()["algorithm"]["learning_rate"], "the adaptive rate must move in this test"
    tolerance = TOLERANCE[expected["actor"]["flow.velocity.input_layer.weight"].dtype]
    for out in ranks:
        # rsl_rl broadcasts the rate as a float32 tensor: 0.0015 arrives as 0.001500000013 (PPO does the same)
        assert out["lr"] == pytest.approx(expected["lr"], rel=1e-7)
        for model in ("actor", "critic"):
            for key, value in compared(expected[model]).items():
                diff = (out[model][key].double() - value.double()).abs().max().item()
                assert diff <= tolerance, f"{model}.{key}: rank differs from one process by {diff:.3g}"
        assert out["losses"]["kl"] == pytest.approx(expected["losses"]["kl"], rel=1e-4, abs=1e-9)  # all-reduced KL


def test_ranks_are_identical_after_broadcast_and_update(runs) -> None:
    _, (rank0, rank1), _ = runs
    assert not rank0["broadcast_changed_weights"] and rank1["broadcast_changed_weights"]
    for model in ("actor", "critic"):
        for key, value in compared(rank0[model]).items():
            assert torch.equal(value, rank1[model][key]), f"{model}.{key} differs between ranks"
    assert rank0["lr"] == rank1["lr"]


@pytest.mark.skipif(not MERGES_NORMALIZERS, reason=f"rsl-rl-lib {rsl_rl_version()} keeps a normalizer per rank")
def test_normalizer_statistics_are_merged_over_ranks(runs) -> None:
    """Each rank saw half of the observations, yet holds the statistics of all of them (rsl_rl all-reduces)."""
    _, ranks, batch = runs
    obs = batch["observations"]["policy"].flatten(0, 1)
    for out in ranks:
        for model in ("actor", "critic"):
            assert int(out[model]["obs_normalizer.count"]) == obs.shape[0]
            assert torch.allclose(out[model]["obs_normalizer._mean"][0], obs.mean(0), atol=1e-6)
            assert torch.allclose(out[model]["obs_normalizer._var"][0], obs.var(0, unbiased=False), atol=1e-5)
