"""``--agent genpo`` and ``--agent fpo`` on the stock task ids whose rsl_rl agent is a CNN or RNN model.

Each config is checked against the installed stock config of its task id (an independent reference: IsaacLab's own
file), and the ids whose observation shapes the env config states are built in the stock ``OnPolicyRunner`` against a
stand-in env with those shapes, trained one iteration and played.
"""

from __future__ import annotations

import pytest

pytest.importorskip("isaaclab")
pytestmark = [pytest.mark.isaaclab, pytest.mark.usefixtures("registered")]

import gymnasium as gym  # noqa: E402
import torch  # noqa: E402
from isaaclab_configs_common import FakeVecEnv, load_agent_cfg  # noqa: E402
from isaaclab_rl.rsl_rl import RslRlCNNModelCfg, RslRlRNNModelCfg  # noqa: E402
from isaaclab_task_sizes import task_shapes  # noqa: E402
from rsl_rl.runners import OnPolicyRunner  # noqa: E402

from agents_cfg import PAPER  # noqa: E402
from agents_cfg.table import ENCODERS, EncoderRow  # noqa: E402
from genpo_rsl import FPO, FPOCNNActor, FPORNNActor, GenPO, GenPOCNNActor, GenPORNNActor  # noqa: E402
from isaaclab_tasks_ext.agents import FPO as FPO_AGENT  # noqa: E402
from isaaclab_tasks_ext.agents import GENPO  # noqa: E402

NOT_COVERED = {"Isaac-Lift-KukaAllegro-Camera", "Isaac-Reorient-KukaAllegro-Camera"}
"""Stock encoder ids without a GenPO row: their actor is a task-defined ``CNNModel`` subclass (spatial softmax), and
their agent entry is a preset instance, not a ``module:Class`` string."""

SHAPED = {"cartpole_camera", "cartpole_camera_direct", "shadow_hand_openai_lstm"}
"""The ids whose observation shapes come from their env configs (:func:`isaaclab_task_sizes.task_shapes`). The others
are checked against the stock config only: their terms (deformable points, height maps, the gear-assembly robots'
joints, which live in USD files not on this machine) have no size rule."""


def stock_of(task_id: str):
    return load_agent_cfg(task_id, "rsl_rl_cfg_entry_point")


def test_every_stock_encoder_id_has_a_row() -> None:
    found = set()
    for task_id, spec in gym.registry.items():
        if "rsl_rl_cfg_entry_point" not in spec.kwargs or not task_id.startswith("Isaac"):
            continue
        try:
            actor = stock_of(task_id).actor
        except Exception:  # an entry IsaacLab cannot load without its extras (none of the encoder ones)
            continue
        if isinstance(actor, (RslRlCNNModelCfg, RslRlRNNModelCfg)):
            found.add(task_id)
    assert found - NOT_COVERED == {row.task_id for row in ENCODERS}
    assert found >= NOT_COVERED  # still there: revisit them when the stock configs change


@pytest.mark.parametrize("row", ENCODERS, ids=lambda r: r.key)
def test_encoder_config_is_the_stock_one_with_the_flow_head(row: EncoderRow) -> None:
    stock = stock_of(row.task_id)
    for agent in (GENPO, FPO_AGENT):
        assert gym.spec(row.task_id).kwargs[agent.agent_key] == agent.entry_point(row)
    cfg = load_agent_cfg(row.task_id, GENPO.agent_key)
    assert cfg.experiment_name == f"{stock.experiment_name}_genpo"
    for key in ("num_steps_per_env", "max_iterations", "save_interval", "obs_groups", "clip_actions"):
        assert getattr(cfg, key) == getattr(stock, key), key
    assert cfg.critic.to_dict() == stock.critic.to_dict()  # the stock critic, model kind included
    image = isinstance(stock.actor, RslRlCNNModelCfg)
    assert cfg.actor.class_name == ("genpo_rsl:GenPOCNNActor" if image else "genpo_rsl:GenPORNNActor")
    assert cfg.actor.distribution_cfg is None and cfg.actor.obs_normalization == stock.actor.obs_normalization
    if image:
        assert cfg.actor.cnn_cfg.to_dict() == stock.actor.cnn_cfg.to_dict()
    else:
        for key in ("rnn_type", "rnn_hidden_dim", "rnn_num_layers"):
            assert getattr(cfg.actor, key) == getattr(stock.actor, key), key
    alg, stock_alg = cfg.algorithm, stock.algorithm
    assert alg.class_name == "genpo_rsl:GenPO"
    for key in ("num_learning_epochs", "num_mini_batches", "lam", "desired_kl", "clip_param", "schedule",
                "value_loss_coef", "max_grad_norm", "share_cnn_encoders"):  # fmt: skip
        assert getattr(alg, key) == getattr(stock_alg, key), key
    if row.paper is None:
        expected = (stock.actor.hidden_dims, stock_alg.learning_rate, stock_alg.gamma, stock_alg.entropy_coef)
    else:
        paper = PAPER[row.paper]
        expected = (list(paper.hidden_dims), paper.learning_rate, paper.gamma, paper.entropy_coef)
    assert (cfg.actor.hidden_dims, alg.learning_rate, alg.gamma, alg.entropy_coef) == expected
    fpo = load_agent_cfg(row.task_id, FPO_AGENT.agent_key)
    assert fpo.actor.class_name == ("genpo_rsl:FPOCNNActor" if image else "genpo_rsl:FPORNNActor")
    assert fpo.critic.to_dict() == stock.critic.to_dict() and fpo.experiment_name == f"{stock.experiment_name}_fpo"
    if image:
        assert fpo.actor.cnn_cfg.to_dict() == stock.actor.cnn_cfg.to_dict()
    else:
        assert fpo.actor.rnn_hidden_dim == stock.actor.rnn_hidden_dim


@pytest.mark.parametrize("key", sorted(SHAPED))
@pytest.mark.parametrize("agent", [GENPO, FPO_AGENT], ids=lambda a: a.name)
def test_encoder_config_builds_trains_and_plays_on_the_tasks_shapes(key: str, agent) -> None:
    from agents_cfg import to_runner_dict

    row = next(r for r in ENCODERS if r.key == key)
    shapes, num_actions = task_shapes(row.task_id)
    cfg = load_agent_cfg(row.task_id, agent.agent_key)
    cfg.num_steps_per_env, cfg.algorithm.num_mini_batches = 8, 2  # a small iteration
    env = FakeVecEnv(shapes, num_actions)
    runner = OnPolicyRunner(env, to_runner_dict(cfg), log_dir=None, device="cpu")
    image = len(shapes["policy"]) == 3
    expected = {("genpo", True): GenPOCNNActor, ("genpo", False): GenPORNNActor,
                ("fpo", True): FPOCNNActor, ("fpo", False): FPORNNActor}[agent.name, image]  # fmt: skip
    assert isinstance(runner.alg, GenPO if agent is GENPO else FPO) and type(runner.alg.actor) is expected
    runner.learn(num_learning_iterations=1)
    policy = runner.get_inference_policy()
    with torch.inference_mode():
        assert policy(env.get_observations()).shape == (env.num_envs, num_actions)
