"""GenPO in the stock rsl-rl-lib 3.x ``OnPolicyRunner`` (IsaacLab 2.x): the same behaviours as the 5.x core tests.

Runs only under rsl-rl-lib 3.x: ``bash scripts/setup.sh --rsl-rl 3 && .venv-rsl3/bin/python -m pytest tests/rsl3``.
"""

from __future__ import annotations

import copy
import math
import os

import numpy as np
import pytest
import torch

from genpo_rsl.utils.rsl_version import rsl_rl_major, rsl_rl_version

if rsl_rl_major() != 3:
    pytest.skip(
        f"rsl-rl-lib 3.x adapter tests; installed rsl-rl-lib is {rsl_rl_version()} "
        f"(run them with .venv-rsl3, set up by `bash scripts/setup.sh --rsl-rl 3`)",
        allow_module_level=True,
    )

from isaaclab_export import export_jit, export_onnx, load_isaaclab_exporter, play_py_policy
from rsl3_runner import FAST_FLOW, isaaclab23_cfg, make_runner
from rsl_rl.modules import ActorCritic
from rsl_rl.runners import OnPolicyRunner

import genpo_rsl
from genpo_rsl import GenPO, GenPOActorCritic, GenPOFlow
from genpo_rsl.toy_env import PointReachEnv


def collect(runner: OnPolicyRunner) -> None:
    """Fill the rollout storage exactly as ``OnPolicyRunner.learn`` does."""
    env, alg = runner.env, runner.alg
    obs = env.get_observations()
    with torch.inference_mode():
        for _ in range(runner.num_steps_per_env):
            obs, rewards, dones, extras = env.step(alg.act(obs))
            alg.process_env_step(obs, rewards, dones, extras)
        alg.compute_returns(obs)


def stored_log_probs(alg: GenPO) -> tuple[torch.Tensor, torch.Tensor]:
    st = alg.storage
    with torch.no_grad():
        new, _ = alg.policy.log_prob(st.observations.flatten(0, 1), st.actions.flatten(0, 1))
    return st.actions_log_prob.flatten(0, 1).squeeze(-1), new


# -- the shared flow --------------------------------------------------------------------------------------------------


def test_policy_uses_the_shared_flow_and_round_trips(tmp_path) -> None:
    policy = make_runner(tmp_path, policy={"actor_obs_normalization": True}).alg.policy
    assert type(policy.flow) is GenPOFlow and policy.actor.flow is policy.flow
    obs = PointReachEnv(num_envs=256, seed=3).get_observations()
    policy.update_normalization(obs)
    with torch.no_grad():
        dummy, z, log_prob = policy.sample(obs)
        new_log_prob, z_back = policy.log_prob(obs, dummy)
    assert (z_back - z).abs().max() < 1e-5
    assert torch.allclose(new_log_prob, log_prob, atol=1e-4)
    assert torch.allclose(policy.env_action(dummy), (dummy[:, :2] + dummy[:, 2:]) / 2)


@pytest.mark.parametrize("d,n,p", [(2, 5, 0.9), (3, 2, 0.5)])
def test_autograd_log_det_is_the_closed_form(d: int, n: int, p: float) -> None:
    env = PointReachEnv(num_envs=8, action_dim=d)
    policy = GenPOActorCritic(
        env.get_observations(), {"policy": ["policy"], "critic": ["policy"]}, d, num_flow_steps=n, mix_p=p, **FAST_FLOW
    ).double()
    z, obs = torch.randn(8, 2 * d, dtype=torch.float64), torch.randn(8, 2 * d, dtype=torch.float64)
    log_det = policy.flow.forward_log_det_autograd(z, obs)
    assert torch.allclose(log_det, torch.full_like(log_det, 2 * d * n * math.log(p)), atol=1e-6)
    a = policy.flow(z, obs).detach()
    closed, _ = policy.flow.log_prob(a, obs)
    jac, _ = policy.flow.log_prob_jacobian(a, obs)
    assert torch.allclose(closed, jac, atol=1e-6)


# -- wiring -----------------------------------------------------------------------------------------------------------


def test_isaaclab23_config_dict_builds_the_runner(tmp_path) -> None:
    """Only the two class_name lines differ from IsaacLab 2.3's stock PPO config (GenPO fields all default)."""
    cfg = isaaclab23_cfg("genpo")
    stock = isaaclab23_cfg("ppo")
    diff = [(s, k) for s in ("policy", "algorithm") for k in cfg[s] if cfg[s][k] != stock[s][k]]
    assert diff == [("policy", "class_name"), ("algorithm", "class_name")]
    runner = OnPolicyRunner(PointReachEnv(num_envs=16), cfg, log_dir=str(tmp_path), device="cpu")
    assert isinstance(runner.alg, GenPO) and isinstance(runner.alg.policy, GenPOActorCritic)
    assert isinstance(runner.alg.policy, ActorCritic)
    assert runner.alg.policy.flow.num_flow_steps == 5 and runner.alg.policy.flow.mix_p == 0.9
    assert runner.alg.storage.actions.shape[-1] == 4  # doubled action of the 2-D task
    action = runner.alg.act(runner.env.get_observations())
    assert action.shape == (16, 2)
    stored = runner.alg.transition.actions
    assert torch.allclose(action, (stored[:, :2] + stored[:, 2:]) / 2)


def test_class_name_as_import_expression_needs_no_prior_import(tmp_path) -> None:
    cfg = isaaclab23_cfg("genpo")
    cfg["policy"]["class_name"] = "__import__('genpo_rsl').GenPOActorCritic"
    cfg["algorithm"]["class_name"] = "__import__('genpo_rsl').GenPO"
    runner = OnPolicyRunner(PointReachEnv(num_envs=8), cfg, log_dir=str(tmp_path), device="cpu")
    assert isinstance(runner.alg, GenPO)


def test_ratio_is_one_before_and_kl_positive_after_an_update(tmp_path) -> None:
    runner = make_runner(tmp_path, policy={"actor_obs_normalization": True})
    collect(runner)
    old, new = stored_log_probs(runner.alg)
    assert torch.allclose(torch.exp(new - old), torch.ones_like(old), atol=1e-4)
    losses = runner.alg.update()
    assert losses["roundtrip_error"] < 1e-4  # normalizers are updated after the epochs, not during the rollout
    old, new = stored_log_probs(runner.alg)
    assert (old - new).mean().item() > 1e-4 and losses["kl"] > 0
    assert set(losses) >= {"value_function", "surrogate", "entropy", "compression", "kl", "log_prob", "roundtrip_error"}


# -- learning ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["genpo", "ppo"])
def test_stock_runner_learns_point_reach(tmp_path, algorithm: str) -> None:
    runner = make_runner(tmp_path, algorithm)
    runner.learn(5)
    early = runner.env.mean_recent_return(128)
    runner.learn(35)
    late = runner.env.mean_recent_return(128)
    # random policy ≈ -25; a policy that heads to the goal ≈ -8
    assert early < -15 and late > -11, f"{algorithm}: return {early:.1f} -> {late:.1f}"


def test_compression_loss_pulls_the_halves_together(tmp_path) -> None:
    runner = make_runner(tmp_path, compression_coef=5.0)
    obs = runner.env.get_observations()
    before = runner.alg.policy.halves_gap(obs).pow(2).mean().item()
    runner.learn(5)
    assert runner.alg.policy.halves_gap(obs).pow(2).mean().item() < 0.5 * before


# -- checkpoints ------------------------------------------------------------------------------------------------------


def test_save_load_continue_equals_uninterrupted(tmp_path) -> None:
    normalized = {"actor_obs_normalization": True, "critic_obs_normalization": True}
    runner = make_runner(tmp_path, policy=normalized)
    runner.learn(3)
    path = str(tmp_path / "model.pt")
    runner.save(path)
    env_state, rng = runner.env.state_dict(), torch.get_rng_state()
    runner.learn(3)
    straight = {k: v.clone() for k, v in runner.alg.policy.state_dict().items()}

    resumed = make_runner(tmp_path, seed=123, policy=normalized)
    resumed.load(path)
    resumed.env.load_state_dict(env_state)
    torch.set_rng_state(rng)
    resumed.learn(3)
    assert resumed.alg.learning_rate == runner.alg.learning_rate  # adapted lr comes back with the optimizer
    for key, value in resumed.alg.policy.state_dict().items():
        assert torch.equal(value, straight[key]), key
    assert resumed.current_learning_iteration == runner.current_learning_iteration


def test_runner_writes_checkpoints_and_logs(tmp_path) -> None:
    runner = make_runner(tmp_path)
    runner.learn(2)
    files = os.listdir(runner.log_dir)
    assert "model_1.pt" in files and any(f.startswith("events.out.tfevents") for f in files)
    state = torch.load(os.path.join(runner.log_dir, "model_1.pt"), weights_only=False)["model_state_dict"]
    assert state["actor.flow.settings"].tolist() == pytest.approx([2, 4, 5, 0.9])
    assert runner.alg.policy.action_std.shape == (2,) and (runner.alg.policy.action_std > 0.05).all()


def test_gaussian_checkpoint_into_genpo_and_reverse(tmp_path) -> None:
    ppo, genpo = make_runner(tmp_path, "ppo", num_envs=8), make_runner(tmp_path, "genpo", num_envs=8)
    ppo.learn(1)  # rsl-rl-lib 3.1.2's save() needs the logger that learn() sets up
    genpo.learn(1)
    ppo_path, genpo_path = str(tmp_path / "ppo.pt"), str(tmp_path / "genpo.pt")
    ppo.save(ppo_path)
    genpo.save(genpo_path)
    with pytest.raises(ValueError, match="no .actor.flow.settings. entry.*Gaussian ActorCritic"):
        genpo.load(ppo_path)
    with pytest.raises(RuntimeError, match="flow"):  # stock ActorCritic: strict load lists the flow's parameters
        ppo.load(genpo_path)


def test_checkpoint_with_other_flow_settings_is_refused(tmp_path) -> None:
    path = str(tmp_path / "a.pt")
    runner = make_runner(tmp_path, num_envs=8)
    runner.learn(1)
    runner.save(path)
    other = make_runner(tmp_path, num_envs=8, policy={"mix_p": 0.8})
    with pytest.raises(ValueError, match="mix_p: checkpoint 0.9 vs config 0.8"):
        other.load(path)


# -- inference and export ---------------------------------------------------------------------------------------------


def test_inference_modes(tmp_path) -> None:
    runner = make_runner(tmp_path)
    policy = runner.get_inference_policy()
    obs = runner.env.get_observations()
    with torch.no_grad():
        assert torch.equal(policy(obs), policy(obs))  # zero noise: deterministic
        dummy = runner.alg.policy.flow(torch.zeros(64, 4), obs["policy"])
        assert torch.allclose(policy(obs), (dummy[:, :2] + dummy[:, 2:]) / 2)
        runner.alg.policy.inference_mode = "sample"
        assert not torch.equal(policy(obs), policy(obs))


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> OnPolicyRunner:
    """A runner after two iterations, with non-trivial normalizer statistics."""
    runner = make_runner(tmp_path_factory.mktemp("export"), policy={"actor_obs_normalization": True})
    runner.learn(2)
    return runner


def _expected(runner: OnPolicyRunner) -> tuple[torch.Tensor, torch.Tensor]:
    obs = runner.env.get_observations()
    with torch.no_grad():
        return obs["policy"], runner.get_inference_policy()(obs)


def test_isaaclab_jit_export_matches_act_inference(trained, tmp_path) -> None:
    obs, expected = _expected(trained)
    policy_nn, normalizer = play_py_policy(trained)
    assert normalizer is policy_nn.actor_obs_normalizer
    jit = torch.jit.load(export_jit(policy_nn, normalizer, str(tmp_path)))
    assert torch.allclose(jit(obs), expected, atol=1e-5)
    jit.reset()


@pytest.mark.parametrize("opset,dynamo", [(11, None), (11, False)], ids=["torch-default", "torchscript-exporter"])
def test_isaaclab_onnx_export_matches_act_inference(trained, tmp_path, opset: int, dynamo: bool | None) -> None:
    """opset 11 and no dynamic axes as IsaacLab 2.3; torch 2.7's default exporter is the TorchScript one."""
    onnxruntime = pytest.importorskip("onnxruntime")
    obs, expected = _expected(trained)
    path = export_onnx(*play_py_policy(trained), str(tmp_path), opset=opset, dynamo=dynamo)
    session = onnxruntime.InferenceSession(path)
    for i in range(8):  # batch of one, as exported
        out = session.run(["actions"], {"obs": obs[i : i + 1].numpy()})[0]
        assert out.shape == (1, 2) and np.abs(out - expected[i : i + 1].numpy()).max() < 1e-4


def test_real_isaaclab_exporter_if_available(trained, tmp_path) -> None:
    exporter = load_isaaclab_exporter()
    if exporter is None:
        pytest.skip("no isaaclab_rl/rsl_rl/exporter.py here (.venv or GENPO_ISAACLAB_EXPORTER)")
    onnxruntime = pytest.importorskip("onnxruntime")
    obs, expected = _expected(trained)
    policy_nn, normalizer = play_py_policy(trained)
    exporter.export_policy_as_jit(policy_nn, normalizer=normalizer, path=str(tmp_path), filename="policy.pt")
    exporter.export_policy_as_onnx(policy_nn, normalizer=normalizer, path=str(tmp_path), filename="policy.onnx")
    assert torch.allclose(torch.jit.load(str(tmp_path / "policy.pt"))(obs), expected, atol=1e-5)
    session = onnxruntime.InferenceSession(str(tmp_path / "policy.onnx"))
    out = session.run(["actions"], {"obs": obs[:1].numpy()})[0]
    assert np.abs(out - expected[:1].numpy()).max() < 1e-4


# -- bad input --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key,value,message",
    [
        ("mix_p", 1.5, r"mix_p=1.5 is invalid; allowed: 0 < mix_p < 1"),
        ("num_flow_steps", 0, r"num_flow_steps=0 is invalid; allowed: an integer >= 1"),
        ("inference_mode", "mean", r"inference_mode='mean' is invalid; allowed: \['zero_noise', 'sample'\]"),
        ("state_dependent_std", True, r"state_dependent_std=True is not supported"),
        ("flow_steps", 5, r"unknown key\(s\) \['flow_steps'\] in 'policy'.*'num_flow_steps'"),
    ],
)
def test_bad_policy_config(tmp_path, key: str, value, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_runner(tmp_path, num_envs=8, policy={key: value})


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"compression_fraction": 0.0}, r"compression_fraction=0.0 is invalid; allowed: 0 < f <= 1"),
        ({"compression_coef": -1.0}, r"compression_coef=-1.0 is invalid; allowed: >= 0"),
        ({"rnd_cfg": {"weight": 1.0}}, r"rnd_cfg=.* is not supported"),
    ],
)
def test_bad_algorithm_config(overrides: dict, message: str) -> None:
    obs = PointReachEnv(num_envs=8).get_observations()
    policy = GenPOActorCritic(obs, {"policy": ["policy"], "critic": ["policy"]}, 2, **FAST_FLOW)
    with pytest.raises(ValueError, match=message):
        GenPO(policy, **overrides)


def test_non_finite_observations_are_named(tmp_path) -> None:
    runner = make_runner(tmp_path, num_envs=8)
    obs = runner.env.get_observations()
    obs["policy"][3, 1] = float("inf")
    with pytest.raises(ValueError, match=r"non-finite observations in group\(s\) \['policy'\]"):
        runner.alg.act(obs)


def test_genpo_policy_with_stock_ppo_is_refused(tmp_path) -> None:
    cfg = isaaclab23_cfg("genpo", FAST_FLOW)
    cfg["algorithm"]["class_name"] = "PPO"
    runner = OnPolicyRunner(PointReachEnv(num_envs=8), cfg, log_dir=str(tmp_path), device="cpu")
    with pytest.raises(RuntimeError, match="must be trained with algorithm class_name 'genpo_rsl.GenPO'"):
        runner.learn(1)


def test_gaussian_policy_with_genpo_is_refused(tmp_path) -> None:
    cfg = isaaclab23_cfg("ppo")
    cfg["algorithm"]["class_name"] = "genpo_rsl.GenPO"
    with pytest.raises(TypeError, match="needs a genpo_rsl.GenPOActorCritic policy, got ActorCritic"):
        OnPolicyRunner(PointReachEnv(num_envs=8), cfg, log_dir=str(tmp_path), device="cpu")


def test_copy_of_policy_keeps_working(tmp_path) -> None:
    policy = make_runner(tmp_path, num_envs=8).alg.policy
    clone = copy.deepcopy(policy)
    obs = PointReachEnv(num_envs=4).get_observations()
    with torch.no_grad():
        assert torch.equal(policy.act_inference(obs), clone.act_inference(obs))
    assert genpo_rsl.GenPO is GenPO


@pytest.mark.parametrize("base_scale", ["learned", "per_dim", "state"])
def test_base_noise_modes_save_load_continue(tmp_path, base_scale: str) -> None:
    """Every trained base-noise mode through the 3.x policy config: σ trains, and a resume continues exactly."""
    policy = {"base_scale": base_scale, "base_scale_init": 0.8}
    runner = make_runner(tmp_path, policy=policy, entropy_form="exact")
    flow = runner.alg.policy.flow
    obs = runner.env.get_observations()
    assert flow.base_noise.mode == base_scale
    assert flow.base_noise.mean_scale(obs["policy"]).item() == pytest.approx(0.8)
    runner.learn(2)
    assert flow.base_noise.mean_scale(obs["policy"]).item() != pytest.approx(0.8)
    path = str(tmp_path / "model.pt")
    runner.save(path)
    env_state, rng = runner.env.state_dict(), torch.get_rng_state()
    runner.learn(2)
    straight = {k: v.clone() for k, v in runner.alg.policy.state_dict().items()}
    resumed = make_runner(tmp_path, seed=7, policy=policy, entropy_form="exact")
    resumed.load(path)
    resumed.env.load_state_dict(env_state)
    torch.set_rng_state(rng)
    resumed.learn(2)
    for key, value in resumed.alg.policy.state_dict().items():
        assert torch.equal(value, straight[key]), key


def test_a_fixed_checkpoint_loads_into_a_learned_policy_as_sigma_one(tmp_path) -> None:
    fixed = make_runner(tmp_path)
    fixed.learn(1)
    learned = make_runner(tmp_path, seed=3, policy={"base_scale": "learned"})
    learned.alg.policy.load_state_dict(fixed.alg.policy.state_dict())
    obs = fixed.env.get_observations()
    dummy = fixed.alg.policy.sample(obs)[0]
    torch.testing.assert_close(learned.alg.policy.log_prob(obs, dummy)[0], fixed.alg.policy.log_prob(obs, dummy)[0])


def test_a_pre_mode_learned_run_resumes_with_each_parameters_adam_moments(tmp_path) -> None:
    """A 0.2 run kept σ as ``actor.flow.log_base_scale``, registered first, so its optimizer state lists σ's moments
    first; the stock 3.x runner loads the policy and then the optimizer: every parameter must get its own moments."""
    runner = make_runner(tmp_path, policy={"base_scale": "learned"})
    runner.learn(1)
    model, optimizer = runner.alg.policy.state_dict(), runner.alg.optimizer.state_dict()
    names = [name for name, _ in runner.alg.policy.named_parameters()]
    new_key = "actor.flow.base_noise.log_scale_param"
    old_model = {"actor.flow.log_base_scale": model[new_key], **{k: v for k, v in model.items() if k != new_key}}
    moments = {name: optimizer["state"][i] for i, name in enumerate(names)}
    old_order = [new_key, *[n for n in names if n != new_key]]  # the 0.2 layout, built by hand
    old_state = {i: moments[name] for i, name in enumerate(old_order)}
    path = str(tmp_path / "old_layout.pt")
    torch.save({"model_state_dict": old_model, "optimizer_state_dict": {**optimizer, "state": old_state},
                "iter": 1, "infos": None}, path)  # fmt: skip
    resumed = make_runner(tmp_path, seed=4, policy={"learn_base_scale": True})
    resumed.load(path)
    loaded = resumed.alg.optimizer.state_dict()["state"]
    for i, name in enumerate(names):
        assert torch.equal(loaded[i]["exp_avg"], moments[name]["exp_avg"]), name
    resumed.learn(1)
