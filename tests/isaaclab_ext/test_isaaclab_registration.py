"""GenPO agents in IsaacLab's registry: registration report, the fpo agents, IsaacLab's callback and CLI hooks.

No simulator; the GenPO agents are registered once per module (``registered`` in ``conftest.py``).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("isaaclab")
pytestmark = [pytest.mark.isaaclab, pytest.mark.usefixtures("registered")]

import gymnasium as gym  # noqa: E402

import isaaclab_tasks_ext  # noqa: E402
from agents_cfg import TASKS, TaskRow  # noqa: E402
from agents_cfg.table import ENCODERS, VARIANTS  # noqa: E402
from isaaclab_tasks_ext.agents import AGENTS  # noqa: E402
from isaaclab_tasks_ext.cli import with_defaults  # noqa: E402

# -- registration and the callback ----------------------------------------------------------------------------------


def test_register_reports_every_table_id(registered) -> None:
    """All table ids exist in the installed registry and carry both keys as module:Class strings."""
    assert registered.ok and registered.missing == []
    assert set(registered.registered) == {row.task_id for row in TASKS + ENCODERS}
    for row in ENCODERS:  # the image/memory ids: genpo and fpo only
        assert registered.registered[row.task_id] == {
            "genpo": f"agents_cfg.tasks:{row.stem}GenPORunnerCfg",
            "fpo": f"agents_cfg.fpo_tasks:{row.stem}FPORunnerCfg",
        }
    variants = {
        (v.task_id, v.agent): f"agents_cfg.variant_tasks:{v.stem}{AGENTS[v.agent].class_suffix}" for v in VARIANTS
    }
    for row in TASKS:
        kwargs = gym.spec(row.task_id).kwargs
        for key in isaaclab_tasks_ext.ENTRY_POINT_KEYS:
            assert kwargs[key] == row.entry_point
        assert registered.registered[row.task_id] == {
            "genpo": row.entry_point,
            "fpo": f"agents_cfg.fpo_tasks:{row.stem}FPORunnerCfg",
            "fpo_paper": f"agents_cfg.fpo_paper_tasks:{row.stem}FPOPaperRunnerCfg",
            "genpo_distill": f"agents_cfg.distill_tasks:{row.stem}GenPODistillRunnerCfg",
            **{agent: ep for (task_id, agent), ep in variants.items() if task_id == row.task_id},
        }
        module, cls = row.entry_point.split(":")
        assert module == "agents_cfg.tasks" and cls == row.class_name


def test_register_reports_and_warns_about_unknown_ids(monkeypatch) -> None:
    """A renamed or removed id is returned in the report and warned about, not silently skipped."""
    import isaaclab_tasks_ext.registration as registration

    ghost = TaskRow("ghost", "Isaac-Renamed-Ghost", "Ghost", "ant", TASKS[0].stock, experiment="ghost")
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


def test_isaaclab_cli_entry_point_registers_genpo_without_the_callback() -> None:
    """IsaacLab 3.0's CLI loads the ``isaaclab.tasks`` entry points before ``train``/``play``."""
    code = (
        "from isaaclab.cli import load_external_tasks; load_external_tasks()\n"
        "import gymnasium as gym\n"
        "print(gym.spec('Isaac-Ant-Direct').kwargs['genpo'])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "agents_cfg.tasks:AntDirectGenPORunnerCfg"
