"""``genpo_rsl:GenPOModel`` / ``FPOModel``: the flow head over any rsl-rl-lib 5 model class named in a config.

Checked against the fixed classes (the head over rsl_rl's ``CNNModel`` by name equals ``GenPOCNNActor``), and on a
model class of the test's own (a ``CNNModel`` subclass with a key of its own), which trains, keeps its
own key and exports through its own exporter with the zero-noise flow as the head.
"""

from __future__ import annotations

import copy

import pytest
import torch
from rsl_rl.models import CNNModel
from rsl_rl.runners import OnPolicyRunner

from genpo_rsl import FPO, GenPO, GenPOCNNActor, GenPOModel
from genpo_rsl.models.flow_head import flow_head_class
from genpo_rsl.models.genpo_actor import GenPOHead
from genpo_rsl.toy_env import ImageReachEnv, image_train_cfg


class WideCNNModel(CNNModel):
    """A task's own model class: rsl_rl's ``CNNModel`` with a key of its own (``width`` multiplies the channels)."""

    def __init__(self, *args, cnn_cfg: dict, width: int = 1, **kwargs) -> None:
        wide = {**cnn_cfg, "output_channels": [n * width for n in cnn_cfg["output_channels"]]}
        super().__init__(*args, cnn_cfg=wide, **kwargs)
        self.width = width


OWN_MODEL = f"{__name__}:WideCNNModel"


def head_cfg(algorithm: str = "genpo", **keys) -> dict:
    cfg = image_train_cfg(algorithm)
    head = {"genpo": "genpo_rsl:GenPOModel", "fpo": "genpo_rsl:FPOModel"}[algorithm]
    cfg["actor"].update(class_name=head, **keys)
    return cfg


def test_the_head_over_cnnmodel_by_name_equals_genpocnnactor() -> None:
    env = ImageReachEnv(num_envs=8, seed=0)
    obs, cfg = env.get_observations(), image_train_cfg()
    keys = {k: v for k, v in cfg["actor"].items() if k != "class_name"}
    torch.manual_seed(0)
    fixed = GenPOCNNActor(obs, cfg["obs_groups"], "actor", env.num_actions, **copy.deepcopy(keys))
    torch.manual_seed(0)
    named = GenPOModel(obs, cfg["obs_groups"], "actor", env.num_actions, model_class="rsl_rl.models:CNNModel", **keys)
    assert type(named) is flow_head_class(GenPOHead, CNNModel) and isinstance(named, GenPOHead)
    assert named.state_dict().keys() == fixed.state_dict().keys()
    for (name, a), b in zip(named.state_dict().items(), fixed.state_dict().values(), strict=True):
        torch.testing.assert_close(a, b, msg=name)
    torch.testing.assert_close(named(obs), fixed(obs))
    dummy = fixed.sample(obs)[0]  # a doubled action; both give it the same exact log-density
    torch.testing.assert_close(named.log_prob(obs, dummy)[0], fixed.log_prob(obs, dummy)[0])


@pytest.mark.parametrize("algorithm", ["genpo", "fpo"])
def test_a_tasks_own_model_class_trains_keeps_its_key_and_exports(algorithm: str) -> None:
    torch.manual_seed(0)
    cfg = head_cfg(algorithm, model_class=OWN_MODEL, width=2)
    runner = OnPolicyRunner(ImageReachEnv(num_envs=32, seed=0), cfg, log_dir=None, device="cpu")
    actor = runner.alg.actor
    assert isinstance(actor, WideCNNModel) and actor.width == 2
    assert (
        next(iter(actor.cnns.values()))[0].out_channels
        == 2 * image_train_cfg()["actor"]["cnn_cfg"]["output_channels"][0]
    )
    assert isinstance(runner.alg, GenPO if algorithm == "genpo" else FPO)
    before = [p.detach().clone() for p in actor.cnns.parameters()]
    runner.learn(2)
    assert any(not torch.equal(a, b) for a, b in zip(before, actor.cnns.parameters(), strict=True))
    obs = runner.env.get_observations()
    actor.eval()
    scripted = torch.jit.script(actor.as_jit())  # the model class's exporter, the zero-noise flow as its head
    with torch.no_grad():
        torch.testing.assert_close(scripted(obs["policy"], [obs["goal_image"]]), actor(obs))


def test_bad_model_class_and_unknown_keys_are_named() -> None:
    with pytest.raises(TypeError, match=r"model_class='torch.nn:Linear' is not an rsl_rl model class; allowed"):
        OnPolicyRunner(ImageReachEnv(num_envs=8), head_cfg(model_class="torch.nn:Linear"), log_dir=None, device="cpu")
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['widht'\] in 'actor'"):
        cfg = head_cfg(model_class=OWN_MODEL, widht=2)
        OnPolicyRunner(ImageReachEnv(num_envs=8), cfg, log_dir=None, device="cpu")
