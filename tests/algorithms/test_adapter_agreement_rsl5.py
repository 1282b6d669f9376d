"""The rsl-rl-lib 5.x adapter computes the shared core's loss and gradients (see ``tests/adapter_case.py``)."""

from __future__ import annotations

import pytest
import torch
from adapter_case import (
    ACTION_DIM,
    MODE_CASES,
    SETTINGS,
    adapter_step,
    assert_matches_core,
    assert_matches_independent,
)
from rsl_rl.runners import OnPolicyRunner

from genpo_rsl.toy_env import PointReachEnv, train_cfg
from genpo_rsl.utils.rsl_version import rsl_rl_major

pytestmark = pytest.mark.skipif(rsl_rl_major() != 5, reason="rsl-rl-lib 5.x adapter")


def rsl5_step(base_scale: str = "fixed", entropy_form: str = "estimate") -> tuple[float, dict[str, torch.Tensor]]:
    """Run the 5.x ``GenPO`` minibatch step on the case; return its loss and gradients."""
    cfg = train_cfg("genpo", **SETTINGS)
    cfg["critic"]["hidden_dims"] = [32, 32]
    cfg["critic"]["activation"] = "elu"
    runner = OnPolicyRunner(PointReachEnv(num_envs=8), cfg, log_dir=None, device="cpu")
    return adapter_step(runner.alg, runner.alg.actor, runner.alg.critic.mlp, base_scale, entropy_form)


@pytest.mark.parametrize(("base_scale", "entropy_form"), MODE_CASES)
def test_rsl5_adapter_matches_the_core_in_every_base_noise_mode(base_scale: str, entropy_form: str) -> None:
    """Each base-noise mode and entropy form: the 5.x step equals the core's reference (σ's gradients included)."""
    loss, grads = rsl5_step(base_scale, entropy_form)
    assert any("base_noise" in name for name in grads) == (base_scale != "fixed")
    assert_matches_core(loss, grads, base_scale, entropy_form)


@pytest.mark.parametrize(("base_scale", "entropy_form"), [("fixed", "estimate"), *MODE_CASES])
def test_rsl5_adapter_matches_an_independent_transcription(base_scale: str, entropy_form: str) -> None:
    """Loss and gradients equal a float64 transcription of docs/algorithm.md that shares no code with the package."""
    loss, grads = rsl5_step(base_scale, entropy_form)
    assert_matches_independent(loss, grads, base_scale, entropy_form)


def test_rsl5_adapter_matches_the_core() -> None:
    """Same loss and every gradient as the core's reference, and as the stored numbers both adapters check."""
    assert PointReachEnv(num_envs=1).num_actions == ACTION_DIM
    loss, grads = rsl5_step()
    assert_matches_core(loss, grads)
