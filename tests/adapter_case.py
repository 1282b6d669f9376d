"""One fixed minibatch, flow and critic, and the loss and gradients the shared core computes for them.

Both adapter test suites (rsl-rl-lib 5.x in ``tests/``, 3.x in ``tests/rsl3``) build their ``GenPO`` with these
weights, run their own minibatch step and compare it with :func:`reference` (computed here from the core alone) and
with the numbers in ``tests/data/adapter_reference.json`` (written by the 5.x run, read by both): the two adapters
compute the same loss and gradients.
"""

from __future__ import annotations

import json
import os

import torch
import torch.nn as nn

from genpo_rsl.algorithms.genpo import Minibatch
from genpo_rsl.algorithms.objective import ObjectiveCfg, genpo_loss
from genpo_rsl.modules.flow import GenPOFlow

OBS_DIM, ACTION_DIM, HIDDEN, BATCH = 4, 2, [32, 32], 64
FLOW = {"num_flow_steps": 3, "mix_p": 0.9, "time_embed_dim": 8, "time_hidden_dims": [16]}
SETTINGS = {
    "clip_param": 0.2,
    "value_loss_coef": 1.0,
    "entropy_coef": 0.01,
    "compression_coef": 0.5,
    "compression_form": "squared_norm",
    "use_clipped_value_loss": True,
    "normalize_advantage_per_mini_batch": True,
}
MODE_CASES = [("learned", "estimate"), ("per_dim", "exact"), ("state", "exact"), ("fixed", "exact")]
"""(base_scale, entropy_form) cases both adapters check against the core, beside the paper's ("fixed", "estimate")."""
GOLDEN = os.path.join(os.path.dirname(__file__), "data", "adapter_reference.json")


def _fill(module: nn.Module, seed: int) -> nn.Module:
    """Overwrite every parameter of ``module`` with seeded values (the same on every torch version)."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(0.3 * torch.randn(p.shape, generator=gen, dtype=torch.float64).to(p.dtype))
    return module


def flow(base_scale: str = "fixed") -> GenPOFlow:
    """Return the case's flow (float64, Mish) with the base-noise mode ``base_scale`` (its σ filled like the rest)."""
    made = GenPOFlow(ACTION_DIM, OBS_DIM, HIDDEN, "mish", **FLOW, base_scale=base_scale)
    return _fill(made, 1).double()  # type: ignore[return-value]


def critic() -> nn.Sequential:
    """Return the case's critic MLP (the layout of both rsl_rl versions' critic MLPs)."""
    net = nn.Sequential(nn.Linear(OBS_DIM, 32), nn.ELU(), nn.Linear(32, 32), nn.ELU(), nn.Linear(32, 1))
    return _fill(net, 2).double()  # type: ignore[return-value]


def minibatch(obs_wrap) -> Minibatch:
    """Return the case's minibatch; ``obs_wrap(tensor)`` builds the adapter's observation TensorDict."""
    gen = torch.Generator().manual_seed(3)
    obs = torch.randn(BATCH, OBS_DIM, generator=gen, dtype=torch.float64)
    dummy = torch.randn(BATCH, 2 * ACTION_DIM, generator=gen, dtype=torch.float64)
    with torch.no_grad():
        old_log_prob, old_z = flow().log_prob(dummy, obs)
    return Minibatch(
        obs=obs_wrap(obs),
        dummy_actions=dummy,
        old_log_prob=old_log_prob + 0.05 * torch.randn(BATCH, generator=gen, dtype=torch.float64),
        old_latent=old_z,
        advantages=torch.randn(BATCH, generator=gen, dtype=torch.float64),
        returns=torch.randn(BATCH, 1, generator=gen, dtype=torch.float64),
        old_values=torch.randn(BATCH, 1, generator=gen, dtype=torch.float64),
    )


def reference(base_scale: str = "fixed", entropy_form: str = "estimate") -> tuple[float, dict[str, torch.Tensor]]:
    """Return the loss and the gradients (flow parameters, critic by layer index) from the core alone."""
    f, c, batch = flow(base_scale), critic(), minibatch(lambda t: t)
    log_prob, _ = f.log_prob(batch.dummy_actions, batch.obs)
    values = c(batch.obs)
    torch.manual_seed(0)  # the compression sample's noise, drawn right after the log-prob and the values
    gap = f.forward(f.sample_latent(BATCH, batch.obs), batch.obs)
    gap = gap[:, :ACTION_DIM] - gap[:, ACTION_DIM:]
    loss, _ = genpo_loss(
        ObjectiveCfg(**SETTINGS, entropy_form=entropy_form),
        log_prob,
        batch.old_log_prob,
        batch.advantages,
        values,
        batch.old_values,
        batch.returns,
        gap,
        f.entropy(batch.obs),
    )
    loss.backward()
    grads = {f"flow.{n}": p.grad for n, p in f.named_parameters()}
    grads.update({f"critic.{n}": p.grad for n, p in c.named_parameters()})
    return loss.item(), grads


def golden() -> dict:
    """Return the stored reference numbers (loss and gradient norms)."""
    with open(GOLDEN) as file:
        return json.load(file)


def summary(loss: float, grads: dict[str, torch.Tensor]) -> dict:
    """Return the loss and per-tensor gradient norms, as stored in the golden file."""
    return {"loss": loss, "grad_norms": {k: float(g.norm()) for k, g in sorted(grads.items())}}


def adapter_step(
    alg, flow_holder: nn.Module, critic_net: nn.Module, base_scale: str = "fixed", entropy_form: str = "estimate"
) -> tuple[float, dict[str, torch.Tensor]]:
    """Put the case's weights into an adapter's ``GenPO``, run its minibatch step; return its loss and gradients.

    ``flow_holder`` is the module whose ``flow`` attribute is the flow, ``critic_net`` the critic's MLP.
    """
    from tensordict import TensorDict

    flow_holder.flow = flow(base_scale)
    alg.entropy_form = entropy_form
    critic_net.load_state_dict(critic().state_dict())
    critic_net.double()
    batch = minibatch(lambda t: TensorDict({"policy": t}, batch_size=[t.shape[0]]))
    torch.manual_seed(0)  # the compression sample's noise, as in reference()
    loss, _ = alg.minibatch_loss(batch, first=False)
    loss.backward()
    grads = {f"flow.{n}": p.grad for n, p in flow_holder.flow.named_parameters()}
    grads.update({f"critic.{n}": p.grad for n, p in critic_net.named_parameters()})
    return loss.item(), grads


def assert_matches_core(
    loss: float, grads: dict[str, torch.Tensor], base_scale: str = "fixed", entropy_form: str = "estimate"
) -> None:
    """Assert an adapter's loss and gradients equal the core's reference (and, for the paper's flow, the stored
    numbers both adapters check)."""
    ref_loss, ref_grads = reference(base_scale, entropy_form)
    assert abs(loss - ref_loss) <= 1e-12 * abs(ref_loss)
    assert sorted(grads) == sorted(ref_grads)
    for name, grad in grads.items():
        torch.testing.assert_close(grad, ref_grads[name], rtol=1e-10, atol=1e-12, msg=name)
    if (base_scale, entropy_form) != ("fixed", "estimate"):
        return
    stored, mine = golden(), summary(loss, grads)
    assert abs(mine["loss"] - stored["loss"]) <= 1e-9 * abs(stored["loss"])
    for name, norm in mine["grad_norms"].items():
        assert abs(norm - stored["grad_norms"][name]) <= 1e-8 * abs(stored["grad_norms"][name]) + 1e-15, name


def assert_matches_independent(
    loss: float, grads: dict[str, torch.Tensor], base_scale: str = "fixed", entropy_form: str = "estimate"
) -> None:
    """Assert an adapter's loss and gradients equal :mod:`independent_reference`'s transcription of the equations."""
    from independent_reference import minibatch_loss

    leaves = {n: t.detach().clone().requires_grad_(True) for n, t in flow(base_scale).named_parameters()}
    critic_leaves = {n: t.detach().clone().requires_grad_(True) for n, t in critic().named_parameters()}
    batch = minibatch(lambda t: t)
    torch.manual_seed(0)  # the compression sample's noise, as the adapters draw it
    eps = torch.randn(BATCH, 2 * ACTION_DIM, dtype=torch.float64)
    ref = minibatch_loss(leaves, critic_leaves, batch, eps, SETTINGS, FLOW, entropy_form)
    ref.backward()
    assert abs(loss - ref.item()) <= 1e-10 * abs(ref.item()), (loss, ref.item())
    expected = {f"flow.{n}": t.grad for n, t in leaves.items()}
    expected.update({f"critic.{n}": t.grad for n, t in critic_leaves.items()})
    assert sorted(grads) == sorted(expected)
    for name, grad in grads.items():
        torch.testing.assert_close(grad, expected[name], rtol=1e-8, atol=1e-11, msg=name)
