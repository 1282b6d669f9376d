"""IsaacLab's own ``isaaclab play`` for rsl_rl with every environment step handed to a :class:`StepSink`.

The play backend keeps doing everything it does (task and agent config, checkpoint, inference policy, exports); two
of its pieces are swapped while :func:`play_until` runs: the vec-env wrapper also hands each step (observation,
action, reward, done) to the sink, and the playback loop stops once the sink is done instead of running until Ctrl+C.
With ``export=False`` a third one, the runner factory, returns runners whose JIT/ONNX exports do nothing (no
``exported/`` folder next to the checkpoint). ``genpo-record`` (a sink writing episodes to HDF5) and
``genpo-compare``'s evaluation (a sink counting episode returns) use it. The policy acts as in play: GenPO and FPO++
with their zero-noise flow (``agent.actor.inference_mode=sample`` samples), Gaussian PPO with its mean.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import Protocol

import torch

from isaaclab_tasks_ext.agents import GENPO, PPO

PLAY_MODULE = "isaaclab_rl.entrypoints.backends.play_rsl_rl"
"""IsaacLab's rsl_rl play backend, whose wrapper class and playback loop are swapped by :func:`swapped_play`."""


class StepSink(Protocol):
    """What :func:`play_until` hands every environment step to."""

    @property
    def done(self) -> bool:
        """Whether the sink has all it needs (the playback loop stops)."""

    def add_step(self, obs, actions: torch.Tensor, rewards: torch.Tensor, dones: torch.Tensor) -> None:
        """Take one step of every environment: the observations the actions answer, then rewards and dones."""


def stepping_wrapper(base: type, sink: StepSink) -> type:
    """Return a subclass of IsaacLab's ``RslRlVecEnvWrapper`` that hands each step to ``sink``."""

    class SteppingVecEnvWrapper(base):
        """``RslRlVecEnvWrapper`` that hands (observation, action, reward, done) of every step to a sink."""

        def get_observations(self):
            """Return the observations (remembered as those the next action answers)."""
            self._sink_obs = super().get_observations()
            return self._sink_obs

        def step(self, actions: torch.Tensor):
            """Step the environment and hand the step to the sink."""
            obs_before = self._sink_obs if hasattr(self, "_sink_obs") else super().get_observations()
            obs, rewards, dones, extras = super().step(actions)
            sink.add_step(obs_before, actions, rewards, dones)
            self._sink_obs = obs
            return obs, rewards, dones, extras

    return SteppingVecEnvWrapper


def playback_until(sink: StepSink) -> Callable[..., None]:
    """Return a stand-in for IsaacLab's ``run_playback`` that steps until ``sink`` is done."""

    def run_playback(step: Callable[[], None], **_: object) -> None:
        while not sink.done:
            with torch.inference_mode():
                step()

    return run_playback


def without_exports(create_runner: Callable[..., object]) -> Callable[..., object]:
    """Return a stand-in for IsaacLab's ``create_rsl_rl_runner`` whose runners skip the policy exports."""

    def create(*args: object, **kwargs: object) -> object:
        runner = create_runner(*args, **kwargs)
        runner.export_policy_to_jit = runner.export_policy_to_onnx = lambda *_, **__: None  # type: ignore[attr-defined]
        return runner

    return create


@contextlib.contextmanager
def swapped_play(sink: StepSink, export: bool = True) -> Iterator[None]:
    """Swap the play backend's wrapper class and playback loop for ones that feed ``sink``; restore them after.

    ``export=False`` also swaps its runner factory for :func:`without_exports`.
    """
    play = importlib.import_module(PLAY_MODULE)
    saved = play.RslRlVecEnvWrapper, play.run_playback, play.create_rsl_rl_runner
    play.RslRlVecEnvWrapper = stepping_wrapper(play.RslRlVecEnvWrapper, sink)
    play.run_playback = playback_until(sink)
    if not export:
        play.create_rsl_rl_runner = without_exports(play.create_rsl_rl_runner)
    try:
        yield
    finally:
        play.RslRlVecEnvWrapper, play.run_playback, play.create_rsl_rl_runner = saved


def default_agent(checkpoint: str | None) -> str:
    """Return the ``--agent`` a checkpoint was trained with (GenPO for a missing file, stock PPO for a plain one)."""
    from isaaclab_tasks_ext.preflight import checkpoint_agent

    if checkpoint and os.path.isfile(checkpoint):
        written_by = checkpoint_agent(torch.load(checkpoint, map_location="cpu", weights_only=False))
        return PPO.agent_key if written_by is None else written_by.agent_key
    return GENPO.agent_key


def play_until(argv: list[str], sink: StepSink, prog: str, export: bool = True) -> None:
    """Run ``isaaclab play`` with ``argv`` (GenPO defaults, ``--agent`` from the checkpoint) until ``sink`` is done.

    Args:
        argv: ``isaaclab play`` arguments (``--task``, ``--checkpoint``, ``--num_envs``, Hydra overrides, ...).
        sink: Receives every environment step; its :attr:`StepSink.done` ends the playback.
        prog: Program name of the error messages (a failed preflight check exits with ``<prog>: error: ...``).
        export: Whether play exports the policy (JIT and ONNX, to ``exported/`` next to the checkpoint).

    Play returns early when it finds no checkpoint: callers check ``sink.done`` afterwards.
    """
    from isaaclab.cli import play

    from isaaclab_tasks_ext.cli import with_defaults
    from isaaclab_tasks_ext.preflight import _value, preflight
    from isaaclab_tasks_ext.registration import register

    if _value(argv, "--agent") is None:
        argv = ["--agent", default_agent(_value(argv, "--checkpoint")), *argv]
    argv = with_defaults(argv)
    register()
    try:
        preflight(argv)
    except ValueError as error:
        raise SystemExit(f"{prog}: error: {error}") from None
    sys.argv = [sys.argv[0], *argv]  # the external callback reads sys.argv
    with swapped_play(sink, export):
        play(argv)
