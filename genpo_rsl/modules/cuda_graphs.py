"""CUDA graphs for GenPO's fixed-shape flow passes (``GenPO(cuda_graphs=True)``): captured once per shape, replayed.

At 4096 environments the flow's small MLPs are launch-bound: one velocity pass is about 40 kernels, a rollout step
runs 2N passes and an update minibatch 4N passes plus their backward. A CUDA graph replays each of these as one
launch. Rollout and minibatch shapes are fixed during training, so each is captured once (a new shape is captured
again). The eager path (the actor's own ``sample``/``log_prob``/``halves_gap``, which the core calls without graphs)
is the reference; ``tests/modules/test_cuda_graphs.py`` checks that both give the same numbers.
"""

from __future__ import annotations

import torch
import torch.nn as nn

from genpo_rsl.modules.flow import GenPOFlow

Tensors = tuple[torch.Tensor, ...]


def sample_flow(flow: GenPOFlow, cond: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Return ``(ã, z, log π(ã|c))`` of fresh latents ``z`` (one rollout step's flow work)."""
    z = flow.sample_latent(cond.shape[0], cond)
    return flow(z, cond), z, flow.latent_log_prob(z, cond)


def minibatch_passes(
    flow: GenPOFlow, dummy: torch.Tensor, cond: torch.Tensor, z_gap: torch.Tensor, cond_gap: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Return ``(log π(ã|c), F⁻¹(ã), x_N − y_N)`` with ``(x_N, y_N) = F(z_gap | cond_gap)``: the flow work of one
    update minibatch (the likelihood of the stored actions and the halves' gap of fresh samples)."""
    log_prob, z = flow.log_prob(dummy, cond)
    fresh = flow(z_gap, cond_gap)
    d = flow.action_dim
    return log_prob, z, fresh[:, :d] - fresh[:, d:]


class FlowPasses(nn.Module):
    """:func:`minibatch_passes` as a module (what ``torch.cuda.make_graphed_callables`` captures)."""

    def __init__(self, flow: GenPOFlow) -> None:
        """Wrap ``flow`` (parameters shared, not copied)."""
        super().__init__()
        self.flow = flow

    def forward(
        self, dummy: torch.Tensor, cond: torch.Tensor, z_gap: torch.Tensor, cond_gap: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Return :func:`minibatch_passes` of the wrapped flow."""
        return minibatch_passes(self.flow, dummy, cond, z_gap, cond_gap)


class FlowGraphs:
    """Captured CUDA graphs of one flow: the rollout sample (no autograd) and the minibatch passes (with backward)."""

    def __init__(self, flow: GenPOFlow) -> None:
        """Start with empty caches; graphs are captured at the first call of each shape."""
        self.flow = flow
        self._samples: dict[tuple, tuple[torch.Tensor, torch.cuda.CUDAGraph, Tensors]] = {}
        self._passes: dict[tuple, nn.Module] = {}

    @torch.no_grad()
    def sample(self, cond: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Return :func:`sample_flow` ``(ã, z, log π)`` by replaying its graph (new latents at every replay)."""
        key = (tuple(cond.shape), cond.dtype)
        if key not in self._samples:
            self._samples[key] = self._capture_sample(cond)
        static_cond, graph, outputs = self._samples[key]
        static_cond.copy_(cond)
        graph.replay()
        dummy, z, log_prob = (t.clone() for t in outputs)  # the next replay overwrites the static outputs
        return dummy, z, log_prob

    def passes(
        self, dummy: torch.Tensor, cond: torch.Tensor, z_gap: torch.Tensor, cond_gap: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Return :class:`FlowPasses` ``(log π, z, gap)``; forward and backward replay graphs (valid until the next call)."""
        args = (dummy, cond, z_gap, cond_gap)
        key = tuple((tuple(a.shape), a.dtype, a.requires_grad) for a in args)
        if key not in self._passes:
            sample_args = tuple(a.detach().clone().requires_grad_(a.requires_grad) for a in args)
            with self.flow.velocity.eager():  # capture torch's own kernels, not a compiled function's
                self._passes[key] = torch.cuda.make_graphed_callables(
                    FlowPasses(self.flow), sample_args, allow_unused_input=True
                )
        return self._passes[key](*args)

    def _capture_sample(self, cond: torch.Tensor) -> tuple[torch.Tensor, torch.cuda.CUDAGraph, Tensors]:
        """Warm up on a side stream, then capture :func:`sample_flow` on a static copy of ``cond``."""
        static_cond = cond.detach().clone()
        stream = torch.cuda.Stream()
        stream.wait_stream(torch.cuda.current_stream())
        with self.flow.velocity.eager(), torch.cuda.stream(stream):
            for _ in range(2):  # cuBLAS handles and workspaces are created outside the capture
                sample_flow(self.flow, static_cond)
        torch.cuda.current_stream().wait_stream(stream)
        graph = torch.cuda.CUDAGraph()
        with self.flow.velocity.eager(), torch.cuda.graph(graph):
            outputs = sample_flow(self.flow, static_cond)
        return static_cond, graph, outputs
