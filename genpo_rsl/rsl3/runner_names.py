"""Make ``class_name="genpo_rsl.GenPO"`` resolvable by rsl-rl-lib 3.x's ``OnPolicyRunner``.

rsl-rl-lib 3.x resolves ``policy.class_name`` and ``algorithm.class_name`` with a bare ``eval(name)`` inside
``OnPolicyRunner._construct_algorithm``, so a name resolves only if it is a global of
``rsl_rl.runners.on_policy_runner`` (``PPO``, ``ActorCritic``, ...) or a Python expression. Two ways to select a
third-party class without editing rsl_rl:

- ``import genpo_rsl`` before the runner is built (e.g. in the agent-config module): this binds the one name
  ``genpo_rsl`` in the runner module's namespace, and ``"genpo_rsl.GenPO"`` / ``"genpo_rsl.GenPOActorCritic"``
  evaluate to the classes. Nothing of rsl_rl's own is replaced.
- no import at all: ``"__import__('genpo_rsl').GenPO"`` is an expression ``eval`` resolves by itself.
"""

from __future__ import annotations

import importlib
import sys

RUNNER_MODULES = ("rsl_rl.runners.on_policy_runner",)
"""Modules whose ``eval`` resolves the class names (DistillationRunner has no GenPO use)."""


def register_runner_names(package: str = "genpo_rsl") -> None:
    """Bind ``package`` as a global name of the runner modules, unless that name is already taken.

    Args:
        package: The name to bind (an imported package).
    """
    for module_name in RUNNER_MODULES:
        module = importlib.import_module(module_name)
        if package not in vars(module):
            setattr(module, package, sys.modules[package])
