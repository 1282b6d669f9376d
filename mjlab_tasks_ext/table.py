"""The mjlab task table: each stock mjlab task id with a GenPO agent and its nearest GenPO paper row (plain data).

mjlab selects an agent by task id, not by an ``--agent`` key, so every stock id gets a sibling id with the same env
(``<stock id>-GenPO``) whose rl config is the stock one with GenPO's actor and algorithm. Rows of the paper table
(:data:`agents_cfg.table.PAPER`) are the nearest robots the paper has: its Go2 row for the Go1, its H1 row for the G1,
the Franka lift row for the YAM arm, and this package's Cartpole smoke row for mjlab's cartpole.
"""

from __future__ import annotations

MJLAB_TASKS: dict[str, str] = {
    "Mjlab-Velocity-Flat-Unitree-Go1": "go2",
    "Mjlab-Velocity-Rough-Unitree-Go1": "go2",
    "Mjlab-Velocity-Flat-Unitree-G1": "h1",
    "Mjlab-Velocity-Rough-Unitree-G1": "h1",
    "Mjlab-Tracking-Flat-Unitree-G1": "h1",
    "Mjlab-Tracking-Flat-Unitree-G1-No-State-Estimation": "h1",
    "Mjlab-Lift-Cube-Yam": "franka_lift",
    "Mjlab-Cartpole-Balance": "cartpole",
    "Mjlab-Cartpole-Swingup": "cartpole",
}
"""Stock mjlab task id → key of its GenPO paper row."""

GENPO_SUFFIX = "-GenPO"
"""A GenPO task id is the stock id plus this suffix (``Mjlab-Velocity-Flat-Unitree-Go1-GenPO``)."""

FPO_SUFFIX = "-FPO"
"""An FPO++ task id is the stock id plus this suffix; its config is the GenPO one with FPO++'s actor and update."""


def genpo_task_id(stock_id: str) -> str:
    """Return the GenPO task id of a stock mjlab task id.

    Args:
        stock_id: A key of :data:`MJLAB_TASKS`.

    Raises:
        ValueError: ``stock_id`` has no GenPO agent (the message lists the ids that have one).
    """
    if stock_id not in MJLAB_TASKS:
        raise ValueError(f"mjlab task {stock_id!r} has no GenPO agent; allowed: {sorted(MJLAB_TASKS)}")
    return stock_id + GENPO_SUFFIX


def fpo_task_id(stock_id: str) -> str:
    """Return the FPO++ task id of a stock mjlab task id (raises as :func:`genpo_task_id`)."""
    return genpo_task_id(stock_id).removesuffix(GENPO_SUFFIX) + FPO_SUFFIX


def stock_task_id(task_id: str) -> str:
    """Return the stock id of a GenPO or FPO++ task id, or ``task_id`` itself when it is a stock id."""
    return task_id.removesuffix(GENPO_SUFFIX).removesuffix(FPO_SUFFIX)
