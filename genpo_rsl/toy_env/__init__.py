"""Small CPU environments and their runner configs, for demos, tests and ``bench/``.

:class:`PointReachEnv` (MLP actors), :class:`ImageReachEnv` (CNN actors), :class:`CueRecallEnv` (recurrent actors), and
the matching rsl_rl 5 runner configs :func:`train_cfg`, :func:`image_train_cfg` and :func:`recurrent_train_cfg`.
"""

from genpo_rsl.toy_env.configs import (
    CNN_CFG,
    FLOW_ACTOR,
    RNN_CFG,
    bimodal_demonstrations,
    clone_gaussian,
    image_train_cfg,
    mode_shares,
    recurrent_train_cfg,
    train_cfg,
)
from genpo_rsl.toy_env.envs import CueRecallEnv, ImageReachEnv, PointReachEnv, mirror_point_reach

__all__ = [
    "CNN_CFG",
    "FLOW_ACTOR",
    "RNN_CFG",
    "CueRecallEnv",
    "ImageReachEnv",
    "PointReachEnv",
    "bimodal_demonstrations",
    "clone_gaussian",
    "image_train_cfg",
    "mirror_point_reach",
    "mode_shares",
    "recurrent_train_cfg",
    "train_cfg",
]
