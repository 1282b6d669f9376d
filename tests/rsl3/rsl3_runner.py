"""The IsaacLab 2.3-style runner config and runner of the rsl-rl-lib 3.x tests (on :class:`PointReachEnv`)."""

from __future__ import annotations

import torch
from rsl_rl.runners import OnPolicyRunner

from genpo_rsl.toy_env import PointReachEnv

FAST_FLOW = {
    "actor_hidden_dims": [64, 64],
    "critic_hidden_dims": [64, 64],
    "time_embed_dim": 16,
    "time_hidden_dims": [32, 32],
}


def isaaclab23_cfg(algorithm: str = "genpo", policy: dict | None = None, **alg) -> dict:
    """Return ``RslRlOnPolicyRunnerCfg.to_dict()`` as IsaacLab 2.3 produces it, for :class:`PointReachEnv`.

    ``algorithm="genpo"`` differs from the stock ``"ppo"`` config only in the two ``class_name`` lines.
    """
    cfg = {
        "seed": 42,
        "device": "cpu",
        "num_steps_per_env": 16,
        "max_iterations": 40,
        "empirical_normalization": None,
        "obs_groups": {"policy": ["policy"], "critic": ["policy"]},
        "clip_actions": None,
        "save_interval": 1000,
        "experiment_name": "point_reach",
        "run_name": "",
        "logger": "tensorboard",
        "neptune_project": "isaaclab",
        "wandb_project": "isaaclab",
        "resume": False,
        "load_run": ".*",
        "load_checkpoint": "model_.*.pt",
        "class_name": "OnPolicyRunner",
        "policy": {
            "class_name": "ActorCritic",
            "init_noise_std": 1.0,
            "noise_std_type": "scalar",
            "state_dependent_std": False,
            "actor_obs_normalization": False,
            "critic_obs_normalization": False,
            "actor_hidden_dims": [64, 64],
            "critic_hidden_dims": [64, 64],
            "activation": "elu",
        },
        "algorithm": {
            "class_name": "PPO",
            "num_learning_epochs": 5,
            "num_mini_batches": 4,
            "learning_rate": 1e-3,
            "schedule": "adaptive",
            "gamma": 0.99,
            "lam": 0.95,
            "entropy_coef": 0.0,
            "desired_kl": 0.01,
            "max_grad_norm": 1.0,
            "value_loss_coef": 1.0,
            "use_clipped_value_loss": True,
            "clip_param": 0.2,
            "normalize_advantage_per_mini_batch": False,
            "rnd_cfg": None,
            "symmetry_cfg": None,
        },
    }
    if algorithm == "genpo":
        cfg["policy"]["class_name"] = "genpo_rsl.GenPOActorCritic"
        cfg["algorithm"]["class_name"] = "genpo_rsl.GenPO"
    cfg["policy"].update(policy or {})
    cfg["algorithm"].update(alg)
    return cfg


def make_runner(
    tmp_path, algorithm: str = "genpo", seed: int = 0, num_envs: int = 64, policy: dict | None = None, **alg
) -> OnPolicyRunner:
    """Build the stock runner (rsl-rl-lib 3.1.2 needs a log_dir: ``learn`` always stores the code state)."""
    torch.manual_seed(seed)
    env = PointReachEnv(num_envs=num_envs, action_dim=2, seed=seed)
    flow = FAST_FLOW if algorithm == "genpo" else {}
    cfg = isaaclab23_cfg(algorithm, {**flow, **(policy or {})}, **alg)
    return OnPolicyRunner(env, cfg, log_dir=str(tmp_path / f"run_{algorithm}_{seed}"), device="cpu")
