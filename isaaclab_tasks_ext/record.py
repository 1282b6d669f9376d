"""``genpo-record``: record demonstrations of a trained policy (stock PPO or GenPO) into an IsaacLab HDF5 dataset.

    genpo-record --task Isaac-Cartpole-Direct --checkpoint logs/.../model_299.pt --episodes 50 --out demos.hdf5

This is IsaacLab's own ``isaaclab play`` for rsl_rl (task and agent config, checkpoint, inference policy, exports)
with two pieces swapped for the run: the vec-env wrapper also hands every step to a :class:`Recorder`, and the
playback loop stops after ``--episodes`` finished episodes. Episodes are written with IsaacLab's
``HDF5DatasetFileHandler`` / ``EpisodeData`` (``data/demo_<k>/obs/<group>``, ``actions``, ``rewards``, ``dones``),
which :func:`genpo_rsl.load_demonstrations` and ``genpo-pretrain`` read. The policy acts as in play: GenPO with zero
noise (``agent.actor.inference_mode=sample`` samples), Gaussian PPO with its mean. Without ``--agent`` the
checkpoint decides (a GenPO checkpoint: ``genpo``; any other: the stock ``rsl_rl_cfg_entry_point``). The file appears
only when all episodes are written (``<name>.partial.hdf5`` until then; removed on failure).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator

import torch

from isaaclab_tasks_ext.agents import GENPO, PPO

PLAY_MODULE = "isaaclab_rl.entrypoints.backends.play_rsl_rl"
"""IsaacLab's rsl_rl play backend, whose wrapper class and playback loop are swapped while recording."""


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


def recording_wrapper(base: type, recorder: Recorder) -> type:
    """Return a subclass of IsaacLab's ``RslRlVecEnvWrapper`` that hands each step to ``recorder``."""

    class RecordingVecEnvWrapper(base):
        """``RslRlVecEnvWrapper`` that records (observation, action, reward, done) of every environment step."""

        def get_observations(self):
            """Return the observations (remembered as those the next action answers)."""
            self._recorded_obs = super().get_observations()
            return self._recorded_obs

        def step(self, actions: torch.Tensor):
            """Step the environment and record the step."""
            obs_before = self._recorded_obs if hasattr(self, "_recorded_obs") else super().get_observations()
            obs, rewards, dones, extras = super().step(actions)
            recorder.add_step(obs_before, actions, rewards, dones)
            self._recorded_obs = obs
            return obs, rewards, dones, extras

    return RecordingVecEnvWrapper


def playback_until(recorder: Recorder) -> Callable[..., None]:
    """Return a stand-in for IsaacLab's ``run_playback`` that steps until the recorder has its episodes."""

    def run_playback(step: Callable[[], None], **_: object) -> None:
        while not recorder.done:
            with torch.inference_mode():
                step()
        print()

    return run_playback


@contextlib.contextmanager
def recording(recorder: Recorder) -> Iterator[None]:
    """Swap the play backend's wrapper class and playback loop for the recording ones; restore them after."""
    import importlib

    play = importlib.import_module(PLAY_MODULE)
    saved = play.RslRlVecEnvWrapper, play.run_playback
    play.RslRlVecEnvWrapper = recording_wrapper(play.RslRlVecEnvWrapper, recorder)
    play.run_playback = playback_until(recorder)
    try:
        yield
    finally:
        play.RslRlVecEnvWrapper, play.run_playback = saved


def default_agent(checkpoint: str | None) -> str:
    """Return the ``--agent`` a checkpoint was trained with: ``genpo`` for a GenPO checkpoint, else stock PPO's."""
    from isaaclab_tasks_ext.preflight import checkpoint_agent

    if checkpoint and os.path.isfile(checkpoint):
        written_by = checkpoint_agent(torch.load(checkpoint, map_location="cpu", weights_only=False))
        return PPO.agent_key if written_by is None else GENPO.agent_key
    return GENPO.agent_key


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
    from isaaclab.cli import play

    from isaaclab_tasks_ext.cli import with_defaults
    from isaaclab_tasks_ext.preflight import _value, preflight
    from isaaclab_tasks_ext.registration import register

    args, rest = parse_args(sys.argv[1:] if argv is None else argv)
    if _value(rest, "--agent") is None:
        rest = ["--agent", default_agent(_value(rest, "--checkpoint")), *rest]
    rest = with_defaults(rest)
    register()
    try:
        preflight(rest)
    except ValueError as error:
        raise SystemExit(f"genpo-record: error: {error}") from None
    partial = args.out.removesuffix(".hdf5") + ".partial.hdf5"
    recorder = Recorder(partial, args.episodes, _value(rest, "--task") or "")
    sys.argv = [sys.argv[0], *rest]  # the external callback reads sys.argv
    try:
        with recording(recorder):
            play(rest)
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
