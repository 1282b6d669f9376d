# Sourced by the setup scripts. find_python 3.12 PYTHON312 "why": print the path of a Python 3.X interpreter:
# $PYTHON3X if set, else python3.X on PATH, else pyenv's; fail with a message naming the override variable.
find_python() {
    local version="$1" override="$2" why="$3" c
    for c in "${!override:-}" "python$version"; do
        [ -n "$c" ] && "$c" -c "import sys; assert '%d.%d' % sys.version_info[:2] == '$version'" 2>/dev/null \
            && { command -v "$c"; return; }
    done
    if command -v pyenv >/dev/null 2>&1; then
        for c in "$(pyenv root)"/versions/"$version"*/bin/"python$version"; do
            [ -x "$c" ] && { echo "$c"; return; }
        done
    fi
    echo "setup: Python $version is required ($why); set $override=/path/to/python$version" >&2
    exit 1
}

# ensure_venv DIR 3.12 PYTHON312 "why": create the virtual environment DIR with Python 3.X unless it exists.
ensure_venv() {
    local venv="$1" py
    [ -x "$venv/bin/python" ] && return
    py=$(find_python "$2" "$3" "$4")
    echo "setup: creating $venv with $py"
    "$py" -m venv "$venv"
}
