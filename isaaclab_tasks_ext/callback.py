"""The ``--external_callback`` hook of IsaacLab 3.0's rsl_rl train/play entry points."""

from __future__ import annotations

import sys

from isaaclab_tasks_ext.registration import register


def external_callback() -> list[str]:
    """Register the GenPO agents; return the command-line arguments not consumed (all of them).

    IsaacLab calls this with no arguments before the agent config is resolved, then keeps only the Hydra
    arguments that are also in the returned list, so the whole command line is returned.
    """
    register()
    return list(sys.argv[1:])
