"""``genpo-pretrain``: clone a demonstration dataset into a task's GenPO (or stock Gaussian PPO) agent; write a
checkpoint to fine-tune.

    genpo-pretrain --task Isaac-Cartpole-Direct --dataset demos.hdf5 [more.hdf5 ...] [--awr_beta 1.0] --out pretrained.pt
    genpo-train --task Isaac-Cartpole-Direct --checkpoint pretrained.pt          # GenPO fine-tuning from it

The actor and critic are built by rsl_rl's ``OnPolicyRunner`` from the task's ``--agent`` config (as training builds
them), without starting the simulator. With the default ``--agent genpo`` the flow actor is fitted by exact-likelihood
cloning (:func:`genpo_rsl.behavior_clone`). When the dataset has rewards, the critic is fitted to the Monte-Carlo
returns (``--critic_epochs``, γ of the agent config), so fine-tuning does not start from a random critic; with
``--awr_beta`` the cloning is advantage-weighted (:mod:`genpo_rsl.warm_start.offline`). Several ``--dataset`` files (e.g.
recordings of an early and a late checkpoint) are cloned as one dataset.

The Gaussian baseline: ``--agent rsl_rl_cfg_entry_point`` clones the same data (same critic fit and weights) into the
stock PPO actor of the task (rsl_rl's ``MLPModel`` with its Gaussian, :mod:`genpo_rsl.warm_start.gaussian_cloning`) by maximum
likelihood, its std not below a floor: ``--init_std_from`` a GenPO clone's per-state spread on the dataset states
(the fair baseline: both fine-tunings start as sharp) or an explicit ``--init_std``.

    genpo-pretrain --task Isaac-Cartpole-Direct --dataset demos.hdf5 --agent rsl_rl_cfg_entry_point \\
        --init_std_from pretrained.pt --out gaussian.pt
    genpo-train --task Isaac-Cartpole-Direct --agent rsl_rl_cfg_entry_point --checkpoint gaussian.pt    # stock PPO

The output is an rsl_rl checkpoint at iteration 0 that appears only when everything succeeded. Its
``optimizer_state_dict`` is the untouched optimizer the agent's algorithm builds (no Adam moments, the configured
learning rate): rsl_rl's ``PPO.load`` restores the optimizer unless told otherwise (``isaaclab train --checkpoint``
without ``--no-resume_optimizer_state``, ``isaaclab play``, ``genpo-record``) and fails on a checkpoint without one,
so with it every stock loader works and fine-tuning starts fresh at iteration 0.
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import torch
from tensordict import TensorDict

from genpo_rsl.modules.policy import SPREAD_STATES, FlowPolicy
from genpo_rsl.warm_start.cloning import behavior_clone
from genpo_rsl.warm_start.demonstrations import Demonstrations, concatenate_demonstrations, load_demonstrations
from genpo_rsl.warm_start.gaussian_cloning import current_std, gaussian_clone, gaussian_distribution
from genpo_rsl.warm_start.offline import awr_weights, fit_critic, monte_carlo_returns
from isaaclab_tasks_ext.agents import GENPO, PPO

if TYPE_CHECKING:
    from rsl_rl.runners import OnPolicyRunner

AGENTS = (GENPO.agent_key, PPO.agent_key)
"""``--agent`` values: the GenPO flow actor (exact-likelihood cloning) and the stock Gaussian PPO actor."""


class DatasetEnv:
    """The little of rsl_rl's ``VecEnv`` a runner needs to build its models: the dataset's observations and sizes."""

    def __init__(self, obs: TensorDict, num_actions: int, device: str) -> None:
        """Expose ``obs`` (a few dataset rows) as the environment's observations."""
        self.obs, self.num_envs, self.num_actions, self.device = obs, obs.batch_size[0], num_actions, device
        self.cfg: dict = {}

    def get_observations(self) -> TensorDict:
        """Return the dataset rows."""
        return self.obs


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse and check the command line (errors name the value and what is allowed)."""
    parser = argparse.ArgumentParser(
        prog="genpo-pretrain", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--task", required=True, help="IsaacLab task id with the --agent config")
    parser.add_argument(
        "--agent",
        default=GENPO.agent_key,
        choices=AGENTS,
        help=f"agent config to clone into: {GENPO.agent_key} (default, GenPO) or {PPO.agent_key} (stock Gaussian PPO)",
    )
    floor = parser.add_mutually_exclusive_group()
    floor.add_argument("--init_std", type=float, help=f"{PPO.agent_key}: the floor of the cloned std (> 0)")
    floor.add_argument(
        "--init_std_from",
        help=f"{PPO.agent_key}: the floor of the cloned std is this GenPO clone's per-state spread (genpo-pretrain .pt)",
    )
    parser.add_argument(
        "--dataset", required=True, nargs="+", help="HDF5 demonstrations (genpo-record, IsaacLab, robomimic); 1 or more"
    )
    parser.add_argument("--out", required=True, help="checkpoint to write (.pt; not overwritten)")
    parser.add_argument("--awr_beta", type=float, help="advantage-weighted cloning with temperature β (needs rewards)")
    parser.add_argument("--awr_max_weight", type=float, default=20.0, help="cap of the AWR weights")
    parser.add_argument("--epochs", type=int, default=100, help="cloning epochs")
    parser.add_argument("--critic_epochs", type=int, default=50, help="critic epochs on Monte-Carlo returns")
    parser.add_argument("--batch_size", type=int, default=256)
    parser.add_argument("--learning_rate", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    if not args.out.endswith(".pt"):
        parser.error(f"--out {args.out} is invalid; allowed: a path ending in .pt")
    if os.path.exists(args.out):
        parser.error(f"--out {args.out} exists; allowed: a new file (nothing is overwritten)")
    for name in ("epochs", "critic_epochs", "batch_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} {getattr(args, name)} is invalid; allowed: >= 1")
    if args.awr_beta is not None and not args.awr_beta > 0:
        parser.error(f"--awr_beta {args.awr_beta} is invalid; allowed: > 0")
    check_std_floor(parser, args)
    return args


def check_std_floor(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Exit naming the bad value: the Gaussian needs exactly one std floor, GenPO none (its spread is fitted)."""
    given = "--init_std" if args.init_std is not None else "--init_std_from" if args.init_std_from else None
    if args.agent == GENPO.agent_key:
        if given:
            parser.error(
                f"{given} is for --agent {PPO.agent_key} (the Gaussian's std floor); GenPO fits its spread by its "
                f"likelihood: leave it out"
            )
        return
    if given is None:
        parser.error(
            f"--agent {PPO.agent_key} needs --init_std STD or --init_std_from GENPO_CLONE.pt: the floor of the cloned "
            f"std (the demonstrations of a deterministic policy drive the maximum-likelihood std to about 0)"
        )
    if args.init_std is not None and not (math.isfinite(args.init_std) and args.init_std > 0):
        parser.error(f"--init_std {args.init_std} is invalid; allowed: a finite std > 0")
    if args.init_std_from and not os.path.isfile(args.init_std_from):
        parser.error(f"--init_std_from {args.init_std_from} does not exist; allowed: a genpo-pretrain checkpoint (.pt)")


def agent_config(task: str, device: str, agent: str = GENPO.agent_key) -> dict:
    """Return the task's ``agent`` config (default ``genpo``) as the dict rsl_rl's runner receives in training."""
    from isaaclab_rl.rsl_rl import handle_deprecated_rsl_rl_cfg
    from isaaclab_rl.rsl_rl.utils import to_dict
    from isaaclab_tasks.utils.parse_cfg import load_cfg_from_registry

    from genpo_rsl.utils.rsl_version import rsl_rl_version
    from isaaclab_tasks_ext.preflight import check_task_and_agent
    from isaaclab_tasks_ext.registration import register

    register()
    check_task_and_agent(task, agent)
    cfg = load_cfg_from_registry(task, agent)
    cfg.device = device
    return to_dict(handle_deprecated_rsl_rl_cfg(cfg, rsl_rl_version()))


def check_dataset(path: str, demos: Demonstrations, cfg: dict, task: str, agent: str = GENPO.agent_key) -> None:
    """Raise ``ValueError`` naming the file and the missing observation group or bad value.

    The groups checked are those the runner reads: ``obs_groups`` as rsl_rl resolves it (the stock configs leave it
    empty: then the dataset's ``policy`` group).
    """
    from rsl_rl.utils import resolve_obs_groups

    named = {g for groups in cfg["obs_groups"].values() for g in groups}
    missing = sorted(named - set(demos.obs.keys()))
    if missing:
        raise ValueError(
            f"{path}: observation group(s) {missing} of the {task} {agent} agent are not in the dataset (it has "
            f"{sorted(demos.obs.keys())}); expected obs/<group> for every group in obs_groups {cfg['obs_groups']}."
        )
    try:
        resolved = resolve_obs_groups(demos.obs, copy.deepcopy(cfg["obs_groups"]), ["actor", "critic"])
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    for group in sorted({g for groups in resolved.values() for g in groups}):
        if not torch.isfinite(demos.obs[group]).all():
            raise ValueError(f"{path}: obs/{group} has NaN/inf values; expected finite observations.")
    if demos.rewards is not None and not torch.isfinite(demos.rewards).all():
        raise ValueError(f"{path}: rewards have NaN/inf values; expected finite rewards.")


def progress(what: str, loss: str, epochs: int) -> Callable[[int, float], None]:
    """Return an ``on_epoch`` callback that prints ``what``'s loss about ten times over ``epochs``."""
    every = max(1, epochs // 10)

    def report(epoch: int, value: float) -> None:
        if (epoch + 1) % every == 0 or epoch + 1 == epochs:
            print(f"genpo-pretrain: {what} epoch {epoch + 1}/{epochs}, {loss} {value:.4g}", flush=True)

    return report


def dataset_runner(cfg: dict, obs: TensorDict, num_actions: int, device: str) -> OnPolicyRunner:
    """Return rsl_rl's ``OnPolicyRunner`` of agent config ``cfg`` built on the dataset (no simulator, no log dir)."""
    from rsl_rl.runners import OnPolicyRunner

    return OnPolicyRunner(DatasetEnv(obs[:2], num_actions, device), cfg, log_dir=None, device=device)


@torch.no_grad()
def clone_spread(actor: FlowPolicy, obs: TensorDict) -> torch.Tensor:
    """Return a GenPO actor's per-state std of the env action ``[d]`` (``spreads``, what GenPO logs as its std).

    Measured on :data:`~genpo_rsl.modules.policy.SPREAD_STATES` random rows of ``obs``.
    """
    states = obs[torch.randperm(obs.batch_size[0], device=obs.device)[:SPREAD_STATES]]
    return actor.spreads(states)["action_std"]


def genpo_clone_spread(path: str, task: str, obs: TensorDict, num_actions: int, device: str) -> torch.Tensor:
    """Load the GenPO clone ``path`` into the task's genpo agent; return its :func:`clone_spread` on ``obs``."""
    runner = dataset_runner(agent_config(task, device), obs, num_actions, device)
    runner.load(path, map_location=device)  # GenPO's load names a checkpoint of another algorithm or size
    return clone_spread(runner.alg.actor, obs)


def clone_actor(
    args: argparse.Namespace,
    actor: torch.nn.Module,
    obs: TensorDict,
    actions: torch.Tensor,
    weights: torch.Tensor | None,
) -> tuple[list[float], dict[str, list[float]]]:
    """Clone ``actor`` as ``--agent`` says; return the NLL per epoch and the clone's spread per action dimension.

    GenPO: exact-likelihood cloning, its ``action_std`` (:func:`clone_spread`). Gaussian: maximum likelihood with
    the std floor ``--init_std`` or ``--init_std_from``'s spread; its ``std`` and the ``std_floor``.
    """
    fit = {"weights": weights, "epochs": args.epochs, "batch_size": args.batch_size}
    fit.update(learning_rate=args.learning_rate, on_epoch=progress("actor", "nll", args.epochs))
    if args.agent == GENPO.agent_key:
        history = behavior_clone(actor, obs, actions, **fit)
        return history, {"action_std": clone_spread(actor, obs).tolist()}
    if args.init_std is not None:
        floor = torch.full((actions.shape[1],), args.init_std, dtype=torch.float64)
    else:
        floor = genpo_clone_spread(args.init_std_from, args.task, obs, actions.shape[1], args.device)
    history = gaussian_clone(actor, obs, actions, min_std=floor, **fit)
    return history, {"std": current_std(gaussian_distribution(actor)).tolist(), "std_floor": floor.tolist()}


def pretrain(args: argparse.Namespace) -> dict:
    """Build the agent, fit critic and actor on the dataset; return the checkpoint dict (nothing written)."""
    torch.manual_seed(args.seed)
    cfg = agent_config(args.task, args.device, args.agent)
    source = ", ".join(args.dataset)
    demos = concatenate_demonstrations([load_demonstrations(path) for path in args.dataset])
    check_dataset(source, demos, cfg, args.task, args.agent)
    obs = demos.obs.to(args.device)
    actions = demos.actions.to(args.device).float()
    runner = dataset_runner(cfg, obs, actions.shape[1], args.device)
    actor, critic = runner.alg.actor, runner.alg.critic
    weights, report = None, {"steps": actions.shape[0], "episodes": int(demos.episode.max()) + 1}
    if demos.rewards is not None:
        returns = monte_carlo_returns(demos.rewards, demos.episode, cfg["algorithm"]["gamma"]).to(args.device)
        critic.update_normalization(obs)
        report["critic_mse"] = fit_critic(
            critic, obs, returns, epochs=args.critic_epochs, on_epoch=progress("critic", "mse", args.critic_epochs)
        )[-1]
        if args.awr_beta is not None:
            with torch.no_grad():
                values = critic(obs).squeeze(-1)
            weights = awr_weights(returns, values, args.awr_beta, args.awr_max_weight)
            report["awr_effective_share"] = float(weights.sum() ** 2 / (weights.pow(2).sum() * len(weights)))
    elif args.awr_beta is not None:
        raise ValueError(f"{source}: --awr_beta needs rewards, but the dataset has none (data/demo_<k>/rewards).")
    history, spread = clone_actor(args, actor, obs, actions, weights)
    report.update(nll=history[-1], **spread)
    print("genpo-pretrain: " + ", ".join(f"{k} {_format(v)}" for k, v in report.items()))
    infos = {**report, "agent": args.agent, "dataset": args.dataset}
    return {**runner.alg.save(), "iter": 0, "infos": {"genpo_pretrain": infos}}


def _format(value: object) -> str:
    """A report value for the progress line: floats to 4 digits, lists of floats to 3."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return "[" + ", ".join(f"{v:.3g}" for v in value) + "]"
    return str(value)


def main(argv: list[str] | None = None) -> None:
    """Pretrain and write ``--out`` (via ``<out>.partial``: a failed run leaves no checkpoint)."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        checkpoint = pretrain(args)
    except ValueError as error:
        raise SystemExit(f"genpo-pretrain: error: {error}") from None
    partial = args.out + ".partial"
    torch.save(checkpoint, partial)
    os.replace(partial, args.out)
    agent = "" if args.agent == GENPO.agent_key else f" --agent {args.agent}"
    print(
        f"genpo-pretrain: wrote {args.out}; fine-tune with: genpo-train --task {args.task}{agent} --checkpoint {args.out}"
    )
