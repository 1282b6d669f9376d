"""GenPO's settings: checks that name a bad value and what is allowed, and the split of the config into GenPO's
keywords and PPO's (both adapters)."""

from __future__ import annotations

import inspect

from genpo_rsl.algorithms.objective import COMPRESSION_FORMS, ENTROPY_FORMS
from genpo_rsl.utils.config_keys import accepted_keys


def check_genpo_args(
    compression_coef: float,
    compression_fraction: float,
    compression_form: str,
    cuda_graphs: bool,
    allow_tf32: bool,
    entropy_form: str = "estimate",
) -> None:
    """Raise ``ValueError`` naming the bad GenPO setting and what is allowed."""
    for name, value in (("cuda_graphs", cuda_graphs), ("allow_tf32", allow_tf32)):
        if not isinstance(value, bool):
            raise ValueError(f"GenPO: {name}={value!r} is invalid; allowed: True or False.")
    if compression_form not in COMPRESSION_FORMS:
        raise ValueError(
            f"GenPO: compression_form={compression_form!r} is invalid; allowed: {list(COMPRESSION_FORMS)}."
        )
    if entropy_form not in ENTROPY_FORMS:
        raise ValueError(f"GenPO: entropy_form={entropy_form!r} is invalid; allowed: {list(ENTROPY_FORMS)}.")
    if not 0.0 < compression_fraction <= 1.0:
        raise ValueError(f"GenPO: compression_fraction={compression_fraction!r} is invalid; allowed: 0 < f <= 1.")
    if compression_coef < 0.0:
        raise ValueError(f"GenPO: compression_coef={compression_coef!r} is invalid; allowed: >= 0.")


def check_unsupported(symmetry_cfg: dict | None, use_mixed_precision: bool, who: str = "GenPO") -> None:
    """Raise ``ValueError`` for PPO options an algorithm refuses (instead of ignoring them silently).

    Args:
        symmetry_cfg: The ``symmetry_cfg`` given (refused unless ``None``; pass ``None`` where it is supported).
        use_mixed_precision: The ``use_mixed_precision`` given (refused when True).
        who: The algorithm's name, at the start of the message.
    """
    if symmetry_cfg:
        raise ValueError(f"{who}: symmetry_cfg={symmetry_cfg!r} is not supported; allowed: None.")
    if use_mixed_precision:
        raise ValueError(
            "GenPO: use_mixed_precision=True is not supported: under bfloat16 autocast the flow's inverse gives back "
            "the rollout latent only to ~1e-3 (log-prob error up to ~5e-3; float32: ~1e-5; measured at the Ant, Humanoid and H1 "
            "sizes with mix_p=0.9, N=5: bench/mixed_precision.py), which biases the PPO ratio and the KL estimate that drives the learning rate; "
            "allowed: False (everything runs in float32)."
        )


def split_genpo_kwargs(kwargs: dict, symmetry: bool = False) -> tuple[dict, dict]:
    """Split constructor keywords into GenPO's own (:meth:`GenPOCore.init_genpo`) and PPO's; check GenPO's.

    PPO options GenPO refuses (``use_mixed_precision``; ``symmetry_cfg`` unless the adapter supports it) are checked
    and taken out.

    Args:
        kwargs: The algorithm config's keywords (PPO's and GenPO's).
        symmetry: Whether the adapter supports ``symmetry_cfg`` (it then stays among PPO's keywords).

    Returns:
        GenPO's keywords and PPO's keywords.
    """
    who = "GenPO" if symmetry else "GenPO (rsl-rl-lib 3.x adapter; symmetry works under rsl-rl-lib 5.x)"
    check_unsupported(None if symmetry else kwargs.get("symmetry_cfg"), kwargs.get("use_mixed_precision", False), who)
    from genpo_rsl.algorithms.genpo import GenPOCore  # the settings are init_genpo's keywords

    names = accepted_keys(GenPOCore.init_genpo)
    genpo = {k: v for k, v in kwargs.items() if k in names}
    defaults = {k: p.default for k, p in inspect.signature(GenPOCore.init_genpo).parameters.items() if k in names}
    check_genpo_args(**{**defaults, **genpo})
    dropped = names | {"use_mixed_precision"} | (set() if symmetry else {"symmetry_cfg"})
    return genpo, {k: v for k, v in kwargs.items() if k not in dropped}
