"""The rsl-rl-lib 5.x adapter computes the shared core's loss and gradients (see ``tests/adapter_case.py``)."""

from __future__ import annotations

import pytest
import torch
from adapter_case import ACTION_DIM, SETTINGS, critic, flow, golden, minibatch, reference, summary
from rsl_rl.runners import OnPolicyRunner
from tensordict import TensorDict

from genpo_rsl.rsl_version import rsl_rl_major
from genpo_rsl.toy_env import PointReachEnv, train_cfg

pytestmark = pytest.mark.skipif(rsl_rl_major() != 5, reason="rsl-rl-lib 5.x adapter")


def adapter_step() -> tuple[float, dict[str, torch.Tensor]]:
    """Run the 5.x ``GenPO`` minibatch step on the case; return its loss and gradients."""
    cfg = train_cfg("genpo", **SETTINGS)
    cfg["critic"]["hidden_dims"] = [32, 32]
    cfg["critic"]["activation"] = "elu"
    runner = OnPolicyRunner(PointReachEnv(num_envs=8), cfg, log_dir=None, device="cpu")
    alg = runner.alg
    alg.actor.flow = flow()
    alg.critic.mlp.load_state_dict(critic().state_dict())
    alg.critic.double()
    batch = minibatch(lambda t: TensorDict({"policy": t}, batch_size=[t.shape[0]]))
    torch.manual_seed(0)
    loss, _ = alg.minibatch_loss(batch, first=False)
    loss.backward()
    grads = {f"flow.{n}": p.grad for n, p in alg.actor.flow.named_parameters()}
    grads.update({f"critic.{n}": p.grad for n, p in alg.critic.mlp.named_parameters()})
    return loss.item(), grads


def test_rsl5_adapter_matches_the_core() -> None:
    """Same loss and every gradient as the core's reference, and as the stored numbers both adapters check."""
    assert PointReachEnv(num_envs=1).num_actions == ACTION_DIM
    loss, grads = adapter_step()
    ref_loss, ref_grads = reference()
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    assert sorted(grads) == sorted(ref_grads)
    for name, grad in grads.items():
        torch.testing.assert_close(grad, ref_grads[name], rtol=1e-10, atol=1e-12, msg=name)
    stored = golden()
    assert summary(loss, grads)["loss"] == pytest.approx(stored["loss"], rel=1e-9)
    for name, norm in summary(loss, grads)["grad_norms"].items():
        assert norm == pytest.approx(stored["grad_norms"][name], rel=1e-8), name
