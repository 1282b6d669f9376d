"""Small CPU ``VecEnv`` s for tests and quick runs.

:class:`PointReachEnv`: move a point to a goal in ``R^d``. Observation ``policy = [position, goal - position]``
(``2d``), action ``a ∈ R^d`` (clipped to ``[-1, 1]``, step ``0.1·a``), reward ``-‖goal - position‖`` per step, episodes
of ``max_episode_length`` steps. A random policy returns about ``-0.8·T·√(d/3)``; a good one a small fraction of that.
:class:`ImageReachEnv` shows the goal only in an image (CNN actors); :class:`CueRecallEnv` shows what to do only at an
episode's first step (recurrent actors).
"""

from __future__ import annotations

import torch
from rsl_rl.env import VecEnv
from tensordict import TensorDict


class EpisodeReturns(VecEnv):
    """A toy ``VecEnv`` that records the return of every finished episode in ``completed_returns``."""

    completed_returns: list[float]

    def mean_recent_return(self, n: int = 200) -> float:
        """Return the mean of the last ``n`` completed episode returns.

        Args:
            n: How many of the most recent returns to average.

        Returns:
            The mean (0 before the first episode ends).
        """
        recent = self.completed_returns[-n:]
        return sum(recent) / max(len(recent), 1)


class PointReachEnv(EpisodeReturns):
    """Vectorized point-reaching task on the CPU, deterministic given ``seed``.

    Args:
        num_envs: Number of independent episodes run in parallel.
        action_dim: The space's dimension ``d`` (the action size; observations have ``2d`` entries).
        max_episode_length: Steps per episode.
        seed: Seed of the generator of start positions and goals.
    """

    def __init__(self, num_envs: int = 64, action_dim: int = 2, max_episode_length: int = 25, seed: int = 0) -> None:
        """Create ``num_envs`` independent episodes."""
        self.num_envs = num_envs
        self.num_actions = action_dim
        self.max_episode_length = max_episode_length
        self.device = "cpu"
        self.cfg = {"name": "PointReachEnv", "action_dim": action_dim}
        self.generator = torch.Generator().manual_seed(seed)
        self.position = torch.zeros(num_envs, action_dim)
        self.goal = torch.zeros(num_envs, action_dim)
        self.episode_length_buf = torch.zeros(num_envs, dtype=torch.long)
        self.episode_return = torch.zeros(num_envs)
        self.completed_returns: list[float] = []
        self._reset(torch.ones(num_envs, dtype=torch.bool))

    def get_observations(self) -> TensorDict:
        """Return the current observations."""
        obs = torch.cat([self.position, self.goal - self.position], dim=-1)
        return TensorDict({"policy": obs}, batch_size=[self.num_envs])

    def step(self, actions: torch.Tensor) -> tuple[TensorDict, torch.Tensor, torch.Tensor, dict]:
        """Apply the actions; auto-reset finished episodes.

        Args:
            actions: The actions ``[num_envs, d]`` (clipped to ``[-1, 1]``).

        Returns:
            ``(obs, rewards, dones, extras)`` as rsl_rl's ``VecEnv.step`` returns them; ``extras`` has ``time_outs``
            and ``log`` (``mean_distance``).
        """
        self.position = self.position + 0.1 * actions.clamp(-1.0, 1.0)
        reward = -(self.goal - self.position).norm(dim=-1)
        self.episode_return += reward
        self.episode_length_buf += 1
        dones = self.episode_length_buf >= self.max_episode_length
        self.completed_returns += self.episode_return[dones].tolist()
        self._reset(dones)
        extras = {"time_outs": dones.clone(), "log": {"mean_distance": -reward.mean()}}
        return self.get_observations(), reward, dones.long(), extras

    def state_dict(self) -> dict:
        """Return the full state (for exact resume tests)."""
        return {
            "rng": self.generator.get_state(),
            "tensors": [t.clone() for t in (self.position, self.goal, self.episode_length_buf, self.episode_return)],
        }

    def load_state_dict(self, state: dict) -> None:
        """Restore a state from :meth:`state_dict`.

        Args:
            state: What :meth:`state_dict` returned.
        """
        self.generator.set_state(state["rng"])
        self.position, self.goal, self.episode_length_buf, self.episode_return = (t.clone() for t in state["tensors"])

    def _reset(self, mask: torch.Tensor) -> None:
        n = int(mask.sum())
        if n == 0:
            return
        self.position[mask] = torch.rand(n, self.num_actions, generator=self.generator) * 2.0 - 1.0
        self.goal[mask] = torch.rand(n, self.num_actions, generator=self.generator) * 2.0 - 1.0
        self.episode_length_buf[mask] = 0
        self.episode_return[mask] = 0.0


def mirror_point_reach(
    env: object = None, obs: TensorDict | None = None, actions: torch.Tensor | None = None
) -> tuple[TensorDict | None, torch.Tensor | None]:
    """The mirror map of :class:`PointReachEnv` across its first axis, as a ``symmetry_cfg`` function.

    Negating the first coordinate of the position, of the goal offset and of the action leaves the reward unchanged,
    so an optimal policy is symmetric: ``π(Ma | Ms) = π(a | s)``. Same contract as IsaacLab's mirror functions
    (e.g. Cartpole's ``compute_symmetric_states``): two blocks, the original rows first.

    Args:
        env: The environment (unused).
        obs: The observations (group ``policy``, ``2d`` columns), or ``None``.
        actions: The actions ``[n, d]``, or ``None``.

    Returns:
        ``(obs, actions)`` with ``2n`` rows each (``None`` where the input was ``None``).
    """
    if obs is not None:
        flip = obs.clone()
        d = obs["policy"].shape[-1] // 2
        flip["policy"][:, [0, d]] = -obs["policy"][:, [0, d]]
        obs = torch.cat([obs, flip], dim=0)  # type: ignore[assignment]
    if actions is not None:
        flip_a = actions.clone()
        flip_a[:, 0] = -actions[:, 0]
        actions = torch.cat([actions, flip_a], dim=0)
    return obs, actions


class ImageReachEnv(PointReachEnv):
    """:class:`PointReachEnv` in 2-D where only an image shows the goal (for the CNN actors).

    Observations: ``policy`` is the position ``[B, 2]``; ``goal_image`` ``[B, 1, 9, 9]`` draws the offset
    ``goal − position`` (clamped to ``[−2, 2]²``, mapped onto the grid) as a Gaussian blob of 0.5 grid units. A policy
    that cannot read the image cannot reach the goal.

    Args:
        num_envs: Number of independent episodes run in parallel.
        max_episode_length: Steps per episode.
        seed: Seed of the generator of start positions and goals.
    """

    IMAGE_SIZE = 9

    def __init__(self, num_envs: int = 64, max_episode_length: int = 25, seed: int = 0) -> None:
        """Create ``num_envs`` independent 2-D episodes."""
        super().__init__(num_envs, 2, max_episode_length, seed)
        self.cfg["name"] = "ImageReachEnv"

    def get_observations(self) -> TensorDict:
        """Return ``policy`` (the position) and ``goal_image``."""
        n, offset = self.IMAGE_SIZE, (self.goal - self.position).clamp(-2.0, 2.0)
        grid = torch.linspace(-2.0, 2.0, n)
        dy = (grid.view(1, n, 1) - offset[:, 1].view(-1, 1, 1)) ** 2
        dx = (grid.view(1, 1, n) - offset[:, 0].view(-1, 1, 1)) ** 2
        image = torch.exp(-(dx + dy) / (2 * 0.5**2)).unsqueeze(1)
        return TensorDict({"policy": self.position.clone(), "goal_image": image}, batch_size=[self.num_envs])


class CueRecallEnv(EpisodeReturns):
    """A memory task: a cue ``c ∈ {−1, +1}`` is shown at an episode's first step only, and every step pays ``−(a − c)²``.

    Observation ``policy = [c·1{t=0}, 1{t=0}]``, action ``a ∈ R`` clipped to ``[−1, 1]``, episodes of
    ``max_episode_length`` = ``T`` steps that start staggered (so resets fall inside a rollout). After the first step
    every observation is the same whatever the cue, so a policy without memory does best with ``a = 0`` there: its
    return is at most ``−(T − 1)`` (chance). A policy that remembers the cue returns up to 0.

    Args:
        num_envs: Number of independent episodes run in parallel.
        max_episode_length: Steps per episode ``T``.
        seed: Seed of the generator of cues and start offsets.
    """

    def __init__(self, num_envs: int = 64, max_episode_length: int = 8, seed: int = 0) -> None:
        """Create ``num_envs`` episodes at staggered steps."""
        self.num_envs, self.num_actions, self.max_episode_length = num_envs, 1, max_episode_length
        self.device = "cpu"
        self.cfg = {"name": "CueRecallEnv"}
        self.generator = torch.Generator().manual_seed(seed)
        self.cue = torch.randint(0, 2, (num_envs,), generator=self.generator).float() * 2 - 1
        self.episode_length_buf = torch.randint(0, max_episode_length, (num_envs,), generator=self.generator)
        self.episode_return = torch.zeros(num_envs)
        self.completed_returns: list[float] = []

    def get_observations(self) -> TensorDict:
        """Return ``policy = [c·1{t=0}, 1{t=0}]``."""
        first = (self.episode_length_buf == 0).float()
        return TensorDict({"policy": torch.stack([self.cue * first, first], -1)}, batch_size=[self.num_envs])

    def step(self, actions: torch.Tensor) -> tuple[TensorDict, torch.Tensor, torch.Tensor, dict]:
        """Pay ``−(a − c)²``; start a new episode (and cue) where one ends.

        Args:
            actions: The actions ``[num_envs, 1]`` (clipped to ``[-1, 1]``).

        Returns:
            ``(obs, rewards, dones, extras)`` as rsl_rl's ``VecEnv.step`` returns them (``extras``: ``time_outs``).
        """
        reward = -((actions[:, 0].clamp(-1.0, 1.0) - self.cue) ** 2)
        self.episode_return += reward
        self.episode_length_buf += 1
        dones = self.episode_length_buf >= self.max_episode_length
        self.completed_returns += self.episode_return[dones].tolist()
        n = int(dones.sum())
        self.cue[dones] = torch.randint(0, 2, (n,), generator=self.generator).float() * 2 - 1
        self.episode_length_buf[dones], self.episode_return[dones] = 0, 0.0
        return self.get_observations(), reward, dones.long(), {"time_outs": dones.clone()}

    def state_dict(self) -> dict:
        """Return the full state (for exact resume tests)."""
        return {"rng": self.generator.get_state(), "tensors": [t.clone() for t in (self.cue, self.episode_length_buf)]}

    def load_state_dict(self, state: dict) -> None:
        """Restore a state from :meth:`state_dict` (completed returns are not restored).

        Args:
            state: What :meth:`state_dict` returned.
        """
        self.generator.set_state(state["rng"])
        self.cue, self.episode_length_buf = (t.clone() for t in state["tensors"])
        self.episode_return = torch.zeros(self.num_envs)
