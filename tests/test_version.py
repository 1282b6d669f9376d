"""One version number: the installed distribution's metadata is ``genpo_rsl.__version__``."""

from __future__ import annotations

from importlib.metadata import version

import genpo_rsl


def test_installed_version_is_the_package_version() -> None:
    assert version("genpo-rsl") == genpo_rsl.__version__
