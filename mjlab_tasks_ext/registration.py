"""Register the GenPO and FPO++ agents of every stock mjlab task in mjlab's registry (``<stock id>-GenPO``, ``-FPO``)."""

from __future__ import annotations

from mjlab_tasks_ext.table import MJLAB_TASKS, fpo_task_id, genpo_task_id


def register() -> list[str]:
    """Register ``<stock id>-GenPO`` and ``<stock id>-FPO`` for every stock id of :data:`MJLAB_TASKS` that the
    installed mjlab has.

    Each task has the stock task's train and play env configs and runner class (a subclass of rsl_rl's
    ``OnPolicyRunner``, which builds GenPO from the ``class_name`` entries), and the rl config of
    :func:`mjlab_tasks_ext.config.genpo_runner_cfg` (FPO++: :func:`~mjlab_tasks_ext.config.fpo_runner_cfg` of it).
    Idempotent: ids already registered are left as they are.

    Returns:
        The task ids registered by this call.
    """
    import mjlab.tasks  # noqa: F401  (fills the registry with the stock tasks)
    from mjlab.tasks.registry import list_tasks, load_env_cfg, load_rl_cfg, load_runner_cls, register_mjlab_task

    from agents_cfg.table import PAPER
    from mjlab_tasks_ext.config import fpo_runner_cfg, genpo_runner_cfg

    known, added = set(list_tasks()), []
    for stock_id, paper in MJLAB_TASKS.items():
        if stock_id not in known:
            continue
        genpo = genpo_runner_cfg(load_rl_cfg(stock_id), PAPER[paper])
        for task_id, rl_cfg in ((genpo_task_id(stock_id), genpo), (fpo_task_id(stock_id), fpo_runner_cfg(genpo))):
            if task_id in known:
                continue
            register_mjlab_task(
                task_id=task_id,
                env_cfg=load_env_cfg(stock_id),
                play_env_cfg=load_env_cfg(stock_id, play=True),
                rl_cfg=rl_cfg,
                runner_cls=load_runner_cls(stock_id),
            )
            added.append(task_id)
    return added
