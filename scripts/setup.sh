#!/usr/bin/env bash
# Idempotent set-up: creates .venv (Python 3.12) and installs `-e .[isaaclab,test]` when missing or stale.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${GENPO_VENV:-.venv}"

find_python312() {
    local c
    for c in "${PYTHON312:-}" python3.12; do
        [ -n "$c" ] && "$c" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null && { command -v "$c"; return; }
    done
    if command -v pyenv >/dev/null 2>&1; then
        for c in "$(pyenv root)"/versions/3.12*/bin/python3.12; do
            [ -x "$c" ] && { echo "$c"; return; }
        done
    fi
    echo "setup: Python 3.12 is required (IsaacLab 3.0 supports only 3.12); set PYTHON312=/path/to/python3.12" >&2
    exit 1
}

if [ ! -x "$VENV/bin/python" ]; then
    py=$(find_python312)
    echo "setup: creating $VENV with $py"
    "$py" -m venv "$VENV"
fi
stamp="$VENV/.genpo-setup-stamp"
want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: installing -e .[isaaclab,test] into $VENV (first time: several minutes, ~8 GB)"
    "$VENV/bin/python" -m pip install --upgrade pip >/dev/null
    "$VENV/bin/python" -m pip install -e ".[isaaclab,test]"
    echo "$want" > "$stamp"
fi
