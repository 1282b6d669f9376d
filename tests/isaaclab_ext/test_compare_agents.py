"""The algorithm table (``isaaclab_tasks_ext.agents``) as genpo-compare, its report and preflight read it."""

from __future__ import annotations

import importlib.util
import math

import pytest
import torch

from agents_cfg.table import TASKS
from isaaclab_tasks_ext.agents import AGENTS, GENPO, PPO, PPO_MATCHED, Agent, agent_for_key, get_agent, label
from isaaclab_tasks_ext.compare.aggregate import curve_from_scalars
from isaaclab_tasks_ext.compare.cli import parse_args, train_command
from isaaclab_tasks_ext.compare.report import write_table
from isaaclab_tasks_ext.preflight import check_checkpoint

BASE = ["--task", "Isaac-Cartpole-Direct", "--num_envs", "16", "--max_iterations", "2", "--out", "runs/x"]
DPPO = Agent(  # a third flow algorithm would be one more table entry
    name="dppo",
    gym_keys=("dppo", "rsl_rl_dppo_cfg_entry_point"),
    label="DPPO",
    checkpoint_marker="dppo",
    config_module="agents_cfg.dppo_tasks",
    class_suffix="DPPORunnerCfg",
)


def _after(command: list[str], flag: str) -> str:
    """The value following ``flag`` in ``command``."""
    return command[command.index(flag) + 1]


def test_table_entries() -> None:
    """genpo, fpo, fpo_paper, ppo, ppo_matched, genpo_distill and the variants: keys, labels, markers; the genpo key is
    unchanged."""
    assert list(AGENTS) == ["genpo", "fpo", "fpo_paper", "ppo", "ppo_matched", "genpo_distill", "genpo_with_symmetry",
                            "ppo_with_symmetry", "genpo_recurrent", "ppo_recurrent"]  # fmt: skip
    assert AGENTS["ppo_with_symmetry"].agent_key == "rsl_rl_with_symmetry_cfg_entry_point"
    assert AGENTS["genpo_recurrent"].variant and AGENTS["genpo_recurrent"].checkpoint_marker == "genpo"
    assert AGENTS["fpo"].agent_key == "fpo" and AGENTS["fpo"].checkpoint_marker == "fpo"
    assert AGENTS["fpo_paper"].agent_key == "fpo_paper" and AGENTS["fpo_paper"].checkpoint_marker == "fpo"
    assert AGENTS["fpo_paper"].entry_point(TASKS[1]) == "agents_cfg.fpo_paper_tasks:AntDirectFPOPaperRunnerCfg"
    assert not AGENTS["genpo_distill"].compared and AGENTS["genpo_distill"].loads_plain_checkpoints
    assert GENPO.gym_keys == ("genpo", "rsl_rl_genpo_cfg_entry_point") and GENPO.checkpoint_marker == "genpo"
    assert PPO.agent_key == PPO_MATCHED.agent_key == "rsl_rl_cfg_entry_point"
    assert not PPO.registers and not PPO_MATCHED.registers and GENPO.registers
    assert [GENPO.entry_point(row) for row in TASKS] == [row.entry_point for row in TASKS]
    assert GENPO.entry_point(TASKS[1]) == "agents_cfg.tasks:AntDirectGenPORunnerCfg"
    assert GENPO.class_name(TASKS[1]) == TASKS[1].class_name == "AntDirectGenPORunnerCfg"
    assert AGENTS["fpo_paper"].experiment_name(TASKS[1]) == "ant_direct_fpo_paper"
    assert (label("genpo"), label("ppo"), label("ppo_matched")) == (
        "GenPO",
        "Gaussian PPO",
        "Gaussian PPO (init std 0.71)",
    )
    assert label("other") == "other" and agent_for_key("genpo") is GENPO and agent_for_key("nope") is None
    with pytest.raises(ValueError, match=r"unknown algorithm 'nope'; allowed: \['genpo', 'fpo', 'fpo_paper', 'ppo'"):
        get_agent("nope")
    with pytest.raises(ValueError, match="agent 'ppo' has no config classes"):
        PPO.entry_point(TASKS[0])


def test_ppo_matched_sets_the_initial_std_in_the_train_command() -> None:
    """ppo_matched = the stock PPO agent + one Hydra override: init std 1/sqrt(2), GenPO's initial action spread."""
    args = parse_args([*BASE, "--algorithms", "genpo", "ppo", "ppo_matched", "--", "env.foo=1"])
    assert args.algorithms == ["genpo", "ppo", "ppo_matched"]
    matched, ppo, genpo = (train_command(args, name, 3) for name in ("ppo_matched", "ppo", "genpo"))
    override = f"agent.actor.distribution_cfg.init_std={1 / math.sqrt(2)!r}"
    assert override == "agent.actor.distribution_cfg.init_std=0.7071067811865475"
    assert _after(matched, "--agent") == "rsl_rl_cfg_entry_point" and _after(matched, "--seed") == "3"
    assert matched[matched.index("agent.device=cpu") + 1 :] == [override, "env.foo=1"]  # the user's extras come last
    assert matched[: matched.index(override)] == ppo[: ppo.index("env.foo=1")]  # otherwise the stock PPO command
    assert override not in ppo and override not in genpo and _after(genpo, "--agent") == "genpo"


def test_per_algorithm_overrides() -> None:
    """``--genpo_override`` (kept) changes GenPO runs only; every entry has its own ``--<name>_override``."""
    genpo_overrides = ["--genpo_override", "agent.algorithm.compression_fraction=0.25", "--genpo_override", "a=1"]
    args = parse_args([*BASE, *genpo_overrides, "--ppo_matched_override", "agent.seed=7"])
    assert args.algorithms == ["genpo", "ppo"]  # the default pair is unchanged
    genpo, ppo, matched = (train_command(args, name, 0) for name in ("genpo", "ppo", "ppo_matched"))
    assert genpo[-2:] == ["agent.algorithm.compression_fraction=0.25", "a=1"]
    assert ppo[-1] == "agent.device=cpu" and matched[-1] == "agent.seed=7"


def test_unknown_algorithm_is_refused_naming_the_allowed_ones(capsys) -> None:
    """argparse names the bad value and the table's algorithms."""
    with pytest.raises(SystemExit):
        parse_args([*BASE, "--algorithms", "genpo", "sac"])
    err = capsys.readouterr().err
    assert "invalid choice: 'sac'" in err and "'ppo_matched'" in err


def test_a_new_entry_reaches_compare(monkeypatch) -> None:
    """One more entry in AGENTS: --algorithms accepts it, it gets --<name>_override, --agent and its label."""
    monkeypatch.setitem(AGENTS, "dppo", DPPO)
    args = parse_args([*BASE, "--algorithms", "dppo", "ppo_matched", "--dppo_override", "agent.actor.mix_p=0.8"])
    command = train_command(args, "dppo", 0)
    assert _after(command, "--agent") == "dppo" and command[-1] == "agent.actor.mix_p=0.8"
    assert label("dppo") == "DPPO"


def _curve(algorithm: str, steps_per_s_scale: float):
    """A two-iteration synthetic curve with 1 s collection per iteration scaled by ``steps_per_s_scale``."""
    scalars = {
        "Train/mean_reward": {0: 1.0, 1: 2.0},
        "Perf/collection_time": {0: 1.0 / steps_per_s_scale, 1: 1.0 / steps_per_s_scale},
        "Perf/learning_time": {0: 0.0, 1: 0.0},
    }
    return curve_from_scalars(algorithm, 0, scalars, steps_per_iteration=100)


def test_report_labels_and_speed_ratios(tmp_path, monkeypatch) -> None:
    """results.md labels every algorithm from the table; each flow algorithm gets its speed ratio to PPO."""
    names = ("genpo", "ppo", "ppo_matched", "fpo")
    curves = [_curve(name, scale) for name, scale in zip(names, (0.5, 1.0, 1.0, 0.25))]
    with open(write_table(curves, str(tmp_path), dict.fromkeys(names, 100), "## t")) as f:
        text = f.read()
    assert "| Gaussian PPO (init std 0.71) | 1 |" in text and "| Gaussian PPO | 1 |" in text
    assert "| GenPO | 1 |" in text and "| FPO++ | 1 |" in text
    assert "GenPO / PPO steps per second, measured in this run: **0.50×**" in text
    assert "FPO++ / PPO steps per second, measured in this run: **0.25×**" in text
    assert "(init std 0.71) / PPO steps per second" not in text


def _save(path, marker: str | None) -> str:
    """Write a tiny checkpoint with the top-level ``marker`` entry (none: a plain rsl_rl checkpoint)."""
    data = {"actor_state_dict": {}, "iter": 0, **({marker: {"mix_p": 0.9}} if marker else {})}
    torch.save(data, path)
    return str(path)


def test_checkpoint_markers_come_from_the_table(tmp_path, monkeypatch) -> None:
    """Preflight tells the algorithms' checkpoints apart by their markers, FPO's included."""
    genpo, fpo, plain = (_save(tmp_path / f"{m}.pt", m) for m in ("genpo", "fpo", None))
    check_checkpoint(genpo, "genpo")
    check_checkpoint(genpo, "rsl_rl_genpo_cfg_entry_point")
    check_checkpoint(fpo, "fpo")
    check_checkpoint(fpo, "fpo_paper")  # the same algorithm at other settings: its checkpoints are FPO++'s
    check_checkpoint(plain, "rsl_rl_cfg_entry_point")
    cases = [
        (genpo, "rsl_rl_cfg_entry_point", "is a GenPO checkpoint but --agent rsl_rl_cfg_entry_point is not GenPO"),
        (genpo, "fpo", "is a GenPO checkpoint but --agent fpo is not GenPO; allowed: --agent genpo"),
        (fpo, "genpo", "is a FPO++ checkpoint but --agent genpo is not FPO++; allowed: --agent fpo"),
        (
            plain,
            "genpo",
            "was not written by GenPO (e.g. a Gaussian PPO run); allowed: a checkpoint of a --agent genpo",
        ),
        (plain, "fpo", "was not written by FPO++ (e.g. a Gaussian PPO run)"),
    ]
    for path, agent, message in cases:
        with pytest.raises(ValueError, match=r"^checkpoint .*") as error:
            check_checkpoint(path, agent)
        assert message in str(error.value) and "allowed" in str(error.value), str(error.value)


@pytest.mark.skipif(importlib.util.find_spec("mjlab") is not None, reason="mjlab is installed here")
def test_an_mjlab_task_without_mjlab_names_the_mjlab_environment(capsys) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--task", "Mjlab-Cartpole-Balance", "--num_envs", "4", "--max_iterations", "2", "--out", "o"])
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "is an mjlab task but mjlab is not installed here" in err and ".venv-mjlab/bin/genpo-compare" in err


def test_mjlab_runs_take_only_algorithms_with_an_mjlab_task(capsys, monkeypatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object())  # as if mjlab were installed
    with pytest.raises(SystemExit):
        parse_args(["--task", "Mjlab-Cartpole-Balance", "--num_envs", "4", "--max_iterations", "2", "--out", "o",
                    "--algorithms", "genpo", "fpo_paper"])  # fmt: skip
    assert "allowed on mjlab: ['genpo', 'fpo', 'ppo', 'ppo_matched']" in capsys.readouterr().err
