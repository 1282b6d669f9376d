"""An image-observation toy task for the CNN actors: PointReach where only an image shows where the goal is."""

from __future__ import annotations

import copy

import torch
from tensordict import TensorDict

from genpo_rsl.toy_env import PointReachEnv, train_cfg

SIZE = 9
"""Side of the square goal image (pixels)."""

CNN_CFG = {"output_channels": [4], "kernel_size": [3], "activation": "elu", "flatten": True}
"""A small encoder for the 1×9×9 image (rsl_rl's ``CNN`` keys)."""


class ImageReachEnv(PointReachEnv):
    """:class:`PointReachEnv` in 2-D whose 1-D observation is the position only; the goal offset ``goal − position``
    is drawn as a Gaussian blob on a ``1×9×9`` image (``goal_image``, offsets in ``[−2, 2]²`` map onto the grid), so a
    policy that cannot read the image cannot reach the goal."""

    def get_observations(self) -> TensorDict:
        """Return ``policy`` (the position ``[B, 2]``) and ``goal_image`` ``[B, 1, 9, 9]``."""
        offset = (self.goal - self.position).clamp(-2.0, 2.0)
        grid = torch.linspace(-2.0, 2.0, SIZE)
        dy = (grid.view(1, SIZE, 1) - offset[:, 1].view(-1, 1, 1)) ** 2
        dx = (grid.view(1, 1, SIZE) - offset[:, 0].view(-1, 1, 1)) ** 2
        image = torch.exp(-(dx + dy) / (2 * 0.5**2)).unsqueeze(1)
        return TensorDict({"policy": self.position.clone(), "goal_image": image}, batch_size=[self.num_envs])


def image_cfg(algorithm: str = "genpo", share_cnn_encoders: bool = False) -> dict:
    """Return the rsl_rl 5 runner config of :class:`ImageReachEnv`: CNN actor and critic on both groups.

    Args:
        algorithm: ``"genpo"`` (``GenPOCNNActor``) or ``"fpo"`` (``FPOCNNActor``).
        share_cnn_encoders: The algorithm's ``share_cnn_encoders``.

    Returns:
        The runner config.
    """
    cfg = copy.deepcopy(train_cfg(algorithm, share_cnn_encoders=share_cnn_encoders))
    cfg["obs_groups"] = {"actor": ["policy", "goal_image"], "critic": ["policy", "goal_image"]}
    actor = "genpo_rsl:GenPOCNNActor" if algorithm == "genpo" else "genpo_rsl:FPOCNNActor"
    cfg["actor"].update(class_name=actor, cnn_cfg=CNN_CFG)
    cfg["critic"].update(class_name="CNNModel", cnn_cfg=CNN_CFG)
    return cfg
