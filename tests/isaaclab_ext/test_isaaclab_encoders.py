"""``--agent genpo`` and ``--agent fpo`` on the stock task ids whose rsl_rl agent is a CNN or RNN model.

Each config is checked against the installed stock config of its task id (an independent reference: IsaacLab's own
file), and the ids whose observation shapes the env config states are built in the stock ``OnPolicyRunner`` against a
stand-in env with those shapes, trained one iteration and played.
"""

from __future__ import annotations

import dataclasses

import pytest

pytest.importorskip("isaaclab")
pytestmark = [pytest.mark.isaaclab, pytest.mark.usefixtures("registered")]

import gymnasium as gym  # noqa: E402
import torch  # noqa: E402
from isaaclab_configs_common import FakeVecEnv, is_missing, load_agent_cfg  # noqa: E402
from isaaclab_rl.rsl_rl import RslRlCNNModelCfg, RslRlRNNModelCfg  # noqa: E402
from isaaclab_task_sizes import task_shapes  # noqa: E402
from rsl_rl.runners import OnPolicyRunner  # noqa: E402

from agents_cfg import PAPER  # noqa: E402
from agents_cfg.table import ENCODERS, EncoderRow  # noqa: E402
from genpo_rsl import FPO, FPOCNNActor, FPORNNActor, GenPO, GenPOCNNActor, GenPORNNActor  # noqa: E402
from isaaclab_tasks_ext.agents import FPO as FPO_AGENT  # noqa: E402
from isaaclab_tasks_ext.agents import GENPO  # noqa: E402

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
    assert found == {row.task_id for row in ENCODERS}


def entry_configs(task_id: str, key: str) -> dict[str, object]:
    """The configs of an agent entry: each preset of a ``PresetCfg`` by name, else the one config (name ``""``)."""
    from isaaclab_tasks.utils import PresetCfg
    from isaaclab_tasks.utils.parse_cfg import load_cfg_from_registry

    cfg = load_cfg_from_registry(task_id, key)
    if isinstance(cfg, PresetCfg):
        return {f.name: getattr(cfg, f.name) for f in dataclasses.fields(cfg)}
    return {"": cfg}


def expected_head(stock_actor, algorithm: str) -> str:
    """The flow actor's class_name for a stock actor: the fixed class of rsl_rl's model kind, or the head by name."""
    model = stock_actor.class_name.rpartition(":")[2].rpartition(".")[2]
    if model not in ("MLPModel", "CNNModel", "RNNModel"):
        return f"genpo_rsl:{algorithm}Model"
    return f"genpo_rsl:{algorithm}{ {'MLPModel': '', 'CNNModel': 'CNN', 'RNNModel': 'RNN'}[model] }Actor"


@pytest.mark.parametrize("row", ENCODERS, ids=lambda r: r.key)
def test_encoder_config_is_the_stock_one_with_the_flow_head(row: EncoderRow) -> None:
    for agent in (GENPO, FPO_AGENT):
        assert gym.spec(row.task_id).kwargs[agent.agent_key] == agent.entry_point(row)
    stocks = entry_configs(row.task_id, "rsl_rl_cfg_entry_point")
    ours, fpos = entry_configs(row.task_id, GENPO.agent_key), entry_configs(row.task_id, FPO_AGENT.agent_key)
    assert ours.keys() == fpos.keys() == stocks.keys()  # the same presets (presets=<name> picks one for all)
    assert row.experiment == stock_of(row.task_id).experiment_name  # the row's stock name (the default preset's)
    for name, stock in stocks.items():
        check_against_stock(row, stock, ours[name], fpos[name])


def check_against_stock(row: EncoderRow, stock, cfg, fpo) -> None:
    assert cfg.experiment_name == f"{stock.experiment_name}_genpo"
    for key in ("num_steps_per_env", "max_iterations", "save_interval", "obs_groups", "clip_actions", "check_for_nan"):
        assert getattr(cfg, key) == getattr(stock, key), key
    assert cfg.critic.to_dict() == stock.critic.to_dict()  # the stock critic, model kind included
    assert cfg.actor.class_name == expected_head(stock.actor, "GenPO")
    assert cfg.actor.distribution_cfg is None and cfg.actor.obs_normalization == stock.actor.obs_normalization
    own = {f.name for f in dataclasses.fields(stock.actor)} - {"class_name", "distribution_cfg", "hidden_dims"}
    own -= {"activation", "obs_normalization", "stochastic"}  # the flow's own activation (Mish); no Gaussian
    for key in own:  # the encoder (cnn_cfg, rnn_*) and a task model's own fields (init_temperature)
        mine, theirs = getattr(cfg.actor, key), getattr(stock.actor, key)
        if is_missing(theirs):  # a deprecated field the stock config leaves unset
            continue
        assert (mine.to_dict() if hasattr(mine, "to_dict") else mine) == (
            theirs.to_dict() if hasattr(theirs, "to_dict") else theirs
        ), key
    if cfg.actor.class_name == "genpo_rsl:GenPOModel":
        assert cfg.actor.model_class == stock.actor.class_name
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
    assert fpo.actor.class_name == expected_head(stock.actor, "FPO")
    assert fpo.critic.to_dict() == stock.critic.to_dict() and fpo.experiment_name == f"{stock.experiment_name}_fpo"
    for key in own - {"rnn_type", "rnn_num_layers"}:
        if not is_missing(getattr(stock.actor, key)):
            assert getattr(fpo.actor, key) == getattr(cfg.actor, key), key


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


def stand_in_shapes(task_id: str) -> dict[str, tuple[int, ...]]:
    """Stand-in shapes of a manager env's groups: an image group (a term reading a camera or a height map) ``(3, 64,
    64)``, any other ``(16,)``; used where the real sizes have no rule (USD-defined joints, deformables)."""
    from isaaclab_tasks.utils.parse_cfg import load_cfg_from_registry

    cfg = load_cfg_from_registry(task_id, "env_cfg_entry_point")
    cfg = getattr(cfg, "default", cfg)
    shapes = {}
    for name, group in vars(cfg.observations).items():
        terms = [getattr(t, "default", t) for t in vars(group).values()] if group is not None else []  # presets
        terms = [t for t in terms if hasattr(t, "func")]
        if terms:
            names = " ".join(getattr(t.func, "__name__", str(t.func)) for t in terms)
            shapes[name] = (3, 64, 64) if "image" in names or "heightmap" in names else (16,)
    return shapes


@pytest.mark.parametrize("row", [r for r in ENCODERS if r.key not in SHAPED], ids=lambda r: r.key)
def test_every_encoder_config_builds_where_the_stock_agent_builds(row: EncoderRow) -> None:
    """Where the real shapes have no size rule: on the same stand-in env, the stock agent and ``genpo`` both build,
    their actors read the same latent (the flow's condition is the stock MLP's input), and GenPO trains and plays."""
    from agents_cfg import to_runner_dict

    env = FakeVecEnv(stand_in_shapes(row.task_id), num_actions=7)
    stock = OnPolicyRunner(env, to_runner_dict(load_agent_cfg(row.task_id, "rsl_rl_cfg_entry_point")), None, "cpu")
    cfg = load_agent_cfg(row.task_id, GENPO.agent_key)
    cfg.num_steps_per_env, cfg.algorithm.num_mini_batches = 8, 2  # a small iteration
    runner = OnPolicyRunner(env, to_runner_dict(cfg), log_dir=None, device="cpu")
    actor = runner.alg.actor
    assert isinstance(runner.alg, GenPO) and isinstance(actor, type(stock.alg.actor))  # the stock model kind
    latent = stock.alg.actor.rnn.rnn.hidden_size if actor.is_recurrent else stock.alg.actor._get_latent_dim()
    assert actor.flow.cond_dim == latent
    runner.learn(num_learning_iterations=1)
    with torch.inference_mode():
        assert runner.get_inference_policy()(env.get_observations()).shape == (env.num_envs, 7)


@pytest.mark.parametrize("algorithm", ["GenPO", "FPO"])
def test_kuka_allegros_own_model_class_carries_the_flow_head(algorithm: str) -> None:
    """The Kuka-Allegro camera tasks' own model class (spatial-softmax CNN) under the flow head by name: it trains on
    a toy image task (a small ``cnn_cfg`` for its 9×9 image), and its own JIT exporter reproduces the actor."""
    from genpo_rsl.toy_env import ImageReachEnv, image_train_cfg

    row = next(r for r in ENCODERS if r.key == "kuka_allegro_lift_camera")
    stock = load_agent_cfg(row.task_id, "rsl_rl_cfg_entry_point").actor
    cfg = image_train_cfg(algorithm.lower())
    cfg["actor"].update(class_name=f"genpo_rsl:{algorithm}Model", model_class=stock.class_name, init_temperature=0.5,
                        cnn_cfg={"output_channels": [4], "kernel_size": [3], "stride": [1], "activation": "elu"})  # fmt: skip
    torch.manual_seed(0)
    runner = OnPolicyRunner(ImageReachEnv(num_envs=16, seed=0), cfg, log_dir=None, device="cpu")
    actor = runner.alg.actor
    assert "SpatialSoftmaxCNNModel" in {c.__name__ for c in type(actor).__mro__} and actor.softmaxes
    runner.learn(1)
    obs = runner.env.get_observations()
    actor.eval()
    with torch.no_grad():
        torch.testing.assert_close(torch.jit.script(actor.as_jit())(obs["policy"], [obs["goal_image"]]), actor(obs))
