"""A GPU-resident stand-in ``VecEnv`` with a task's observation/action sizes, for timing the learning algorithm.

State ``s ∈ R^num_obs`` (the observation), linear dynamics ``s' = A s + B clip(a) + σ ε`` with ``A`` a scaled random
orthogonal matrix (stable), reward ``-mean(s²) - 0.01·mean(a²)``, fixed-length episodes ending in a timeout
(``extras["time_outs"]``) with randomized initial episode lengths so a few environments reset every step. Everything
is batched tensor code on ``device``: no Python loop over environments and no host synchronization in :meth:`step`.
"""

from __future__ import annotations

import torch
from rsl_rl.env import VecEnv
from tensordict import TensorDict


class StandinEnv(VecEnv):
    """Linear-quadratic vectorized environment with ``num_obs`` observations and ``num_actions`` actions."""

    def __init__(
        self,
        num_envs: int,
        num_obs: int,
        num_actions: int,
        device: str = "cpu",
        max_episode_length: int = 100,
        seed: int = 0,
    ) -> None:
        """Create ``num_envs`` environments on ``device`` with random (seeded) dynamics."""
        self.num_envs = num_envs
        self.num_obs = num_obs
        self.num_actions = num_actions
        self.max_episode_length = max_episode_length
        self.device = device
        self.cfg = {"name": "StandinEnv", "num_obs": num_obs, "num_actions": num_actions}
        self.generator = torch.Generator(device=device).manual_seed(seed)
        q, _ = torch.linalg.qr(self._randn(num_obs, num_obs))
        self.a_t = (0.95 * q).T.contiguous()  # row-vector form: s' = s @ A^T
        self.b_t = (self._randn(num_obs, num_actions) * (0.1 / num_actions**0.5)).T.contiguous()
        self.noise_std = 0.01
        self.state = self._randn(num_envs, num_obs)
        self.episode_length_buf = torch.randint(
            0, max_episode_length, (num_envs,), generator=self.generator, device=device
        )

    def get_observations(self) -> TensorDict:
        """Return the current observations (the state) in the group ``policy``."""
        return TensorDict({"policy": self.state}, batch_size=[self.num_envs], device=self.device)

    def step(self, actions: torch.Tensor) -> tuple[TensorDict, torch.Tensor, torch.Tensor, dict]:
        """Advance the linear dynamics, return the quadratic reward, reset timed-out environments."""
        actions = actions.clamp(-1.0, 1.0)
        state = torch.addmm(self.state @ self.a_t, actions, self.b_t)
        state = state + self.noise_std * self._randn(self.num_envs, self.num_obs)
        reward = -state.square().mean(dim=-1) - 0.01 * actions.square().mean(dim=-1)
        self.episode_length_buf = self.episode_length_buf + 1
        dones = self.episode_length_buf >= self.max_episode_length
        self.state = torch.where(dones.unsqueeze(-1), self._randn(self.num_envs, self.num_obs), state)
        self.episode_length_buf = torch.where(dones, 0, self.episode_length_buf)
        extras = {"time_outs": dones, "log": {}}
        return self.get_observations(), reward, dones.long(), extras

    def _randn(self, *shape: int) -> torch.Tensor:
        return torch.randn(*shape, generator=self.generator, device=self.device)
