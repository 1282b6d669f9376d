"""Mish with one ``exp`` per element: the flow's activation (≈ 2× faster than ``torch.nn.Mish`` on the CPU).

``mish(x) = x · tanh(softplus(x))`` and, with ``w = eˣ`` and ``n = w (w + 2)``,

    tanh(softplus(x)) = n / (n + 2)           (one exp, no log1p / tanh)
    mish'(x)          = t + x · σ(x) · (1 − t²)   with t = tanh(softplus(x))

On this project's CPU, torch's fused ``mish`` / ``mish_backward`` kernels evaluate log1p and tanh per element and
took about half of a GenPO update (``bench/actor_cost.py``); this form computes the same values (to float rounding)
with cheap in-place ops. It is used only inside the flow; it has no parameters, so checkpoints are unchanged.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

_EXP_CLAMP = 20.0
"""Above this ``t`` is 1 in float32 and float64 (``n ≈ e^40``); clamping keeps ``exp`` finite."""


def tanh_softplus(x: torch.Tensor) -> torch.Tensor:
    """Return ``tanh(softplus(x))`` with one exp (out of place, differentiable)."""
    w = torch.exp(x.clamp(max=20.0))  # _EXP_CLAMP (a literal: TorchScript reads no module globals)
    n = w * (w + 2.0)
    return n / (n + 2.0)


def _tanh_softplus_(x: torch.Tensor) -> torch.Tensor:
    """Return ``tanh(softplus(x))`` with in-place ops on fresh buffers (no autograd)."""
    n = x.clamp(max=_EXP_CLAMP).exp_()
    n.mul_(n + 2.0)
    return n.div_(n + 2.0)


class _MishFunction(torch.autograd.Function):
    """Mish whose forward pass also computes the slope ``mish'(x)`` when a gradient will be needed."""

    generate_vmap_rule = True

    @staticmethod
    def forward(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:  # type: ignore[override]
        """Return ``(mish(x), t)``."""
        t = _tanh_softplus_(x)
        return x * t, t

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:  # type: ignore[override]
        """Save ``x`` and the slope ``t + x·σ(x)·(1 − t²)`` (one multiply in the backward pass)."""
        (x,), (_, t) = inputs, output
        ctx.mark_non_differentiable(t)
        if not ctx.needs_input_grad[0]:
            return
        slope = torch.sigmoid(x).mul_(x).mul_(torch.addcmul(torch.ones_like(t), t, t, value=-1.0)).add_(t)
        ctx.save_for_backward(x, slope)

    @staticmethod
    def backward(ctx, grad: torch.Tensor, _grad_t: torch.Tensor | None) -> torch.Tensor:  # type: ignore[override]
        """Return ``grad · mish'(x)``; differentiable again when autograd records the backward."""
        x, slope = ctx.saved_tensors
        if torch.is_grad_enabled():  # double backward (e.g. jacrev + loss.backward): recompute from x
            t = tanh_softplus(x)
            return grad * (t + x * torch.sigmoid(x) * (1.0 - t * t))
        return grad * slope


def mish(x: torch.Tensor) -> torch.Tensor:
    """Return ``x · tanh(softplus(x))`` (same values as ``torch.nn.functional.mish``)."""
    return _MishFunction.apply(x)[0]


class Mish(nn.Module):
    """Drop-in for ``torch.nn.Mish`` computed with :func:`mish` (plain ops when scripted, exported or compiled)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply Mish element-wise."""
        if torch.jit.is_scripting():
            return x * tanh_softplus(x)
        return self._not_scripted(x)

    @torch.jit.unused
    def _not_scripted(self, x: torch.Tensor) -> torch.Tensor:
        """Apply Mish: torch's fused kernel off the CPU, the one-exp form with its custom backward on the CPU.

        On a GPU torch's ``mish``/``mish_backward`` kernels are fused and the custom ``autograd.Function`` only adds
        launches (measured on an H100: a GenPO update minibatch 2x slower with it, ``docs/gpu.md``); on the CPU the
        one-exp form is the faster one, and the one with a vmap rule (``torch.func`` transforms use it on every
        device). Plain ops while exporting to ONNX or compiling.
        """
        if x.device.type != "cpu" and torch._C._functorch.maybe_current_level() is None:
            return F.mish(x)  # (under vmap/jacrev torch's mish_backward has no batching rule: the custom one below)
        if torch.onnx.is_in_onnx_export() or torch.compiler.is_compiling():
            return x * tanh_softplus(x)
        return mish(x)
