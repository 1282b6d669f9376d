"""Demonstrations for the ``genpo-pretrain`` tests (``warm_start/test_pretrain.py`` and its simulator run in
``e2e/test_pretrain_e2e.py``). Import only after ``pytest.importorskip("isaaclab")``."""

from __future__ import annotations

import torch

GAUSSIAN = ["--agent", "rsl_rl_cfg_entry_point"]
"""The stock Gaussian PPO agent of the task (the baseline clone)."""


def write_cartpole_dataset(
    path: str, episodes: int = 12, length: int = 20, rewards: bool = True, kinds: tuple[bool, ...] = (True, False)
) -> None:
    """Two kinds of Isaac-Cartpole-Direct-shaped episodes (obs/policy [4], actions [1]) written by IsaacLab's handler.

    Good episodes push +0.8 and earn reward 1 per step, bad ones push -0.8 and earn 0: only rewards tell them apart.
    Episode ``k`` is of kind ``kinds[k % len(kinds)]`` (good, bad, good, ... by default).
    """
    from isaaclab.utils.datasets import EpisodeData, HDF5DatasetFileHandler

    handler = HDF5DatasetFileHandler()
    handler.create(path, env_name="Isaac-Cartpole-Direct")
    gen = torch.Generator().manual_seed(0)
    for k in range(episodes):
        episode = EpisodeData()
        good = kinds[k % len(kinds)]
        for _ in range(length):
            episode.add("obs/policy", torch.randn(4, generator=gen) * 0.1)
            episode.add("actions", torch.tensor([0.8 if good else -0.8]) + 0.05 * torch.randn(1, generator=gen))
            if rewards:
                episode.add("rewards", torch.tensor(1.0 if good else 0.0))
        episode.pre_export()
        handler.write_episode(episode)
    handler.flush()
    handler.close()
