"""One GenPO minibatch loss, transcribed from docs/algorithm.md in float64 without importing ``genpo_rsl``.

Only the *weights* come from the package (a plain ``{name: tensor}`` state dict); the velocity MLP, the time embedding,
the coupled flow, its inverse, the log-density, the entropy and PPO's loss terms are written out here from the
equations, with plain tensor ops. :func:`minibatch_loss` returns the loss, and its gradients come from autograd on
copies of the weights, so both adapters can be checked against a computation that shares no code with them.
"""

from __future__ import annotations

import math

import torch

SIN_SCALE, SIN_BASE = 1000.0, 10000.0
"""``time_embedding="scaled"``: angles ``1000·t·10000^(−k/half)``."""


def step_time(i: int, steps: int) -> float:
    """``t_i = i/N`` as the flow stores it: a float32 buffer (1/3 is 0.3333333433, an angle shift of ~1e-5 at 1000·t)."""
    return float(torch.tensor(i / steps, dtype=torch.float32))


def mish(x: torch.Tensor) -> torch.Tensor:
    """``x·tanh(log(1 + eˣ))``."""
    return x * torch.tanh(torch.log1p(torch.exp(x)))


def linear(w: dict, name: str, x: torch.Tensor) -> torch.Tensor:
    """``x Wᵀ + b`` of the layer ``name``."""
    return x @ w[f"{name}.weight"].T + w[f"{name}.bias"]


def time_features(w: dict, t: float, dim: int) -> torch.Tensor:
    """``e(t)``: ``(sin | cos)`` of ``1000·t·10000^(−k/half)``, then Linear → Mish → … → Linear (``time_mlp``)."""
    half = dim // 2
    k = torch.arange(half, dtype=torch.float64)
    angles = SIN_SCALE * t * torch.exp(-math.log(SIN_BASE) * k / half)
    h = torch.cat([torch.sin(angles), torch.cos(angles)])
    layers = sorted({int(n.split(".")[3]) for n in w if n.startswith("velocity.time_mlp.mlp.")})
    for i, index in enumerate(layers):
        h = linear(w, f"velocity.time_mlp.mlp.{index}", h)
        h = mish(h) if i < len(layers) - 1 else h
    return h


def velocity(w: dict, u: torch.Tensor, cond: torch.Tensor, t: float, time_dim: int) -> torch.Tensor:
    """``v(u, c, t)``: Linear on ``concat(u, c, e(t))``, then Mish → Linear → … → Linear (``trunk``)."""
    e = time_features(w, t, time_dim).expand(u.shape[0], time_dim)
    h = linear(w, "velocity.input_layer", torch.cat([u, cond, e], dim=-1))
    for index in sorted({int(n.split(".")[2]) for n in w if n.startswith("velocity.trunk.")}):
        h = linear(w, f"velocity.trunk.{index}", mish(h))
    return h


def flow_forward(w: dict, z: torch.Tensor, cond: torch.Tensor, steps: int, p: float, time_dim: int) -> torch.Tensor:
    """``(x_0, y_0) → (x_N, y_N)`` (docs/algorithm.md §1)."""
    d, dt = z.shape[-1] // 2, 1.0 / steps
    x, y = z[:, :d], z[:, d:]
    for i in range(steps):
        t = step_time(i, steps)
        x1 = x + dt * velocity(w, y, cond, t, time_dim)
        y1 = y + dt * velocity(w, x1, cond, t, time_dim)
        x = p * x1 + (1 - p) * y1
        y = p * y1 + (1 - p) * x
    return torch.cat([x, y], dim=-1)


def flow_inverse(w: dict, a: torch.Tensor, cond: torch.Tensor, steps: int, p: float, time_dim: int) -> torch.Tensor:
    """``(x_N, y_N) → (x_0, y_0)`` (docs/algorithm.md §1)."""
    d, dt = a.shape[-1] // 2, 1.0 / steps
    x, y = a[:, :d], a[:, d:]
    for i in reversed(range(steps)):
        t = step_time(i, steps)
        y1 = (y - (1 - p) * x) / p
        x1 = (x - (1 - p) * y1) / p
        y = y1 - dt * velocity(w, x1, cond, t, time_dim)
        x = x1 - dt * velocity(w, y, cond, t, time_dim)
    return torch.cat([x, y], dim=-1)


def log_sigma(w: dict, cond: torch.Tensor, d: int, scale_range: tuple[float, float]) -> torch.Tensor:
    """``log σ`` per action dimension ``[B, d]`` of the base noise (docs/algorithm.md §1b)."""
    if "base_noise.log_scale_param" in w:  # "learned" ([]) or "per_dim" ([d]), inside the default clamp range
        return w["base_noise.log_scale_param"].expand(cond.shape[0], d)
    if "base_noise.head.0.weight" in w:  # "state"
        lo, hi = math.log(scale_range[0]), math.log(scale_range[1])
        head = linear(w, "base_noise.head.2", mish(linear(w, "base_noise.head.0", cond)))
        return lo + (hi - lo) * torch.sigmoid(head)
    return torch.zeros(cond.shape[0], d, dtype=cond.dtype)  # "fixed", σ = 1


def minibatch_loss(
    w: dict,
    critic: dict,
    batch,
    eps: torch.Tensor,
    settings: dict,
    flow: dict,
    entropy_form: str = "estimate",
    state_range: tuple[float, float] = (0.01, 2.0),
) -> torch.Tensor:
    """Return ``L = L_clip + c_v·L_value − λ·H + ν·E‖x_N − y_N‖²`` of one minibatch (docs/algorithm.md §2).

    Args:
        w: Flow weights ``{name: tensor}`` (names as in ``GenPOFlow.state_dict()``), leaves with gradient.
        critic: Critic weights of ``Linear, ELU, Linear, ELU, Linear`` (names ``"0"``, ``"2"``, ``"4"``).
        batch: Object with ``obs``, ``dummy_actions``, ``old_log_prob``, ``advantages``, ``returns``, ``old_values``.
        eps: Standard-normal noise ``[B, 2d]`` of the compression sample (``z = σ ⊙ eps``).
        settings: ``clip_param``, ``value_loss_coef``, ``entropy_coef``, ``compression_coef``.
        flow: ``num_flow_steps``, ``mix_p``, ``time_embed_dim``.
        entropy_form: ``"estimate"`` (``−mean log π(ã_old|s)``) or ``"exact"`` (closed form).
        state_range: Bounds of σ in the ``"state"`` mode.
    """
    steps, p, time_dim = flow["num_flow_steps"], flow["mix_p"], flow["time_embed_dim"]
    obs, actions = batch.obs, batch.dummy_actions
    d = actions.shape[-1] // 2
    s = log_sigma(w, obs, d, state_range)
    s2 = torch.cat([s, s], dim=-1)
    z = flow_inverse(w, actions, obs, steps, p, time_dim)
    log_det = 2 * d * steps * math.log(p)
    log_prob = (-0.5 * (z / s2.exp()) ** 2 - s2 - 0.5 * math.log(2 * math.pi)).sum(-1) - log_det

    adv = batch.advantages
    adv = (adv - adv.mean()) / (adv.std() + 1e-8)  # normalize_advantage_per_mini_batch=True
    ratio = torch.exp(log_prob - batch.old_log_prob)
    clip = settings["clip_param"]
    surrogate = torch.maximum(-adv * ratio, -adv * ratio.clamp(1 - clip, 1 + clip)).mean()

    h = batch.obs
    for index, act in (("0", True), ("2", True), ("4", False)):
        h = h @ critic[f"{index}.weight"].T + critic[f"{index}.bias"]
        h = torch.nn.functional.elu(h) if act else h
    values, old = h, batch.old_values
    clipped = old + (values - old).clamp(-clip, clip)
    v_loss = torch.maximum((values - batch.returns) ** 2, (clipped - batch.returns) ** 2).mean()

    if entropy_form == "exact":
        entropy = (2 * s.sum(-1) + d * math.log(2 * math.pi * math.e)).mean() + log_det
    else:
        entropy = -log_prob.mean()
    fresh = flow_forward(w, eps * s2.exp(), obs, steps, p, time_dim)
    compression = ((fresh[:, :d] - fresh[:, d:]) ** 2).sum(-1).mean()
    return (
        surrogate
        + settings["value_loss_coef"] * v_loss
        - settings["entropy_coef"] * entropy
        + settings["compression_coef"] * compression
    )
