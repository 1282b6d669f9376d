"""The base-noise modes of the GenPO flow (``base_scale``) and the exact entropy (``entropy_form``).

References are computed another way than the code under test: the log-density from an autograd Jacobian of the
forward map and ``torch.distributions.Normal``; the entropy by Monte Carlo; σ(s) of the ``"state"`` mode from its
definition written out here.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
import torch
from rsl_rl.runners import OnPolicyRunner
from toy_helpers import collect_rollout

from genpo_rsl import GenPOFlow
from genpo_rsl.modules.base_noise import BASE_SCALES, DEFAULT_STATE_RANGE
from genpo_rsl.toy_env import PointReachEnv, train_cfg

SIGMAS = torch.tensor([0.3, 0.7, 1.6], dtype=torch.float64)
"""Hand-set σ per action dimension (d = 3) for the parameter modes."""


def small_flow(mode: str, **keys) -> GenPOFlow:
    """A float64 flow with N = 2, d = 3, conditioning size 4, and a non-trivial σ set by hand."""
    torch.manual_seed(0)
    flow = GenPOFlow(3, 4, [16], "mish", 2, 0.9, 8, [8], base_scale=mode, **keys).double()
    noise = flow.base_noise
    with torch.no_grad():
        if mode == "learned":
            noise.log_scale_param.fill_(math.log(0.4))
        elif mode == "per_dim":
            noise.log_scale_param.copy_(SIGMAS.log())
        elif mode == "state":
            noise.head[-1].weight.normal_(0.0, 0.5)  # σ really depends on the state
    return flow


def reference_sigma(flow: GenPOFlow, cond: torch.Tensor) -> torch.Tensor:
    """σ per action dimension ``[B, d]`` from each mode's definition (not from ``BaseNoise.log_scale``)."""
    mode, n = flow.base_noise.mode, cond.shape[0]
    if mode == "fixed":
        return torch.ones(n, 3, dtype=cond.dtype)
    if mode == "learned":
        return torch.full((n, 3), 0.4, dtype=cond.dtype)
    if mode == "per_dim":
        return SIGMAS.expand(n, 3)
    low, high = (math.log(v) for v in DEFAULT_STATE_RANGE)
    return torch.exp(low + (high - low) * torch.sigmoid(flow.base_noise.head(cond)))


def make_runner(actor: dict | None = None, seed: int = 0, **alg) -> OnPolicyRunner:
    """The stock rsl_rl runner with GenPO on PointReachEnv (d = 2)."""
    torch.manual_seed(seed)
    cfg = train_cfg("genpo", **alg)
    cfg["actor"].update(actor or {})
    return OnPolicyRunner(PointReachEnv(num_envs=64, seed=seed), cfg, log_dir=None, device="cpu")


@pytest.mark.parametrize("mode", BASE_SCALES)
def test_log_density_is_exact_against_an_autograd_jacobian(mode: str) -> None:
    flow = small_flow(mode)
    cond = torch.randn(6, 4, dtype=torch.float64)
    z = flow.sample_latent(6, cond).detach()
    a = flow(z, cond)
    jac = torch.func.vmap(torch.func.jacrev(lambda zi, ci: flow(zi[None], ci[None])[0]))(z, cond)
    sigma = reference_sigma(flow, cond).detach()
    base = torch.distributions.Normal(0.0, torch.cat([sigma, sigma], -1)).log_prob(z).sum(-1)
    expected = base - torch.linalg.slogdet(jac)[1]
    log_prob, z_back = flow.log_prob(a, cond)
    torch.testing.assert_close(z_back, z, rtol=0, atol=1e-10)  # the inverse gives back the rollout latent
    torch.testing.assert_close(log_prob, expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("mode", BASE_SCALES)
def test_exact_entropy_equals_the_monte_carlo_entropy(mode: str) -> None:
    """``H(ã|s)`` in closed form equals ``−E log π(ã|s)`` over samples of one state, within sampling error."""
    flow = small_flow(mode)
    cond = torch.randn(1, 4, dtype=torch.float64).expand(20000, 4)
    with torch.no_grad():
        z = flow.sample_latent(20000, cond)
        log_prob, _ = flow.log_prob(flow(z, cond), cond)
        exact = flow.entropy(cond[:1])
    samples = -log_prob
    error = 4.0 * samples.std() / math.sqrt(samples.numel())  # 4 standard errors
    assert abs(samples.mean() - exact[0]).item() < error.item()


@pytest.mark.parametrize("mode", BASE_SCALES)
def test_zero_noise_action_does_not_depend_on_sigma(mode: str) -> None:
    flow = small_flow(mode)
    cond = torch.randn(5, 4, dtype=torch.float64)
    first = flow.zero_noise_action(cond)
    with torch.no_grad():
        for param in flow.base_noise.parameters():
            param.add_(0.3)
    torch.testing.assert_close(flow.zero_noise_action(cond), first, rtol=0, atol=0)
    torch.testing.assert_close(flow.zero_noise_action(cond), first, rtol=0, atol=0)


@pytest.mark.parametrize("mode", BASE_SCALES[1:])
def test_sigma_gets_a_gradient_from_the_likelihood(mode: str) -> None:
    flow = small_flow(mode)
    cond = torch.randn(8, 4, dtype=torch.float64)
    a = flow(flow.sample_latent(8, cond), cond).detach()
    flow.log_prob(a, cond)[0].sum().backward()
    grads = [p.grad for p in flow.base_noise.parameters()]
    assert grads and all(g is not None and torch.isfinite(g).all() and g.abs().sum() > 0 for g in grads)


@pytest.mark.parametrize("mode", BASE_SCALES)
def test_save_load_continue(tmp_path, mode: str) -> None:
    runner = make_runner({"base_scale": mode})
    runner.learn(2)
    path = os.path.join(tmp_path, "model.pt")
    runner.save(path)
    obs = runner.env.get_observations()
    resumed = make_runner({"base_scale": mode}, seed=5)
    resumed.load(path)
    for key, value in runner.alg.actor.state_dict().items():
        assert torch.equal(resumed.alg.actor.state_dict()[key], value), key
    dummy = runner.alg.actor.sample(obs)[0]
    torch.testing.assert_close(resumed.alg.actor.log_prob(obs, dummy)[0], runner.alg.actor.log_prob(obs, dummy)[0])
    resumed.learn(1)  # optimizer state (with σ's) continues


@pytest.mark.parametrize("mode", BASE_SCALES[1:])
def test_a_checkpoint_without_base_noise_loads_as_the_fixed_flow(tmp_path, mode: str) -> None:
    """An old (``"fixed"``) checkpoint loads into every mode with σ = 1: the same policy and likelihood."""
    fixed = make_runner({"base_scale": "fixed"})
    fixed.learn(1)
    path = os.path.join(tmp_path, "fixed.pt")
    fixed.save(path)
    other = make_runner({"base_scale": mode}, seed=3)
    other.load(path)  # no optimizer state for σ: loads the weights, starts a fresh optimizer
    obs = fixed.env.get_observations()
    dummy = fixed.alg.actor.sample(obs)[0]
    torch.testing.assert_close(other.alg.actor.log_prob(obs, dummy)[0], fixed.alg.actor.log_prob(obs, dummy)[0])
    assert other.alg.actor.flow.base_noise.mean_scale(obs["policy"]).item() == pytest.approx(1.0)
    other.learn(1)


def test_the_pre_mode_learned_scale_key_loads_into_learned() -> None:
    runner = make_runner({"base_scale": "learned"})
    state = runner.alg.actor.state_dict()
    state["flow.log_base_scale"] = state.pop("flow.base_noise.log_scale_param").fill_(math.log(0.5))
    fresh = make_runner({"learn_base_scale": True}, seed=2)
    fresh.alg.actor.load_state_dict(state)
    assert fresh.alg.actor.flow.base_noise.log_scale_param.exp().item() == pytest.approx(0.5)


def test_a_pre_mode_learned_run_resumes_with_each_parameters_adam_moments(tmp_path) -> None:
    """A run saved before the base-noise modes kept σ as ``flow.log_base_scale``, registered before the velocity
    MLP: its optimizer state lists σ's moments first. Resuming must hand every parameter its own moments (before the
    fix Adam met a scalar state for a [256, 32] weight and stopped the run)."""
    runner = make_runner({"base_scale": "learned"})
    runner.learn(2)
    actor_state = runner.alg.actor.state_dict()
    optimizer = runner.alg.optimizer.state_dict()
    names = [name for name, _ in runner.alg.actor.named_parameters()]
    sigma = names.index("flow.base_noise.log_scale_param")
    # the 0.2 layout, built by hand: σ's key renamed and moved first, its moments moved to position 0
    old_names = [names[sigma], *names[:sigma], *names[sigma + 1 :]]
    old_actor = {"flow.log_base_scale": actor_state["flow.base_noise.log_scale_param"]}
    old_actor.update({k: v for k, v in actor_state.items() if k != "flow.base_noise.log_scale_param"})
    moments = {name: optimizer["state"][i] for i, name in enumerate(names)}
    old_state = {i: moments[name] for i, name in enumerate(old_names)}
    old_state.update({i: s for i, s in optimizer["state"].items() if i >= len(names)})  # the critic's
    path = os.path.join(tmp_path, "old_layout.pt")
    torch.save(
        {
            **runner.alg.save(),
            "actor_state_dict": old_actor,
            "optimizer_state_dict": {**optimizer, "state": old_state},
            "iter": 2,
            "infos": None,
        },
        path,
    )
    resumed = make_runner({"learn_base_scale": True}, seed=4)
    resumed.load(path)
    loaded = resumed.alg.optimizer.state_dict()["state"]
    for i, name in enumerate(names):
        assert torch.equal(loaded[i]["exp_avg"], moments[name]["exp_avg"]), name
        assert torch.equal(loaded[i]["exp_avg_sq"], moments[name]["exp_avg_sq"]), name
    resumed.learn(1)
    assert torch.isfinite(resumed.alg.actor.flow.base_noise.log_scale_param).all()


def test_a_checkpoint_of_another_learned_mode_is_refused(tmp_path) -> None:
    runner = make_runner({"base_scale": "per_dim"})
    path = os.path.join(tmp_path, "model.pt")
    runner.save(path)
    with pytest.raises(ValueError, match=r"base_scale: checkpoint 'per_dim' vs config 'state'"):
        make_runner({"base_scale": "state"}).load(path)
    with pytest.raises(ValueError, match=r"base_scale: checkpoint 'per_dim' vs config 'fixed'"):
        make_runner({"base_scale": "fixed"}).load(path)


@pytest.mark.parametrize("mode", BASE_SCALES)
def test_onnx_export_matches_torch(tmp_path, mode: str) -> None:
    onnxruntime = pytest.importorskip("onnxruntime")
    runner = make_runner({"base_scale": mode, "obs_normalization": True})
    runner.learn(1)
    runner.export_policy_to_onnx(str(tmp_path))
    obs = runner.env.get_observations()
    with torch.no_grad():
        expected = runner.get_inference_policy()(obs)
        again = runner.get_inference_policy()(obs)
    assert torch.equal(expected, again)  # act_inference is deterministic (zero noise)
    session = onnxruntime.InferenceSession(os.path.join(tmp_path, "policy.onnx"))
    for i in range(4):
        out = session.run(["actions"], {"obs": obs["policy"][i : i + 1].numpy()})[0]
        assert np.abs(out - expected[i : i + 1].numpy()).max() < 1e-4


@pytest.mark.parametrize(
    ("actor", "message"),
    [
        ({"base_scale": "gaussian"}, r"base_scale='gaussian' is invalid; allowed: \['fixed', 'learned', 'per_dim'"),
        ({"base_scale_range": [0.5, 0.5]}, r"base_scale_range=\[0.5, 0.5\] is invalid; allowed: \[min, max\] with 0"),
        ({"base_scale_range": [0.0, 2.0]}, r"base_scale_range=\[0.0, 2.0\] is invalid"),
        ({"base_scale_range": [-1.0, 2.0]}, r"base_scale_range=\[-1.0, 2.0\] is invalid"),
        ({"base_scale_init": -0.5}, r"base_scale_init=-0.5 is invalid; allowed: a finite number > 0"),
        ({"base_scale_init": 3.0, "base_scale": "state"}, r"base_scale_init=3.0 is outside base_scale_range"),
        ({"base_scale": "per_dim", "learn_base_scale": True}, r"learn_base_scale=True .* contradicts base_scale="),
    ],
)
def test_bad_base_scale_settings_are_named(actor: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_runner(actor)


def test_learn_base_scale_is_an_alias() -> None:
    assert make_runner({"learn_base_scale": True}).alg.actor.flow.base_noise.mode == "learned"
    assert make_runner({"learn_base_scale": False}).alg.actor.flow.base_noise.mode == "fixed"
    assert make_runner({"flow_cfg": {"base_scale": "per_dim"}}).alg.actor.flow.base_noise.mode == "per_dim"
    assert make_runner().alg.actor.flow.base_noise.mode == "learned"  # the default since results §13 (5 M steps on Ant)


def test_base_scale_init_sets_the_initial_spread() -> None:
    """σ = 0.5 halves the initial env-action spread (the flow is near-identity at initialisation)."""
    wide, narrow = make_runner(), make_runner({"base_scale": "per_dim", "base_scale_init": 0.5})
    obs = wide.env.get_observations()
    ratio = narrow.alg.actor.spreads(obs)["action_std"].mean() / wide.alg.actor.spreads(obs)["action_std"].mean()
    assert ratio.item() == pytest.approx(0.5, rel=0.15)


# -- the entropy term -----------------------------------------------------------------------------------------------


def test_exact_entropy_term_is_the_closed_form_and_pushes_sigma_up() -> None:
    """With ``entropy_form="exact"`` the term is ``2·d·(log σ + ½ log 2πe) + 2dN log p``; a large coefficient and
    no advantage make σ grow (PPO's entropy bonus on its std)."""
    runner = make_runner({"base_scale": "learned"}, entropy_form="exact", entropy_coef=1.0, compression_coef=0.0)
    alg = runner.alg
    collect_rollout(alg, runner.env, 16)
    alg.storage.advantages = torch.zeros(alg.storage.advantages.shape)  # no reward signal: only H moves σ
    batch = next(iter(alg.minibatches()))
    _, terms = alg.minibatch_loss(batch, first=True)
    d, n, p = 2, 5, 0.9
    closed_form = 2 * d * 0.5 * math.log(2 * math.pi * math.e) + 2 * d * n * math.log(p)  # σ = 1
    assert terms["entropy"].item() == pytest.approx(closed_form, abs=1e-5)
    alg.update()
    assert alg.actor.flow.base_noise.log_scale_param.item() > 0.0


def test_bad_entropy_form_is_named() -> None:
    with pytest.raises(ValueError, match=r"entropy_form='gaussian' is invalid; allowed: \['estimate', 'exact'\]"):
        make_runner(entropy_form="gaussian")


# -- learning -------------------------------------------------------------------------------------------------------


def test_a_learned_scale_sharpens_the_actions_where_the_fixed_one_does_not() -> None:
    """On PointReachEnv a learned σ lowers the per-state env-action std over training. The fixed flow can only trade
    spread between ``(x + y)/2`` and ``(x − y)/2`` (constant entropy): their joint spread stays where it was."""

    def measure(runner: OnPolicyRunner) -> tuple[float, float]:
        spreads = runner.alg.actor.spreads(runner.env.get_observations())
        action, half_gap = spreads["action_std"], spreads["halves_gap_std"] / 2
        return action.mean().item(), (action * half_gap).prod().pow(1 / (2 * action.numel())).item()

    result = {}
    for mode in ("fixed", "learned"):
        runner = make_runner({"base_scale": mode})
        before = measure(runner)
        runner.learn(40)
        result[mode] = before, measure(runner)
    # measured (seed 0, 40 iterations): action std fixed 0.66 -> 0.59, learned 0.66 -> 0.48;
    # joint spread fixed 0.410 -> 0.409, learned 0.410 -> 0.349
    (fixed_before, fixed_after), (learned_before, learned_after) = result["fixed"], result["learned"]
    assert learned_after[0] < 0.85 * learned_before[0] and learned_after[0] < 0.9 * fixed_after[0], result
    assert learned_after[1] < 0.9 * learned_before[1], result
    assert fixed_after[1] == pytest.approx(fixed_before[1], rel=0.05), result
