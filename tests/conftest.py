"""Shared fixtures. This folder is on ``sys.path`` (``pythonpath`` in ``pyproject.toml``), so the tests in every
subfolder (``algorithms/``, ``modules/``, ..., ``rsl3/``) import the helpers next to this file by name (``adapter_case``,
``toy_helpers``, ``isaaclab_configs_common``, ...)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from isaaclab_tasks_ext import RegistrationReport


@pytest.fixture(scope="session")
def offline_env(tmp_path_factory) -> dict[str, str]:
    """Process environment for real IsaacLab runs: an offline asset root built once, one torch thread.

    One thread: on a small shared CPU, spare threads spin-wait and slow the update down tens of times.
    """
    from isaaclab_tasks_ext.assets import build_offline_assets

    root = tmp_path_factory.mktemp("il_assets")
    build_offline_assets(root)
    return {"OMP_NUM_THREADS": "1", **os.environ, "ISAACSIM_ASSET_ROOT": str(root)}


@pytest.fixture(scope="module")
def registered() -> RegistrationReport:
    """Register the GenPO agents in IsaacLab's registry once per module (the IsaacLab config tests)."""
    import isaaclab_tasks_ext

    return isaaclab_tasks_ext.register()
