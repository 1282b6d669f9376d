#!/usr/bin/env bash
# Idempotent set-up of the rsl-rl-lib 3.x test environment (IsaacLab 2.x users): `.venv-rsl3`, Python 3.11,
# torch 2.13.0 (CPU) and rsl-rl-lib 3.1.2, genpo-rsl editable. Called by `scripts/setup.sh --rsl-rl 3`.
#
# pyproject pins rsl-rl-lib>=5.5.1,<6 for the default (IsaacLab 3) install, so pip must not resolve genpo-rsl's own
# requirements here: the requirements are read from pyproject.toml (dependencies + the `test` extra), rsl-rl-lib and
# torch are replaced by the 3.x pins, everything is installed in one resolver run, and then genpo-rsl itself is
# installed with --no-deps. `pip check` reports that one deliberate mismatch (genpo-rsl wants rsl-rl-lib 5).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${GENPO_RSL3_VENV:-.venv-rsl3}"
RSL_RL_PIN="rsl-rl-lib==3.1.2"
TORCH_PIN="torch==2.13.0"
RSL3_EXTRA="tensorboard onnxscript"  # 3.1.2 learn() always logs; torch>=2.9 torch.onnx.export needs onnxscript

source scripts/find_python.sh

ensure_venv "$VENV" 3.11 PYTHON311 "the rsl-rl-lib 3.x environment of IsaacLab 2.x"
stamp="$VENV/.genpo-setup-stamp"
want=$(cat pyproject.toml scripts/setup_rsl3.sh | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: installing $RSL_RL_PIN, $TORCH_PIN, $RSL3_EXTRA and -e .[test] (--no-deps) into $VENV"
    "$VENV/bin/python" -m pip install --upgrade pip >/dev/null
    mapfile -t reqs < <("$VENV/bin/python" - <<'EOF'
import re
import tomllib

with open("pyproject.toml", "rb") as f:
    project = tomllib.load(f)["project"]
for req in project["dependencies"] + project["optional-dependencies"]["test"]:
    name = re.match(r"[A-Za-z0-9_.-]+", req).group(0).lower().replace("_", "-")
    if name not in ("torch", "rsl-rl-lib"):
        print(req)
EOF
    )
    "$VENV/bin/python" -m pip install "$TORCH_PIN" "$RSL_RL_PIN" $RSL3_EXTRA "${reqs[@]}"
    "$VENV/bin/python" -m pip install --no-deps -e .
    echo "$want" > "$stamp"
fi
