#!/usr/bin/env bash
# Print the path of a Python >= 3.12 interpreter (Django 6.1 needs it), or say what to install.
# Order: python3.13 and python3.12 on PATH (only if they actually run: a pyenv shim for a
# version that is not selected fails), then the newest 3.12+ installed under pyenv, then python3.
set -euo pipefail

works() {
    "$1" -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1
}

# The interpreter's own path, not a shim's, so the venv does not depend on pyenv's selection.
real_path() {
    "$1" -c 'import sys; print(sys.executable)'
}

for name in python3.13 python3.12; do
    if candidate=$(command -v "$name") && works "$candidate"; then
        real_path "$candidate"
        exit 0
    fi
done

if command -v pyenv >/dev/null 2>&1; then
    pyenv_root=$(pyenv root)
else
    pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
fi
if [ -d "$pyenv_root/versions" ]; then
    # Plain release numbers only (3.13.0, not 3.13.0t or 3.14-dev), newest first.
    newest_first=$(find "$pyenv_root/versions" -mindepth 1 -maxdepth 1 -printf '%f\n' \
        | grep -E '^3\.[0-9]+\.[0-9]+$' | sort -t. -k1,1nr -k2,2nr -k3,3nr || true)
    for version in $newest_first; do
        candidate="$pyenv_root/versions/$version/bin/python3"
        if [ -x "$candidate" ] && works "$candidate"; then
            real_path "$candidate"
            exit 0
        fi
    done
fi

if candidate=$(command -v python3) && works "$candidate"; then
    real_path "$candidate"
    exit 0
fi

cat >&2 <<'MESSAGE'
SoScience needs Python 3.12 or newer (3.13 recommended); none was found.
Install one, then run make again:
  - Debian 13 / Ubuntu 24.04: apt-get install python3 python3-venv
  - elsewhere, with pyenv: pyenv install 3.13
MESSAGE
exit 1
