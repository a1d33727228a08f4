#!/bin/sh
# Set up relance in .venv and run it.
#
#   ./dev.sh [ARGS...]        set up, then open the dashboard (ARGS go to relance: --demo, --data FILE...)
#   ./dev.sh test [ARGS...]   set up with the test tools, then run the test suite (ARGS go to pytest)
#
# Needs Python 3.11+ with venv (Debian/Ubuntu: apt-get install python3-venv).
# The end-to-end tests need tmux, and the SSH one sshd and ssh; the completion tests zsh
# and fish, the manual page's groff: installed here when run as root (CI), else those
# tests are skipped.
set -eu
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else return 1; fi
}

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "relance needs Python 3.11 or newer as '$PYTHON' (set PYTHON=python3.12 to use another)." >&2
    exit 1
fi

mode=run
if [ "${1:-}" = test ]; then mode=test; shift; fi

if [ ! -x .venv/bin/python ]; then
    if ! "$PYTHON" -m venv .venv 2>/dev/null; then
        rm -rf .venv
        if [ "$(id -u)" = 0 ]; then
            echo "Installing python3-venv..." >&2
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            "$PYTHON" -m venv .venv
        else
            echo "Python's venv module is missing: sudo apt-get install python3-venv, then run this again." >&2
            exit 1
        fi
    fi
fi

# Install (again) only when pyproject.toml changed since the last install.
extra=""
[ "$mode" = test ] && extra="[test]"
stamp=".venv/.setup-stamp-$mode"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "Setting up .venv (relance$extra)..." >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    # (PYTHONWARNINGS: setuptools warns about every editable install of a flat layout)
    PYTHONWARNINGS=ignore .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".$extra"
    touch "$stamp"
fi

# Compile the catalogues (store/locale/*/LC_MESSAGES/relance.po → .mo) when a .po changed;
# without a .mo relance compiles the .po in memory at each start, which costs ~55 ms.
for po in store/locale/*/LC_MESSAGES/relance.po; do
    [ -f "$po" ] || continue
    mo="${po%.po}.mo"
    if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then
        # (written beside, then renamed: an interrupted compile leaves no .mo cut short)
        if .venv/bin/pybabel -q compile -i "$po" -o "$mo.tmp" >/dev/null 2>&1; then
            mv -f "$mo.tmp" "$mo"
        else
            rm -f "$mo.tmp"
            echo "Could not compile $po (relance will read it directly)." >&2
        fi
    fi
done

# Keep the compiled bytecode of relance's own modules current (pip compiles installed
# packages, not an editable checkout; Python skips it where PYTHONDONTWRITEBYTECODE is set).
.venv/bin/python -m compileall -q store tui widgets themes seeds >/dev/null 2>&1 || true

if [ "$mode" = run ]; then
    exec .venv/bin/relance "$@"
fi

missing=""
command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
[ -x /usr/sbin/sshd ] || missing="$missing openssh-server"
command -v ssh >/dev/null 2>&1 || missing="$missing openssh-client"
command -v groff >/dev/null 2>&1 || missing="$missing groff-base"
command -v zsh >/dev/null 2>&1 || missing="$missing zsh"
command -v fish >/dev/null 2>&1 || missing="$missing fish"
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing$missing for the end-to-end and completion tests..." >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    else
        echo "Not installed:$missing; the end-to-end tests that need them will be skipped (sudo apt-get install$missing)." >&2
    fi
fi
exec .venv/bin/python -m pytest -n auto "$@"
