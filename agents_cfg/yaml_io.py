"""Write GenPO runner configs to YAML and read them back (lossless for every field with a value).

``python -m agents_cfg.yaml_io`` regenerates the committed copies ``agents_cfg/yaml/<key>.yaml`` from the task
classes of :mod:`agents_cfg.tasks`; never edit them by hand (``tests/isaaclab_ext/test_isaaclab_yaml.py`` checks they are current).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml
from isaaclab.utils import to_dict

from agents_cfg.runner_cfg import GenPORunnerCfg

YAML_DIR = Path(__file__).resolve().parent / "yaml"
"""Folder of the committed per-task YAML files, ``agents_cfg/yaml/<key>.yaml``."""


def cfg_to_data(cfg: Any) -> dict[str, Any]:
    """Return a config as plain data.

    Args:
        cfg: An IsaacLab ``@configclass`` instance.

    Returns:
        ``to_dict(cfg)`` without the fields still ``MISSING`` (deprecated IsaacLab fields), recursively.
    """
    data = to_dict(cfg)
    _drop_missing(cfg, data)
    return data


def save_cfg_to_yaml(cfg: GenPORunnerCfg, path: str | Path) -> Path:
    """Write a config as YAML (keys in field order).

    Args:
        cfg: The runner config.
        path: The file to write (its folder is created).

    Returns:
        The written path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(cfg_to_data(cfg), sort_keys=False, default_flow_style=False))
    return path


def load_cfg_from_yaml(path: str | Path, cls: type[GenPORunnerCfg] | None = None) -> GenPORunnerCfg:
    """Read a YAML file into a config.

    Args:
        path: A YAML file, or a bare table key (``"ant_direct"``), read from :data:`YAML_DIR`.
        cls: The config class; ``None``: the task class named by the file stem (else :class:`GenPORunnerCfg`).

    Returns:
        A ``cls()`` with the file's values.
    """
    path = Path(path)
    if path.suffix != ".yaml":
        path = YAML_DIR / f"{path}.yaml"
    if cls is None:
        from agents_cfg.tasks import CONFIG_CLASSES

        cls = CONFIG_CLASSES.get(path.stem, GenPORunnerCfg)
    data = yaml.safe_load(path.read_text())
    cfg = cls()
    cfg.from_dict(data)
    return cfg


def write_all_yaml(folder: str | Path = YAML_DIR) -> list[Path]:
    """(Re)generate ``<folder>/<key>.yaml`` for every task of the table.

    Args:
        folder: Where to write; the default is the committed copies' folder.

    Returns:
        The written paths.
    """
    from agents_cfg.tasks import CONFIG_CLASSES

    return [save_cfg_to_yaml(cls(), Path(folder) / f"{key}.yaml") for key, cls in CONFIG_CLASSES.items()]


def _drop_missing(cfg: Any, data: dict[str, Any]) -> None:
    """Remove from ``data`` the keys whose attribute in ``cfg`` is ``dataclasses.MISSING``; recurse into configs."""
    for key in list(data):
        value = getattr(cfg, key, None)
        if isinstance(value, type(dataclasses.MISSING)):
            del data[key]
        elif dataclasses.is_dataclass(value) and isinstance(data[key], dict):
            _drop_missing(value, data[key])


if __name__ == "__main__":
    for written in write_all_yaml():
        print(written)
