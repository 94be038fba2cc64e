#!/usr/bin/env bash
# The whole suite as CI runs it: on SQLite, then on a throwaway PostgreSQL cluster, then the
# browser tests (Chromium, on SQLite). Every stage runs even if an earlier one failed; the
# exit status is non-zero if any failed, and the cluster is removed whatever happens.
# Called by `make test`, which installs what this needs first.
# Extra pytest arguments for every stage: PYTEST_ARGS="-k mail" make test
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
python=$repo/.venv/bin/python
read -r -a extra <<<"${PYTEST_ARGS:-}"
# This script picks the database of each stage itself: SQLite unless told otherwise below.
unset DATABASE_URL
failed=()
pg_root=""
pg_socket_tmp=""

banner() { printf '\n== %s ==\n' "$*"; }

# One pytest run. A failure is recorded, not fatal, so the later stages still run.
run_stage() {
    local name=$1 started=$SECONDS status=0
    shift
    "$python" -m pytest -q -rfEs "$@" "${extra[@]}" || status=$?
    # PYTEST_ARGS may select nothing in one stage (exit 5); without it, 5 means no test ran.
    if [ "$status" -eq 5 ] && [ ${#extra[@]} -gt 0 ]; then
        status=0
    fi
    if [ "$status" -ne 0 ]; then
        failed+=("$name")
    fi
    last_stage_seconds=$((SECONDS - started))
}

# --- the throwaway PostgreSQL cluster -------------------------------------------------

# initdb and postgres refuse to run as root: as root they run as the postgres user.
as_cluster_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        su postgres -s /bin/sh -c "cd / && $1"
    else
        sh -c "$1"
    fi
}

pg_teardown() {
    if [ -n "$pg_root" ] && [ -f "$pg_root/data/postmaster.pid" ]; then
        as_cluster_owner "$(printf '%q ' "$pg_bin/pg_ctl" -D "$pg_root/data" -m fast -w stop)" \
            >/dev/null 2>&1 \
            || as_cluster_owner "$(printf '%q ' "$pg_bin/pg_ctl" -D "$pg_root/data" -m immediate stop)" \
                >/dev/null 2>&1 || true
    fi
    if [ -n "$pg_root" ]; then
        rm -rf "$pg_root"
    fi
    if [ -n "$pg_socket_tmp" ]; then
        rm -rf "$pg_socket_tmp"
    fi
    pg_root=""
    pg_socket_tmp=""
}
trap pg_teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A folder the cluster owner can write: .pgtest/ in the repository, unless the repository
# sits somewhere the postgres user cannot reach (a clone under a private mktemp folder), in
# which case a private folder of its own under /tmp.
pg_make_root() {
    pg_root=$repo/.pgtest
    if [ -d "$pg_root" ]; then
        # Left by an interrupted run (kill -9): stop that cluster and start afresh.
        pg_teardown
        pg_root=$repo/.pgtest
    fi
    mkdir -p "$pg_root"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$pg_root"
        if ! as_cluster_owner "test -w $(printf '%q' "$pg_root")" 2>/dev/null; then
            rm -rf "$pg_root"
            pg_root=$(mktemp -d "${TMPDIR:-/tmp}/soscience-pgtest.XXXXXX")
            chown postgres: "$pg_root"
            echo "(user postgres cannot reach $repo: the cluster lives in $pg_root)"
        fi
    fi
}

pg_start() {
    pg_bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null \
        | sort -V | tail -n 1)
    if [ -z "$pg_bin" ]; then
        echo "PostgreSQL is not installed (apt-get install postgresql)." >&2
        return 1
    fi
    pg_make_root || return 1
    local data=$pg_root/data socket_dir
    socket_dir=$data
    # A Unix socket path is limited to 107 bytes: a deep checkout gets a short folder instead.
    if [ $((${#socket_dir} + 20)) -gt 100 ]; then
        pg_socket_tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgsock.XXXXXX")
        if [ "$(id -u)" -eq 0 ]; then chown postgres: "$pg_socket_tmp"; fi
        socket_dir=$pg_socket_tmp
    fi
    if ! as_cluster_owner "$(printf '%q ' "$pg_bin/initdb" -D "$data" -U postgres --auth=trust \
        --no-sync --no-locale -E UTF8) >$(printf '%q' "$pg_root/initdb.log") 2>&1"; then
        echo "initdb failed:" >&2
        cat "$pg_root/initdb.log" >&2
        return 1
    fi
    local attempt options
    for attempt in 1 2 3; do
        pg_port=$(free_port)
        options="-c listen_addresses=127.0.0.1 -p $pg_port -k '$socket_dir' -c fsync=off"
        options+=" -c synchronous_commit=off -c full_page_writes=off"
        if as_cluster_owner "$(printf '%q ' "$pg_bin/pg_ctl" -D "$data" -l "$pg_root/server.log" \
            -w -t 60 -o "$options" start) >/dev/null"; then
            return 0
        fi
        echo "PostgreSQL did not start (attempt $attempt):" >&2
        tail -n 20 "$pg_root/server.log" >&2
    done
    return 1
}

# --- the stages ---------------------------------------------------------------------------

banner "tests on SQLite"
run_stage SQLite -m "not browser"
echo "-- SQLite stage: ${last_stage_seconds} s"

banner "tests on PostgreSQL"
started=$SECONDS
if pg_start; then
    echo "-- throwaway cluster $pg_bin on 127.0.0.1:$pg_port, started in $((SECONDS - started)) s"
    DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/soscience" \
        run_stage PostgreSQL -m "not browser"
    echo "-- PostgreSQL stage: ${last_stage_seconds} s"
else
    failed+=("PostgreSQL (cluster did not start)")
fi
pg_teardown

banner "browser tests"
run_stage browser -m browser --tracing=retain-on-failure \
    --screenshot=only-on-failure --output="$repo/test-results"

if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED stages: ${failed[*]}"
    exit 1
fi
