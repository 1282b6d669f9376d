"""The installed rsl-rl-lib version, and the errors for using the adapter of the other major version.

genpo_rsl has one flow implementation (:mod:`genpo_rsl.modules.flow`) and two thin adapters: the rsl-rl-lib 5.x classes
(``GenPOActor``, ``FPOActor`` in :mod:`genpo_rsl.models`; ``GenPO``, ``FPO``, ``GenPODistillation`` in
:mod:`genpo_rsl.algorithms`) and the rsl-rl-lib 3.x classes (``GenPOActorCritic``, ``GenPO`` in :mod:`genpo_rsl.rsl3`,
the API of IsaacLab 2.x).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util

SUPPORTED_MAJORS = (3, 5)
"""rsl-rl-lib major versions with an adapter."""

ADAPTER_CLASSES = {
    3: ("GenPO", "GenPOActorCritic", "GenPOActorCriticRecurrent"),
    5: ("GenPO", "GenPOActor", "GenPODistillation", "FPO", "FPOActor", "GenPOCNNActor", "FPOCNNActor"),
}
"""Public class names of each adapter, as exported by :mod:`genpo_rsl`."""


def rsl_rl_version() -> str:
    """Return the installed rsl-rl-lib version string (from its package metadata, else from its API)."""
    try:
        return importlib.metadata.version("rsl-rl-lib")
    except importlib.metadata.PackageNotFoundError:
        if importlib.util.find_spec("rsl_rl") is None:
            raise ImportError("genpo_rsl needs rsl-rl-lib (3.x or 5.x); it is not installed.") from None
        return "5 (unknown minor)" if importlib.util.find_spec("rsl_rl.models") else "3 (unknown minor)"


def rsl_rl_major() -> int:
    """Return the installed rsl-rl-lib major version."""
    return int(rsl_rl_version().split(".")[0].split(" ")[0])


def _use(major: int) -> str:
    """Return the 'use ...' hint naming the adapter classes of ``major``."""
    return " / ".join(f"genpo_rsl.{name}" for name in ADAPTER_CLASSES[major][:2])  # the algorithm and its model


def require_rsl_rl_major(major: int, what: str) -> None:
    """Raise ``ImportError`` naming both versions unless the installed rsl-rl-lib has major version ``major``."""
    installed = rsl_rl_major()
    if installed == major:
        return
    hint = f"use {_use(installed)}" if installed in SUPPORTED_MAJORS else "install rsl-rl-lib 3.x or 5.x"
    raise ImportError(
        f"{what} is the adapter for rsl-rl-lib {major}.x; installed rsl-rl-lib is {rsl_rl_version()}: {hint}"
    )


def wrong_adapter_error(name: str) -> ImportError | None:
    """Return the error for ``genpo_rsl.<name>`` when ``name`` belongs to the other adapter, else ``None``."""
    installed = rsl_rl_major()
    for major, names in ADAPTER_CLASSES.items():
        if major != installed and name in names and name not in ADAPTER_CLASSES.get(installed, ()):
            return ImportError(
                f"genpo_rsl.{name} is the adapter for rsl-rl-lib {major}.x; installed rsl-rl-lib is "
                f"{rsl_rl_version()}: use {_use(installed)}"
            )
    return None
