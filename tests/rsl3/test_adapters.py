"""The version dispatch of genpo_rsl: one flow, the adapter of the installed rsl-rl-lib, clear errors for the other.

Runs under both rsl-rl-lib 5.x (.venv) and 3.x (.venv-rsl3).
"""

from __future__ import annotations

import importlib
import sys

import pytest

import genpo_rsl
from genpo_rsl.modules.flow import GenPOFlow
from genpo_rsl.utils.rsl_version import rsl_rl_major, rsl_rl_version

MAJOR = rsl_rl_major()


def test_installed_version_is_supported() -> None:
    assert MAJOR in (3, 5)
    assert rsl_rl_version().startswith(f"{MAJOR}.")
    assert genpo_rsl.GenPOFlow is GenPOFlow


@pytest.mark.skipif(MAJOR != 5, reason=f"rsl-rl-lib 5.x dispatch; installed rsl-rl-lib is {rsl_rl_version()}")
def test_rsl5_exports_the_5x_classes() -> None:
    from genpo_rsl.algorithms import GenPO
    from genpo_rsl.models import GenPOActor

    assert genpo_rsl.GenPO is GenPO and genpo_rsl.GenPOActor is GenPOActor
    assert sorted(genpo_rsl.__all__) == [
        "Demonstrations",
        "FPO",
        "FPOActor",
        "FPOCNNActor",
        "FPOModel",
        "FPORNNActor",
        "GenPO",
        "GenPOActor",
        "GenPOCNNActor",
        "GenPODistillation",
        "GenPOFlow",
        "GenPOModel",
        "GenPONumericalError",
        "GenPORNNActor",
        "behavior_clone",
        "concatenate_demonstrations",
        "load_demonstrations",
    ]


@pytest.mark.skipif(MAJOR != 5, reason=f"rsl-rl-lib 5.x dispatch; installed rsl-rl-lib is {rsl_rl_version()}")
def test_rsl3_adapter_under_rsl5_names_both_versions(monkeypatch) -> None:
    monkeypatch.delitem(sys.modules, "genpo_rsl.rsl3", raising=False)
    message = (
        f"genpo_rsl.rsl3 is the adapter for rsl-rl-lib 3.x; installed rsl-rl-lib is {rsl_rl_version()}: "
        f"use genpo_rsl.GenPO / genpo_rsl.GenPOActor"
    )
    with pytest.raises(ImportError) as error:
        importlib.import_module("genpo_rsl.rsl3")
    assert str(error.value) == message
    with pytest.raises(ImportError, match=r"genpo_rsl.GenPOActorCritic is the adapter for rsl-rl-lib 3.x; installed"):
        from genpo_rsl import GenPOActorCritic  # noqa: F401


@pytest.mark.skipif(MAJOR != 3, reason=f"rsl-rl-lib 3.x dispatch; installed rsl-rl-lib is {rsl_rl_version()}")
def test_rsl3_exports_the_3x_classes() -> None:
    from genpo_rsl.rsl3 import GenPO, GenPOActorCritic

    assert genpo_rsl.GenPO is GenPO and genpo_rsl.GenPOActorCritic is GenPOActorCritic
    assert sorted(genpo_rsl.__all__) == [
        "Demonstrations",
        "GenPO",
        "GenPOActorCritic",
        "GenPOActorCriticRecurrent",
        "GenPOFlow",
        "GenPONumericalError",
        "behavior_clone",
        "concatenate_demonstrations",
        "load_demonstrations",
    ]


@pytest.mark.skipif(MAJOR != 3, reason=f"rsl-rl-lib 3.x dispatch; installed rsl-rl-lib is {rsl_rl_version()}")
def test_rsl5_classes_under_rsl3_name_both_versions() -> None:
    message = (
        f"genpo_rsl.GenPOActor is the adapter for rsl-rl-lib 5.x; installed rsl-rl-lib is {rsl_rl_version()}: "
        f"use genpo_rsl.GenPO / genpo_rsl.GenPOActorCritic"
    )
    with pytest.raises(ImportError) as error:
        from genpo_rsl import GenPOActor  # noqa: F401
    assert str(error.value) == message


def test_unknown_attribute_is_an_attribute_error() -> None:
    assert not hasattr(genpo_rsl, "NoSuchThing")
