"""A stock rsl-rl-lib 5 PPO config becomes GenPO by the changes the README lists, and nothing else."""

from __future__ import annotations

import copy

import torch
from rsl_rl.runners import OnPolicyRunner

from genpo_rsl import GenPO, GenPOActor
from genpo_rsl.toy_env import PointReachEnv, train_cfg


def genpo_from_stock(stock: dict) -> dict:
    """The README's recipe: both ``class_name``s, and no ``distribution_cfg`` (the flow is the distribution)."""
    cfg = copy.deepcopy(stock)
    cfg["actor"]["class_name"] = "genpo_rsl:GenPOActor"
    cfg["actor"].pop("distribution_cfg")
    cfg["algorithm"]["class_name"] = "genpo_rsl:GenPO"
    return cfg


def test_a_stock_mlp_model_config_becomes_genpo() -> None:
    stock = train_cfg("ppo")  # rsl_rl's MLPModel actor with a GaussianDistribution, and PPO
    assert stock["actor"]["class_name"] == "MLPModel" and stock["algorithm"]["class_name"] == "PPO"
    cfg = genpo_from_stock(stock)
    changed = {k for k in stock["actor"] if stock["actor"][k] != cfg["actor"].get(k)}
    assert changed == {"class_name", "distribution_cfg"}
    torch.manual_seed(0)
    runner = OnPolicyRunner(PointReachEnv(num_envs=64), cfg, log_dir=None, device="cpu")
    actor, alg = runner.alg.actor, runner.alg
    assert isinstance(alg, GenPO) and isinstance(actor, GenPOActor)
    flow = actor.flow
    assert (flow.num_flow_steps, flow.mix_p, flow.base_noise.mode) == (5, 0.9, "learned")  # N, p: the paper's
    assert [layer.out_features for layer in flow.velocity.trunk if hasattr(layer, "out_features")][-1] == 2
    runner.learn(3)
    early = runner.env.mean_recent_return(128)
    runner.learn(30)
    late = runner.env.mean_recent_return(128)
    assert late > early + 5.0, (early, late)  # it learns (random ≈ -25, heading to the goal ≈ -8)
