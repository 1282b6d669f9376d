"""Imported by IsaacLab 3.0's CLI through the ``isaaclab.tasks`` entry point: registers the GenPO agents."""

from isaaclab_tasks_ext.registration import register

REPORT = register()
"""What :func:`register` added (and which table ids the installed IsaacLab lacks)."""
