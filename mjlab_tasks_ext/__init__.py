"""mjlab integration of GenPO: ``<stock id>-GenPO`` (and FPO++'s ``-FPO``) for every stock task of :data:`MJLAB_TASKS`.

Installed with genpo-rsl, the ``mjlab.tasks`` entry point registers them whenever mjlab is imported, so mjlab's own
CLI trains and plays them: ``train Mjlab-Velocity-Flat-Unitree-Go1-GenPO`` and ``play ... --checkpoint-file ...``.
``genpo-mjlab train|play`` runs the same commands after checking the task id and the checkpoint (one-line errors).
Importing this package does not import mjlab.
"""

from mjlab_tasks_ext.table import FPO_SUFFIX, GENPO_SUFFIX, MJLAB_TASKS, fpo_task_id, genpo_task_id, stock_task_id

__all__ = ["FPO_SUFFIX", "GENPO_SUFFIX", "MJLAB_TASKS", "fpo_task_id", "genpo_task_id", "register", "stock_task_id"]


def register() -> list[str]:
    """Register the GenPO mjlab tasks (see :func:`mjlab_tasks_ext.registration.register`)."""
    from mjlab_tasks_ext.registration import register as _register

    return _register()
