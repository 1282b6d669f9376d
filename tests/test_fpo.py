"""``genpo_rsl.FPO`` / ``FPOActor`` (FPO++) in the stock rsl_rl runner: learning, ratio, checkpoints, export, errors."""

from __future__ import annotations

import copy

import pytest
import torch
from rsl_rl.runners import OnPolicyRunner

from genpo_rsl.cfm import fpo_surrogate
from genpo_rsl.toy_env import PointReachEnv, collect_rollout, train_cfg


def make_runner(seed: int = 0, num_envs: int = 64, **alg) -> OnPolicyRunner:
    """The stock runner with FPO++ on PointReachEnv, built from class_name strings only."""
    torch.manual_seed(seed)
    return OnPolicyRunner(
        PointReachEnv(num_envs=num_envs, seed=seed), train_cfg("fpo", **alg), log_dir=None, device="cpu"
    )


def zero_noise_return(actor, steps: int = 100) -> float:
    """Mean episode return of the zero-noise policy on fresh PointReachEnv episodes."""
    env = PointReachEnv(num_envs=128, seed=7)
    obs = env.get_observations()
    with torch.inference_mode():
        for _ in range(steps):
            obs, *_ = env.step(actor(obs))
    return env.mean_recent_return(10**6)


def test_fpo_learns_point_reach() -> None:
    runner = make_runner()
    before = zero_noise_return(runner.alg.actor)
    runner.learn(60)
    after = zero_noise_return(runner.alg.actor)
    assert after > 0.5 * before, (before, after)  # returns are negative distances: halved at least
    assert runner.alg.actor.output_std.min() > 0.0  # the spread of sampled actions is measured and logged


@pytest.mark.parametrize("per_sample_ratio", [True, False])
def test_ratio_is_one_before_the_first_update(per_sample_ratio: bool) -> None:
    runner = make_runner(per_sample_ratio=per_sample_ratio)
    collect_rollout(runner.alg, runner.env, runner.cfg["num_steps_per_env"])
    losses = runner.alg.update()
    assert losses["ratio_first_minibatch"] < 1e-5  # same parameters, same (ε, τ) pairs: r = 1
    assert losses["kl"] >= 0.0 and losses["cfm_loss"] > 0.0


def test_asymmetric_trust_region() -> None:
    """A ≥ 0: PPO's clip (flat beyond 1 + ε); A < 0: SPO's penalty keeps pulling the ratio back (no flat region)."""
    log_ratio = torch.log(torch.tensor([[1.5], [1.5]])).requires_grad_()
    adv = torch.tensor([1.0, -1.0])
    loss = fpo_surrogate(log_ratio, adv, 0.2, "aspo")
    (grad,) = torch.autograd.grad(loss, log_ratio)
    assert grad[0, 0] == 0.0  # clipped: positive advantage beyond 1 + ε gives no gradient
    assert grad[1, 0] > 0.0  # SPO: the loss still grows with r, pushing r back towards 1
    ppo = fpo_surrogate(log_ratio, adv, 0.2, "ppo")
    assert ppo.item() == pytest.approx(((-1.0 * 1.2) + (1.0 * 1.5)) / 2)


def test_save_load_continue(tmp_path) -> None:
    runner = make_runner()
    runner.learn(3)
    path = str(tmp_path / "model.pt")
    runner.save(path)
    saved = torch.load(path, weights_only=False)
    assert saved["fpo"] == {"action_dim": 2, "cond_dim": 4, "num_flow_steps": 10}
    other = make_runner(seed=1)
    other.load(path)
    obs = PointReachEnv(num_envs=16, seed=3).get_observations()
    with torch.no_grad():
        torch.testing.assert_close(other.alg.actor(obs), runner.alg.actor(obs))
    assert other.current_learning_iteration == runner.current_learning_iteration
    other.learn(2)  # rsl_rl runs iterations k .. k+1 from a checkpoint saved at iteration k
    assert other.current_learning_iteration == runner.current_learning_iteration + 1


def test_exported_policy_matches_torch(tmp_path) -> None:
    runner = make_runner()
    runner.learn(2)
    actor = runner.alg.actor.eval()
    obs = PointReachEnv(num_envs=8, seed=4).get_observations()
    scripted = torch.jit.script(actor.as_jit())
    with torch.no_grad():
        torch.testing.assert_close(scripted(obs["policy"]), actor(obs), rtol=1e-5, atol=1e-6)
    onnxruntime = pytest.importorskip("onnxruntime")
    runner.export_policy_to_onnx(str(tmp_path), "policy.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "policy.onnx"), providers=["CPUExecutionProvider"])
    for row in range(3):
        x = obs["policy"][row : row + 1]
        (out,) = session.run(None, {"obs": x.numpy()})
        with torch.no_grad():
            torch.testing.assert_close(torch.from_numpy(out), scripted(x), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    ("alg", "error", "message"),
    [
        ({"num_mc_samples": 0}, ValueError, r"num_mc_samples=0 is invalid; allowed: an integer >= 1"),
        ({"trust_region": "spo"}, ValueError, r"trust_region='spo' is invalid; allowed: \['aspo', 'ppo'\]"),
        ({"entropy_coef": 0.01}, ValueError, r"entropy_coef=0.01 is invalid; allowed: 0.0"),
        ({"num_mc_sample": 8}, ValueError, r"unknown key\(s\) \['num_mc_sample'\] in 'algorithm'"),
    ],
)
def test_bad_settings_are_named(alg: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        make_runner(num_envs=8, **alg)


def test_wrong_actor_and_foreign_checkpoint_are_refused(tmp_path) -> None:
    cfg = train_cfg("fpo")
    cfg["actor"] = copy.deepcopy(train_cfg("genpo")["actor"])
    with pytest.raises(TypeError, match=r"FPO needs a genpo_rsl.FPOActor actor, got GenPOActor"):
        OnPolicyRunner(PointReachEnv(num_envs=8), cfg, log_dir=None, device="cpu")
    ppo = OnPolicyRunner(PointReachEnv(num_envs=8), train_cfg("ppo"), log_dir=None, device="cpu")
    path = str(tmp_path / "ppo.pt")
    ppo.save(path)
    with pytest.raises(ValueError, match=r"FPO cannot load this checkpoint: it has no 'fpo' entry"):
        make_runner(num_envs=8).load(path)
