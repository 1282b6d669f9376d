"""Recurrent GenPO under rsl-rl-lib 3.x: ``genpo_rsl.GenPOActorCriticRecurrent`` in the stock 3.x runner, the same
behaviours as the 5.x ``GenPORNNActor`` tests (``tests/models/test_rnn_actor.py``) on the memory task.

:class:`~genpo_rsl.toy_env.CueRecallEnv` shows its cue at an episode's first step only: without memory the return is
at most −(T − 1). Runs only under rsl-rl-lib 3.x (``.venv-rsl3``).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from tensordict import TensorDict

from genpo_rsl.utils.rsl_version import rsl_rl_major

if rsl_rl_major() != 3:
    pytest.skip("rsl-rl-lib 3.x adapter tests (run them with .venv-rsl3)", allow_module_level=True)

from isaaclab_export import load_isaaclab_exporter, play_py_policy
from rsl3_runner import FAST_FLOW, isaaclab23_cfg
from rsl_rl.runners import OnPolicyRunner
from test_rsl3 import collect
from toy_helpers import assert_dones_reset_only_their_memory

from genpo_rsl import GenPOActorCritic, GenPOActorCriticRecurrent
from genpo_rsl.toy_env import CueRecallEnv

T = 8  # CueRecallEnv's episode length: chance is −(T − 1)
MEMORY = {"rnn_type": "gru", "rnn_hidden_dim": 32, "rnn_num_layers": 1}


def make_runner(tmp_path, seed: int = 0, recurrent: bool = True, **rnn) -> OnPolicyRunner:
    torch.manual_seed(seed)
    policy = {
        **FAST_FLOW,
        **({"class_name": "genpo_rsl.GenPOActorCriticRecurrent", **MEMORY, **rnn} if recurrent else {}),
    }
    cfg = isaaclab23_cfg("genpo", policy, entropy_coef=0.0)
    cfg["num_steps_per_env"] = 16
    env = CueRecallEnv(num_envs=64, max_episode_length=T, seed=seed)
    return OnPolicyRunner(env, cfg, log_dir=str(tmp_path / f"run_{recurrent}_{seed}"), device="cpu")


@pytest.mark.parametrize("rnn_type", ["gru", "lstm"])
def test_recurrent_genpo_learns_the_cue_and_mlp_genpo_stays_at_chance(tmp_path, rnn_type: str) -> None:
    recurrent = make_runner(tmp_path, rnn_type=rnn_type)
    policy = recurrent.alg.policy
    assert type(policy) is GenPOActorCriticRecurrent and policy.flow.cond_dim == 32
    recurrent.learn(16)
    memoryless = make_runner(tmp_path, recurrent=False)
    assert type(memoryless.alg.policy) is GenPOActorCritic
    memoryless.learn(16)
    remembered, chance = recurrent.env.mean_recent_return(128), memoryless.env.mean_recent_return(128)
    assert chance < -(T - 1) + 0.2, chance  # without memory the expected return is at most −(T − 1)
    assert remembered > -2.0, remembered  # the 5.x test's bound: far above chance


def test_update_replays_the_rollout_conditioning_exactly(tmp_path) -> None:
    """The padded-trajectory minibatches with the stored hidden states give back the rollout latents (round trip),
    although episodes end inside the rollout."""
    runner = make_runner(tmp_path)
    runner.learn(1)
    collect(runner)
    assert runner.alg.storage.dones.any(dim=0).float().mean() > 0.9  # nearly every env resets inside the rollout
    losses = runner.alg.update()
    assert losses["roundtrip_error"] < 1e-4 and losses["kl"] > 0


def test_dones_reset_the_memory_of_those_envs_only(tmp_path) -> None:
    runner = make_runner(tmp_path)
    actor_hidden = lambda: runner.alg.policy.get_hidden_states()[0]  # noqa: E731
    assert_dones_reset_only_their_memory(runner.alg, runner.env, actor_hidden, 32)


def test_isaaclab_exports_carry_the_memory_step_by_step(tmp_path) -> None:
    """IsaacLab 2.x's own exporters (found through ``memory_a.rnn`` and ``actor``): JIT and ONNX equal the policy's
    ``act_inference`` (the zero-noise flow on the memory) over several steps, the hidden state carried."""
    exporter = load_isaaclab_exporter()
    if exporter is None:
        pytest.skip("no isaaclab_rl/rsl_rl/exporter.py here (.venv or GENPO_ISAACLAB_EXPORTER)")
    onnxruntime = pytest.importorskip("onnxruntime")
    runner = make_runner(tmp_path, rnn_type="lstm")
    runner.learn(2)
    policy_nn, normalizer = play_py_policy(runner)
    policy_nn.eval()
    exporter.export_policy_as_jit(policy_nn, normalizer=normalizer, path=str(tmp_path), filename="policy.pt")
    exporter.export_policy_as_onnx(policy_nn, normalizer=normalizer, path=str(tmp_path), filename="policy.onnx")
    jit = torch.jit.load(str(tmp_path / "policy.pt"))
    session = onnxruntime.InferenceSession(str(tmp_path / "policy.onnx"))
    assert [i.name for i in session.get_inputs()] == ["obs", "h_in", "c_in"]
    h = c = np.zeros((1, 1, 32), np.float32)
    policy_nn.reset()
    generator = torch.Generator().manual_seed(0)
    for _ in range(5):
        x = torch.randn(1, 2, generator=generator)
        with torch.no_grad():
            expected = policy_nn.act_inference(TensorDict({"policy": x}, batch_size=[1]))
            jit_out = jit(x)
        out, h, c = session.run(["actions", "h_out", "c_out"], {"obs": x.numpy(), "h_in": h, "c_in": c})
        torch.testing.assert_close(jit_out, expected, atol=1e-5, rtol=1e-5)
        assert np.abs(out - expected.numpy()).max() < 1e-4


def test_a_stock_recurrent_policy_is_refused_with_the_class_to_set(tmp_path) -> None:
    cfg = isaaclab23_cfg("genpo", {"class_name": "ActorCriticRecurrent"})
    with pytest.raises(TypeError, match=r"class_name to 'genpo_rsl.GenPOActorCriticRecurrent'"):
        OnPolicyRunner(CueRecallEnv(num_envs=8), cfg, log_dir=str(tmp_path / "bad"), device="cpu")


def test_bad_rnn_type_is_named(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"rnn_type='transformer' is invalid; allowed: 'lstm', 'gru'"):
        make_runner(tmp_path, rnn_type="transformer")
