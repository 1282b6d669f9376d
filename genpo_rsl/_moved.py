"""Import paths of the modules that moved when the package was laid out by role (version 0.4): they keep working.

``import genpo_rsl.flow`` (say) gives the module now at ``genpo_rsl.modules.flow`` with a ``DeprecationWarning``
naming the new path; ``genpo_rsl.rsl5`` (the 5.x adapter's old package) gives :mod:`genpo_rsl`, which exports the
same classes.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType

MOVED = {
    "genpo_rsl.flow": "genpo_rsl.modules.flow",
    "genpo_rsl.velocity": "genpo_rsl.modules.velocity",
    "genpo_rsl.time_embedding": "genpo_rsl.modules.time_embedding",
    "genpo_rsl.mish": "genpo_rsl.modules.mish",
    "genpo_rsl.cfm": "genpo_rsl.modules.cfm",
    "genpo_rsl.base_noise": "genpo_rsl.modules.base_noise",
    "genpo_rsl.layers": "genpo_rsl.modules.layers",
    "genpo_rsl.policy": "genpo_rsl.modules.policy",
    "genpo_rsl.ema": "genpo_rsl.modules.ema",
    "genpo_rsl.cuda_graphs": "genpo_rsl.modules.cuda_graphs",
    "genpo_rsl.objective": "genpo_rsl.algorithms.objective",
    "genpo_rsl.health": "genpo_rsl.algorithms.health",
    "genpo_rsl.core": "genpo_rsl.algorithms.genpo",
    "genpo_rsl.rsl5": "genpo_rsl",
    "genpo_rsl.rsl5.genpo": "genpo_rsl.algorithms.genpo_rsl5",
    "genpo_rsl.rsl5.fpo": "genpo_rsl.algorithms.fpo",
    "genpo_rsl.rsl5.distillation": "genpo_rsl.algorithms.distillation",
    "genpo_rsl.rsl5.actor": "genpo_rsl.models.genpo_actor",
    "genpo_rsl.rsl5.fpo_actor": "genpo_rsl.models.fpo_actor",
    "genpo_rsl.rsl5.flow_model": "genpo_rsl.models.flow_model",
    "genpo_rsl.rsl5.export": "genpo_rsl.models.flow_model",
    "genpo_rsl.cloning": "genpo_rsl.warm_start.cloning",
    "genpo_rsl.gaussian_cloning": "genpo_rsl.warm_start.gaussian_cloning",
    "genpo_rsl.demonstrations": "genpo_rsl.warm_start.demonstrations",
    "genpo_rsl.offline": "genpo_rsl.warm_start.offline",
    "genpo_rsl.checkpoint": "genpo_rsl.utils.checkpoint",
    "genpo_rsl.config_keys": "genpo_rsl.utils.config_keys",
    "genpo_rsl.precision": "genpo_rsl.utils.precision",
    "genpo_rsl.settings": "genpo_rsl.utils.settings",
    "genpo_rsl.rsl_version": "genpo_rsl.utils.rsl_version",
}
"""Old module path → new module path."""


class _MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolve an old path of :data:`MOVED` to the module at its new path."""

    def find_spec(self, fullname: str, path, target=None) -> importlib.machinery.ModuleSpec | None:
        """Return a spec for an old path (``None`` for every other name)."""
        if fullname not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=fullname == "genpo_rsl.rsl5")

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        """Import the module at the new path and return it (it is then also registered under the old path)."""
        new = MOVED[spec.name]
        if spec.name == "genpo_rsl.rsl5":
            from genpo_rsl.utils.rsl_version import require_rsl_rl_major

            require_rsl_rl_major(5, "genpo_rsl.rsl5")
        warnings.warn(f"{spec.name} moved to {new}; import it from there.", DeprecationWarning, stacklevel=2)
        return importlib.import_module(new)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module was executed under its new path."""


def install() -> None:
    """Put the finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, _MovedModuleFinder) for finder in sys.meta_path):
        sys.meta_path.append(_MovedModuleFinder())
