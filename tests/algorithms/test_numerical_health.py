"""Numerical health: non-finite actions, log-probs or parameters stop the run, name the iteration and the quantity,
and leave the last good state as a checkpoint the stock runner loads; diagnostics are logged every iteration."""

from __future__ import annotations

import contextlib
import io
import os

import pytest
import torch
from rsl_rl.runners import OnPolicyRunner
from toy_helpers import collect_rollout

from genpo_rsl import GenPO, GenPONumericalError
from genpo_rsl.algorithms.health import LAST_GOOD_PREFIX
from genpo_rsl.toy_env import PointReachEnv, train_cfg

NUM_ENVS, NUM_STEPS = 16, 8


def small_runner(log_dir: str | None = None, seed: int = 0, env_log_dir: str | None = None, **alg) -> OnPolicyRunner:
    """A fast GenPO run on PointReach (1 epoch x 2 minibatches unless ``alg`` says otherwise).

    ``env_log_dir`` goes into the environment's config as IsaacLab's ``train`` puts the run's folder there.
    """
    cfg = train_cfg("genpo", **{"num_learning_epochs": 1, "num_mini_batches": 2, **alg})
    cfg["num_steps_per_env"] = NUM_STEPS
    torch.manual_seed(seed)
    env = PointReachEnv(num_envs=NUM_ENVS, seed=seed)
    if env_log_dir is not None:
        env.cfg["log_dir"] = env_log_dir
    with contextlib.redirect_stdout(io.StringIO()):
        return OnPolicyRunner(env, cfg, log_dir=log_dir, device="cpu")


def record_states(alg: GenPO) -> dict[int, dict]:
    """Record the actor/critic state at the start of every update, keyed by GenPO's iteration."""
    states: dict[int, dict] = {}
    update = alg.update

    def recording_update() -> dict[str, float]:
        states[alg.iteration] = {
            "actor": {k: v.clone() for k, v in alg.actor.state_dict().items()},
            "critic": {k: v.clone() for k, v in alg.critic.state_dict().items()},
        }
        return update()

    alg.update = recording_update  # type: ignore[method-assign]
    return states


def assert_loads_state(path: str, state: dict, iteration: int) -> OnPolicyRunner:
    """A fresh stock runner loads ``path`` and holds exactly ``state`` at ``iteration``."""
    fresh = small_runner(seed=99)
    infos = fresh.load(path)
    assert "iteration" in infos["genpo_numerical_error"]
    assert fresh.current_learning_iteration == iteration and fresh.alg.iteration == iteration
    for model in ("actor", "critic"):
        for key, value in getattr(fresh.alg, model).state_dict().items():
            assert torch.equal(value, state[model][key]), f"{model}.{key}"
    return fresh


def test_diagnostics_are_logged_every_iteration(tmp_path) -> None:
    runner = small_runner(log_dir=str(tmp_path))
    runner.learn(2)
    runner.logger.writer.flush()  # the writer flushes every 10 s by itself: read after an explicit flush
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(tmp_path))
    events.Reload()
    for key in ("Loss/roundtrip_error", "Loss/nonfinite_fraction"):
        values = [e.value for e in events.Scalars(key)]
        assert len(values) == 2 and all(0.0 <= v < 1e-4 for v in values), (key, values)


def test_nan_rollout_action_never_reaches_the_env_and_last_good_state_is_saved(tmp_path) -> None:
    # no checkpoint_dir set: the run's folder as IsaacLab hands it to the environment (env_cfg.log_dir)
    runner = small_runner(log_dir=str(tmp_path), env_log_dir=str(tmp_path))
    assert runner.alg.checkpoint_dir == str(tmp_path)
    alg, env = runner.alg, runner.env
    states = record_states(alg)
    sample, step = alg.actor.sample, env.step

    def sample_going_bad(obs):  # from iteration 3 on, the policy emits NaN for two environments
        dummy, z, log_prob = sample(obs)
        if alg.iteration >= 3:
            dummy = dummy.clone()
            dummy[:2, 0] = float("nan")
        return dummy, z, log_prob

    def checked_step(actions):
        assert torch.isfinite(actions).all(), "a non-finite action reached the environment"
        return step(actions)

    alg.actor.sample = sample_going_bad  # type: ignore[method-assign]
    env.step = checked_step  # type: ignore[method-assign]
    message = (
        r"iteration 3: 2 of 64 rollout dummy actions are non-finite \(NaN/inf\) at rollout step 0; last good state "
        r"\(the parameters iteration 2's finite rollout was collected with\) saved to .*last_good_model_2\.pt"
    )
    with pytest.raises(GenPONumericalError, match=message):
        runner.learn(10)
    path = os.path.join(tmp_path, f"{LAST_GOOD_PREFIX}_2.pt")
    fresh = assert_loads_state(path, states[2], iteration=2)
    fresh.learn(1)  # and training goes on from it


def test_nan_parameters_after_an_update_stop_the_run(tmp_path) -> None:
    runner = small_runner(num_mini_batches=1)  # with more, the next minibatch's log-probs would catch it first
    alg = runner.alg
    alg.checkpoint_dir = str(tmp_path / "ckpt")
    states = record_states(alg)
    step = alg.optimizer.step

    def step_going_bad(*args, **kwargs):
        out = step(*args, **kwargs)
        if alg.iteration == 1:
            with torch.no_grad():
                alg.actor.flow.velocity.input_layer.weight[0, :3] = float("inf")
        return out

    alg.optimizer.step = step_going_bad  # type: ignore[method-assign]
    message = (
        r"iteration 1: 3 of \d+ values of actor parameter 'flow.velocity.input_layer.weight' are non-finite \(NaN/inf\) "
        r"after the update; last good state .* saved to .*ckpt/last_good_model_1\.pt"
    )
    with pytest.raises(GenPONumericalError, match=message):
        runner.learn(5)
    assert_loads_state(str(tmp_path / "ckpt" / f"{LAST_GOOD_PREFIX}_1.pt"), states[1], iteration=1)


def test_nan_new_log_probs_stop_before_any_optimizer_step(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # no runner log dir and no checkpoint_dir: the current directory
    runner = small_runner()
    alg = runner.alg
    states = record_states(alg)
    log_prob = alg.actor.flow.log_prob  # what the update evaluates on the stored actions

    def log_prob_going_bad(actions, cond):
        value, z = log_prob(actions, cond)
        if alg.iteration == 2:
            value = value.clone()
            value[:5] = float("-inf")
        return value, z

    alg.actor.flow.log_prob = log_prob_going_bad  # type: ignore[method-assign]
    with pytest.raises(GenPONumericalError, match=r"iteration 2: 5 of 64 new log-probs of the update are non-finite"):
        runner.learn(5)
    for key, value in alg.actor.state_dict().items():  # the failing minibatch took no step
        assert torch.equal(value, states[2]["actor"][key]), key
    assert_loads_state(str(tmp_path / f"{LAST_GOOD_PREFIX}_2.pt"), states[2], iteration=2)


def test_failure_before_the_first_update_writes_nothing(tmp_path) -> None:
    runner = small_runner()
    alg = runner.alg
    alg.checkpoint_dir = str(tmp_path)
    with torch.no_grad():
        alg.actor.flow.velocity.trunk[-1].bias.fill_(float("nan"))
    with pytest.raises(GenPONumericalError, match=r"iteration 0: 64 of 64 rollout dummy actions .* no checkpoint"):
        runner.learn(1)
    assert os.listdir(tmp_path) == []


def test_non_finite_stored_rollout_is_refused_by_update(tmp_path) -> None:
    runner = small_runner()
    runner.learn(1)
    alg = runner.alg
    alg.checkpoint_dir = str(tmp_path)  # not the current directory
    collect_rollout(alg, runner.env, NUM_STEPS)
    alg.storage.actions_log_prob[3, 4] = float("nan")  # e.g. storage written by other code
    with pytest.raises(GenPONumericalError, match=r"iteration 1: 1 of 128 rollout log-probs are non-finite"):
        alg.update()
    assert os.listdir(tmp_path) == [f"{LAST_GOOD_PREFIX}_0.pt"]  # the last state the runner collected with


def test_iteration_counter_follows_the_runner_through_save_and_load(tmp_path) -> None:
    runner = small_runner()
    runner.learn(3)
    assert runner.alg.iteration == 3
    path = str(tmp_path / "model.pt")
    runner.save(path)
    fresh = small_runner(seed=5)
    fresh.load(path)
    assert fresh.alg.iteration == fresh.current_learning_iteration == 2  # rsl_rl resumes at the saved iteration
    weights_only = small_runner(seed=6)
    weights_only.load(path, load_cfg={"actor": True})
    assert weights_only.alg.iteration == weights_only.current_learning_iteration == 0  # as rsl_rl: count not loaded


@pytest.mark.parametrize("seed", range(4))
def test_first_minibatch_does_not_move_the_adaptive_learning_rate(seed: int) -> None:
    """As in PPO, the KL before any step is exactly 0, not the inverse's ±1e-8 round-trip noise."""
    runner = small_runner(seed=seed, num_mini_batches=1)
    runner.learn(1)
    assert runner.alg.learning_rate == 1e-3
