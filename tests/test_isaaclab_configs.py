"""GenPO agent configs for IsaacLab: table vs installed stock configs, registration, Hydra, YAML, runner build.

No simulator: the runner is built against a small fake rsl_rl VecEnv with each task's real observation/action
sizes, read from the installed env configs (see ``isaaclab_task_sizes.py`` for how).
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

pytest.importorskip("isaaclab")
pytestmark = pytest.mark.isaaclab

import gymnasium as gym  # noqa: E402
import torch  # noqa: E402
import yaml  # noqa: E402
from isaaclab_task_sizes import task_sizes  # noqa: E402
from rsl_rl.env import VecEnv  # noqa: E402
from rsl_rl.runners import OnPolicyRunner  # noqa: E402
from tensordict import TensorDict  # noqa: E402

import isaaclab_tasks_ext  # noqa: E402
from agents_cfg import PAPER, PAPER_TASK_IDS, TASKS, TaskRow, task_row  # noqa: E402
from genpo_rsl import GenPO, GenPOActor  # noqa: E402
from isaaclab_tasks_ext.cli import with_defaults  # noqa: E402

PAPER_SIZES: dict[str, tuple[int, int]] = {  # GenPO paper, settings table: "obs×act"
    "ant": (60, 8),
    "humanoid": (87, 21),
    "franka_lift": (36, 8),
    "quadcopter": (12, 4),
    "anymal_d": (48, 12),
    "go2": (235, 12),
    "h1": (256, 19),
    "shadow_hand": (157, 20),
}
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
NO_SIZE_RULE = {"Isaac-Lift-Franka", "Isaac-Reorient-Cube-Shadow"}  # point-cloud / tendon terms: resolve only
ROW_IDS = [row.key for row in TASKS]


@pytest.fixture(scope="module", autouse=True)
def registered() -> isaaclab_tasks_ext.RegistrationReport:
    """Register the GenPO agents once for the module."""
    return isaaclab_tasks_ext.register()


def _load(task_id: str, key: str):
    """IsaacLab's own loader; unwrap a stock ``PresetCfg`` to its default."""
    from isaaclab_tasks.utils import PresetCfg
    from isaaclab_tasks.utils.parse_cfg import load_cfg_from_registry

    cfg = load_cfg_from_registry(task_id, key)
    return cfg.default if isinstance(cfg, PresetCfg) else cfg


def _missing(value) -> bool:
    """True for a dataclasses.MISSING sentinel (configclass copies it per instance)."""
    return isinstance(value, type(dataclasses.MISSING))


class FakeVecEnv(VecEnv):
    """Smallest rsl_rl VecEnv with given observation group sizes and action size (random dynamics)."""

    def __init__(self, obs_sizes: dict[str, int], num_actions: int, num_envs: int = 4) -> None:
        """Zero episode lengths; episodes end every 7th step."""
        self.num_envs, self.num_actions, self.device = num_envs, num_actions, "cpu"
        self.obs_sizes, self.max_episode_length, self.cfg = obs_sizes, 20, {}
        self.episode_length_buf = torch.zeros(num_envs, dtype=torch.long)
        self.steps = 0

    def get_observations(self) -> TensorDict:
        """Random observations of the task's sizes."""
        obs = {group: torch.randn(self.num_envs, size) for group, size in self.obs_sizes.items()}
        return TensorDict(obs, batch_size=[self.num_envs])

    def step(self, actions: torch.Tensor):
        """Check the action shape, return random obs and rewards; every 7th step ends all episodes."""
        assert actions.shape == (self.num_envs, self.num_actions)
        self.steps += 1
        dones = torch.full((self.num_envs,), float(self.steps % 7 == 0))
        return self.get_observations(), torch.randn(self.num_envs), dones, {"time_outs": torch.zeros(self.num_envs)}


# -- the table ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ROW_IDS)
def test_class_matches_installed_stock_config(key: str) -> None:
    """Everything the paper leaves open equals the stock rsl_rl PPO config of the same task id."""
    from agents_cfg.runner_cfg import POLICY_ONLY
    from agents_cfg.tasks import CONFIG_CLASSES

    row = task_row(key)
    assert gym.spec(row.task_id).kwargs["rsl_rl_cfg_entry_point"] == row.stock
    stock, s = _load(row.task_id, "rsl_rl_cfg_entry_point"), CONFIG_CLASSES[key]()
    assert s.experiment_name == stock.experiment_name + "_genpo"
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
    if _missing(stock.obs_groups):  # rsl_rl would infer actor/critic <- "policy": only valid if that is the only group
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


def test_task_classes_are_written_out_and_importable_by_name() -> None:
    """Every table row has its class in agents_cfg/tasks.py source (grep finds it) and ``agents_cfg`` exports it."""
    import agents_cfg
    from agents_cfg.tasks import CONFIG_CLASSES

    source = Path(agents_cfg.__file__).with_name("tasks.py").read_text()
    assert "type(" not in source and "globals().update" not in source
    for row in TASKS:
        assert f"class {row.class_name}(GenPORunnerCfg):" in source, row.class_name
        assert getattr(agents_cfg, row.class_name) is CONFIG_CLASSES[row.key]
        assert CONFIG_CLASSES[row.key].__module__ == "agents_cfg.tasks"
        assert f"paper_actor({row.paper.upper()}" in _class_source(source, row.class_name)


def _class_source(source: str, class_name: str) -> str:
    """The text of one class body in ``source``."""
    start = source.index(f"class {class_name}(")
    end = source.find("\n@configclass", start)
    return source[start : end if end > 0 else len(source)]


def test_task_classes_set_only_what_differs_from_the_defaults() -> None:
    """Each default is declared once: a class (or its paper_* call) never restates a base default."""
    import ast

    import agents_cfg
    from agents_cfg import GenPOActorCfg, GenPOAlgorithmCfg, GenPOCriticCfg, GenPORunnerCfg

    defaults = {
        "runner": GenPORunnerCfg(),
        "paper_actor": GenPOActorCfg(),
        "paper_critic": GenPOCriticCfg(),
        "paper_algorithm": GenPOAlgorithmCfg(),
    }
    tree = ast.parse(Path(agents_cfg.__file__).with_name("tasks.py").read_text())
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    assert len(classes) == len(TASKS)
    for cls in classes:
        for stmt in cls.body:
            if not isinstance(stmt, ast.Assign):
                continue
            name = stmt.targets[0].id
            if isinstance(stmt.value, ast.Call):  # actor = paper_actor(ANT, obs_normalization=True)
                base = defaults[stmt.value.func.id]
                for kw in stmt.value.keywords:
                    assert ast.literal_eval(kw.value) != getattr(base, kw.arg), f"{cls.name}.{name}: {kw.arg}"
            else:
                assert ast.literal_eval(stmt.value) != getattr(defaults["runner"], name), f"{cls.name}.{name}"


def test_every_genpo_field_has_a_real_default() -> None:
    """class_to_dict would turn MISSING into {}: no GenPO-specific field may be MISSING."""
    from isaaclab_rl.rsl_rl import RslRlMLPModelCfg, RslRlPpoAlgorithmCfg

    from agents_cfg import GenPOActorCfg, GenPOAlgorithmCfg

    actor, alg = GenPOActorCfg(), GenPOAlgorithmCfg()
    deprecated = {"stochastic", "init_noise_std"}  # removed by IsaacLab's handle_deprecated_rsl_rl_cfg
    assert {f.name for f in dataclasses.fields(actor) if _missing(getattr(actor, f.name))} == deprecated
    assert not [f.name for f in dataclasses.fields(alg) if _missing(getattr(alg, f.name))]
    assert isinstance(actor, RslRlMLPModelCfg) and isinstance(alg, RslRlPpoAlgorithmCfg)


def test_genpo_defaults_equal_the_library_defaults() -> None:
    """The IsaacLab config classes restate the library's GenPO defaults; they must stay equal."""
    import inspect

    from agents_cfg import GenPOActorCfg, GenPOAlgorithmCfg
    from genpo_rsl.core import GenPOCore
    from genpo_rsl.flow import GenPOFlow

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


# -- registration and the callback ----------------------------------------------------------------------------------


def test_register_reports_every_table_id(registered) -> None:
    """All table ids exist in the installed registry and carry both keys as module:Class strings."""
    assert registered.ok and registered.missing == []
    assert set(registered.registered) == {row.task_id for row in TASKS}
    for row in TASKS:
        kwargs = gym.spec(row.task_id).kwargs
        for key in isaaclab_tasks_ext.ENTRY_POINT_KEYS:
            assert kwargs[key] == row.entry_point
        assert registered.registered[row.task_id] == {
            "genpo": row.entry_point,
            "fpo": f"agents_cfg.fpo_tasks:{row.stem}FPORunnerCfg",
            "fpo_paper": f"agents_cfg.fpo_paper_tasks:{row.stem}FPOPaperRunnerCfg",
            "genpo_distill": f"agents_cfg.distill_tasks:{row.stem}GenPODistillRunnerCfg",
        }
        module, cls = row.entry_point.split(":")
        assert module == "agents_cfg.tasks" and cls == row.class_name


def test_register_reports_and_warns_about_unknown_ids(monkeypatch) -> None:
    """A renamed or removed id is returned in the report and warned about, not silently skipped."""
    import isaaclab_tasks_ext.registration as registration

    ghost = TaskRow(key="ghost", task_id="Isaac-Renamed-Ghost", stem="Ghost", paper="ant", stock=TASKS[0].stock)
    monkeypatch.setattr(registration, "TASKS", (*TASKS, ghost))
    with pytest.warns(UserWarning, match="Isaac-Renamed-Ghost"):
        report = registration.register()
    assert report.missing == ["Isaac-Renamed-Ghost"] and not report.ok
    assert "MISSING task id Isaac-Renamed-Ghost" in str(report)
    assert "Isaac-Renamed-Ghost" not in gym.registry


def test_the_second_flow_agent_is_one_table_entry(monkeypatch, tmp_path) -> None:
    """The ``fpo`` entry (FPO++) is registered on every task id, loaded by IsaacLab, accepted by preflight and compare."""
    from isaaclab_tasks.utils.parse_cfg import load_cfg_from_registry

    from isaaclab_tasks_ext import preflight, registration
    from isaaclab_tasks_ext.compare.cli import parse_args, train_command

    for row in TASKS:  # give the specs back untouched afterwards
        monkeypatch.setattr(gym.spec(row.task_id), "kwargs", dict(gym.spec(row.task_id).kwargs))
    report = registration.register()
    assert report.ok and report.registered["Isaac-Ant-Direct"] == {
        "genpo": "agents_cfg.tasks:AntDirectGenPORunnerCfg",
        "fpo": "agents_cfg.fpo_tasks:AntDirectFPORunnerCfg",
        "fpo_paper": "agents_cfg.fpo_paper_tasks:AntDirectFPOPaperRunnerCfg",
        "genpo_distill": "agents_cfg.distill_tasks:AntDirectGenPODistillRunnerCfg",
    }
    for row in TASKS:  # IsaacLab's own loader resolves each: FPO on the GenPO config's runner, critic and PPO keys
        fpo, genpo = load_cfg_from_registry(row.task_id, "fpo"), load_cfg_from_registry(row.task_id, "genpo")
        assert (fpo.algorithm.class_name, fpo.actor.class_name) == ("genpo_rsl:FPO", "genpo_rsl:FPOActor")
        assert fpo.actor.hidden_dims == genpo.actor.hidden_dims == fpo.critic.hidden_dims
        assert (fpo.algorithm.learning_rate, fpo.algorithm.gamma) == (
            genpo.algorithm.learning_rate,
            genpo.algorithm.gamma,
        )
        assert fpo.num_steps_per_env == genpo.num_steps_per_env and fpo.algorithm.entropy_coef == 0.0
        distill = load_cfg_from_registry(row.task_id, "genpo_distill")
        assert distill.student.class_name == "genpo_rsl:GenPOActor"
        assert distill.student.hidden_dims == genpo.actor.hidden_dims
    for row in TASKS:
        kwargs = gym.spec(row.task_id).kwargs
        assert kwargs["fpo"] == kwargs["rsl_rl_fpo_cfg_entry_point"] == f"agents_cfg.fpo_tasks:{row.stem}FPORunnerCfg"
        assert kwargs["genpo"] == row.entry_point
    preflight.check_task_and_agent("Isaac-Ant-Direct", "fpo")
    with pytest.raises(ValueError, match=r"agent 'nope' is not registered .*'fpo'.*'genpo'"):
        preflight.check_task_and_agent("Isaac-Ant-Direct", "nope")
    with pytest.raises(ValueError, match=r"unknown task id 'Isaac-Nope'.*tasks with the fpo agent: \['Isaac-Ant'"):
        preflight.check_task_and_agent("Isaac-Nope", "fpo")
    base = ["--task", "Isaac-Ant-Direct", "--num_envs", "4", "--max_iterations", "1", "--out", str(tmp_path)]
    args = parse_args([*base, "--algorithms", "genpo", "fpo", "--fpo_override", "agent.actor.num_flow_steps=2"])
    assert args.algorithms == ["genpo", "fpo"]
    command = train_command(args, "fpo", 0)
    assert command[command.index("--agent") + 1] == "fpo" and command[-1] == "agent.actor.num_flow_steps=2"
    assert "agent.actor.num_flow_steps=2" not in train_command(args, "genpo", 0)


def test_fpo_paper_agent_has_fpo_plus_plus_published_settings(monkeypatch, tmp_path) -> None:
    """``--agent fpo_paper``: the task's fpo config with FPO++'s locomotion settings (H1/G1's for humanoids)."""
    from isaaclab_tasks.utils import resolve_task_config
    from isaaclab_tasks.utils.parse_cfg import load_cfg_from_registry

    from agents_cfg import to_runner_dict
    from agents_cfg.fpo_paper_tasks import FPO_PAPER_ALGORITHM, FPO_PAPER_HUMANOID, HUMANOID_PAPER_ROWS
    from genpo_rsl import FPO
    from isaaclab_tasks_ext import preflight
    from isaaclab_tasks_ext.compare.cli import parse_args, train_command

    for row in TASKS:
        paper, fpo = load_cfg_from_registry(row.task_id, "fpo_paper"), load_cfg_from_registry(row.task_id, "fpo")
        expected = {**FPO_PAPER_ALGORITHM, **(FPO_PAPER_HUMANOID if row.paper in HUMANOID_PAPER_ROWS else {})}
        assert {key: getattr(paper.algorithm, key) for key in expected} == expected
        assert (paper.algorithm.gamma, paper.algorithm.lam) == (fpo.algorithm.gamma, fpo.algorithm.lam)
        assert paper.actor.to_dict() == fpo.actor.to_dict() and paper.critic.to_dict() == fpo.critic.to_dict()
        assert paper.num_steps_per_env == fpo.num_steps_per_env and paper.experiment_name.endswith("_fpo_paper")
    h1, ant = (
        load_cfg_from_registry("Isaac-Velocity-Flat-H1", "fpo_paper"),
        load_cfg_from_registry("Isaac-Ant-Direct", "fpo_paper"),
    )
    assert (h1.algorithm.num_learning_epochs, h1.algorithm.num_mc_samples) == (32, 32)
    assert (ant.algorithm.num_learning_epochs, ant.algorithm.num_mc_samples, ant.algorithm.ema_decay) == (16, 16, 0.95)
    monkeypatch.chdir(tmp_path)
    overrides = ["agent.algorithm.ema_warmup_updates=25", "agent.device=cpu"]
    _, agent = resolve_task_config("Isaac-Ant-Direct", "fpo_paper", overrides=overrides)
    assert agent.algorithm.ema_warmup_updates == 25
    runner = OnPolicyRunner(
        FakeVecEnv(*task_sizes("Isaac-Ant-Direct")), to_runner_dict(agent), log_dir=None, device="cpu"
    )
    alg = runner.alg
    assert isinstance(alg, FPO) and alg.ema.warmup_updates == 25 and alg.ema.decay == 0.95
    assert isinstance(alg.optimizer, torch.optim.AdamW) and alg.optimizer.param_groups[0]["weight_decay"] == 1e-4
    runner.learn(num_learning_iterations=1)
    assert alg.ema.updates == 1 and alg.learning_rate == 1e-4
    preflight.check_task_and_agent("Isaac-Ant-Direct", "fpo_paper")
    base = ["--task", "Isaac-Ant-Direct", "--num_envs", "4", "--max_iterations", "1", "--out", str(tmp_path)]
    args = parse_args([*base, "--algorithms", "fpo", "fpo_paper", "--fpo_paper_override", overrides[0]])
    command = train_command(args, "fpo_paper", 0)
    assert command[command.index("--agent") + 1] == "fpo_paper" and command[-1] == overrides[0]
    assert overrides[0] not in train_command(args, "fpo", 0)


def test_ppo_matched_override_sets_the_gaussian_init_std(tmp_path, monkeypatch) -> None:
    """ppo_matched's override reaches the stock actor through IsaacLab's Hydra path; rsl_rl starts at std 1/sqrt(2)."""
    from isaaclab_tasks.utils import resolve_task_config

    from agents_cfg import to_runner_dict
    from isaaclab_tasks_ext.agents import PPO_MATCHED

    monkeypatch.chdir(tmp_path)
    assert PPO_MATCHED.overrides == ("agent.actor.distribution_cfg.init_std=0.7071067811865475",)
    overrides = [*PPO_MATCHED.overrides, "agent.device=cpu"]
    _, agent = resolve_task_config("Isaac-Cartpole-Direct", PPO_MATCHED.agent_key, overrides=overrides)
    assert type(agent).__name__ == "CartpoleDirectPPORunnerCfg"
    assert agent.actor.distribution_cfg.init_std == pytest.approx(0.5**0.5, abs=1e-15)
    runner = OnPolicyRunner(FakeVecEnv({"policy": 4}, 1), to_runner_dict(agent), log_dir=None, device="cpu")
    assert torch.allclose(runner.alg.actor.distribution.std_param, torch.full((1,), 0.5**0.5))


def test_register_imports_nothing_heavy() -> None:
    """Registering imports neither the config classes nor genpo_rsl (the entry points are strings)."""
    code = (
        "import sys, isaaclab_tasks_ext as e; r = e.register(); assert r.ok;"
        "print(sorted(m for m in ('agents_cfg.tasks', 'agents_cfg.runner_cfg', 'genpo_rsl') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_external_callback_through_isaaclab_hook(monkeypatch) -> None:
    """IsaacLab's own hook resolves the dotted callback; Hydra args survive its list intersection."""
    from isaaclab.utils.string import list_intersection
    from isaaclab_rl.entrypoints.backends.cli_args_rsl_rl import register_external_tasks

    argv = [
        "--task",
        "Isaac-Ant-Direct",
        "--agent",
        "genpo",
        "--external_callback",
        "isaaclab_tasks_ext.external_callback",
        "agent.device=cpu",
        "agent.actor.mix_p=0.8",
    ]
    monkeypatch.setattr(sys, "argv", ["isaaclab", "train", *argv])
    kept = register_external_tasks(argv)
    assert kept == ["train", *argv]
    assert list_intersection(["agent.device=cpu", "agent.actor.mix_p=0.8"], kept) == [
        "agent.device=cpu",
        "agent.actor.mix_p=0.8",
    ]
    assert gym.spec("Isaac-Ant-Direct").kwargs["genpo"] == "agents_cfg.tasks:AntDirectGenPORunnerCfg"


def test_hydra_overrides_reach_genpo_fields(tmp_path, monkeypatch) -> None:
    """``agent.algorithm.learning_rate=...`` and ``agent.actor.mix_p=...`` work through IsaacLab's Hydra path."""
    from isaaclab_tasks.utils import resolve_task_config

    monkeypatch.chdir(tmp_path)
    overrides = [
        "agent.algorithm.learning_rate=0.0003",
        "agent.actor.mix_p=0.8",
        "agent.device=cpu",
        "agent.algorithm.compression_fraction=0.5",
        "agent.actor.hidden_dims=[64,64]",
        "agent.algorithm.compression_form=norm",
        "agent.actor.time_embedding=released",
        "agent.actor.learn_base_scale=true",
    ]
    _, agent = resolve_task_config("Isaac-Ant-Direct", "genpo", overrides=overrides)
    assert type(agent).__name__ == "AntDirectGenPORunnerCfg"
    assert (agent.algorithm.learning_rate, agent.actor.mix_p, agent.device) == (3e-4, 0.8, "cpu")
    assert (agent.algorithm.compression_fraction, agent.actor.hidden_dims) == (0.5, [64, 64])
    assert (agent.algorithm.compression_form, agent.actor.time_embedding) == ("norm", "released")
    assert agent.actor.learn_base_scale is True
    overrides = [
        "agent.actor.base_scale=state",
        "agent.actor.base_scale_init=0.5",
        "agent.actor.base_scale_range=[0.05,1.5]",
        "agent.algorithm.entropy_form=exact",
    ]
    _, agent = resolve_task_config("Isaac-Ant-Direct", "genpo", overrides=overrides)
    assert (agent.actor.base_scale, agent.actor.base_scale_init) == ("state", 0.5)
    assert (list(agent.actor.base_scale_range), agent.algorithm.entropy_form) == ([0.05, 1.5], "exact")


def test_cli_defaults() -> None:
    """genpo-train adds --rl_library/--agent/--external_callback unless given; stock PPO stays selectable."""
    args = with_defaults(["--task", "Isaac-Cartpole-Direct"])
    assert args[:6] == [
        "--rl_library",
        "rsl_rl",
        "--agent",
        "genpo",
        "--external_callback",
        "isaaclab_tasks_ext.external_callback",
    ]
    ppo = with_defaults(["--agent=rsl_rl_cfg_entry_point", "--rl_library", "rsl_rl"])
    assert "genpo" not in ppo and ppo.count("--rl_library") == 1


# -- YAML -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ROW_IDS)
def test_yaml_round_trip_is_lossless(key: str, tmp_path) -> None:
    """The committed YAML equals the class; class → YAML → class keeps every value (also after edits)."""
    from agents_cfg import load_cfg_from_yaml, save_cfg_to_yaml, to_runner_dict
    from agents_cfg.tasks import CONFIG_CLASSES
    from agents_cfg.yaml_io import YAML_DIR, cfg_to_data

    cls = CONFIG_CLASSES[key]
    assert yaml.safe_load((YAML_DIR / f"{key}.yaml").read_text()) == cfg_to_data(cls()), "regenerate the YAML files"
    committed = load_cfg_from_yaml(key)
    assert type(committed) is cls and cfg_to_data(committed) == cfg_to_data(cls())
    edited = cls()
    edited.actor.mix_p, edited.algorithm.learning_rate, edited.actor.inference_mode = 0.77, 3.3e-4, "sample"
    edited.algorithm.compression_fraction, edited.obs_groups["critic"] = 0.25, ["policy", "policy"]
    back = load_cfg_from_yaml(save_cfg_to_yaml(edited, tmp_path / f"{key}.yaml"))
    assert cfg_to_data(back) == cfg_to_data(edited)
    assert to_runner_dict(back) == to_runner_dict(edited)
    assert all(_missing(getattr(back, n)) for n in ("policy", "empirical_normalization"))


# -- IsaacLab loader → to_dict → stock OnPolicyRunner builds GenPO ------------------------------------------------


def _runner_rows() -> list[str]:
    """Table keys whose observation/action sizes can be read without the simulator."""
    return [row.key for row in TASKS if row.task_id not in NO_SIZE_RULE]


@pytest.mark.parametrize("key", _runner_rows())
def test_isaaclab_loader_to_stock_runner_builds_genpo(key: str) -> None:
    """load_cfg_from_registry(task, "genpo") → to_dict → OnPolicyRunner builds GenPO for the task's real sizes."""
    from agents_cfg import to_runner_dict

    row = task_row(key)
    cfg = _load(row.task_id, "genpo")
    assert type(cfg).__name__ == row.class_name
    assert cfg.to_dict()["algorithm"]["class_name"] == "genpo_rsl:GenPO"
    cfg.device = "cpu"
    obs_sizes, num_actions = task_sizes(row.task_id)
    if row.paper_env:
        assert (obs_sizes["policy"], num_actions) == PAPER_SIZES[row.paper]
    env = FakeVecEnv(obs_sizes, num_actions)
    runner = OnPolicyRunner(env, to_runner_dict(cfg), log_dir=None, device="cpu")
    alg = runner.alg
    assert isinstance(alg, GenPO) and isinstance(alg.actor, GenPOActor)
    actor_obs = sum(obs_sizes[g] for g in cfg.obs_groups["actor"])
    assert (alg.actor.flow.cond_dim, alg.actor.flow.action_dim) == (actor_obs, num_actions)
    assert alg.storage.actions.shape[-1] == 2 * num_actions
    assert (alg.learning_rate, alg.gamma, alg.compression_coef) == (
        cfg.algorithm.learning_rate,
        cfg.algorithm.gamma,
        0.01,
    )
    runner.learn(num_learning_iterations=1)
    policy = runner.get_inference_policy()
    assert policy(env.get_observations()).shape == (env.num_envs, num_actions)


def test_quadcopter_task_differs_from_the_papers_env() -> None:
    """3.0.0 has no Isaac-Quadcopter-Direct: the ARL drone task is 17×4, the paper's quadcopter 12×4."""
    assert "Isaac-Quadcopter-Direct" not in gym.registry
    assert task_sizes("IsaacContrib-TrackPositionNoObstacles-ARL-Robot-1") == ({"policy": 17}, 4)


@pytest.mark.parametrize("task_id", sorted(NO_SIZE_RULE))
def test_resolve_only_variants(task_id: str) -> None:
    """Sibling variants whose sizes need the simulator: the entry point resolves and converts."""
    from agents_cfg import to_runner_dict

    cfg = _load(task_id, "genpo")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = to_runner_dict(cfg)
    assert data["algorithm"]["class_name"] == "genpo_rsl:GenPO" and "stochastic" not in data["actor"]


def test_isaaclab_cli_entry_point_registers_genpo_without_the_callback() -> None:
    """IsaacLab 3.0's CLI loads the ``isaaclab.tasks`` entry points before ``train``/``play``."""
    code = (
        "from isaaclab.cli import load_external_tasks; load_external_tasks()\n"
        "import gymnasium as gym\n"
        "print(gym.spec('Isaac-Ant-Direct').kwargs['genpo'])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "agents_cfg.tasks:AntDirectGenPORunnerCfg"
