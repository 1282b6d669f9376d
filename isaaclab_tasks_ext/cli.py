"""Console scripts ``genpo-train`` and ``genpo-play``: IsaacLab's own rsl_rl train/play with GenPO defaults."""

from __future__ import annotations

import sys

from isaaclab_tasks_ext.agents import GENPO

CALLBACK = "isaaclab_tasks_ext.external_callback"
"""Dotted path IsaacLab resolves for ``--external_callback``."""

DEFAULTS: tuple[tuple[str, str], ...] = (
    ("--rl_library", "rsl_rl"),
    ("--agent", GENPO.agent_key),
    ("--external_callback", CALLBACK),
)
"""Flags added unless the command line already sets them (``--agent rsl_rl_cfg_entry_point`` runs stock PPO)."""


def with_defaults(argv: list[str]) -> list[str]:
    """Return ``argv`` with every flag of :data:`DEFAULTS` that it does not set prepended."""
    added: list[str] = []
    for flag, value in DEFAULTS:
        if not any(arg == flag or arg.startswith(flag + "=") for arg in argv):
            added += [flag, value]
    return added + list(argv)


def _run(action: str, argv: list[str] | None) -> None:
    """Register the GenPO agents and hand the completed command line to IsaacLab's ``train``/``play``."""
    from isaaclab.cli import play, train

    from genpo_rsl.utils.malloc import keep_freed_memory
    from isaaclab_tasks_ext.preflight import preflight
    from isaaclab_tasks_ext.registration import register

    args = with_defaults(sys.argv[1:] if argv is None else argv)
    register()
    keep_freed_memory()  # large CPU tensors reuse freed memory instead of page-faulting (genpo_rsl/utils/malloc.py)
    try:
        preflight(args)
    except ValueError as error:
        raise SystemExit(f"genpo-{action}: error: {error}") from None
    # the external callback reads sys.argv: keep it equal to what IsaacLab parses
    sys.argv = [sys.argv[0], *args]
    try:
        (train if action == "train" else play)(args)
    except (ValueError, TypeError) as error:
        if not str(error).startswith("GenPO"):  # not a GenPO config/checkpoint error: keep IsaacLab's traceback
            raise
        raise SystemExit(f"genpo-{action}: error: {error}") from None


def train_main(argv: list[str] | None = None) -> None:
    """``genpo-train``: ``isaaclab train --rl_library rsl_rl --agent genpo --external_callback ...`` + argv."""
    _run("train", argv)


def play_main(argv: list[str] | None = None) -> None:
    """``genpo-play``: ``isaaclab play --rl_library rsl_rl --agent genpo --external_callback ...`` + argv."""
    _run("play", argv)
