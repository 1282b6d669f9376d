#!/usr/bin/env bash
# Idempotent set-up: creates .venv (Python 3.12) and installs `-e .[isaaclab,test]` when missing or stale.
# `--rsl-rl 3` sets up .venv-rsl3 (Python 3.11, rsl-rl-lib 3.1.2) instead, `--mjlab` sets up .venv-mjlab (Python 3.11,
# mjlab 1.6.0, rsl-rl-lib 5.4.2): see scripts/setup_pinned.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
    "") ;;
    --rsl-rl|--rsl-rl=*)
        major="${1#--rsl-rl}"; major="${major#=}"; [ -n "$major" ] || major="${2:-}"
        case "$major" in
            3) exec bash scripts/setup_pinned.sh rsl3 ;;
            5) ;;
            *) echo "setup: --rsl-rl ${major:-(missing)} is invalid; allowed: 3 (rsl-rl-lib 3.x, .venv-rsl3) or 5 (default)" >&2; exit 2 ;;
        esac ;;
    --mjlab) exec bash scripts/setup_pinned.sh mjlab ;;
    *) echo "setup: unknown argument '$1'; allowed: --rsl-rl 3 | --rsl-rl 5 | --mjlab" >&2; exit 2 ;;
esac
VENV="${GENPO_VENV:-.venv}"

source scripts/find_python.sh

ensure_venv "$VENV" 3.12 PYTHON312 "IsaacLab 3.0 supports only 3.12"
stamp="$VENV/.genpo-setup-stamp"
want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: installing -e .[isaaclab,test] into $VENV (first time: several minutes, ~8 GB)"
    "$VENV/bin/python" -m pip install --upgrade pip >/dev/null
    "$VENV/bin/python" -m pip install -e ".[isaaclab,test]"
    echo "$want" > "$stamp"
fi

# Offline asset root for CPU runs of Cartpole / Ant / Humanoid (built from the installed newton wheel).
assets="${GENPO_ASSET_ROOT:-.assets}"
if [ ! -f "$assets/.genpo-assets-complete" ]; then
    echo "setup: building the offline IsaacLab asset root in $assets"
    "$VENV/bin/genpo-assets" --offline "$assets"
    touch "$assets/.genpo-assets-complete"
fi
