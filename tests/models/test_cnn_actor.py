"""GenPO (and FPO++) on rsl_rl 5's CNNModel: the flow conditioned on image features learns an image task, exports."""

from __future__ import annotations

import os

import pytest
import torch
from rsl_rl.runners import OnPolicyRunner

from genpo_rsl import FPOCNNActor, GenPOCNNActor
from genpo_rsl.toy_env import ImageReachEnv, image_train_cfg


def make_runner(algorithm: str = "genpo", share_cnn_encoders: bool = False, seed: int = 0) -> OnPolicyRunner:
    torch.manual_seed(seed)
    env = ImageReachEnv(num_envs=64, seed=seed)
    return OnPolicyRunner(env, image_train_cfg(algorithm, share_cnn_encoders), log_dir=None, device="cpu")


@pytest.mark.parametrize("share_cnn_encoders", [False, True])
def test_cnn_genpo_learns_where_the_goal_is_from_the_image(share_cnn_encoders: bool) -> None:
    runner = make_runner(share_cnn_encoders=share_cnn_encoders)
    actor, critic = runner.alg.actor, runner.alg.critic
    assert isinstance(actor, GenPOCNNActor) and set(actor.cnns) == {"goal_image"}
    assert (critic.cnns is actor.cnns) == share_cnn_encoders
    assert actor.flow.cond_dim == 2 + actor.cnn_latent_dim  # the flow is conditioned on position + image features
    runner.learn(3)
    early = runner.env.mean_recent_return(128)
    runner.learn(40)
    late = runner.env.mean_recent_return(128)
    assert late > early + 5.0, (early, late)  # a random walk ≈ −25; only the image says where the goal is


def test_cnn_genpo_save_load_and_exports_match_torch(tmp_path) -> None:
    runner = make_runner()
    runner.learn(2)
    path = os.path.join(tmp_path, "model.pt")
    runner.save(path)
    resumed = make_runner(seed=3)
    resumed.load(path)
    obs = runner.env.get_observations()
    actor = resumed.alg.actor.eval()
    torch.testing.assert_close(actor(obs), runner.alg.actor(obs))
    scripted = torch.jit.script(actor.as_jit())
    torch.testing.assert_close(scripted(obs["policy"], [obs["goal_image"]]), actor(obs))
    resumed.export_policy_to_onnx(str(tmp_path), "policy.onnx")
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(os.path.join(tmp_path, "policy.onnx"))
    names = [i.name for i in session.get_inputs()]
    for row in range(3):  # rsl_rl's ONNX export has batch size 1
        one = obs[row : row + 1]
        feeds = dict(zip(names, [one["policy"].numpy(), one["goal_image"].numpy()], strict=True))
        out = session.run(None, feeds)[0]
        torch.testing.assert_close(torch.from_numpy(out), actor(one).detach(), rtol=1e-4, atol=1e-5)


def test_fpo_on_a_cnn_model_trains() -> None:
    runner = make_runner("fpo", share_cnn_encoders=True)
    assert isinstance(runner.alg.actor, FPOCNNActor) and runner.alg.critic.cnns is runner.alg.actor.cnns
    before = [p.detach().clone() for p in runner.alg.actor.cnns.parameters()]
    runner.learn(2)
    assert any(not torch.equal(a, b) for a, b in zip(before, runner.alg.actor.cnns.parameters(), strict=True))


def test_cnn_actor_keys_are_checked() -> None:
    cfg = image_train_cfg()
    cfg["actor"]["cnn_cfgg"] = {}
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['cnn_cfgg'\] in 'actor'.*'cnn_cfg'"):
        OnPolicyRunner(ImageReachEnv(num_envs=8), cfg, log_dir=None, device="cpu")


def test_share_cnn_encoders_without_cnn_models_or_image_groups_is_named() -> None:
    cfg = image_train_cfg(share_cnn_encoders=True)
    cfg["actor"] = {**cfg["actor"], "class_name": "genpo_rsl:GenPOActor"}
    cfg["actor"].pop("cnn_cfg")
    with pytest.raises(
        ValueError, match=r"share_cnn_encoders=True needs CNN models, but the actor is 'genpo_rsl:GenPOActor'"
    ):
        OnPolicyRunner(ImageReachEnv(num_envs=8), cfg, log_dir=None, device="cpu")
    no_images = image_train_cfg(share_cnn_encoders=True)
    no_images["obs_groups"] = {"actor": ["policy"], "critic": ["policy"]}
    with pytest.raises(ValueError, match="No 2D observations are provided"):  # rsl_rl's CNNModel says it
        OnPolicyRunner(ImageReachEnv(num_envs=8), no_images, log_dir=None, device="cpu")
