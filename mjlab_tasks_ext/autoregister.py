"""Imported by mjlab through the ``mjlab.tasks`` entry point: registers the GenPO tasks (``<stock id>-GenPO``)."""

from mjlab_tasks_ext.registration import register

register()
