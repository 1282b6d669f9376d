"""The redesigned core: pluggable flow, compression forms, time embeddings, base scale, legacy checkpoints, clipping."""

from __future__ import annotations

import math

import pytest
import torch
from rsl_rl.runners import OnPolicyRunner
from toy_helpers import collect_rollout

from genpo_rsl import GenPOActor, GenPOFlow
from genpo_rsl.algorithms.objective import COMPRESSION_FORMS
from genpo_rsl.modules.time_embedding import sinusoidal_embedding
from genpo_rsl.toy_env import PointReachEnv, train_cfg


class WideFlow(GenPOFlow):
    """A user flow selected by ``flow_cfg.class_name`` (here: GenPO with an extra constructor setting)."""

    def __init__(self, *args, width_note: str = "", **kwargs) -> None:
        """Accept one extra key to show it reaches the flow."""
        super().__init__(*args, **kwargs)
        self.width_note = width_note


def make_runner(actor: dict | None = None, **alg) -> OnPolicyRunner:
    """Build the stock runner on PointReachEnv with the given actor keys and algorithm keys."""
    torch.manual_seed(0)
    cfg = train_cfg("genpo", **alg)
    cfg["actor"].update(actor or {})
    return OnPolicyRunner(PointReachEnv(num_envs=32), cfg, log_dir=None, device="cpu")


def test_flow_cfg_selects_the_flow_class_and_merges_flat_keys() -> None:
    runner = make_runner({"flow_cfg": {"class_name": "test_core:WideFlow", "width_note": "x"}, "mix_p": 0.8})
    flow = runner.alg.actor.flow
    assert type(flow).__name__ == "WideFlow" and flow.width_note == "x" and flow.mix_p == 0.8
    assert flow.num_flow_steps == 5  # the flat key of train_cfg reached the flow too
    runner.learn(1)


@pytest.mark.parametrize(
    ("actor", "message"),
    [
        ({"flow_cfg": {"mix_p": 0.8}, "mix_p": 0.9}, r"\['mix_p'\] given both at the top level and in flow_cfg"),
        ({"flow_cfg": {"mixp": 0.8}}, r"unknown flow_cfg key\(s\) \['mixp'\] for GenPOFlow; allowed: \["),
        ({"flow_cfg": {"class_name": "no_such_module:Flow"}}, r"class_name='no_such_module:Flow' cannot be imported"),
        ({"time_embedding": "cosine"}, r"time_embedding='cosine' is invalid; allowed: \['scaled', 'released'\]"),
        (
            {"flow_cfg": "{learn_base_scale:true}"},
            r"flow_cfg='\{learn_base_scale:true\}' is invalid; allowed: None or a dict",
        ),
        ({"mix_pp": 0.9}, r"unknown key\(s\) \['mix_pp'\] in 'actor' \(class GenPOActor\); allowed: \[.*'mix_p'"),
    ],
)
def test_bad_flow_settings_are_named(actor: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_runner(actor)


def test_compression_forms() -> None:
    """``squared_norm`` = d·``mean_square``; ``norm`` = E‖x−y‖₂ with a finite gradient at a zero gap."""
    gap = torch.tensor([[3.0, 4.0], [0.0, 0.0]], requires_grad=True)
    assert COMPRESSION_FORMS["squared_norm"](gap).item() == pytest.approx(12.5)
    assert COMPRESSION_FORMS["mean_square"](gap).item() == pytest.approx(6.25)
    norm = COMPRESSION_FORMS["norm"](gap)
    assert norm.item() == pytest.approx(2.5)
    norm.backward()
    assert torch.isfinite(gap.grad).all()
    with pytest.raises(ValueError, match=r"compression_form='l2' is invalid; allowed: \['squared_norm', 'norm'"):
        make_runner(compression_form="l2")


def test_released_time_embedding_is_the_authors_formula() -> None:
    t, dim = torch.tensor([0.0, 0.2, 0.6]), 32
    half = dim // 2
    freqs = torch.tensor([math.exp(-math.log(10000.0) * k / (half - 1)) for k in range(half)])
    angles = t[:, None] * freqs[None, :]
    expected = torch.cat([angles.sin(), angles.cos()], dim=-1)
    torch.testing.assert_close(sinusoidal_embedding(t, dim, "released"), expected)
    scaled = 1000.0 * t[:, None] * torch.exp(-math.log(10000.0) * torch.arange(half) / half)[None, :]
    torch.testing.assert_close(sinusoidal_embedding(t, dim, "scaled"), torch.cat([scaled.sin(), scaled.cos()], -1))


def test_genpo_rsl_0_1_checkpoint_layout_still_loads() -> None:
    """Flow parameters saved as ``flow.{input_layer,trunk,time_mlp}`` (0.1) load into ``flow.velocity``."""
    runner = make_runner()
    actor: GenPOActor = runner.alg.actor
    state = {}
    for key, value in actor.state_dict().items():
        old = key.replace("flow.velocity.time_mlp.mlp.", "flow.time_mlp.").replace("flow.velocity.", "flow.")
        if old != "flow.settings":
            state[old] = value.clone() + 0.01
    fresh = make_runner().alg.actor
    fresh.load_state_dict(state)
    assert torch.equal(fresh.flow.velocity.input_layer.weight, state["flow.input_layer.weight"])
    assert torch.equal(fresh.flow.velocity.time_mlp.mlp[0].bias, state["flow.time_mlp.0.bias"])


def test_gradient_clipping_follows_rsl_rl_5_ppo() -> None:
    """Actor and critic gradient norms are clipped separately, each to ``max_grad_norm`` (rsl-rl-lib 5.x PPO)."""
    runner = make_runner(max_grad_norm=0.5)
    alg = runner.alg
    collect_rollout(alg, runner.env, 16)
    batch = next(iter(alg.minibatches()))
    loss, _ = alg.minibatch_loss(batch, first=True)
    (1e4 * loss).backward()
    alg.clip_gradients()
    norms = [
        torch.nn.utils.get_total_norm([p.grad for p in m.parameters() if p.grad is not None])
        for m in (alg.actor, alg.critic)
    ]
    assert all(n.item() == pytest.approx(0.5, rel=1e-4) for n in norms)


def test_update_logs_the_spreads_and_the_objective_terms() -> None:
    runner = make_runner(compression_form="squared_norm")
    collect_rollout(runner.alg, runner.env, 16)
    losses = runner.alg.update()
    for key in ("surrogate", "value", "entropy", "compression", "kl", "log_prob", "roundtrip_error"):
        assert math.isfinite(losses[key]), key
    # at initialisation the env action (x + y)/2 of two unit halves spreads by about 1/sqrt(2) per dimension
    assert 0.4 < losses["action_std"] < 1.1 and losses["halves_gap_std"] > 0.1
    assert "base_scale" in losses  # the default σ is learnt, and logged


def test_a_fixed_base_scale_is_not_logged() -> None:
    runner = make_runner({"base_scale": "fixed"})
    collect_rollout(runner.alg, runner.env, 16)
    assert "base_scale" not in runner.alg.update()  # only a learnt σ is logged


def test_a_learnt_base_scale_is_logged_and_moves() -> None:
    runner = make_runner({"learn_base_scale": True}, entropy_coef=0.01)
    collect_rollout(runner.alg, runner.env, 16)
    losses = runner.alg.update()
    sigma = runner.alg.actor.flow.base_noise.log_scale_param.exp().item()
    assert losses["base_scale"] == pytest.approx(1.0, abs=1e-6)  # measured before the first step: the initial σ
    assert sigma != 1.0 and 0.5 < sigma < 2.0  # the optimizer moved it, a little


def test_per_state_std_is_the_spread_for_a_fixed_state_not_across_states() -> None:
    from genpo_rsl.modules.policy import SPREAD_SAMPLES, SPREAD_STATES, per_state_std

    torch.manual_seed(0)
    cond = 100.0 * torch.randn(200, 3)  # states far apart: their spread must not leak into the per-state std
    scale = torch.tensor([0.1, 0.5, 2.0])
    calls = []

    def draw(c: torch.Tensor) -> torch.Tensor:
        calls.append(c.shape[0])
        return c + scale * torch.randn_like(c)

    std = per_state_std(draw, cond)
    assert calls == [SPREAD_STATES * SPREAD_SAMPLES]
    torch.testing.assert_close(std, scale, rtol=0.1, atol=0.0)
