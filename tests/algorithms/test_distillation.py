"""``genpo_rsl.GenPODistillation``: a GenPO student distilled from a Gaussian PPO teacher in the stock DistillationRunner."""

from __future__ import annotations

import copy

import pytest
import torch
from rsl_rl.runners import DistillationRunner, OnPolicyRunner

from genpo_rsl.toy_env import PointReachEnv, train_cfg

ITERATIONS = 60


def teacher_checkpoint(path: str) -> dict:
    """Train a Gaussian PPO teacher on PointReachEnv; save it to ``path``; return its runner config."""
    torch.manual_seed(0)
    cfg = train_cfg("ppo")
    runner = OnPolicyRunner(PointReachEnv(num_envs=64), copy.deepcopy(cfg), log_dir=None, device="cpu")
    runner.learn(60)
    runner.save(path)
    return cfg


def distill_cfg(teacher_cfg: dict, **alg) -> dict:
    """A DistillationRunner config: GenPO student, the teacher's own Gaussian MLPModel as teacher."""
    student = train_cfg("genpo")["actor"]
    return {
        "num_steps_per_env": 16,
        "save_interval": 1000,
        "obs_groups": {"student": ["policy"], "teacher": ["policy"]},
        "student": student,
        "teacher": copy.deepcopy(teacher_cfg["actor"]),
        "algorithm": {
            "class_name": "genpo_rsl:GenPODistillation",
            "num_learning_epochs": 5,
            "gradient_length": 16,
            "learning_rate": 1e-3,
            "max_grad_norm": 1.0,
            **alg,
        },
    }


def deterministic_return(policy, steps: int = 100, seed: int = 7) -> float:
    """Mean episode return of ``policy(obs)`` (zero noise / Gaussian mean) on fresh PointReachEnv episodes."""
    env = PointReachEnv(num_envs=128, seed=seed)
    obs = env.get_observations()
    with torch.inference_mode():
        for _ in range(steps):
            obs, *_ = env.step(policy(obs))
    return env.mean_recent_return(10**6)


def test_student_reaches_the_teachers_return_without_rewards(tmp_path) -> None:
    path = str(tmp_path / "teacher.pt")
    teacher_cfg = teacher_checkpoint(path)
    torch.manual_seed(1)
    runner = DistillationRunner(
        PointReachEnv(num_envs=64, seed=3), distill_cfg(teacher_cfg), log_dir=None, device="cpu"
    )
    runner.load(path)  # a PPO checkpoint: the stock runner loads its actor into the teacher
    random_return = deterministic_return(lambda obs: torch.rand(obs.batch_size[0], 2) * 2 - 1)
    teacher_return = deterministic_return(runner.alg.teacher)
    before = deterministic_return(runner.alg.student)
    runner.learn(ITERATIONS)
    student_return = deterministic_return(runner.alg.student)
    share = (student_return - random_return) / (teacher_return - random_return)
    assert teacher_return > 0.5 * random_return  # the teacher learned (returns are negative distances)
    assert share >= 0.9, (random_return, before, teacher_return, student_return)
    assert runner.alg.student.output_std.min() > 0.0  # the student's own spread is measured and logged

    # GenPO fine-tunes from the distillation checkpoint: the student is its actor, critic and iterations start fresh
    distilled = str(tmp_path / "distilled.pt")
    runner.save(distilled)
    genpo = OnPolicyRunner(PointReachEnv(num_envs=64, seed=5), train_cfg("genpo"), log_dir=None, device="cpu")
    genpo.load(distilled)
    obs = PointReachEnv(num_envs=32, seed=9).get_observations()
    with torch.no_grad():
        torch.testing.assert_close(genpo.alg.actor(obs), runner.alg.student(obs))
    assert genpo.current_learning_iteration == 0
    assert deterministic_return(genpo.alg.actor) == pytest.approx(student_return)
    genpo.learn(3)
    assert deterministic_return(genpo.alg.actor) > random_return + 0.8 * (teacher_return - random_return)


@pytest.mark.parametrize(
    ("alg", "error", "message"),
    [
        ({"loss_type": "mse"}, ValueError, r"loss_type='mse' is invalid; allowed: 'nll'"),
        ({"dequant_std": 0.0}, ValueError, r"dequant_std=0.0 is invalid; allowed: > 0"),
        ({"gradient_lenght": 4}, ValueError, r"unknown key\(s\) \['gradient_lenght'\] in 'algorithm'"),
    ],
)
def test_bad_settings_are_named(alg: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        DistillationRunner(PointReachEnv(num_envs=8), distill_cfg(train_cfg("ppo"), **alg), log_dir=None, device="cpu")


def test_a_gaussian_student_is_refused() -> None:
    cfg = distill_cfg(train_cfg("ppo"))
    cfg["student"] = copy.deepcopy(cfg["teacher"])
    with pytest.raises(TypeError, match=r"needs a genpo_rsl.GenPOActor student, got MLPModel"):
        DistillationRunner(PointReachEnv(num_envs=8), cfg, log_dir=None, device="cpu")


def test_a_teacher_checkpoint_that_is_not_a_stock_actor_is_named(tmp_path) -> None:
    """A GenPO checkpoint, or a file without an actor, as the teacher: one line naming what is expected."""
    genpo = OnPolicyRunner(PointReachEnv(num_envs=8), train_cfg("genpo"), log_dir=None, device="cpu")
    genpo.save(str(tmp_path / "genpo.pt"))
    torch.save({"model": {}}, tmp_path / "other.pt")
    runner = DistillationRunner(PointReachEnv(num_envs=8), distill_cfg(train_cfg("ppo")), log_dir=None, device="cpu")
    with pytest.raises(ValueError, match=r"teacher checkpoint is a GenPO \(flow policy\) one; expected a stock rsl_rl"):
        runner.load(str(tmp_path / "genpo.pt"))
    with pytest.raises(ValueError, match=r"teacher checkpoint has keys \['model'\]; expected a stock rsl_rl PPO"):
        runner.load(str(tmp_path / "other.pt"))
    ppo = OnPolicyRunner(PointReachEnv(num_envs=8), train_cfg("ppo"), log_dir=None, device="cpu").alg.save()
    first = next(k for k, v in ppo["actor_state_dict"].items() if v.ndim == 2)
    ppo["actor_state_dict"][first] = torch.zeros(3, 3)  # another task's sizes
    torch.save(ppo, tmp_path / "other_task.pt")
    with pytest.raises(ValueError, match=r"teacher's actor_state_dict does not fit \(Error\(s\) in loading"):
        runner.load(str(tmp_path / "other_task.pt"))
