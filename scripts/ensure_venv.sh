#!/usr/bin/env bash
# Create the virtual environment (argument: its directory) with Python >= 3.12, unless a
# working one is already there.
set -euo pipefail
venv=${1:-.venv}
here=$(cd "$(dirname "$0")" && pwd)

if [ -x "$venv/bin/python" ] \
    && "$venv/bin/python" -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null; then
    exit 0
fi

python=$("$here/find_python.sh")
echo "Creating $venv with $python ($("$python" --version 2>&1))"
if ! "$python" -m venv --clear "$venv"; then
    echo "Could not create $venv. On Debian, install the venv module: apt-get install python3-venv" >&2
    exit 1
fi
