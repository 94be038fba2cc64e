#!/usr/bin/env bash
# The production shape on one machine (issue 8, docs/deploy.md "Several machines"):
#   PostgreSQL (DATABASE_URL's, or a throwaway cluster filled with the small data set)
#   two gunicorn application servers on two ports, nginx in front (round robin)
#   two task workers (manage.py db_worker), one shared MEDIA_ROOT (and matching index folder)
#   an SMTP server on loopback that records the Message-ID of every mail it receives
# Then wrk sends the load mix of bench/load.sh through the proxy while team members post news
# with a PDF (each post mails the supervisor through the outbox), and the checks run: every
# mail delivered exactly once, both servers served requests, both workers ran tasks and sent
# mail, every uploaded file is served by both servers. Everything is stopped at the end (or on
# Ctrl-C); the exit status is 1 if a check failed.
# Settings, all optional: CLUSTER_SECONDS=45 (load), CLUSTER_POSTS=60, CLUSTER_BURST=200 (mails
# written at once in the middle of the load), CLUSTER_CONNECTIONS=8,
# CLUSTER_WORKERS=<cores> gunicorn workers per server, CLUSTER_KEEP=1 keeps the folder (logs).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
python=$repo/.venv/bin/python
seconds=${CLUSTER_SECONDS:-45}
posts=${CLUSTER_POSTS:-60}
burst=${CLUSTER_BURST:-200}
connections=${CLUSTER_CONNECTIONS:-8}
workers=${CLUSTER_WORKERS:-$(nproc)}
worker_ids=(cluster-worker-a cluster-worker-b)

command -v wrk >/dev/null && command -v nginx >/dev/null || scripts/system_packages.sh wrk nginx
if [ ! -f var/assets/vendor/htmx.min.js ]; then
    echo "var/assets/vendor/htmx.min.js is missing: run make assets first." >&2
    exit 1
fi

# shellcheck source=bench/load/postgres.sh
. bench/load/postgres.sh
root=$(mktemp -d "${TMPDIR:-/tmp}/soscience-cluster.XXXXXX")
mkdir -p "$root/media" "$root/matching" "$root/static" "$root/lists" "$root/logs"
# nginx's workers drop root for nobody: their folder must be reachable by it.
proxy_dir=$(mktemp -d "${TMPDIR:-/tmp}/soscience-proxy.XXXXXX")
chmod 755 "$proxy_dir"
mkdir -p "$proxy_dir/tmp"
pids=()
cleanup() {
    set +e
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
    pg_stop
    if [ -n "${CLUSTER_KEEP:-}" ]; then
        echo "(CLUSTER_KEEP: logs kept in $root and $proxy_dir)"
    else
        rm -rf "$root" "$proxy_dir"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_http() { # URL, process id: wait for a 200 (the process must stay alive)
    local _
    for _ in $(seq 1 120); do
        if curl -fsS -o /dev/null -H "X-Forwarded-Proto: https" "$1" 2>/dev/null; then return 0; fi
        if ! kill -0 "$2" 2>/dev/null; then
            echo "A process stopped while starting ($1):" >&2
            tail -n 30 "$root"/logs/*.log "$proxy_dir"/error.log 2>/dev/null >&2
            return 1
        fi
        sleep 0.5
    done
    echo "No answer from $1" >&2
    return 1
}
started=$SECONDS
step() { printf '[%3d s] %s\n' $((SECONDS - started)) "$*"; }

# --- PostgreSQL and the data ----------------------------------------------------------------
# The shared folders, set before the data is made: its files and matching index go there.
export MEDIA_ROOT=$root/media MATCHING_INDEX_DIR=$root/matching
if [ -z "${DATABASE_URL:-}" ]; then
    step "PostgreSQL: a throwaway cluster, migrated and filled with the small data set"
    pg_start
    export DATABASE_URL=$pg_url
    "$python" manage.py migrate --no-input -v0
    load_bench_data small
else
    step "PostgreSQL: $DATABASE_URL (migrated now; its data is used as it is)"
    "$python" manage.py migrate --no-input -v0
fi

# --- the settings every process shares (one environment file in production) ----------------
smtp_port=$(free_port)
export SOSCIENCE_ENV=production DEBUG=false DJANGO_SETTINGS_MODULE=bench.settings_bench
SECRET_KEY=$("$python" -c 'import secrets; print(secrets.token_urlsafe(64))')
export SECRET_KEY ALLOWED_HOSTS=127.0.0.1,localhost SITE_URL=https://127.0.0.1
export BENCH_STATIC_ROOT=$root/static
export EMAIL_HOST=127.0.0.1 EMAIL_PORT=$smtp_port EMAIL_TIMEOUT=10
# The API's per-address budget would answer 429 to a load generator (see bench/load.sh).
export SOSCIENCE_API_RATE_ANON=1000000000 SOSCIENCE_API_RATE_TOKEN=1000000000
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
"$python" manage.py createcachetable
"$python" manage.py collectstatic --no-input -v0

# --- the processes --------------------------------------------------------------------------
step "SMTP server on 127.0.0.1:$smtp_port"
"$python" bench/cluster/smtp_sink.py --port "$smtp_port" --log "$root/received.tsv" \
    >"$root/logs/smtp.log" 2>&1 </dev/null &
pids+=($!)

for i in 0 1; do
    "$python" manage.py db_worker --no-reload --queue-name '*' --worker-id "${worker_ids[i]}" \
        >"$root/logs/${worker_ids[i]}.log" 2>&1 </dev/null &
    pids+=($!)
done
step "task workers: ${worker_ids[*]}"

app_ports=("$(free_port)" "$(free_port)")
names=(app-a app-b)
for i in 0 1; do
    "$repo/.venv/bin/gunicorn" soscience.wsgi:application --chdir "$repo" \
        --bind "127.0.0.1:${app_ports[i]}" --workers "$workers" --timeout 30 \
        --access-logfile "$root/logs/${names[i]}.access.log" \
        --error-logfile "$root/logs/${names[i]}.log" </dev/null &
    pids+=($!)
    wait_http "http://127.0.0.1:${app_ports[i]}/healthz" "${pids[-1]}"
done
step "application servers: ${names[0]} on :${app_ports[0]}, ${names[1]} on :${app_ports[1]} ($workers gunicorn workers each)"

proxy_port=$(free_port)
user_line=""
if [ "$(id -u)" -eq 0 ]; then
    user_line="user nobody nogroup;"
    chown nobody:nogroup "$proxy_dir/tmp"
fi
sed -e "s|@USER@|$user_line|" -e "s|@DIR@|$proxy_dir|g" -e "s|@PORT@|$proxy_port|" \
    -e "s|@APP_A@|${app_ports[0]}|" -e "s|@APP_B@|${app_ports[1]}|" \
    bench/cluster/nginx.conf >"$proxy_dir/nginx.conf"
nginx -q -t -p "$proxy_dir" -c "$proxy_dir/nginx.conf" -e "$proxy_dir/error.log"
nginx -p "$proxy_dir" -c "$proxy_dir/nginx.conf" -e "$proxy_dir/error.log" </dev/null &
pids+=($!)
proxy=http://127.0.0.1:$proxy_port
wait_http "$proxy/healthz" "${pids[-1]}"
step "proxy: nginx on $proxy, round robin over both servers"

# --- the traffic ----------------------------------------------------------------------------
"$python" bench/load/prepare.py --out "$root/lists" >/dev/null
"$python" bench/load/check.py --url "$proxy" --header "Accept-Language: fr" "$root/lists/mix.tsv"
"$python" bench/cluster/verify.py mark --state "$root/state.json"

step "load: the mix of bench/load.sh through the proxy for $seconds s, and $posts news posts with a PDF"
"$python" bench/cluster/post_news.py --url "$proxy" --posts "$posts" \
    --seconds "$((seconds > 10 ? seconds - 5 : seconds))" --out "$root/posted.json" \
    >"$root/logs/posts.log" 2>&1 </dev/null &
poster=$!
pids+=("$poster")
# Halfway, a burst of mails written in one transaction (as a digest run does).
(sleep "$((seconds / 2))" && "$python" bench/cluster/verify.py burst --state "$root/state.json" \
    --count "$burst") >"$root/logs/burst.log" 2>&1 </dev/null &
burster=$!
pids+=("$burster")
LOAD_REQUESTS=$root/lists/mix.tsv LOAD_OUT=$root/load.json \
    wrk -t 1 -c "$connections" -d "${seconds}s" --timeout 10s -s bench/load/scenario.lua \
    -H "Accept-Language: fr-FR,fr;q=0.9,en;q=0.5" "$proxy" >"$root/logs/wrk.log"
if ! wait "$poster"; then
    cat "$root/logs/posts.log" >&2
    exit 1
fi
cat "$root/logs/posts.log"
if ! wait "$burster"; then
    cat "$root/logs/burst.log" >&2
    exit 1
fi
cat "$root/logs/burst.log"

step "waiting for the workers to send the last mails"
"$python" bench/cluster/verify.py drain --state "$root/state.json" --timeout 60

step "checks"
"$python" bench/cluster/verify.py check --state "$root/state.json" \
    --sink-log "$root/received.tsv" --load-json "$root/load.json" \
    --posted-json "$root/posted.json" --proxy-log "$proxy_dir/access.log" \
    --access-log "$root/logs/${names[0]}.access.log" --access-log "$root/logs/${names[1]}.access.log" \
    --server "http://127.0.0.1:${app_ports[0]}" --server "http://127.0.0.1:${app_ports[1]}" \
    --worker-id "${worker_ids[0]}" --worker-id "${worker_ids[1]}"
step "done"
