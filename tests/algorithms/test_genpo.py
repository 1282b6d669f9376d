"""GenPO in the stock rsl_rl ``OnPolicyRunner``: learning, likelihood ratio, checkpoints, export, bad input."""

from __future__ import annotations

import copy
import math
import os

import numpy as np
import pytest
import torch
from rsl_rl.runners import OnPolicyRunner
from toy_helpers import assert_resume_equals_uninterrupted, collect_rollout

from genpo_rsl import GenPO, GenPOActor, GenPOFlow
from genpo_rsl.toy_env import PointReachEnv, train_cfg


def make_runner(algorithm: str = "genpo", seed: int = 0, log_dir: str | None = None, **alg) -> OnPolicyRunner:
    torch.manual_seed(seed)
    env = PointReachEnv(num_envs=64, action_dim=2, seed=seed)
    return OnPolicyRunner(env, train_cfg(algorithm, **alg), log_dir=log_dir, device="cpu")


def collect(runner: OnPolicyRunner) -> None:
    """Fill the rollout storage exactly as ``OnPolicyRunner.learn`` does."""
    collect_rollout(runner.alg, runner.env, runner.cfg["num_steps_per_env"])


def stored_log_probs(alg: GenPO) -> tuple[torch.Tensor, torch.Tensor]:
    st = alg.storage
    with torch.no_grad():
        new, _ = alg.actor.log_prob(st.observations.flatten(0, 1), st.actions.flatten(0, 1))
    return st.actions_log_prob.flatten(0, 1).squeeze(-1), new


# -- wiring ---------------------------------------------------------------------------------------------------------


def test_runner_builds_genpo_from_class_name_strings() -> None:
    runner = make_runner()
    assert isinstance(runner.alg, GenPO) and isinstance(runner.alg.actor, GenPOActor)
    assert runner.alg.storage.actions.shape[-1] == 4  # doubled action of the 2-D task
    action = runner.alg.act(runner.env.get_observations())
    assert action.shape == (64, 2)
    stored = runner.alg.transition.actions
    assert torch.allclose(action, (stored[:, :2] + stored[:, 2:]) / 2)


def test_ratio_is_one_before_and_kl_positive_after_an_update() -> None:
    runner = make_runner()
    collect(runner)
    old, new = stored_log_probs(runner.alg)
    assert torch.allclose(torch.exp(new - old), torch.ones_like(old), atol=1e-4)
    assert abs((old - new).mean().item()) < 1e-5
    losses = runner.alg.update()
    assert losses["roundtrip_error"] < 1e-4
    old, new = stored_log_probs(runner.alg)  # storage keeps its data after clear(); parameters have moved
    assert (old - new).mean().item() > 1e-4
    assert losses["kl"] > 0
    assert set(losses) >= {"surrogate", "value", "entropy", "compression", "kl", "log_prob", "roundtrip_error"}


def test_output_std_is_the_policy_spread_for_a_fixed_state() -> None:
    """``output_std`` (rsl_rl's "Mean action std") is the env-action std over latents for a fixed state."""
    runner = make_runner()
    obs = collect_rollout(runner.alg, runner.env, 16)
    assert torch.equal(runner.alg.get_policy().output_std, torch.zeros(2))  # nothing measured before an update
    losses = runner.alg.update()
    std = runner.alg.get_policy().output_std
    actor = runner.alg.get_policy()
    with torch.no_grad():
        direct = actor(obs[:1].expand(4000), stochastic_output=True).std(0)
    assert std.shape == (2,) and (std > 0.05).all()
    assert abs(losses["action_std"] - std.mean().item()) < 1e-6
    # the per-state spread barely depends on the state at initialisation: one state's spread matches the average
    torch.testing.assert_close(direct, std, rtol=0.15, atol=0.0)


# -- learning -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["genpo", "ppo"])
def test_stock_runner_learns_point_reach(algorithm: str) -> None:
    runner = make_runner(algorithm)
    runner.learn(5)
    early = runner.env.mean_recent_return(128)
    runner.learn(35)
    late = runner.env.mean_recent_return(128)
    # random policy ≈ -25; a policy that heads to the goal ≈ -8
    assert early < -15 and late > -11, f"{algorithm}: return {early:.1f} -> {late:.1f}"


def test_compression_loss_pulls_the_halves_together() -> None:
    runner = make_runner(compression_coef=5.0)
    actor = runner.alg.actor
    obs = runner.env.get_observations()
    before = actor.halves_gap(obs).pow(2).mean().item()
    runner.learn(5)
    assert actor.halves_gap(obs).pow(2).mean().item() < 0.5 * before


def test_compression_fraction_uses_a_subsample(monkeypatch) -> None:
    """The update draws fresh compression samples for ceil(0.25·B) rows of each B-row minibatch, not for all B."""
    import genpo_rsl.algorithms.genpo as genpo_core

    rows: list[tuple[int, int]] = []
    passes = genpo_core.minibatch_passes

    def recording(flow, dummy_actions, cond, z_gap, cond_gap):
        rows.append((dummy_actions.shape[0], z_gap.shape[0]))
        return passes(flow, dummy_actions, cond, z_gap, cond_gap)

    monkeypatch.setattr(genpo_core, "minibatch_passes", recording)
    runner = make_runner(compression_fraction=0.25)
    runner.learn(2)
    alg = runner.alg
    assert len(rows) == 2 * alg.num_learning_epochs * alg.num_mini_batches
    assert all(gap == math.ceil(0.25 * batch) and gap < batch for batch, gap in rows), rows


# -- checkpoints ----------------------------------------------------------------------------------------------------


def test_save_load_continue_equals_uninterrupted(tmp_path) -> None:
    assert_resume_equals_uninterrupted(make_runner, tmp_path, 3)


def test_runner_writes_checkpoints_and_logs(tmp_path) -> None:
    runner = make_runner(log_dir=str(tmp_path))
    runner.learn(2)
    files = os.listdir(tmp_path)
    assert "model_1.pt" in files and any(f.startswith("events.out.tfevents") for f in files)
    assert torch.load(os.path.join(tmp_path, "model_1.pt"), weights_only=False)["genpo"]["mix_p"] == 0.9


def test_gaussian_checkpoint_into_genpo_and_reverse(tmp_path) -> None:
    ppo, genpo = make_runner("ppo"), make_runner("genpo")
    ppo_path, genpo_path = os.path.join(tmp_path, "ppo.pt"), os.path.join(tmp_path, "genpo.pt")
    ppo.save(ppo_path)
    genpo.save(genpo_path)
    with pytest.raises(ValueError, match="no 'genpo' entry.*Gaussian PPO"):
        genpo.load(ppo_path)
    with pytest.raises(RuntimeError, match="flow"):  # stock PPO: strict load lists the flow's parameter names
        ppo.load(genpo_path)


def test_checkpoint_with_other_flow_settings_is_refused(tmp_path) -> None:
    a = make_runner()
    path = os.path.join(tmp_path, "a.pt")
    a.save(path)
    cfg = train_cfg("genpo")
    cfg["actor"]["mix_p"] = 0.8
    b = OnPolicyRunner(PointReachEnv(num_envs=8), cfg, log_dir=None, device="cpu")
    with pytest.raises(ValueError, match="mix_p: checkpoint 0.9 vs config 0.8"):
        b.load(path)


def test_no_checkpoint_written_for_non_finite_parameters(tmp_path) -> None:
    runner = make_runner()
    with torch.no_grad():
        runner.alg.actor.flow.velocity.input_layer.weight[0, 0] = float("nan")
    path = os.path.join(tmp_path, "bad.pt")
    with pytest.raises(RuntimeError, match="input_layer.weight.*not finite"):
        runner.save(path)
    assert not os.path.exists(path)


# -- export ---------------------------------------------------------------------------------------------------------


def test_jit_and_onnx_exports_match_the_actor(tmp_path) -> None:
    onnxruntime = pytest.importorskip("onnxruntime")
    cfg = train_cfg("genpo")
    cfg["actor"]["obs_normalization"] = True
    torch.manual_seed(0)
    runner = OnPolicyRunner(PointReachEnv(num_envs=64), cfg, log_dir=None, device="cpu")
    runner.learn(2)  # non-trivial normalizer statistics and weights
    runner.export_policy_to_jit(str(tmp_path))
    runner.export_policy_to_onnx(str(tmp_path))
    policy = runner.get_inference_policy()
    obs = runner.env.get_observations()
    with torch.no_grad():
        expected = policy(obs)
    jit = torch.jit.load(os.path.join(tmp_path, "policy.pt"))
    assert torch.allclose(jit(obs["policy"]), expected, atol=1e-5)
    session = onnxruntime.InferenceSession(os.path.join(tmp_path, "policy.onnx"))
    for i in range(8):  # rsl_rl's exporter traces a batch of one (no dynamic axes)
        out = session.run(["actions"], {"obs": obs["policy"][i : i + 1].numpy()})[0]
        assert out.shape == (1, 2) and np.abs(out - expected[i : i + 1].numpy()).max() < 1e-4


def test_inference_modes() -> None:
    runner = make_runner()
    policy = runner.get_inference_policy()
    obs = runner.env.get_observations()
    with torch.no_grad():
        assert torch.equal(policy(obs), policy(obs))  # zero noise: deterministic
        policy.inference_mode = "sample"
        assert not torch.equal(policy(obs), policy(obs))


# -- bad input ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key,value,message",
    [
        ("mix_p", 1.5, r"mix_p=1.5 is invalid; allowed: 0 < mix_p < 1"),
        ("mix_p", 0.0, r"mix_p=0.0 is invalid"),
        ("num_flow_steps", 0, r"num_flow_steps=0 is invalid; allowed: an integer >= 1"),
        ("inference_mode", "mean", r"inference_mode='mean' is invalid; allowed: \['zero_noise', 'sample'\]"),
        ("distribution_cfg", {"class_name": "GaussianDistribution"}, r"distribution_cfg=.* is not allowed"),
        ("flow_steps", 5, r"unknown key\(s\) \['flow_steps'\] in 'actor'.*allowed: .*'num_flow_steps'"),
    ],
)
def test_bad_actor_config(key: str, value, message: str) -> None:
    cfg = train_cfg("genpo")
    cfg["actor"][key] = value
    with pytest.raises(ValueError, match=message):
        OnPolicyRunner(PointReachEnv(num_envs=8), cfg, log_dir=None, device="cpu")


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"compresion_coef": 0.1}, r"unknown key\(s\) \['compresion_coef'\] in 'algorithm'.*'compression_coef'"),
        ({"compression_fraction": 0.0}, r"compression_fraction=0.0 is invalid; allowed: 0 < f <= 1"),
        (
            {"share_cnn_encoders": True},
            r"share_cnn_encoders=True needs CNN models, but the actor is 'genpo_rsl:GenPOActor'",
        ),
    ],
)
def test_bad_algorithm_config(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OnPolicyRunner(PointReachEnv(num_envs=8), train_cfg("genpo", **overrides), log_dir=None, device="cpu")


def test_isaaclab_style_keys_are_accepted() -> None:
    """The keys IsaacLab's RslRlPpoAlgorithmCfg always writes, at their stock values, are accepted and change
    nothing: one iteration gives the same parameters as a run without them (same seed)."""
    stock_keys = {
        "share_cnn_encoders": False,
        "rnd_cfg": None,
        "symmetry_cfg": None,
        "optimizer": "adam",
        "normalize_advantage_per_mini_batch": False,
        "use_mixed_precision": False,
    }
    with_keys, without = make_runner(**stock_keys), make_runner()
    assert isinstance(with_keys.alg, GenPO) and isinstance(with_keys.alg.optimizer, torch.optim.Adam)
    for runner in (with_keys, without):
        torch.manual_seed(1)  # the same rollout and minibatch noise for both
        runner.learn(1)
    for key, value in without.alg.actor.state_dict().items():
        assert torch.equal(with_keys.alg.actor.state_dict()[key], value), key


def test_non_finite_observations_are_named() -> None:
    runner = make_runner()
    obs = runner.env.get_observations()
    obs["policy"][3, 1] = float("inf")
    with pytest.raises(ValueError, match=r"non-finite observations in group\(s\) \['policy'\]"):
        runner.alg.act(obs)


def test_genpo_actor_with_stock_ppo_is_refused() -> None:
    cfg = train_cfg("genpo")
    cfg["algorithm"]["class_name"] = "PPO"
    del cfg["algorithm"]["compression_coef"]
    runner = OnPolicyRunner(PointReachEnv(num_envs=8), cfg, log_dir=None, device="cpu")
    with pytest.raises(RuntimeError, match="must be trained with algorithm class_name 'genpo_rsl:GenPO'"):
        runner.learn(1)


def test_gaussian_actor_with_genpo_is_refused() -> None:
    cfg = train_cfg("ppo")
    cfg["algorithm"]["class_name"] = "genpo_rsl:GenPO"
    with pytest.raises(
        TypeError, match=r"needs a genpo_rsl.GenPOActor \(or GenPOCNNActor, GenPORNNActor\) actor, got MLPModel"
    ):
        OnPolicyRunner(PointReachEnv(num_envs=8), cfg, log_dir=None, device="cpu")


def test_copy_of_actor_keeps_working() -> None:
    actor = make_runner().alg.actor
    clone = copy.deepcopy(actor)
    obs = PointReachEnv(num_envs=4).get_observations()
    with torch.no_grad():
        assert torch.equal(actor(obs), clone(obs))


def test_mixed_precision_is_refused_and_why() -> None:
    """``use_mixed_precision=True`` is refused by name; the reason (bf16 round trip ≫ float32's) holds as stated."""
    with pytest.raises(ValueError, match=r"use_mixed_precision=True is not supported.*allowed: False"):
        make_runner(use_mixed_precision=True)
    torch.manual_seed(0)
    flow = GenPOFlow(8, 60, [400, 200, 100], "mish", 5, 0.9)
    obs, z = torch.randn(512, 60), torch.randn(512, 16)
    with torch.no_grad():
        dummy = flow(z, obs)
        error32 = (flow.inverse(dummy, obs) - z).abs().max().item()
        with torch.autocast("cpu", dtype=torch.bfloat16):
            error16 = (flow.inverse(dummy, obs).float() - z).abs().max().item()
    assert error32 < 1e-5 and error16 > 100 * error32


@pytest.mark.parametrize("algorithm", ["genpo", "fpo"])
def test_normalizers_update_once_per_iteration_even_where_ppo_updates_them_per_step(monkeypatch, algorithm) -> None:
    """rsl-rl-lib 5.4 (mjlab's pin) updates the normalizers in ``process_env_step``; 5.5 after the update. With a
    5.4-style ``process_env_step`` patched in, the flow algorithms still see the rollout policy at the first
    minibatch (GenPO: round trip exact; FPO++: ratio 1) and count each rollout observation once."""
    from rsl_rl.algorithms import PPO

    stock = PPO.process_env_step

    def per_step(self, obs, rewards, dones, extras):  # what rsl-rl-lib 5.4.2 does first
        self.actor.update_normalization(obs)
        self.critic.update_normalization(obs)
        stock(self, obs, rewards, dones, extras)

    monkeypatch.setattr(PPO, "process_env_step", per_step)
    cfg = train_cfg(algorithm)
    cfg["actor"]["obs_normalization"] = cfg["critic"]["obs_normalization"] = True
    torch.manual_seed(0)
    runner = OnPolicyRunner(PointReachEnv(num_envs=64), cfg, log_dir=None, device="cpu")
    collect(runner)
    losses = runner.alg.update()
    first = losses["roundtrip_error"] if algorithm == "genpo" else losses["ratio_first_minibatch"]
    assert first < 1e-4, first
    steps = runner.cfg["num_steps_per_env"] * runner.env.num_envs
    assert int(runner.alg.actor.obs_normalizer.count) == steps  # once per rollout observation
