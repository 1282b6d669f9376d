"""The actor-cost variants and their timing, used by ``bench/actor_cost.py`` and ``bench/bench_gpu.py``.

(a) Gaussian PPO (rsl_rl's ``MLPModel``), (b) GenPO's closed-form likelihood, (b0) (b) with torch's own ``nn.Mish``
in the flow, (b') (b) with the velocity MLP through ``torch.compile``, (c) the released code's autograd Jacobian,
(d) the floor: 2N passes of a bare MLP of the velocity's sizes. :func:`measure` times one rollout ``act()`` and one
update minibatch (likelihood + backward) of each; :func:`measure_compiled` times (b') alone.
"""

from __future__ import annotations

import copy
import itertools
import statistics
import time
from collections.abc import Callable

import torch
from rsl_rl.models import MLPModel
from tensordict import TensorDict

from genpo_rsl import GenPOActor
from genpo_rsl.modules.mish import Mish

SIZES = {"ant": (60, 8), "humanoid": (87, 21)}
HIDDEN = [400, 200, 100]
N_STEPS, TIME_DIM, TIME_HIDDEN = 5, 32, [256, 256]


def timeit(fn: Callable[[], object], repeats: int, device: str) -> float:
    """Return the median wall time of ``fn`` over ``repeats`` runs after one warm-up."""
    fn()
    times = []
    for _ in range(repeats):
        sync(device)
        start = time.perf_counter()
        fn()
        sync(device)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sync(device: str) -> None:
    """Wait for the device's queued work (CUDA); a no-op on the CPU."""
    if str(device).startswith("cuda"):
        torch.cuda.synchronize()


def build(
    obs_dim: int, d: int, batch: int, device: str, hidden: list[int] | None = None
) -> tuple[TensorDict, MLPModel, GenPOActor, torch.nn.Module]:
    """Return observations, a Gaussian actor, a GenPO actor and the floor MLP (concat input, same hidden sizes)."""
    hidden = HIDDEN if hidden is None else hidden
    obs = TensorDict({"policy": torch.randn(batch, obs_dim, device=device)}, batch_size=[batch])
    groups = {"actor": ["policy"]}
    gauss = MLPModel(
        obs,
        groups,
        "actor",
        d,
        hidden,
        "mish",
        distribution_cfg={"class_name": "GaussianDistribution", "init_std": 1.0},
    ).to(device)
    genpo = GenPOActor(
        obs,
        groups,
        "actor",
        d,
        hidden,
        "mish",
        num_flow_steps=N_STEPS,
        time_embed_dim=TIME_DIM,
        time_hidden_dims=TIME_HIDDEN,
    ).to(device)
    dims = [d + obs_dim + TIME_DIM, *hidden]
    layers = [m for a, b in itertools.pairwise(dims) for m in (torch.nn.Linear(a, b), torch.nn.Mish())]
    floor = torch.nn.Sequential(*layers, torch.nn.Linear(hidden[-1], d)).to(device)
    return obs, gauss, genpo, floor


def genpo_act(actor: GenPOActor, obs: TensorDict) -> None:
    """One GenPO rollout step: sample ``(ã, z, log π)`` without autograd."""
    with torch.inference_mode():
        actor.sample(obs)


def genpo_update(actor: GenPOActor, obs: TensorDict, dummy: torch.Tensor) -> None:
    """One GenPO update minibatch: closed-form likelihood of the stored dummy actions + backward."""
    log_prob, _ = actor.log_prob(obs, dummy)
    log_prob.mean().backward()


def measure(
    size: str,
    batch: int,
    device: str,
    repeats: int,
    compiled: bool = False,
    dims: tuple[int, int] | None = None,
    hidden: list[int] | None = None,
    jacobian: bool = True,
) -> dict[str, float]:
    """Time act() and one update minibatch (likelihood + backward) for the variants.

    ``dims`` (obs, actions) and ``hidden`` default to ``SIZES[size]`` and ``HIDDEN``; ``jacobian=False`` leaves (c) out.
    """
    obs_dim, d = SIZES[size] if dims is None else dims
    obs, gauss, genpo, floor = build(obs_dim, d, batch, device, hidden)
    dummy = sample_dummy(genpo, obs)
    actions = gauss(obs, stochastic_output=True).detach()
    rows = torch.cat(
        [torch.randn(batch, d, device=device), obs["policy"], torch.randn(batch, TIME_DIM, device=device)], -1
    )

    def gauss_act() -> None:
        with torch.inference_mode():
            a = gauss(obs, stochastic_output=True)
            gauss.get_output_log_prob(a)

    def gauss_update() -> None:
        gauss(obs, stochastic_output=True)
        (gauss.get_output_log_prob(actions).mean() + gauss.output_entropy.mean()).backward()

    def jacobian_act() -> None:  # the released code: forward sample plus a detached Jacobian log-det
        with torch.no_grad():
            latent = genpo.get_latent(obs)
            z = torch.randn(batch, 2 * d, device=device)
            genpo.flow(z, latent)
            genpo.flow.forward_log_det_autograd(z, latent)

    def jacobian_update() -> None:
        log_prob, _ = genpo.flow.log_prob_jacobian(dummy, genpo.get_latent(obs))
        log_prob.mean().backward()

    def floor_update() -> None:
        out = rows
        total = 0.0
        for _ in range(2 * N_STEPS):
            total = total + floor(out).sum()
        total.backward()

    result = {
        "a_gauss_act": timeit(gauss_act, repeats, device),
        "a_gauss_update": timeit(gauss_update, repeats, device),
        "b_genpo_act": timeit(lambda: genpo_act(genpo, obs), repeats, device),
        "b_genpo_update": timeit(lambda: genpo_update(genpo, obs, dummy), repeats, device),
        "d_floor_update": timeit(floor_update, repeats, device),
    }
    result["b/a act"] = result["b_genpo_act"] / result["a_gauss_act"]
    result["b/a update"] = result["b_genpo_update"] / result["a_gauss_update"]
    result["b/d update"] = result["b_genpo_update"] / result["d_floor_update"]
    result.update(measure_variant("b0", with_torch_mish(genpo), obs, dummy, repeats, device))
    if compiled:
        result.update(measure_variant("b'", compiled_copy(genpo), obs, dummy, repeats, device))
    if jacobian:  # last: the most memory-hungry variant
        result["c_jacobian_act"] = timeit(jacobian_act, max(1, repeats // 2), device)
        result["c_jacobian_update"] = timeit(jacobian_update, max(1, repeats // 2), device)
        result["c/b act"] = result["c_jacobian_act"] / result["b_genpo_act"]
        result["c/b update"] = result["c_jacobian_update"] / result["b_genpo_update"]
    return result


def sample_dummy(genpo: GenPOActor, obs: TensorDict) -> torch.Tensor:
    """Return stored-style dummy actions ``ã`` sampled from ``genpo`` (seeded, without autograd)."""
    torch.manual_seed(0)
    with torch.no_grad():
        dummy, _, _ = genpo.sample(obs)
    return dummy


def compiled_copy(genpo: GenPOActor) -> GenPOActor:
    """Return a copy of ``genpo`` whose velocity MLP runs through ``torch.compile`` (the runner's compile path)."""
    variant = copy.deepcopy(genpo)
    variant.flow.compile_velocity()
    return variant


def measure_compiled(
    dims: tuple[int, int], hidden: list[int], batch: int, device: str, repeats: int
) -> dict[str, float]:
    """Time (b') alone: GenPO with the velocity MLP compiled (first call, act, update), without the eager variants."""
    obs, _, genpo, _ = build(*dims, batch, device, hidden)
    dummy = sample_dummy(genpo, obs)
    return measure_variant("b'", compiled_copy(genpo), obs, dummy, repeats, device)


def with_torch_mish(genpo: GenPOActor) -> GenPOActor:
    """Return a copy of ``genpo`` whose flow uses ``torch.nn.Mish`` (the implementation before the one-exp kernel)."""
    variant = copy.deepcopy(genpo)
    for parent in list(variant.flow.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, Mish):
                setattr(parent, name, torch.nn.Mish())
    return variant


def measure_variant(
    key: str, variant: GenPOActor, obs: TensorDict, dummy: torch.Tensor, repeats: int, device: str
) -> dict[str, float]:
    """Time a GenPO variant: first act+update (compiling, if it compiles), then act and update as for (b)."""
    sync(device)
    start = time.perf_counter()
    genpo_act(variant, obs)
    genpo_update(variant, obs, dummy)
    sync(device)
    first = time.perf_counter() - start
    return {
        f"{key}_first_call": first,
        f"{key}_act": timeit(lambda: genpo_act(variant, obs), repeats, device),
        f"{key}_update": timeit(lambda: genpo_update(variant, obs, dummy), repeats, device),
    }
