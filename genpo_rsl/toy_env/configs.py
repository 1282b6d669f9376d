"""Runner configs and demonstrations for the toy environments, shared by tests/ and bench/ (compression_fraction.py,
multimodal.py, encoder_cost.py); test-only helpers live in tests/toy_helpers.py."""

from __future__ import annotations

import math

import torch
from tensordict import TensorDict

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


RNN_CFG = {"rnn_type": "gru", "rnn_hidden_dim": 32, "rnn_num_layers": 1}
"""A small memory for :class:`~genpo_rsl.toy_env.envs.CueRecallEnv` (rsl_rl ``RNNModel`` keys)."""


def recurrent_train_cfg(algorithm: str = "genpo", recurrent_critic: bool = True, **rnn) -> dict:
    """Return the rsl_rl 5 runner config of :class:`~genpo_rsl.toy_env.envs.CueRecallEnv` with a recurrent actor.

    Args:
        algorithm: ``"genpo"`` (``GenPORNNActor``), ``"fpo"`` (``FPORNNActor``) or ``"ppo"`` (rsl_rl's ``RNNModel``
            with a Gaussian).
        recurrent_critic: An ``RNNModel`` critic (as IsaacLab's recurrent configs) or an ``MLPModel`` one.
        **rnn: Keys that update :data:`RNN_CFG` (``rnn_type``, ``rnn_hidden_dim``, ``rnn_num_layers``).

    Returns:
        The runner config.
    """
    actor = {"genpo": "genpo_rsl:GenPORNNActor", "fpo": "genpo_rsl:FPORNNActor", "ppo": "RNNModel"}
    if algorithm not in actor:
        raise ValueError(f"recurrent_train_cfg: algorithm={algorithm!r} is invalid; allowed: {list(actor)}.")
    cfg, memory = train_cfg(algorithm), {**RNN_CFG, **rnn}
    cfg["actor"].update(class_name=actor[algorithm], **memory)
    if recurrent_critic:
        cfg["critic"].update(class_name="RNNModel", **memory)
    return cfg
