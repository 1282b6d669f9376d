"""The version check of ``tests/test_version.py``, run in the rsl-rl-lib 3.x environment too."""

from test_version import test_installed_version_is_the_package_version  # noqa: F401
