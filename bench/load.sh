#!/usr/bin/env bash
# Throughput under load (issue 8): gunicorn on loopback, configured as in production, and wrk
# replaying request lists for a fixed time per scenario:
#   floor                a trivial view through the whole middleware stack (bench/urls_bench.py)
#   home, catalogue, catalogue filtered, mission pages   visitors
#   mix                  70 % visitors, 30 % signed in (sessions made beforehand)
# Prints requests/s, p50/p95/p99 latency, errors and each scenario's share of the floor;
# writes var/bench/load.json.
#
# The database is DATABASE_URL's (PostgreSQL, filled by generate_scale_data); without it, a
# throwaway cluster is started and filled with the small generated data set (or the demo).
# Settings, all optional:
#   LOAD_SECONDS=20   per scenario          LOAD_CONNECTIONS=8   wrk connections
#   LOAD_WORKERS=2 x cores (gunicorn)       LOAD_THREADS=1       wrk threads
#   LOAD_SCENARIOS="floor catalogue"        only these, among: floor home catalogue
#                                          catalogue-filtered mission-pages mix
#   LOAD_JSON=var/bench/load.json       LOAD_KEEP=1          keep the run's folder (logs)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
python=$repo/.venv/bin/python
cores=$(nproc)
seconds=${LOAD_SECONDS:-20}
connections=${LOAD_CONNECTIONS:-8}
threads=${LOAD_THREADS:-1}
workers=${LOAD_WORKERS:-$((2 * cores))}
json_out=${LOAD_JSON:-var/bench/load.json}

command -v wrk >/dev/null || scripts/system_packages.sh wrk
if [ ! -f var/assets/vendor/htmx.min.js ]; then
    echo "var/assets/vendor/htmx.min.js is missing: run make assets first." >&2
    exit 1
fi

# shellcheck source=bench/load/postgres.sh
. bench/load/postgres.sh
run=$(mktemp -d "${TMPDIR:-/tmp}/soscience-load.XXXXXX")
server=""
cleanup() {
    set +e
    if [ -n "$server" ]; then
        kill -TERM "$server" 2>/dev/null
        wait "$server" 2>/dev/null
    fi
    pg_stop
    if [ -n "${LOAD_KEEP:-}" ]; then
        echo "(LOAD_KEEP: lists, wrk output and logs kept in $run)"
    else
        rm -rf "$run"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The worker's matching index, kept between runs (a folder of its own: a rebuild prunes
# the other index files of its folder).
export MATCHING_INDEX_DIR=${MATCHING_INDEX_DIR:-$repo/var/bench/matching}
if [ -z "${DATABASE_URL:-}" ]; then
    echo "DATABASE_URL is not set: a throwaway PostgreSQL cluster with the small data set."
    pg_start
    export DATABASE_URL=$pg_url
    # The generated files go with the throwaway database.
    export MEDIA_ROOT=$run/media
    "$python" manage.py migrate --no-input -v0
    load_bench_data small
fi
case "$DATABASE_URL" in
    postgres://* | postgresql://*) ;;
    *)
        echo "DATABASE_URL must point to PostgreSQL (production refuses anything else)." >&2
        exit 1
        ;;
esac

# Production, as docs/deploy.md sets it up, but on loopback: the requests carry the headers
# of the TLS-terminating proxy (X-Forwarded-Proto), so Django takes them for HTTPS.
export SOSCIENCE_ENV=production DEBUG=false
export DJANGO_SETTINGS_MODULE=bench.settings_bench
SECRET_KEY=$("$python" -c 'import secrets; print(secrets.token_urlsafe(64))')
export SECRET_KEY ALLOWED_HOSTS=127.0.0.1,localhost SITE_URL=https://127.0.0.1
export BENCH_STATIC_ROOT=$run/static
# The API's per-address budget (60 a minute) would answer 429 to a load generator: the
# budget is still counted (a cache write per call), never reached.
export SOSCIENCE_API_RATE_ANON=1000000000 SOSCIENCE_API_RATE_TOKEN=1000000000
export LOG_LEVEL=${LOG_LEVEL:-WARNING}

echo "Preparing: migrations, cache table, static files (WhiteNoise, compressed and hashed)..."
"$python" manage.py migrate --no-input -v0
"$python" manage.py createcachetable
"$python" manage.py collectstatic --no-input -v0
"$python" bench/load/prepare.py --out "$run"

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
# The servers' connections carry a name, so cpu.py finds their database backends; they are
# kept for the whole run (production's DB_CONN_MAX_AGE of 60 s reconnects once a minute per
# worker: nothing measurable, but a backend that goes takes its CPU count with it).
app_name=soscience-load-$$
case "$DATABASE_URL" in *\?*) separator="&" ;; *) separator="?" ;; esac
DATABASE_URL="$DATABASE_URL${separator}application_name=$app_name" DB_CONN_MAX_AGE=3600 \
    "$repo/.venv/bin/gunicorn" soscience.wsgi:application --chdir "$repo" \
    --bind "127.0.0.1:$port" --workers "$workers" --timeout 30 \
    --access-logfile "$run/access.log" --access-logformat $'%(U)s\t%(q)s\t%(s)s\t%(D)s' \
    --error-logfile "$run/gunicorn.log" </dev/null &
server=$!
proxy_headers=(-H "X-Forwarded-Proto: https" -H "X-Forwarded-For: 127.0.0.1"
    -H "Accept-Language: fr-FR,fr;q=0.9,en;q=0.5")
for _ in $(seq 1 60); do
    if curl -fsS -o /dev/null "${proxy_headers[@]}" "$url/healthz" 2>/dev/null; then break; fi
    if ! kill -0 "$server" 2>/dev/null; then
        cat "$run/gunicorn.log" >&2
        exit 1
    fi
    sleep 0.5
done
echo "gunicorn: $workers sync workers on $url"

mapfile -t lists < <("$python" -c 'import json, sys; [print(s["file"]) for s in json.load(open(sys.argv[1]))]' "$run/scenarios.json")
check_headers=()
for ((i = 1; i < ${#proxy_headers[@]}; i += 2)); do check_headers+=(--header "${proxy_headers[i]}"); done
"$python" bench/load/check.py --url "$url" "${check_headers[@]}" "${lists[@]/#/$run/}"

cpu() { "$python" bench/load/cpu.py --master "$server" --application-name "$app_name" --out "$1"; }
wrk_run() { # list file, result JSON, seconds
    LOAD_REQUESTS=$1 LOAD_OUT=$2 wrk -t "$threads" -c "$connections" -d "${3}s" --timeout 10s \
        -s bench/load/scenario.lua "${proxy_headers[@]}" "$url" >"$2.txt"
}
# Warm-up, not measured: every worker opens its database connection, loads the matching
# index and compiles the templates.
wrk_run "$run/mix.tsv" "$run/warmup.json" 3

for list in "${lists[@]}"; do
    name=${list%.tsv}
    if [ -n "${LOAD_SCENARIOS:-}" ] && [[ " $LOAD_SCENARIOS " != *" $name "* ]]; then continue; fi
    curl -fsS -o /dev/null "${proxy_headers[@]}" "$url/bench/trivial/?scenario=$name"
    printf '  %-22s %s s...\n' "$name" "$seconds"
    cpu "$run/$name.cpu-before.json"
    wrk_run "$run/$list" "$run/$name.json" "$seconds"
    cpu "$run/$name.cpu-after.json"
done

"$python" bench/load/report.py --dir "$run" --access-log "$run/access.log" --json "$json_out" \
    --meta "target=gunicorn $("$repo/.venv/bin/gunicorn" --version | awk '{print $3}' | tr -d '()') on loopback" \
    --meta "workers=$workers" --meta "threads=$threads" --meta "connections=$connections" \
    --meta "seconds=$seconds" --meta "wrk=$(dpkg-query -W -f='${Version}' wrk 2>/dev/null || echo '?')"
