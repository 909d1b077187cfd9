#!/usr/bin/env bash
# The real-terminal smoke test (scripts/smoke.py) on every Python that requires-python admits.
# 3.11 runs the full install in .venv (TensorFlow included); 3.12 and 3.13 get the base install (no
# TensorFlow, as most students install it) in .smoke/venv-X.Y, built from this checkout. An interpreter
# that is not on this machine is reported as skipped, never as passed. Exit 1 if any check failed.
set -uo pipefail
cd "$(dirname "$0")/.."
VERSIONS=${SMOKE_PYTHONS:-"3.11 3.12 3.13"}
failed=0
find_python() {  # a working interpreter for version $1: pyenv's, else pythonX.Y on PATH (a shim may not work)
    local v=$1 candidate
    for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$v".*/bin/python"$v" "$(command -v "python$v" 2>/dev/null)"; do
        if [ -x "$candidate" ] && "$candidate" -c 'import sys, venv' >/dev/null 2>&1; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}
for v in $VERSIONS; do
    if [ "$v" = 3.11 ] && [ -x .venv/bin/convnet-tui ]; then
        venv=.venv
    else
        if ! python=$(find_python "$v"); then
            echo "smoke: Python $v: skipped (no interpreter on this machine)"
            continue
        fi
        venv=.smoke/venv-$v
        if [ ! -x "$venv/bin/convnet-tui" ] || [ pyproject.toml -nt "$venv/bin/convnet-tui" ]; then
            echo "smoke: Python $v: installing the base package (no TensorFlow) into $venv"
            "$python" -m venv --clear "$venv" && "$venv/bin/python" -m pip install --quiet --upgrade pip \
                && "$venv/bin/python" -m pip install --quiet . \
                || { echo "smoke: Python $v: FAILED to install"; failed=1; continue; }
        else  # the package itself is rebuilt on every run: the checkout may have changed
            "$venv/bin/python" -m pip install --quiet --no-deps --force-reinstall . \
                || { echo "smoke: Python $v: FAILED to install"; failed=1; continue; }
        fi
    fi
    echo "smoke: Python $("$venv/bin/python" -c 'import sys; print(sys.version.split()[0])')"
    "$venv/bin/python" scripts/smoke.py "$venv/bin/convnet-tui" || failed=1
done
exit $failed
