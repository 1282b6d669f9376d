"""GenPO with rsl-rl-lib 3.x's ``symmetry_cfg`` (a dict, as IsaacLab 2.x's ``RslRlSymmetryCfg`` gives it): the same
augmentation and mirror loss as under 5.x (:mod:`genpo_rsl.algorithms.symmetry`), in the stock 3.x runner.

The task's mirror map is known (:func:`genpo_rsl.toy_env.mirror_point_reach`); asymmetry is ``‖a(Ms) − M a(s)‖`` of
the zero-noise actions on held-out states. Runs only under rsl-rl-lib 3.x (``.venv-rsl3``).
"""

from __future__ import annotations

import pytest

from genpo_rsl.utils.rsl_version import rsl_rl_major

if rsl_rl_major() != 3:
    pytest.skip("rsl-rl-lib 3.x adapter tests (run them with .venv-rsl3)", allow_module_level=True)

from rsl3_runner import make_runner
from test_rsl3 import collect
from toy_helpers import assert_mirrored_point_reach_batch

from genpo_rsl import GenPOActorCritic
from genpo_rsl.algorithms.symmetry import measured_asymmetry
from genpo_rsl.toy_env import PointReachEnv, mirror_point_reach


def symmetry_cfg(**keys) -> dict:
    """The dict IsaacLab 2.x's ``RslRlSymmetryCfg.to_dict()`` gives (all keys present)."""
    cfg = {"use_data_augmentation": False, "use_mirror_loss": False, "mirror_loss_coeff": 0.0}
    return {**cfg, "data_augmentation_func": mirror_point_reach, **keys}


def asymmetry_after(tmp_path, iterations: int, **keys) -> float:
    runner = make_runner(tmp_path, symmetry_cfg=symmetry_cfg(**keys) if keys else None)
    runner.learn(iterations)
    policy = runner.alg.policy.eval()
    held_out = PointReachEnv(num_envs=256, action_dim=2, seed=9).get_observations()
    return measured_asymmetry(policy.act_inference, held_out, mirror_point_reach)


def test_augmentation_and_the_mirror_loss_each_make_the_policy_symmetric(tmp_path) -> None:
    plain = asymmetry_after(tmp_path / "plain", 10)
    augmented = asymmetry_after(tmp_path / "aug", 10, use_data_augmentation=True)
    mirror_only = asymmetry_after(tmp_path / "mirror", 10, use_mirror_loss=True, mirror_loss_coeff=1.0)
    assert augmented < 0.2 * plain, (augmented, plain)  # the 5.x test's bounds (tests/algorithms/test_symmetry.py)
    assert mirror_only < 0.5 * plain, (mirror_only, plain)


def test_mirrored_minibatch_mirrors_both_halves_and_logs_the_mirror_loss(tmp_path) -> None:
    runner = make_runner(tmp_path, symmetry_cfg=symmetry_cfg(use_data_augmentation=True, use_mirror_loss=True,
                                                             mirror_loss_coeff=0.5))  # fmt: skip
    alg = runner.alg
    assert isinstance(alg.policy, GenPOActorCritic) and alg.mirror.env is runner.env  # the runner's "_env"
    collect(runner)
    assert_mirrored_point_reach_batch(alg)


def test_symmetry_with_a_recurrent_policy_is_refused_by_name(tmp_path) -> None:
    """As rsl_rl's PPO refuses it for ``ActorCriticRecurrent``."""
    memory = {"class_name": "genpo_rsl.GenPOActorCriticRecurrent", "rnn_type": "gru", "rnn_hidden_dim": 8}
    with pytest.raises(ValueError, match=r"symmetry_cfg with a recurrent policy is not supported"):
        make_runner(tmp_path, policy=memory, symmetry_cfg=symmetry_cfg())
