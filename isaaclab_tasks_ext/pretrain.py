"""``genpo-pretrain``: clone a demonstration dataset into a task's GenPO agent; write a checkpoint to fine-tune.

    genpo-pretrain --task Isaac-Cartpole-Direct --dataset demos.hdf5 [more.hdf5 ...] [--awr_beta 1.0] --out pretrained.pt
    genpo-train --task Isaac-Cartpole-Direct --checkpoint pretrained.pt          # GenPO fine-tuning from it

The actor and critic are built by rsl_rl's ``OnPolicyRunner`` from the task's ``genpo`` agent config (as training
builds them), without starting the simulator. The actor is fitted by exact-likelihood cloning
(:func:`genpo_rsl.behavior_clone`). When the dataset has rewards, the critic is fitted to the Monte-Carlo returns
(``--critic_epochs``, γ of the agent config), so fine-tuning does not start from a random critic; with ``--awr_beta``
the cloning is advantage-weighted (:mod:`genpo_rsl.offline`). The output is an rsl_rl checkpoint at iteration 0 (a
fresh optimizer); it appears only when everything succeeded. Several ``--dataset`` files (e.g. recordings of an early
and a late checkpoint) are cloned as one dataset.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

import torch
from tensordict import TensorDict

from genpo_rsl.cloning import behavior_clone
from genpo_rsl.demonstrations import Demonstrations, concatenate_demonstrations, load_demonstrations
from genpo_rsl.offline import awr_weights, fit_critic, monte_carlo_returns
from isaaclab_tasks_ext.agents import GENPO


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
    parser.add_argument("--task", required=True, help="IsaacLab task id with a genpo agent")
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
    return args


def agent_config(task: str, device: str) -> dict:
    """Return the task's ``genpo`` agent config as the dict rsl_rl's runner receives in training."""
    from isaaclab_rl.rsl_rl import handle_deprecated_rsl_rl_cfg
    from isaaclab_rl.rsl_rl.utils import to_dict
    from isaaclab_tasks.utils.parse_cfg import load_cfg_from_registry

    from genpo_rsl.rsl_version import rsl_rl_version
    from isaaclab_tasks_ext.preflight import check_task_and_agent
    from isaaclab_tasks_ext.registration import register

    register()
    check_task_and_agent(task, GENPO.agent_key)
    cfg = load_cfg_from_registry(task, GENPO.agent_key)
    cfg.device = device
    return to_dict(handle_deprecated_rsl_rl_cfg(cfg, rsl_rl_version()))


def check_dataset(path: str, demos: Demonstrations, cfg: dict, task: str) -> None:
    """Raise ``ValueError`` naming the file and the missing observation group or bad value."""
    groups = {g for groups in cfg["obs_groups"].values() for g in groups}
    missing = sorted(groups - set(demos.obs.keys()))
    if missing:
        raise ValueError(
            f"{path}: observation group(s) {missing} of the {task} genpo agent are not in the dataset (it has "
            f"{sorted(demos.obs.keys())}); expected obs/<group> for every group in obs_groups {cfg['obs_groups']}."
        )
    for group in groups:
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


def pretrain(args: argparse.Namespace) -> dict:
    """Build the agent, fit critic and actor on the dataset; return the checkpoint dict (nothing written)."""
    from rsl_rl.runners import OnPolicyRunner

    torch.manual_seed(args.seed)
    cfg = agent_config(args.task, args.device)
    source = ", ".join(args.dataset)
    demos = concatenate_demonstrations([load_demonstrations(path) for path in args.dataset])
    check_dataset(source, demos, cfg, args.task)
    obs = demos.obs.to(args.device)
    actions = demos.actions.to(args.device).float()
    runner = OnPolicyRunner(DatasetEnv(obs[:2], actions.shape[1], args.device), cfg, log_dir=None, device=args.device)
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
    history = behavior_clone(
        actor,
        obs,
        actions,
        weights=weights,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        on_epoch=progress("actor", "nll", args.epochs),
    )
    report["nll"] = history[-1]
    print(
        "genpo-pretrain: "
        + ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in report.items())
    )
    return {**runner.alg.save(), "iter": 0, "infos": {"genpo_pretrain": {**report, "dataset": args.dataset}}}


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
    print(f"genpo-pretrain: wrote {args.out}; fine-tune with: genpo-train --task {args.task} --checkpoint {args.out}")
