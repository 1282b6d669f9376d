"""Measured asymmetry of trained policies: ``‖a(Ms) − M a(s)‖`` of the deployed action with the task's stock mirror map.

    python bench/asymmetry.py --task Isaac-Cartpole runs/variants/cartpole_symmetry [more genpo-compare outputs]

For every run ``runs/<algorithm>_seed<k>`` of the given ``genpo-compare`` outputs, the final checkpoint's actor is
rebuilt from the run's ``params/agent.yaml`` and its deterministic action (GenPO: zero noise; Gaussian PPO: the mean)
compared at ``s`` and ``Ms``, where ``M`` is the mirror function of the task's stock
``rsl_rl_with_symmetry_cfg_entry_point`` (it must not need the simulator, as Cartpole's). States: ``--states`` draws
uniform in ``[−scale, scale]`` per observation entry (``--scale``, default 1: pole angle and velocities of a balancing
Cartpole stay well inside). Prints mean ± std over seeds per algorithm.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import sys
from collections import defaultdict

if not __package__:  # run as `python bench/asymmetry.py`: import the bench package from the repository root
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import torch
import yaml
from rsl_rl.utils import resolve_callable
from tensordict import TensorDict

from bench.seed_stats import cell
from genpo_rsl.algorithms.symmetry import measured_asymmetry
from isaaclab_tasks_ext.compare.aggregate import run_checkpoints


def stock_mirror_function(task: str):
    """Return the mirror function of the task's stock symmetry agent config."""
    import isaaclab_tasks  # noqa: F401  (registers the task ids)
    from isaaclab_tasks.utils.parse_cfg import load_cfg_from_registry

    cfg = load_cfg_from_registry(task, "rsl_rl_with_symmetry_cfg_entry_point")
    return cfg.algorithm.symmetry_cfg.data_augmentation_func


def final_actor(run_dir: str, obs_dim: int, num_actions: int) -> torch.nn.Module:
    """Return the actor of a run's final checkpoint, rebuilt from its dumped agent config."""
    _, path = run_checkpoints(run_dir)[-1]
    with open(os.path.join(os.path.dirname(path), "params", "agent.yaml")) as f:
        agent = yaml.full_load(f)  # IsaacLab writes tuples
    actor_cfg = dict(agent["actor"])
    actor_class = resolve_callable(actor_cfg.pop("class_name"))
    groups = (agent.get("obs_groups") or {}).get("actor") or ["policy"]  # empty: rsl_rl's default, the policy group
    obs = TensorDict({group: torch.zeros(1, obs_dim) for group in groups}, batch_size=[1])
    actor = actor_class(obs, {"actor": groups}, "actor", num_actions, **actor_cfg)
    actor.load_state_dict(torch.load(path, map_location="cpu", weights_only=False)["actor_state_dict"])
    return actor.eval()


def main() -> None:
    """Parse the arguments, measure every run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outputs", nargs="+", help="genpo-compare --out folders")
    parser.add_argument("--task", default="Isaac-Cartpole")
    parser.add_argument("--obs_dim", type=int, default=4)
    parser.add_argument("--num_actions", type=int, default=1)
    parser.add_argument("--states", type=int, default=4096)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    mirror = stock_mirror_function(args.task)
    states = torch.rand(args.states, args.obs_dim, generator=torch.Generator().manual_seed(0)) * 2 - 1
    by_algorithm: dict[str, list[float]] = defaultdict(list)
    for output in args.outputs:
        for run_dir in sorted(glob.glob(os.path.join(output, "runs", "*_seed*"))):
            if not run_checkpoints(run_dir):
                continue  # not started yet
            algorithm = re.sub(r"_seed\d+$", "", os.path.basename(run_dir))
            actor = final_actor(run_dir, args.obs_dim, args.num_actions)
            obs = TensorDict({"policy": args.scale * states}, batch_size=[args.states])
            by_algorithm[algorithm].append(measured_asymmetry(actor, obs, mirror))
    print(
        f"{args.task}: asymmetry of the deployed action, {args.states} states uniform in [-{args.scale}, {args.scale}]"
    )
    print("| algorithm | seeds | asymmetry (mean ± std) |\n|---|---|---|")
    for algorithm, values in by_algorithm.items():
        print(f"| {algorithm} | {len(values)} | {cell(values, '.4f', '.4f')} |")


if __name__ == "__main__":
    main()
