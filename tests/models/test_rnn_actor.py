"""GenPO on rsl_rl 5's RNNModel: the flow conditioned on the memory output learns a memory task, resumes, exports.

:class:`~genpo_rsl.toy_env.CueRecallEnv` shows its cue at an episode's first step only, so a policy without memory
returns at most ``−(T − 1)`` (chance) and one that remembers the cue up to 0.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch
from rsl_rl.runners import OnPolicyRunner
from toy_helpers import assert_dones_reset_only_their_memory, assert_resume_equals_uninterrupted, collect_rollout

from genpo_rsl import GenPORNNActor
from genpo_rsl.toy_env import CueRecallEnv, recurrent_train_cfg, train_cfg

T = 8  # CueRecallEnv's episode length: chance is −(T − 1)


def make_runner(seed: int = 0, recurrent: bool = True, **cfg_keys) -> OnPolicyRunner:
    torch.manual_seed(seed)
    cfg = recurrent_train_cfg("genpo", **cfg_keys) if recurrent else train_cfg("genpo")
    return OnPolicyRunner(CueRecallEnv(num_envs=64, max_episode_length=T, seed=seed), cfg, log_dir=None, device="cpu")


@pytest.mark.parametrize("rnn_type", ["gru", "lstm"])
def test_recurrent_genpo_learns_the_cue_and_mlp_genpo_stays_at_chance(rnn_type: str) -> None:
    recurrent = make_runner(rnn_type=rnn_type)
    assert isinstance(recurrent.alg.actor, GenPORNNActor) and recurrent.alg.actor.flow.cond_dim == 32
    recurrent.learn(16)
    memoryless = make_runner(recurrent=False)
    memoryless.learn(16)
    remembered, chance = recurrent.env.mean_recent_return(128), memoryless.env.mean_recent_return(128)
    assert chance < -(T - 1) + 0.2, chance  # without memory the expected return is at most −(T − 1)
    assert remembered > -2.0, remembered  # far above chance: the flow is conditioned on the memory


def test_update_replays_the_rollout_conditioning_exactly() -> None:
    """The padded-trajectory minibatches with the stored hidden states give back the rollout latents: the first
    minibatch's ``F⁻¹(ã)`` is the rollout's ``z`` (ratio 1), although episodes end inside the rollout."""
    runner = make_runner()
    runner.learn(1)  # a trained step, so the states are not the initial ones
    collect_rollout(runner.alg, runner.env, runner.cfg["num_steps_per_env"])
    assert runner.alg.storage.dones.any(dim=0).float().mean() > 0.9  # nearly every env resets inside the rollout
    losses = runner.alg.update()
    assert losses["roundtrip_error"] < 1e-4 and losses["kl"] > 0


def test_dones_reset_the_memory_of_those_envs_only() -> None:
    runner = make_runner()
    assert_dones_reset_only_their_memory(runner.alg, runner.env, runner.alg.actor.get_hidden_state, 32)


def test_recurrent_actor_with_an_mlp_critic_trains() -> None:
    runner = make_runner(recurrent_critic=False)
    assert not runner.alg.critic.is_recurrent
    collect_rollout(runner.alg, runner.env, runner.cfg["num_steps_per_env"])
    losses = runner.alg.update()
    assert losses["roundtrip_error"] < 1e-4 and np.isfinite(losses["value"])


def test_save_load_continue_equals_uninterrupted(tmp_path) -> None:
    """As stock rsl_rl, hidden states are per-episode runtime state, not saved: both runs continue from a zero
    memory, and everything else (weights, optimizer, normalizers, learning rate) must come from the checkpoint.

    The uninterrupted run's memory is zeroed in place (``reset(dones)``), not set to ``None``: rsl_rl's storage skips
    a ``None`` state, and the slot of the rollout's first step would keep the previous rollout's state."""

    def zero_memory(runner: OnPolicyRunner) -> None:
        every_env = torch.ones(runner.env.num_envs, dtype=torch.long)
        with torch.inference_mode():  # the rollout's hidden states are inference tensors
            runner.alg.actor.reset(every_env)
            runner.alg.critic.reset(every_env)

    assert_resume_equals_uninterrupted(make_runner, tmp_path, 2, between=zero_memory)


@pytest.mark.parametrize("rnn_type", ["gru", "lstm"])
def test_jit_and_onnx_exports_match_torch_step_by_step(tmp_path, rnn_type: str) -> None:
    """The exports carry the hidden state as rsl_rl's recurrent exports do: JIT in a buffer (``reset()``), ONNX as
    ``h_in``/``h_out`` (and ``c_in``/``c_out`` for an LSTM)."""
    runner = make_runner(rnn_type=rnn_type)
    runner.learn(2)
    runner.export_policy_to_jit(str(tmp_path))
    runner.export_policy_to_onnx(str(tmp_path))
    actor = runner.alg.actor.eval()
    env = CueRecallEnv(num_envs=1, max_episode_length=T, seed=7)
    jit = torch.jit.load(os.path.join(tmp_path, "policy.pt"))
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(os.path.join(tmp_path, "policy.onnx"))
    assert [o.name for o in session.get_outputs()][:2] == ["actions", "h_out"]
    actor.reset()
    h = np.zeros((1, 1, 32), dtype=np.float32)
    c = np.zeros_like(h)
    obs = env.get_observations()
    for _ in range(2 * T):  # across an episode boundary
        with torch.no_grad():
            expected = actor(obs)
        torch.testing.assert_close(jit(obs["policy"]), expected, rtol=1e-5, atol=1e-5)
        feeds = {"obs": obs["policy"].numpy(), "h_in": h} | ({"c_in": c} if rnn_type == "lstm" else {})
        out = session.run(None, feeds)
        torch.testing.assert_close(torch.from_numpy(out[0]), expected, rtol=1e-4, atol=1e-5)
        h, c = out[1], out[2] if rnn_type == "lstm" else c
        obs, _, dones, _ = env.step(expected)
        if dones.any():  # a new episode: every copy starts from a zero memory
            actor.reset(dones)
            jit.reset()
            h, c = np.zeros_like(h), np.zeros_like(c)


@pytest.mark.parametrize(("algorithm", "iterations"), [("ppo", 16), ("fpo", 32)])
def test_stock_recurrent_ppo_and_fpo_learn_the_cue_too(algorithm: str, iterations: int) -> None:
    """The same toy config with rsl_rl's Gaussian ``RNNModel`` (the baseline) and with FPO++'s recurrent flow (slower
    here: about −2 after 32 iterations)."""
    torch.manual_seed(0)
    cfg = recurrent_train_cfg(algorithm)
    runner = OnPolicyRunner(CueRecallEnv(num_envs=64, max_episode_length=T), cfg, log_dir=None, device="cpu")
    runner.learn(iterations)
    assert runner.env.mean_recent_return(128) > -(T - 1) + 3.0  # well above chance: the memory is used


def test_gaussian_rnn_actor_with_genpo_names_the_recurrent_flow_actor() -> None:
    cfg = recurrent_train_cfg("ppo")
    cfg["algorithm"]["class_name"] = "genpo_rsl:GenPO"
    with pytest.raises(TypeError, match=r"got RNNModel; set the actor's class_name to 'genpo_rsl:GenPORNNActor'"):
        OnPolicyRunner(CueRecallEnv(num_envs=8), cfg, log_dir=None, device="cpu")
