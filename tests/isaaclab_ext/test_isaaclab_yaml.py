"""The committed YAML copies of the GenPO task configs: equal to the classes, lossless round trip.

No simulator; the GenPO agents are registered once per module (``registered`` in ``conftest.py``).
"""

from __future__ import annotations

import pytest

pytest.importorskip("isaaclab")
pytestmark = [pytest.mark.isaaclab, pytest.mark.usefixtures("registered")]

import yaml  # noqa: E402
from isaaclab_configs_common import ROW_IDS, is_missing  # noqa: E402

# -- YAML -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ROW_IDS)
def test_yaml_round_trip_is_lossless(key: str, tmp_path) -> None:
    """The committed YAML equals the class; class → YAML → class keeps every value (also after edits)."""
    from agents_cfg import load_cfg_from_yaml, save_cfg_to_yaml, to_runner_dict
    from agents_cfg.tasks import CONFIG_CLASSES
    from agents_cfg.yaml_io import YAML_DIR, cfg_to_data

    cls = CONFIG_CLASSES[key]
    assert yaml.safe_load((YAML_DIR / f"{key}.yaml").read_text()) == cfg_to_data(cls()), "regenerate the YAML files"
    committed = load_cfg_from_yaml(key)
    assert type(committed) is cls and cfg_to_data(committed) == cfg_to_data(cls())
    edited = cls()
    edited.actor.mix_p, edited.algorithm.learning_rate, edited.actor.inference_mode = 0.77, 3.3e-4, "sample"
    edited.algorithm.compression_fraction, edited.obs_groups["critic"] = 0.25, ["policy", "policy"]
    back = load_cfg_from_yaml(save_cfg_to_yaml(edited, tmp_path / f"{key}.yaml"))
    assert cfg_to_data(back) == cfg_to_data(edited)
    assert to_runner_dict(back) == to_runner_dict(edited)
    assert all(is_missing(getattr(back, n)) for n in ("policy", "empirical_normalization"))
