"""GenPO agent configs for IsaacLab, the task table: each row and its class vs the paper and the installed stock config.

No simulator; the GenPO agents are registered once per module (``registered`` in ``conftest.py``). Registration,
Hydra overrides, the YAML copies and the runner build are tested in ``test_isaaclab_registration.py``,
``test_isaaclab_hydra.py``, ``test_isaaclab_yaml.py`` and ``test_isaaclab_runner_build.py``.
"""

from __future__ import annotations

import dataclasses

import pytest

pytest.importorskip("isaaclab")
pytestmark = [pytest.mark.isaaclab, pytest.mark.usefixtures("registered")]

import gymnasium as gym  # noqa: E402
from isaaclab_configs_common import NO_SIZE_RULE, PAPER_SIZES, ROW_IDS, is_missing, load_agent_cfg  # noqa: E402
from isaaclab_task_sizes import task_sizes  # noqa: E402

from agents_cfg import PAPER, PAPER_TASK_IDS, TASKS, task_row  # noqa: E402

PAPER_SETTINGS: dict[
    str, tuple[list[int], float, float, float]
] = {  # GenPO paper, settings table: hidden, lr, γ, entropy coef
    "ant": ([400, 200, 100], 1e-3, 0.99, 0.01),
    "humanoid": ([400, 200, 100], 5e-4, 0.99, 0.01),
    "franka_lift": ([256, 128, 64], 1e-4, 0.98, 0.006),
    "quadcopter": ([64, 64], 5e-4, 0.99, 0.01),
    "anymal_d": ([128, 128, 128], 1e-3, 0.99, 0.005),
    "go2": ([512, 256, 128], 1e-3, 0.99, 0.01),
    "h1": ([512, 256, 128], 1e-3, 0.99, 0.01),
    "shadow_hand": ([512, 512, 256, 128], 5e-4, 0.99, 0.005),
}


# -- the table ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ROW_IDS)
def test_class_matches_installed_stock_config(key: str) -> None:
    """Everything the paper leaves open equals the stock rsl_rl PPO config of the same task id."""
    from agents_cfg.runner_cfg import POLICY_ONLY
    from agents_cfg.tasks import CONFIG_CLASSES

    row = task_row(key)
    assert gym.spec(row.task_id).kwargs["rsl_rl_cfg_entry_point"] == row.stock
    stock, s = load_agent_cfg(row.task_id, "rsl_rl_cfg_entry_point"), CONFIG_CLASSES[key]()
    assert s.experiment_name == stock.experiment_name + "_genpo" and row.experiment == stock.experiment_name
    assert (stock.num_steps_per_env, stock.max_iterations, stock.save_interval) == (
        s.num_steps_per_env,
        s.max_iterations,
        s.save_interval,
    )
    assert stock.actor.obs_normalization == stock.critic.obs_normalization == s.actor.obs_normalization
    assert s.actor.obs_normalization == s.critic.obs_normalization
    assert (stock.clip_actions, stock.check_for_nan) == (None, True) == (s.clip_actions, s.check_for_nan)
    alg = stock.algorithm
    for name in (
        "num_learning_epochs",
        "num_mini_batches",
        "lam",
        "desired_kl",
        "value_loss_coef",
        "schedule",
        "clip_param",
        "max_grad_norm",
        "use_clipped_value_loss",
    ):
        assert getattr(alg, name) == getattr(s.algorithm, name), name
    assert (alg.optimizer, alg.normalize_advantage_per_mini_batch) == ("adam", False)
    assert (s.algorithm.optimizer, s.algorithm.normalize_advantage_per_mini_batch) == ("adam", False)
    assert isinstance(stock.actor.distribution_cfg.init_std, float)  # the key ppo_matched's override sets
    # rsl_rl would infer actor/critic <- "policy": only valid if that is the only group
    if is_missing(stock.obs_groups):
        assert s.obs_groups == POLICY_ONLY
        if row.task_id not in NO_SIZE_RULE:
            assert set(task_sizes(row.task_id)[0]) == {"policy"}
    else:
        assert stock.obs_groups == s.obs_groups


@pytest.mark.parametrize("key", ROW_IDS)
def test_generated_config_has_paper_values(key: str) -> None:
    """Each class = the paper row (hidden, lr, γ, entropy, N=5, p=0.9, ν=0.01, Mish) + its stock settings."""
    from agents_cfg.tasks import CONFIG_CLASSES

    row = task_row(key)
    cfg, paper = CONFIG_CLASSES[key](), PAPER[row.paper]
    if row.paper in PAPER_SETTINGS:
        assert (list(paper.hidden_dims), paper.learning_rate, paper.gamma, paper.entropy_coef) == PAPER_SETTINGS[
            row.paper
        ]
    elif row.paper != "cartpole":  # not a paper task (contrib ANYmal-B/C): the stock sizes and PPO values
        stock = load_agent_cfg(row.task_id, "rsl_rl_cfg_entry_point")
        assert list(paper.hidden_dims) == stock.actor.hidden_dims == stock.critic.hidden_dims
        stock_alg = stock.algorithm
        assert (paper.learning_rate, paper.gamma, paper.entropy_coef) == (
            stock_alg.learning_rate,
            stock_alg.gamma,
            stock_alg.entropy_coef,
        )
    assert cfg.actor.class_name == "genpo_rsl:GenPOActor" and cfg.actor.distribution_cfg is None
    assert cfg.actor.hidden_dims == cfg.critic.hidden_dims == list(paper.hidden_dims)
    assert cfg.actor.activation == cfg.critic.activation == "mish"
    assert (cfg.actor.num_flow_steps, cfg.actor.mix_p, cfg.algorithm.compression_coef) == (5, 0.9, 0.01)
    expected_embed = (16, [128, 128]) if row.paper == "quadcopter" else (32, [256, 256])
    if row.paper != "cartpole":
        assert (cfg.actor.time_embed_dim, cfg.actor.time_hidden_dims) == expected_embed
    alg = cfg.algorithm
    assert alg.class_name == "genpo_rsl:GenPO" and cfg.class_name == "OnPolicyRunner"
    assert (alg.learning_rate, alg.gamma, alg.entropy_coef) == (paper.learning_rate, paper.gamma, paper.entropy_coef)
    assert (alg.share_cnn_encoders, alg.symmetry_cfg, alg.rnd_cfg) == (False, None, None)


def test_task_classes_come_from_the_table_and_are_importable_by_name() -> None:
    """Every table row has its class, named and placed as registered; it pickles by that name."""
    import pickle

    import agents_cfg
    import agents_cfg.tasks
    from agents_cfg import GenPORunnerCfg
    from agents_cfg.tasks import CONFIG_CLASSES, genpo_class

    assert list(CONFIG_CLASSES) == [row.key for row in TASKS]
    for row in TASKS:
        cls = CONFIG_CLASSES[row.key]
        assert issubclass(cls, GenPORunnerCfg) and (cls.__name__, cls.__qualname__) == (row.class_name,) * 2
        assert cls.__module__ == "agents_cfg.tasks" and row.entry_point == f"agents_cfg.tasks:{row.class_name}"
        assert getattr(agents_cfg.tasks, row.class_name) is cls and getattr(agents_cfg, row.class_name) is cls
        assert task_row(row.class_name) is row and row.task_id in cls.__doc__
        assert genpo_class(row)().to_dict() == cls().to_dict()
        assert pickle.loads(pickle.dumps(cls())).to_dict() == cls().to_dict()


def test_table_rows_set_only_what_differs_from_the_defaults() -> None:
    """Each default is declared once: a row's stock values are real fields and never restate a base default."""
    from agents_cfg import GenPOActorCfg, GenPOAlgorithmCfg, GenPORunnerCfg

    runner, alg, actor = GenPORunnerCfg(), GenPOAlgorithmCfg(), GenPOActorCfg()
    runner_fields = {f.name for f in dataclasses.fields(runner)} - {"experiment_name", "actor", "critic", "algorithm"}
    alg_fields = {f.name for f in dataclasses.fields(alg)} - {"learning_rate", "gamma", "entropy_coef"}
    for row in TASKS:
        assert set(row.runner) <= runner_fields and set(row.algorithm) <= alg_fields, row.key
        for name, value in row.runner.items():
            assert value != getattr(runner, name), f"{row.key}: runner.{name}"
        for name, value in row.algorithm.items():
            assert value != getattr(alg, name), f"{row.key}: algorithm.{name}"
    for name, paper in PAPER.items():  # a time size is set only where it differs from the actor default
        assert paper.time_embed_dim != actor.time_embed_dim, name
        assert paper.time_hidden_dims is None or list(paper.time_hidden_dims) != actor.time_hidden_dims, name


def test_every_agent_config_logs_to_its_own_experiment() -> None:
    """``experiment_name`` of every agent and task is the row's stock name plus the agent's name (the variant agents:
    ``test_isaaclab_variants.py``)."""
    from isaaclab_tasks.utils.parse_cfg import load_cfg_from_registry

    from isaaclab_tasks_ext.agents import AGENTS

    for row in TASKS:
        for agent in (agent for agent in AGENTS.values() if agent.registers and not agent.variant):
            cfg = load_cfg_from_registry(row.task_id, agent.agent_key)
            assert cfg.experiment_name == f"{row.experiment}_{agent.name}", (row.key, agent.name)


def test_every_genpo_field_has_a_real_default() -> None:
    """class_to_dict would turn MISSING into {}: no GenPO-specific field may be MISSING."""
    from isaaclab_rl.rsl_rl import RslRlMLPModelCfg, RslRlPpoAlgorithmCfg

    from agents_cfg import GenPOActorCfg, GenPOAlgorithmCfg

    actor, alg = GenPOActorCfg(), GenPOAlgorithmCfg()
    deprecated = {"stochastic", "init_noise_std"}  # removed by IsaacLab's handle_deprecated_rsl_rl_cfg
    assert {f.name for f in dataclasses.fields(actor) if is_missing(getattr(actor, f.name))} == deprecated
    assert not [f.name for f in dataclasses.fields(alg) if is_missing(getattr(alg, f.name))]
    assert isinstance(actor, RslRlMLPModelCfg) and isinstance(alg, RslRlPpoAlgorithmCfg)


def test_genpo_defaults_equal_the_library_defaults() -> None:
    """The IsaacLab config classes restate the library's GenPO defaults; they must stay equal."""
    import inspect

    from agents_cfg import GenPOActorCfg, GenPOAlgorithmCfg
    from genpo_rsl.algorithms.genpo import GenPOCore
    from genpo_rsl.modules.flow import GenPOFlow

    flow = inspect.signature(GenPOFlow.__init__).parameters
    keys = ("num_flow_steps", "mix_p", "time_embed_dim", "time_embedding", "learn_base_scale", "base_scale")
    for key in (*keys, "base_scale_init", "base_scale_range"):
        assert getattr(GenPOActorCfg(), key) == flow[key].default, key
    assert GenPOActorCfg().time_hidden_dims == list(flow["time_hidden_dims"].default)
    core = inspect.signature(GenPOCore.init_genpo).parameters
    for key in (
        "compression_coef",
        "compression_fraction",
        "compression_form",
        "cuda_graphs",
        "allow_tf32",
        "entropy_form",
    ):
        assert getattr(GenPOAlgorithmCfg(), key) == core[key].default, key


def test_paper_task_ids_cover_the_eight_paper_tasks() -> None:
    """The eight paper tasks map to installed ids whose table rows are flagged as the paper's env (not the drone)."""
    assert set(PAPER_TASK_IDS) == set(PAPER_SIZES)
    for paper, task_id in PAPER_TASK_IDS.items():
        row = task_row(task_id)
        assert row.paper == paper and task_id in gym.registry
        assert row.paper_env == (paper != "quadcopter")
