#!/usr/bin/env bash
# Serve the site on 127.0.0.1:$PORT and run the task worker beside it. Ctrl-C (or either
# process stopping, e.g. when the port is taken) stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
python=.venv/bin/python
port=${PORT:-8000}

# Job control puts each background process in its own process group, so one signal to the
# group also reaches the autoreloader's child process.
set -m
"$python" manage.py db_worker --queue-name "*" </dev/null &
worker=$!
"$python" manage.py runserver "127.0.0.1:$port" </dev/null &
server=$!

stopped=no
stop() {
    # Never fail half-way: the terminal may be gone (a closed window), so kill first, and
    # let a failing echo change nothing.
    set +e
    [ "$stopped" = yes ] && return
    stopped=yes
    kill -TERM -- "-$server" "-$worker" 2>/dev/null
    printf '\nStopping the server and the task worker...\n' 2>/dev/null
    wait "$server" "$worker" 2>/dev/null
}
trap 'stop; exit 130' INT
trap 'stop; exit 129' HUP
trap 'stop; exit 143' TERM
trap stop EXIT

echo "SoScience: http://127.0.0.1:$port/  (task worker running; Ctrl-C stops both)"
status=0
wait -n "$server" "$worker" || status=$?
exit "$status"
