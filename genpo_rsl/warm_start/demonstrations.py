"""Read demonstrations written by IsaacLab's recorder (``HDF5DatasetFileHandler``) or robomimic, for cloning.

Layout of both: ``data/demo_<k>/actions`` ``[T, d]``, ``data/demo_<k>/obs/<key>`` (nested groups allowed: IsaacLab
records ``obs/<group>``), optional ``rewards`` and ``dones`` ``[T]``, attributes on ``data`` and each demo.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import torch
from tensordict import TensorDict


@dataclass
class Demonstrations:
    """All steps of all demonstrations, concatenated in demo order.

    Args:
        obs: ``[n]`` with one entry per observation key (nested names joined with ``/``).
        actions: ``[n, d]``.
        episode: ``[n]``: the demo index of each step.
        rewards: ``[n]`` when every demo has rewards, else ``None``.
        dones: ``[n]`` when every demo has dones, else ``None``.
        names: The demo group names, in order.
    """

    obs: TensorDict
    """``[n]`` with one entry per observation key (nested names joined with ``/``)."""
    actions: torch.Tensor
    """``[n, d]``."""
    episode: torch.Tensor
    """``[n]``: the demo index of each step."""
    rewards: torch.Tensor | None
    """``[n]`` when every demo has rewards, else ``None``."""
    dones: torch.Tensor | None
    """``[n]`` when every demo has dones, else ``None`` (the last step of each demo ends its episode anyway)."""
    names: list[str]
    """The demo group names, in order."""


def load_demonstrations(path: str, obs_keys: list[str] | None = None) -> Demonstrations:
    """Read the demonstrations of an IsaacLab or robomimic HDF5 file.

    Args:
        path: The HDF5 file.
        obs_keys: The observation keys to read (nested names joined with ``/``); ``None`` for all.

    Returns:
        All steps of all demos (``data/demo_<k>``, in the order of ``k``).

    Raises:
        ImportError: If h5py is not installed.
        ValueError: If the file is missing, unreadable or not in the expected layout; the message names the file,
            the key and the expectation.
    """
    try:
        import h5py
    except ImportError:
        raise ImportError("load_demonstrations needs h5py (installed with IsaacLab): pip install h5py") from None
    if not os.path.isfile(path):
        raise ValueError(f"load_demonstrations: '{path}' does not exist; expected an HDF5 file (IsaacLab / robomimic).")
    try:
        file = h5py.File(path, "r")
    except OSError as err:
        raise ValueError(f"load_demonstrations: cannot read '{path}' as HDF5 ({err}).") from None
    with file:
        if "data" not in file:
            raise ValueError(f"load_demonstrations: '{path}' has no 'data' group; expected data/demo_<k>/... .")
        names = sorted(file["data"], key=lambda n: int(m[1]) if (m := re.fullmatch(r"demo_(\d+)", n)) else -1)
        if not names:
            raise ValueError(f"load_demonstrations: '{path}' has no demonstrations under 'data'.")
        demos = [_read_demo(path, name, file["data"][name], obs_keys) for name in names]
    keys = demos[0]["obs"].keys()
    for name, demo in zip(names, demos):
        if demo["obs"].keys() != keys:
            raise ValueError(
                f"load_demonstrations: '{path}' data/{name} has obs keys {sorted(demo['obs'])}; "
                f"expected {sorted(keys)} (as data/{names[0]})."
            )
    n = sum(len(d["actions"]) for d in demos)
    obs = TensorDict({k: torch.cat([d["obs"][k] for d in demos]) for k in keys}, batch_size=[n])
    episode = torch.cat([torch.full((len(d["actions"]),), i) for i, d in enumerate(demos)])

    def optional(key: str) -> torch.Tensor | None:
        return torch.cat([d[key] for d in demos]) if all(key in d for d in demos) else None

    return Demonstrations(
        obs, torch.cat([d["actions"] for d in demos]), episode, optional("rewards"), optional("dones"), names
    )


def concatenate_demonstrations(parts: list[Demonstrations]) -> Demonstrations:
    """Join several files' demonstrations (e.g. an early and a late policy's) into one; episodes stay apart.

    Args:
        parts: The demonstrations to join, with the same observation keys and action size.

    Returns:
        The joined demonstrations; episode indices are offset per part, and demo names are prefixed with the part's
        index when there is more than one part.

    Raises:
        ValueError: If ``parts`` is empty or the parts' observation keys or action sizes differ.
    """
    if not parts:
        raise ValueError("concatenate_demonstrations: no demonstrations given; expected at least one.")
    keys = set(parts[0].obs.keys())
    for i, part in enumerate(parts[1:], 1):
        if set(part.obs.keys()) != keys or part.actions.shape[1:] != parts[0].actions.shape[1:]:
            raise ValueError(
                f"concatenate_demonstrations: part {i} has obs keys {sorted(part.obs.keys())} and actions "
                f"{tuple(part.actions.shape[1:])}; expected {sorted(keys)} and {tuple(parts[0].actions.shape[1:])}."
            )
    offsets = torch.tensor([0] + [int(p.episode.max()) + 1 for p in parts[:-1]]).cumsum(0)

    def optional(key: str) -> torch.Tensor | None:
        values = [getattr(p, key) for p in parts]
        return torch.cat(values) if all(v is not None for v in values) else None

    return Demonstrations(
        torch.cat([p.obs for p in parts]),
        torch.cat([p.actions for p in parts]),
        torch.cat([p.episode + offset for p, offset in zip(parts, offsets)]),
        optional("rewards"),
        optional("dones"),
        [f"{i}/{name}" if len(parts) > 1 else name for i, p in enumerate(parts) for name in p.names],
    )


def _read_demo(path: str, name: str, group, obs_keys: list[str] | None) -> dict:
    """Return one demo's tensors; raise ``ValueError`` naming the file, the demo and the bad key."""
    where = f"load_demonstrations: '{path}' data/{name}"
    if "actions" not in group or "obs" not in group:
        raise ValueError(f"{where} has keys {sorted(group)}; expected 'actions' and 'obs'.")
    actions = torch.as_tensor(group["actions"][()], dtype=torch.float32)
    if actions.ndim != 2 or len(actions) == 0:
        raise ValueError(f"{where}/actions has shape {tuple(actions.shape)}; expected [T, d] with T >= 1.")
    obs: dict[str, torch.Tensor] = {}
    group["obs"].visititems(
        lambda key, item: obs.update({key: torch.as_tensor(item[()])}) if hasattr(item, "shape") else None
    )
    if obs_keys is not None:
        missing = [k for k in obs_keys if k not in obs]
        if missing:
            raise ValueError(f"{where}/obs has no key(s) {missing}; available: {sorted(obs)}.")
        obs = {k: obs[k] for k in obs_keys}
    demo = {"actions": actions, "obs": {k: v.float().reshape(len(v), -1) for k, v in obs.items()}}
    for key in ("rewards", "dones"):
        if key in group:
            demo[key] = torch.as_tensor(group[key][()]).reshape(-1)
    for key, value in [
        ("actions", actions),
        *((f"obs/{k}", v) for k, v in demo["obs"].items()),
        *((k, demo[k]) for k in ("rewards", "dones") if k in demo),
    ]:
        if len(value) != len(actions):
            raise ValueError(f"{where}/{key} has {len(value)} steps; expected {len(actions)} (as actions).")
        if value.is_floating_point() and not torch.isfinite(value).all():
            raise ValueError(f"{where}/{key} has {int((~torch.isfinite(value)).sum())} NaN/inf values.")
    return demo
