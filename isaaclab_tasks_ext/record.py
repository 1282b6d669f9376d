"""``genpo-record``: record demonstrations of a trained policy (stock PPO or GenPO) into an IsaacLab HDF5 dataset.

    genpo-record --task Isaac-Cartpole-Direct --checkpoint logs/.../model_299.pt --episodes 50 --out demos.hdf5

This is IsaacLab's own ``isaaclab play`` for rsl_rl (task and agent config, checkpoint, inference policy, exports)
with two pieces swapped for the run (:mod:`isaaclab_tasks_ext.playback`): the vec-env wrapper also hands every step
to a :class:`Recorder`, and the playback loop stops after ``--episodes`` finished episodes. Episodes are written
with IsaacLab's ``HDF5DatasetFileHandler`` / ``EpisodeData`` (``data/demo_<k>/obs/<group>``, ``actions``,
``rewards``, ``dones``), which :func:`genpo_rsl.load_demonstrations` and ``genpo-pretrain`` read. The policy acts as
in play: GenPO and FPO++ with zero noise (``agent.actor.inference_mode=sample`` samples), Gaussian PPO with its mean.
Without ``--agent`` the checkpoint decides (a GenPO checkpoint: ``genpo``, an FPO++ one: ``fpo``; any other: the
stock ``rsl_rl_cfg_entry_point``). The file appears only when all episodes are written (``<name>.partial.hdf5``
until then; removed on failure).
"""

from __future__ import annotations

import argparse
import os
import sys

import torch

from isaaclab_tasks_ext.playback import play_until


class Recorder:
    """Collects per-environment steps into ``EpisodeData`` and writes each finished episode to the dataset."""

    def __init__(self, path: str, episodes: int, task: str) -> None:
        """Create the dataset ``path`` (IsaacLab's HDF5 handler) that will hold ``episodes`` episodes."""
        from isaaclab.utils.datasets import HDF5DatasetFileHandler

        self.path, self.episodes, self.written = path, episodes, 0
        self.handler = HDF5DatasetFileHandler()
        self.handler.create(path, env_name=task)
        self.open: list = []
        self.returns: list[float] = []

    @property
    def done(self) -> bool:
        """Whether ``episodes`` episodes have been written."""
        return self.written >= self.episodes

    def add_step(self, obs, actions: torch.Tensor, rewards: torch.Tensor, dones: torch.Tensor) -> None:
        """Append one step of every environment; write the episodes that ``dones`` ends."""
        from isaaclab.utils.datasets import EpisodeData

        while len(self.open) < actions.shape[0]:
            self.open.append(EpisodeData())
        for i in range(actions.shape[0]):
            episode = self.open[i]
            for group, values in obs.items():  # a TensorDict iterates over rows, not keys
                episode.add(f"obs/{group}", values[i])
            episode.add("actions", actions[i])
            episode.add("rewards", rewards[i].reshape(()))
            episode.add("dones", dones[i].reshape(()).bool())
            if bool(dones[i]) and not self.done:
                episode.pre_export()  # the step lists become [T, ...] tensors
                self.returns.append(float(episode.data["rewards"].sum()))
                self.handler.write_episode(episode)
                self.written += 1
                self.open[i] = EpisodeData()
                print(f"\rgenpo-record: {self.written}/{self.episodes} episodes", end="", flush=True)

    def close(self) -> None:
        """Flush and close the dataset file (once)."""
        if self.handler is not None:
            self.handler.flush()
            self.handler.close()
            self.handler = None


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """Split ``--episodes``/``--out`` from the arguments that go on to ``isaaclab play``."""
    parser = argparse.ArgumentParser(
        prog="genpo-record", description=__doc__, add_help=True, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--episodes", type=int, required=True, help="finished episodes to record (>= 1)")
    parser.add_argument("--out", required=True, help="HDF5 file to write (IsaacLab / robomimic layout)")
    args, rest = parser.parse_known_args(argv)
    if args.episodes < 1:
        parser.error(f"--episodes {args.episodes} is invalid; allowed: >= 1")
    if not args.out.endswith(".hdf5"):
        parser.error(f"--out {args.out} is invalid; allowed: a path ending in .hdf5 (IsaacLab's dataset handler)")
    if os.path.exists(args.out):
        parser.error(f"--out {args.out} exists; allowed: a new file (nothing is overwritten)")
    return args, rest


def main(argv: list[str] | None = None) -> None:
    """Record ``--episodes`` episodes of the checkpoint's policy into ``--out``."""
    from isaaclab_tasks_ext.preflight import _value

    args, rest = parse_args(sys.argv[1:] if argv is None else argv)
    partial = args.out.removesuffix(".hdf5") + ".partial.hdf5"
    recorder = Recorder(partial, args.episodes, _value(rest, "--task") or "")
    try:
        play_until(rest, recorder, "genpo-record")
        print()
        recorder.close()  # before the rename: the file is complete on disk
        if not recorder.done:
            raise SystemExit(f"genpo-record: error: play stopped after {recorder.written}/{args.episodes} episodes")
        os.replace(partial, args.out)
    finally:
        recorder.close()
        if os.path.exists(partial):
            os.remove(partial)
    mean = sum(recorder.returns) / len(recorder.returns)
    print(f"genpo-record: wrote {recorder.written} episodes to {args.out} (mean return {mean:.3f})")
