"""Every test in this folder runs the real simulator or the CLI on it: marked ``e2e`` here too, so that
``-m "not e2e"`` deselects a new file even if it forgets its ``pytestmark``."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m selection
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.e2e)
