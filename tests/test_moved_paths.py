"""Module paths from before the layout by role still import (with a DeprecationWarning that names the new path)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from genpo_rsl._moved import MOVED


def test_every_old_module_path_gives_the_module_at_its_new_path() -> None:
    """In a fresh interpreter (here an old name may be cached by another test), each old path, imported first, is
    the module at its new path, with a DeprecationWarning naming the new path."""
    code = """
import importlib, json, sys, warnings
from genpo_rsl._moved import MOVED
bad = []
for old, new in sorted(MOVED.items()):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = importlib.import_module(old)
    named = any(new in str(w.message) and w.category is DeprecationWarning for w in caught)
    if module is not importlib.import_module(new) or not named:
        bad.append(old)
print(json.dumps(bad))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.splitlines()[-1]) == []


def test_the_public_names_of_old_paths_are_the_same_objects() -> None:
    with pytest.warns(DeprecationWarning, match="genpo_rsl.rsl5.genpo moved to genpo_rsl.algorithms.genpo_rsl5"):
        old_genpo = importlib.import_module("genpo_rsl.rsl5.genpo")
    from genpo_rsl import GenPO

    assert old_genpo.GenPO is GenPO


def test_every_new_path_exists() -> None:
    for new in MOVED.values():
        importlib.import_module(new)
