"""One importable GenPO config class per task id, generated from :data:`agents_cfg.table.TASKS`.

``agents_cfg.tasks:AntDirectGenPORunnerCfg`` etc. are the ``module:Class`` strings registered under the ``genpo``
entry-point key. The classes carry no logic: each is :class:`GenPORunnerCfg` with its table row as defaults.
"""

from __future__ import annotations

from isaaclab.utils import configclass

from agents_cfg.runner_cfg import GenPORunnerCfg, build_runner_cfg
from agents_cfg.table import TASKS, TaskRow

_FIELDS = (
    "num_steps_per_env",
    "max_iterations",
    "save_interval",
    "experiment_name",
    "obs_groups",
    "actor",
    "critic",
    "algorithm",
)


def _make_class(row: TaskRow) -> type[GenPORunnerCfg]:
    """Return the config class of ``row``: a configclass subclass whose defaults are the row's values."""
    values = build_runner_cfg(row)
    namespace = {name: getattr(values, name) for name in _FIELDS}
    namespace.update(
        __module__=__name__,
        __qualname__=row.class_name,
        __doc__=f"GenPO runner config for ``{row.task_id}`` (table key ``{row.key}``).",
    )
    return configclass(type(row.class_name, (GenPORunnerCfg,), namespace))


CONFIG_CLASSES: dict[str, type[GenPORunnerCfg]] = {row.key: _make_class(row) for row in TASKS}
"""Table key → config class."""

globals().update({cls.__name__: cls for cls in CONFIG_CLASSES.values()})
__all__ = ["CONFIG_CLASSES", *(cls.__name__ for cls in CONFIG_CLASSES.values())]
