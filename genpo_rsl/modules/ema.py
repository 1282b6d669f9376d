"""``PolicyEMA``: FPO++'s exponential moving average of the policy weights, kept for deployment (Yi, Choi et al. 2026).

Framework-free (plain ``nn.Module`` parameters), so an rsl-rl-lib 3.x adapter could use it as it is.
"""

from __future__ import annotations

import copy

import torch
import torch.nn as nn


class PolicyEMA:
    """Average of a model's parameters over learning iterations; the training itself never reads it.

    :meth:`update` runs once per learning iteration, after the PPO epochs. After update ``n`` (``n = 1, 2, ...``) with
    the live parameters ``θ_n``:

        n <  warmup_updates:  nothing (the deployed policy is the live one);
        n == warmup_updates:  shadow ← θ_n (the average restarts from the trained weights);
        n >  warmup_updates:  shadow ← decay · shadow + (1 − decay) · θ_n.

    With ``warmup_updates = 0`` the shadow starts from the initial weights ``θ_0``. Whether the average has started
    is saved state (:attr:`active`), so a checkpoint played or resumed with another ``warmup_updates`` keeps it.
    Buffers (e.g. the observation normalizer) are not averaged: the deployed policy uses the live model's.

    Args:
        model: The model whose parameters are averaged (the live actor).
        decay: Weight of the old average per update, in ``[0, 1)``.
        warmup_updates: Updates before the average starts (FPO++: 500 learning iterations).
    """

    def __init__(self, model: nn.Module, decay: float, warmup_updates: int = 0) -> None:
        """Start the shadow from ``model``'s current parameters."""
        self.decay, self.warmup_updates, self.updates = decay, warmup_updates, 0
        self.active = warmup_updates == 0
        """True once the warm-up is over: the deployed policy then has the averaged weights."""
        self.shadow = {name: p.detach().clone() for name, p in model.named_parameters()}

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        """Count one update and average ``model``'s parameters in (or restart from them at the end of warm-up)."""
        self.updates += 1
        if self.active:
            for name, param in model.named_parameters():
                self.shadow[name].lerp_(param, 1.0 - self.decay)
        elif self.updates >= self.warmup_updates:
            self.restart(model)

    @torch.no_grad()
    def restart(self, model: nn.Module) -> None:
        """Start the average from ``model``'s parameters now (end of warm-up, or a checkpoint without EMA state).

        Args:
            model: The live model.
        """
        for name, param in model.named_parameters():
            self.shadow[name].copy_(param)
        self.active = True

    def deployed(self, model: nn.Module) -> nn.Module:
        """Return the policy to deploy.

        Args:
            model: The live model.

        Returns:
            ``model`` during warm-up, else a frozen copy of it with the averaged parameters.
        """
        if not self.active:
            return model
        policy = copy.deepcopy(model)
        with torch.no_grad():
            for name, param in policy.named_parameters():
                param.copy_(self.shadow[name])
                param.grad = None
        return policy.requires_grad_(False)

    def state_dict(self) -> dict:
        """Return the update count, whether the average has started, and the averaged parameters.

        ``decay`` is for the record: a loaded state keeps the config's.
        """
        shadow = {k: v.clone() for k, v in self.shadow.items()}
        return {"decay": self.decay, "updates": self.updates, "active": self.active, "shadow": shadow}

    @torch.no_grad()
    def load_state_dict(self, state: dict) -> None:
        """Restore the update count, the started flag and the averaged parameters saved by :meth:`state_dict`.

        Args:
            state: What :meth:`state_dict` returned.
        """
        self.updates, self.active = int(state["updates"]), bool(state["active"])
        for name, value in state["shadow"].items():
            self.shadow[name].copy_(value)
