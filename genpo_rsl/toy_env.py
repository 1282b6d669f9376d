"""A small CPU ``VecEnv`` for tests and quick runs: move a point to a goal in ``R^d``.

Observation ``policy = [position, goal - position]`` (``2d``), action ``a ∈ R^d`` (clipped to ``[-1, 1]``, step
``0.1·a``), reward ``-‖goal - position‖`` per step, episodes of ``max_episode_length`` steps. A random policy
returns about ``-0.8·T·√(d/3)``; a good one a small fraction of that.
"""

from __future__ import annotations

import math

import torch
from rsl_rl.env import VecEnv
from tensordict import TensorDict


class PointReachEnv(VecEnv):
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

    def mean_recent_return(self, n: int = 200) -> float:
        """Return the mean of the last ``n`` completed episode returns.

        Args:
            n: How many of the most recent returns to average.

        Returns:
            The mean (0 before the first episode ends).
        """
        recent = self.completed_returns[-n:]
        return sum(recent) / max(len(recent), 1)

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


# The helpers below are shared by tests/ and bench/ (compression_fraction.py, multimodal.py); test-only helpers
# live in tests/toy_helpers.py.

FLOW_ACTOR = {"hidden_dims": [64, 64], "activation": "elu", "time_embed_dim": 16, "time_hidden_dims": [32, 32]}
"""The small flow actor keys both flow algorithms use on :class:`PointReachEnv`."""


def train_cfg(algorithm: str = "genpo", **overrides) -> dict:
    """Return an rsl_rl 5 runner config (plain dict, ``class_name`` strings) for :class:`PointReachEnv`.

    Args:
        algorithm: ``"genpo"`` (flow actor), ``"fpo"`` (flow-matching actor, FPO++) or ``"ppo"`` (rsl_rl's Gaussian
            actor).
        **overrides: Keys that update the ``algorithm`` section.

    Returns:
        The runner config.

    Raises:
        ValueError: If ``algorithm`` is not one of the three.
    """
    if algorithm not in ("genpo", "fpo", "ppo"):
        raise ValueError(f"train_cfg: algorithm={algorithm!r} is invalid; allowed: 'genpo', 'fpo', 'ppo'.")
    cfg = {
        "num_steps_per_env": 16,
        "save_interval": 1000,
        "obs_groups": {"actor": ["policy"], "critic": ["policy"]},
        "critic": {"class_name": "MLPModel", "hidden_dims": [64, 64], "activation": "elu"},
        "algorithm": {
            "class_name": "PPO",
            "learning_rate": 1e-3,
            "num_learning_epochs": 5,
            "num_mini_batches": 4,
            "entropy_coef": 0.0,
            "desired_kl": 0.01,
            "schedule": "adaptive",
        },
    }
    if algorithm == "genpo":
        cfg["algorithm"].update(class_name="genpo_rsl:GenPO", compression_coef=0.01)
        cfg["actor"] = {"class_name": "genpo_rsl:GenPOActor", **FLOW_ACTOR, "num_flow_steps": 5, "mix_p": 0.9}
    elif algorithm == "fpo":
        cfg["algorithm"].update(class_name="genpo_rsl:FPO")
        cfg["actor"] = {"class_name": "genpo_rsl:FPOActor", **FLOW_ACTOR, "num_flow_steps": 10}
    else:
        cfg["actor"] = {
            "class_name": "MLPModel",
            "hidden_dims": [64, 64],
            "activation": "elu",
            "distribution_cfg": {"class_name": "GaussianDistribution", "init_std": 1.0},
        }
    cfg["algorithm"].update(overrides)
    return cfg


def bimodal_demonstrations(n: int, obs_dim: int, seed: int) -> tuple[TensorDict, torch.Tensor]:
    """Return demonstrations with two action modes: half of the 2-D actions near (1, 1), half near (−1, −1).

    Args:
        n: Number of demonstrations.
        obs_dim: Size of the (random) observation group ``policy``.
        seed: Seed of the generator.

    Returns:
        ``(obs, actions)``: ``[n]`` observations and ``[n, 2]`` actions, the modes drawn independently of the states.
    """
    gen = torch.Generator().manual_seed(seed)
    obs = TensorDict({"policy": torch.randn(n, obs_dim, generator=gen)}, batch_size=[n])
    mode = torch.randint(0, 2, (n, 1), generator=gen).float() * 2 - 1
    return obs, mode * torch.ones(n, 2) + 0.1 * torch.randn(n, 2, generator=gen)


def mode_shares(actions: torch.Tensor) -> tuple[float, float, float]:
    """Return the shares of 2-D actions within 0.5 of (1, 1), of (−1, −1), and of the origin (between the modes).

    Args:
        actions: The actions ``[n, 2]``.

    Returns:
        The three shares.
    """
    near = lambda c: ((actions - c).norm(dim=-1) < 0.5).float().mean().item()  # noqa: E731
    return near(torch.ones(2)), near(-torch.ones(2)), near(torch.zeros(2))


def clone_gaussian(
    obs: TensorDict, actions: torch.Tensor, epochs: int, batch_size: int = 256, learning_rate: float = 3e-3
) -> torch.nn.Module:
    """Return rsl_rl's Gaussian ``MLPModel`` fitted to ``(obs, actions)`` by maximum likelihood (the baseline).

    Args:
        obs: The observations, with the group ``policy``.
        actions: The actions ``[n, d]``.
        epochs: Number of passes over the demonstrations.
        batch_size: Demonstrations per minibatch.
        learning_rate: Adam's learning rate.

    Returns:
        The fitted model (hidden sizes ``[64, 64]``, ELU; gradients not clipped).
    """
    from rsl_rl.models import MLPModel

    from genpo_rsl.warm_start.gaussian_cloning import gaussian_clone

    gauss_cfg = {"class_name": "GaussianDistribution", "init_std": 1.0}
    model = MLPModel(obs, {"actor": ["policy"]}, "actor", actions.shape[1], [64, 64], "elu", distribution_cfg=gauss_cfg)
    # gradients unclipped, as when the figure of docs/results.md §9 was made
    gaussian_clone(
        model, obs, actions, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, max_grad_norm=math.inf
    )
    return model


CNN_CFG = {"output_channels": [4], "kernel_size": [3], "activation": "elu", "flatten": True}
"""A small encoder for :class:`ImageReachEnv`'s ``1×9×9`` image (rsl_rl's ``CNN`` keys)."""


def image_train_cfg(algorithm: str = "genpo", share_cnn_encoders: bool = False) -> dict:
    """Return the rsl_rl 5 runner config of :class:`ImageReachEnv`: CNN actor and critic on both groups.

    Args:
        algorithm: ``"genpo"`` (``GenPOCNNActor``), ``"fpo"`` (``FPOCNNActor``) or ``"ppo"`` (rsl_rl's ``CNNModel``
            with a Gaussian).
        share_cnn_encoders: The algorithm's ``share_cnn_encoders``.

    Returns:
        The runner config.
    """
    cfg = train_cfg(algorithm, share_cnn_encoders=share_cnn_encoders)
    cfg["obs_groups"] = {"actor": ["policy", "goal_image"], "critic": ["policy", "goal_image"]}
    actor = {"genpo": "genpo_rsl:GenPOCNNActor", "fpo": "genpo_rsl:FPOCNNActor", "ppo": "CNNModel"}[algorithm]
    cfg["actor"].update(class_name=actor, cnn_cfg=dict(CNN_CFG))
    cfg["critic"].update(class_name="CNNModel", cnn_cfg=dict(CNN_CFG))
    return cfg
