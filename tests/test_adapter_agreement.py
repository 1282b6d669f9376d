"""The rsl-rl-lib 5.x adapter computes the shared core's loss and gradients (see ``tests/adapter_case.py``)."""

from __future__ import annotations

import pytest
import torch
from adapter_case import ACTION_DIM, SETTINGS, adapter_step, assert_matches_core
from rsl_rl.runners import OnPolicyRunner

from genpo_rsl.rsl_version import rsl_rl_major
from genpo_rsl.toy_env import PointReachEnv, train_cfg

pytestmark = pytest.mark.skipif(rsl_rl_major() != 5, reason="rsl-rl-lib 5.x adapter")


def rsl5_step() -> tuple[float, dict[str, torch.Tensor]]:
    """Run the 5.x ``GenPO`` minibatch step on the case; return its loss and gradients."""
    cfg = train_cfg("genpo", **SETTINGS)
    cfg["critic"]["hidden_dims"] = [32, 32]
    cfg["critic"]["activation"] = "elu"
    runner = OnPolicyRunner(PointReachEnv(num_envs=8), cfg, log_dir=None, device="cpu")
    return adapter_step(runner.alg, runner.alg.actor, runner.alg.critic.mlp)


def test_rsl5_adapter_matches_the_core() -> None:
    """Same loss and every gradient as the core's reference, and as the stored numbers both adapters check."""
    assert PointReachEnv(num_envs=1).num_actions == ACTION_DIM
    loss, grads = rsl5_step()
    assert_matches_core(loss, grads)
