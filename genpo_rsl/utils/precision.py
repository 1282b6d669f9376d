"""The matmul precision of GenPO's flow: full float32 unless asked otherwise (``GenPO(allow_tf32=...)``).

``isaaclab train`` turns TF32 matmuls on for rsl_rl (10-bit mantissa inputs). The flow's likelihood is exact only if
``F⁻¹`` gives back the rollout latent; a rollout sampled in batches of ``num_envs`` and inverted in minibatches of
another size runs different kernels, so TF32's rounding no longer cancels (``bench/mixed_precision.py`` measures it).

torch >= 2.9 has two APIs for the same switch (``allow_tf32`` and ``fp32_precision``); reading the old one after a
caller set the new one raises (mjlab's ``train`` sets the new one), so the new one is used wherever torch has it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

NEW_API = hasattr(torch.backends.cuda.matmul, "fp32_precision")
"""torch >= 2.9: the TF32 switch is ``fp32_precision`` ("tf32" / "ieee")."""


@contextlib.contextmanager
def flow_precision(allow_tf32: bool) -> Iterator[None]:
    """Run the block with CUDA/cuDNN TF32 matmuls on or off; restore the caller's settings after it."""
    matmul, cudnn = torch.backends.cuda.matmul, torch.backends.cudnn
    name, value = ("fp32_precision", "tf32" if allow_tf32 else "ieee") if NEW_API else ("allow_tf32", allow_tf32)
    saved = getattr(matmul, name), getattr(cudnn, name)
    setattr(matmul, name, value)
    setattr(cudnn, name, value)
    try:
        yield
    finally:
        setattr(matmul, name, saved[0])
        setattr(cudnn, name, saved[1])
