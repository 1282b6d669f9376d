"""The policy export of IsaacLab 2.x's ``play.py`` for rsl-rl-lib < 4, reduced to its contract.

``isaaclab_rl`` cannot be installed without Isaac Sim, so the tests drive this stand-in, which does what
``isaaclab_rl.rsl_rl.export_policy_as_jit`` / ``export_policy_as_onnx`` do with a policy: take
``runner.alg.policy`` and its ``actor_obs_normalizer``, deep-copy ``policy.actor`` and the normalizer, run
``actor(normalizer(obs))``, script it with TorchScript, and trace it to ONNX with a ``[1, actor[0].in_features]``
dummy input, input ``obs``, output ``actions`` and no dynamic axes. Where a real ``isaaclab_rl/rsl_rl/exporter.py``
(a torch-only file) is on the machine, :func:`load_isaaclab_exporter` loads it for one more test.
"""

from __future__ import annotations

import copy
import glob
import importlib.util
import os
from types import ModuleType

import torch
import torch.nn as nn

_EXPORTER = ("isaaclab_rl", "rsl_rl", "exporter.py")


class ExportedPolicy(nn.Module):
    """``actor(normalizer(obs))`` on deep copies, as IsaacLab's exporters build it."""

    def __init__(self, policy: nn.Module, normalizer: nn.Module | None) -> None:
        """Copy ``policy.actor`` and the normalizer (Identity when ``None``)."""
        super().__init__()
        self.actor = copy.deepcopy(policy.actor)
        self.normalizer = copy.deepcopy(normalizer) if normalizer else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the actions for a batch of concatenated policy observations."""
        return self.actor(self.normalizer(x))

    @torch.jit.export
    def reset(self) -> None:
        """No recurrent state."""
        pass


def export_jit(policy: nn.Module, normalizer: nn.Module | None, path: str, filename: str = "policy.pt") -> str:
    """Script and save the policy; return the file path."""
    os.makedirs(path, exist_ok=True)
    module = ExportedPolicy(policy, normalizer).to("cpu")
    target = os.path.join(path, filename)
    torch.jit.script(module).save(target)
    return target


def export_onnx(
    policy: nn.Module,
    normalizer: nn.Module | None,
    path: str,
    filename: str = "policy.onnx",
    opset: int = 11,
    dynamo: bool | None = None,
) -> str:
    """Export the policy to ONNX with a batch-of-one dummy input sized by ``actor[0].in_features``.

    ``dynamo=None`` calls ``torch.onnx.export`` as IsaacLab does (torch's default exporter); ``False`` forces the
    TorchScript-based exporter, the default of torch 2.7 that IsaacLab 2.3 ships with.
    """
    os.makedirs(path, exist_ok=True)
    module = ExportedPolicy(policy, normalizer).to("cpu").eval()
    obs = torch.zeros(1, module.actor[0].in_features)
    target = os.path.join(path, filename)
    extra = {} if dynamo is None else {"dynamo": dynamo}
    torch.onnx.export(
        module,
        obs,
        target,
        export_params=True,
        opset_version=opset,
        input_names=["obs"],
        output_names=["actions"],
        dynamic_axes={},
        **extra,
    )
    return target


def play_py_policy(runner) -> tuple[nn.Module, nn.Module | None]:
    """Return ``(policy_nn, normalizer)`` as IsaacLab 2.3's play.py picks them for rsl-rl-lib < 4."""
    policy_nn = runner.alg.policy
    normalizer = getattr(policy_nn, "actor_obs_normalizer", None)
    return policy_nn, normalizer


def load_isaaclab_exporter() -> ModuleType | None:
    """Load IsaacLab's own exporter file, or return ``None`` when there is none on this machine.

    The file is ``GENPO_ISAACLAB_EXPORTER`` if set, else the copy in the default ``.venv`` (IsaacLab 3.0's
    isaaclab_rl, which keeps the rsl-rl-lib < 4 export path of 2.x, with opset 18).
    """
    path = os.environ.get("GENPO_ISAACLAB_EXPORTER", "")
    if not path:
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        found = sorted(glob.glob(os.path.join(root, ".venv", "lib", "python3*", "site-packages", *_EXPORTER)))
        path = found[-1] if found else ""
    if not os.path.isfile(path):
        return None
    spec = importlib.util.spec_from_file_location("isaaclab_rsl_rl_exporter", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module
