#!/usr/bin/env bash
# Idempotent set-up of a side test environment with pinned rsl-rl-lib / torch, genpo-rsl editable.
#   bash scripts/setup_pinned.sh rsl3    .venv-rsl3:  Python 3.11, torch 2.13.0 (CPU), rsl-rl-lib 3.1.2 (IsaacLab 2.x)
#   bash scripts/setup_pinned.sh mjlab   .venv-mjlab: Python 3.11, torch 2.13.0 (CPU), mjlab 1.6.0 with its
#                                        rsl-rl-lib 5.4.2 pin (MuJoCo Warp; its robot assets ship in the wheel)
# Called by `scripts/setup.sh --rsl-rl 3` and `scripts/setup.sh --mjlab`.
#
# pyproject pins rsl-rl-lib 5.x (>=5.5.1 with the isaaclab extra), so pip must not resolve genpo-rsl's own
# requirements here: the requirements are read from pyproject.toml (dependencies + the `test` extra), rsl-rl-lib and
# torch are replaced by the pins, everything is installed in one resolver run, and then genpo-rsl itself is installed
# with --no-deps. In .venv-rsl3 `pip check` reports that one deliberate mismatch (genpo-rsl wants rsl-rl-lib 5).
# The CPU build of torch keeps these environments lean (~1.5 GB instead of ~8 GB with the CUDA libraries).
set -euo pipefail
cd "$(dirname "$0")/.."
TORCH_PIN="torch==2.13.0"
case "${1:-}" in
    rsl3)
        VENV="${GENPO_RSL3_VENV:-.venv-rsl3}"
        PINS="rsl-rl-lib==3.1.2 tensorboard onnxscript"  # 3.1.2 learn() always logs; torch>=2.9 onnx export needs onnxscript
        WHY="the rsl-rl-lib 3.x environment of IsaacLab 2.x" ;;
    mjlab)
        VENV="${GENPO_MJLAB_VENV:-.venv-mjlab}"
        PINS="mjlab==1.6.0 rsl-rl-lib==5.4.2"
        WHY="mjlab's environment (mjlab 1.6.0 supports 3.10-3.13; 3.11 has a CPU torch wheel here)" ;;
    *) echo "setup_pinned: environment '${1:-}' is invalid; allowed: rsl3, mjlab" >&2; exit 2 ;;
esac

source scripts/find_python.sh

ensure_venv "$VENV" 3.11 PYTHON311 "$WHY"
stamp="$VENV/.genpo-setup-stamp"
want=$(cat pyproject.toml scripts/setup_pinned.sh | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: installing $TORCH_PIN, $PINS and -e .[test] (--no-deps) into $VENV"
    "$VENV/bin/python" -m pip install --upgrade pip >/dev/null
    mapfile -t reqs < <("$VENV/bin/python" - <<'PY'
import re
import tomllib

with open("pyproject.toml", "rb") as f:
    project = tomllib.load(f)["project"]
for req in project["dependencies"] + project["optional-dependencies"]["test"]:
    name = re.match(r"[A-Za-z0-9_.-]+", req).group(0).lower().replace("_", "-")
    if name not in ("torch", "rsl-rl-lib"):
        print(req)
PY
    )
    "$VENV/bin/python" -m pip install "$TORCH_PIN" $PINS "${reqs[@]}"
    "$VENV/bin/python" -m pip install --no-deps -e .
    echo "$want" > "$stamp"
fi
