"""The rsl-rl-lib 3.x adapter computes the shared core's loss and gradients (see ``tests/adapter_case.py``)."""

from __future__ import annotations

import pytest
import torch

from genpo_rsl.rsl_version import rsl_rl_major, rsl_rl_version

if rsl_rl_major() != 3:
    pytest.skip(f"rsl-rl-lib 3.x adapter; installed rsl-rl-lib is {rsl_rl_version()}", allow_module_level=True)

from adapter_case import SETTINGS, critic, flow, golden, minibatch, reference, summary
from rsl3_runner import make_runner
from tensordict import TensorDict


def test_rsl3_adapter_matches_the_core_and_the_rsl5_adapter(tmp_path) -> None:
    """Same loss and gradients as the core's reference and as the numbers the 5.x adapter test checks."""
    runner = make_runner(tmp_path, num_envs=8, policy={"critic_hidden_dims": [32, 32]}, **SETTINGS)
    alg = runner.alg
    alg.policy.actor.flow = flow()
    alg.policy.critic.load_state_dict(critic().state_dict())
    alg.policy.critic.double()
    batch = minibatch(lambda t: TensorDict({"policy": t}, batch_size=[t.shape[0]]))
    torch.manual_seed(0)
    loss, _ = alg.minibatch_loss(batch, first=False)
    loss.backward()
    grads = {f"flow.{n}": p.grad for n, p in alg.policy.flow.named_parameters()}
    grads.update({f"critic.{n}": p.grad for n, p in alg.policy.critic.named_parameters()})
    ref_loss, ref_grads = reference()
    assert loss.item() == pytest.approx(ref_loss, rel=1e-12)
    for name, grad in grads.items():
        torch.testing.assert_close(grad, ref_grads[name], rtol=1e-10, atol=1e-12, msg=name)
    stored = golden()
    assert summary(loss.item(), grads)["loss"] == pytest.approx(stored["loss"], rel=1e-9)
    for name, norm in summary(loss.item(), grads)["grad_norms"].items():
        assert norm == pytest.approx(stored["grad_norms"][name], rel=1e-8), name


def test_gradient_clipping_follows_rsl_rl_3_ppo(tmp_path) -> None:
    """One gradient norm over all policy (actor + critic) parameters is clipped to ``max_grad_norm`` (3.x PPO)."""
    from genpo_rsl.toy_env import collect_rollout

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
    from genpo_rsl.toy_env import collect_rollout

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
