"""The matmul precision of GenPO's flow: full float32 unless asked otherwise (``GenPO(allow_tf32=...)``).

``isaaclab train`` turns TF32 matmuls on for rsl_rl (10-bit mantissa inputs). The flow's likelihood is exact only if
``F⁻¹`` gives back the rollout latent; a rollout sampled in batches of ``num_envs`` and inverted in minibatches of
another size runs different kernels, so TF32's rounding no longer cancels (``bench/mixed_precision.py`` measures it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch


@contextlib.contextmanager
def flow_precision(allow_tf32: bool) -> Iterator[None]:
    """Run the block with CUDA/cuDNN TF32 matmuls on or off; restore the caller's settings after it."""
    saved = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = allow_tf32
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved
