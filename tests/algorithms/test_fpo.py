"""``genpo_rsl.FPO`` / ``FPOActor`` (FPO++) in the stock rsl_rl runner: learning, ratio, checkpoints, export, errors."""

from __future__ import annotations

import copy

import pytest
import torch
from rsl_rl.runners import OnPolicyRunner
from toy_helpers import collect_rollout

from genpo_rsl.algorithms.fpo import EMA_TAG
from genpo_rsl.modules.cfm import fpo_surrogate
from genpo_rsl.modules.ema import PolicyEMA
from genpo_rsl.toy_env import PointReachEnv, train_cfg


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
        ({"ema_decay": 1.0}, ValueError, r"ema_decay=1.0 is invalid; allowed: a number in \[0, 1\)"),
        ({"ema_decay": -0.5}, ValueError, r"ema_decay=-0.5 is invalid; allowed: a number in \[0, 1\)"),
        ({"ema_decay": "0.9"}, ValueError, r"ema_decay='0.9' is invalid; allowed: a number in \[0, 1\)"),
        ({"ema_warmup_updates": -1}, ValueError, r"ema_warmup_updates=-1 is invalid; allowed: an integer >= 0"),
        ({"weight_decay": -1e-4}, ValueError, r"weight_decay=-0.0001 is invalid; allowed: None or a number >= 0"),
    ],
)
def test_bad_settings_are_named(alg: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        make_runner(num_envs=8, **alg)


def test_wrong_actor_and_foreign_checkpoint_are_refused(tmp_path) -> None:
    cfg = train_cfg("fpo")
    cfg["actor"] = copy.deepcopy(train_cfg("genpo")["actor"])
    with pytest.raises(
        TypeError, match=r"FPO needs a genpo_rsl.FPOActor \(or FPOCNNActor, FPORNNActor\) actor, got GenPOActor"
    ):
        OnPolicyRunner(PointReachEnv(num_envs=8), cfg, log_dir=None, device="cpu")
    ppo = OnPolicyRunner(PointReachEnv(num_envs=8), train_cfg("ppo"), log_dir=None, device="cpu")
    path = str(tmp_path / "ppo.pt")
    ppo.save(path)
    with pytest.raises(ValueError, match=r"FPO cannot load this checkpoint: it has no 'fpo' entry"):
        make_runner(num_envs=8).load(path)


# -- FPO++'s policy-weight EMA, optimizer and published settings ----------------------------------------------------


def _params(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    """A detached copy of the module's parameters."""
    return {name: p.detach().clone() for name, p in module.named_parameters()}


def _set(module: torch.nn.Module, value: float) -> None:
    """Fill every parameter of ``module`` with ``value``."""
    with torch.no_grad():
        for p in module.parameters():
            p.fill_(value)


def test_policy_ema_by_hand() -> None:
    """decay 0.75, weights 1 -> 3 -> 7: 0.75 (0.75·1 + 0.25·3) + 0.25·7 = 2.875; a warm-up restarts from θ_w."""
    model = torch.nn.Linear(2, 2)
    _set(model, 1.0)
    ema = PolicyEMA(model, decay=0.75)
    for value in (3.0, 7.0):
        _set(model, value)
        ema.update(model)
    assert ema.updates == 2 and all(torch.allclose(v, torch.full_like(v, 2.875)) for v in ema.shadow.values())
    deployed = ema.deployed(model)
    assert deployed is not model and torch.equal(deployed.bias, torch.full((2,), 2.875))
    assert torch.equal(model.bias, torch.full((2,), 7.0)) and not deployed.bias.requires_grad

    _set(model, 1.0)
    warm = PolicyEMA(model, decay=0.75, warmup_updates=2)
    _set(model, 3.0)
    warm.update(model)  # update 1 < 2: the live model is deployed
    assert not warm.active and warm.deployed(model) is model
    _set(model, 5.0)
    warm.update(model)  # update 2 = warm-up: restart from the trained weights
    _set(model, 9.0)
    warm.update(model)  # 0.75·5 + 0.25·9 = 6
    assert torch.equal(warm.deployed(model).weight, torch.full((2, 2), 6.0))


def test_fpo_ema_is_updated_once_per_iteration_and_only_deployed() -> None:
    """Two learning iterations at decay 0.5: shadow = 0.25 θ_0 + 0.25 θ_1 + 0.5 θ_2; rollouts use the live θ_2."""
    runner = make_runner(ema_decay=0.5)
    thetas = [_params(runner.alg.actor)]
    for _ in range(2):
        runner.learn(1)
        thetas.append(_params(runner.alg.actor))
    alg = runner.alg
    assert alg.ema is not None and alg.ema.updates == 2
    deployed = dict(alg.get_policy().named_parameters())
    for name, live in alg.actor.named_parameters():
        expected = 0.25 * thetas[0][name] + 0.25 * thetas[1][name] + 0.5 * thetas[2][name]
        torch.testing.assert_close(alg.ema.shadow[name], expected)
        torch.testing.assert_close(deployed[name], expected)
        assert torch.equal(live, thetas[2][name])
    assert not torch.equal(thetas[1]["flow.velocity.trunk.3.weight"], thetas[2]["flow.velocity.trunk.3.weight"])
    obs = PointReachEnv(num_envs=16, seed=3).get_observations()
    with torch.no_grad():  # play/export get the EMA weights, with the live observation normalizer
        assert not torch.allclose(alg.get_policy()(obs), alg.actor(obs))
        torch.testing.assert_close(runner.get_inference_policy()(obs), alg.get_policy()(obs))
    assert make_runner(num_envs=8).alg.ema is None  # ema_decay = 0 (default): no EMA, the live actor is deployed


def test_ema_checkpoint_round_trip(tmp_path) -> None:
    """The checkpoint's actor is the deployed EMA policy; a resume restores live weights and EMA, then continues."""
    runner = make_runner(ema_decay=0.9, ema_warmup_updates=1)
    runner.learn(3)
    path = str(tmp_path / "model.pt")
    runner.save(path)
    saved = torch.load(path, weights_only=False)
    shadow = runner.alg.ema.shadow
    assert (saved[EMA_TAG]["updates"], saved[EMA_TAG]["active"], saved[EMA_TAG]["decay"]) == (3, True, 0.9)
    for name, live in runner.alg.actor.named_parameters():
        assert torch.equal(saved["actor_state_dict"][name], shadow[name])
        assert torch.equal(saved[EMA_TAG]["live_actor_state_dict"][name], live)
        assert torch.equal(saved[EMA_TAG]["shadow"][name], shadow[name])
    other = make_runner(seed=1, ema_decay=0.9, ema_warmup_updates=500)  # e.g. play without the run's override
    other.load(path)
    assert other.alg.ema.updates == 3 and other.alg.ema.active  # the run's average has started: it is deployed
    for name, live in runner.alg.actor.named_parameters():
        assert torch.equal(dict(other.alg.actor.named_parameters())[name], live)
        assert torch.equal(other.alg.ema.shadow[name], shadow[name])
    obs = PointReachEnv(num_envs=16, seed=3).get_observations()
    with torch.no_grad():
        torch.testing.assert_close(other.alg.get_policy()(obs), runner.alg.get_policy()(obs))
    before = {name: value.clone() for name, value in other.alg.ema.shadow.items()}
    other.learn(1)
    assert other.alg.ema.updates == 4
    for name, live in other.alg.actor.named_parameters():
        torch.testing.assert_close(other.alg.ema.shadow[name], 0.9 * before[name] + 0.1 * live.detach())
    plain = make_runner(seed=2)  # ema_decay = 0 loads the deployed (EMA) weights, as FPO++'s checkpoints hold them
    plain.load(path)
    with torch.no_grad():
        torch.testing.assert_close(plain.alg.get_policy()(obs), runner.alg.get_policy()(obs))


def test_checkpoint_without_ema_starts_the_ema_from_its_weights(tmp_path) -> None:
    """An older checkpoint (no EMA state) loads with the EMA on: the average starts from its weights, warm-up over."""
    runner = make_runner()
    runner.learn(2)
    path = str(tmp_path / "old.pt")
    runner.save(path)
    assert EMA_TAG not in torch.load(path, weights_only=False)
    other = make_runner(seed=1, ema_decay=0.95, ema_warmup_updates=500)
    other.load(path)
    assert other.alg.ema.active and other.alg.ema.updates == 0
    for name, value in runner.alg.actor.named_parameters():
        assert torch.equal(other.alg.ema.shadow[name], value)
    obs = PointReachEnv(num_envs=16, seed=3).get_observations()
    with torch.no_grad():
        torch.testing.assert_close(other.alg.get_policy()(obs), runner.alg.actor(obs))
    other.learn(1)
    assert other.alg.ema.updates == 1 and other.alg.ema.active


def test_weight_decay_and_fixed_schedule() -> None:
    """``optimizer="adamw"`` with ``weight_decay`` (FPO++'s AdamW 1e-4); ``schedule="fixed"`` keeps the rate."""
    runner = make_runner(optimizer="adamw", weight_decay=1e-4, learning_rate=1e-4, schedule="fixed")
    optimizer = runner.alg.optimizer
    assert isinstance(optimizer, torch.optim.AdamW)
    assert [group["weight_decay"] for group in optimizer.param_groups] == [1e-4]
    runner.learn(2)
    assert runner.alg.learning_rate == 1e-4 and optimizer.param_groups[0]["lr"] == 1e-4
    assert make_runner(num_envs=8, optimizer="adamw").alg.optimizer.param_groups[0]["weight_decay"] == 0.01


def test_published_settings_config_trains_on_the_toy_env() -> None:
    """``--agent fpo_paper``'s algorithm section (Ant-Direct) in the stock runner: AdamW, fixed rate, EMA deployed."""
    pytest.importorskip("isaaclab_rl")  # the IsaacLab agent configs (absent where only rsl_rl is installed)
    from agents_cfg.fpo_paper_tasks import AntDirectFPOPaperRunnerCfg
    from agents_cfg.runner_dict import to_runner_dict

    alg = to_runner_dict(AntDirectFPOPaperRunnerCfg())["algorithm"]
    assert (alg["num_learning_epochs"], alg["num_mc_samples"], alg["clip_param"]) == (16, 16, 0.05)
    assert (alg["optimizer"], alg["weight_decay"], alg["learning_rate"], alg["schedule"]) == (
        "adamw",
        1e-4,
        1e-4,
        "fixed",
    )
    assert (alg["ema_decay"], alg["ema_warmup_updates"], alg["use_clipped_value_loss"]) == (0.95, 500, False)
    runner = make_runner(**{**alg, "ema_warmup_updates": 10})  # FPO++'s 500 of 2000 iterations, scaled to this run
    before = zero_noise_return(runner.alg.get_policy())
    runner.learn(30)
    assert runner.alg.ema.active and runner.alg.learning_rate == 1e-4
    assert isinstance(runner.alg.optimizer, torch.optim.AdamW) and runner.alg.num_learning_epochs == 16
    after = zero_noise_return(runner.alg.get_policy())
    # returns are negative distances: the deployed policy moved closer (lr 1e-4 and clip 0.05 move it slowly)
    assert after > 0.98 * before, (before, after)
