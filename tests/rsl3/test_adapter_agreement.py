"""The rsl-rl-lib 3.x adapter computes the shared core's loss and gradients (see ``tests/adapter_case.py``)."""

from __future__ import annotations

import pytest
import torch

from genpo_rsl.utils.rsl_version import rsl_rl_major, rsl_rl_version

if rsl_rl_major() != 3:
    pytest.skip(f"rsl-rl-lib 3.x adapter; installed rsl-rl-lib is {rsl_rl_version()}", allow_module_level=True)

from adapter_case import MODE_CASES, SETTINGS, adapter_step, assert_matches_core, assert_matches_independent
from rsl3_runner import make_runner
from toy_helpers import collect_rollout


def test_rsl3_adapter_matches_the_core_and_the_rsl5_adapter(tmp_path) -> None:
    """Same loss and gradients as the core's reference and as the numbers the 5.x adapter test checks."""
    runner = make_runner(tmp_path, num_envs=8, policy={"critic_hidden_dims": [32, 32]}, **SETTINGS)
    loss, grads = adapter_step(runner.alg, runner.alg.policy.actor, runner.alg.policy.critic)
    assert_matches_core(loss, grads)


@pytest.mark.parametrize(("base_scale", "entropy_form"), MODE_CASES)
def test_rsl3_adapter_matches_the_core_in_every_base_noise_mode(tmp_path, base_scale: str, entropy_form: str) -> None:
    """Each base-noise mode and entropy form through ``GenPOActorCritic``: the core's loss and gradients."""
    runner = make_runner(tmp_path, num_envs=8, policy={"critic_hidden_dims": [32, 32]}, **SETTINGS)
    actor, critic = runner.alg.policy.actor, runner.alg.policy.critic
    loss, grads = adapter_step(runner.alg, actor, critic, base_scale, entropy_form)
    assert_matches_core(loss, grads, base_scale, entropy_form)


@pytest.mark.parametrize(("base_scale", "entropy_form"), [("fixed", "estimate"), *MODE_CASES])
def test_rsl3_adapter_matches_an_independent_transcription(tmp_path, base_scale: str, entropy_form: str) -> None:
    """Loss and gradients equal the float64 transcription of docs/algorithm.md (tests/independent_reference.py)."""
    runner = make_runner(tmp_path, num_envs=8, policy={"critic_hidden_dims": [32, 32]}, **SETTINGS)
    actor, critic = runner.alg.policy.actor, runner.alg.policy.critic
    loss, grads = adapter_step(runner.alg, actor, critic, base_scale, entropy_form)
    assert_matches_independent(loss, grads, base_scale, entropy_form)


def test_gradient_clipping_follows_rsl_rl_3_ppo(tmp_path) -> None:
    """One gradient norm over all policy (actor + critic) parameters is clipped to ``max_grad_norm`` (3.x PPO)."""
    runner = make_runner(tmp_path, num_envs=32, max_grad_norm=0.5)
    alg = runner.alg
    collect_rollout(alg, runner.env, 16)
    loss, _ = alg.minibatch_loss(next(iter(alg.minibatches())), first=True)
    (1e4 * loss).backward()
    alg.clip_gradients()
    norm = torch.nn.utils.get_total_norm([p.grad for p in alg.policy.parameters() if p.grad is not None])
    assert norm.item() == pytest.approx(0.5, rel=1e-4)


def test_numerical_health_checks_run_on_3x_too(tmp_path) -> None:
    """A non-finite parameter stops the 3.x run with GenPONumericalError and writes the last good state."""
    from genpo_rsl import GenPONumericalError

    runner = make_runner(tmp_path, num_envs=16)
    alg = runner.alg
    alg.checkpoint_dir = str(tmp_path / "last_good")
    collect_rollout(alg, runner.env, 16)
    alg.update()
    collect_rollout(alg, runner.env, 16)
    alg.storage.advantages = alg.storage.advantages.clone()
    alg.storage.advantages[0] = float("nan")  # a NaN loss: the optimizer step makes the parameters non-finite
    with pytest.raises(GenPONumericalError, match=r"iteration 1: .* non-finite .*last good state"):
        alg.update()
    saved = torch.load(tmp_path / "last_good" / "last_good_model_1.pt", weights_only=False)
    assert torch.isfinite(saved["model_state_dict"]["actor.flow.velocity.input_layer.weight"]).all()
    runner.alg.policy.load_state_dict(saved["model_state_dict"])  # loadable as a 3.x runner checkpoint
