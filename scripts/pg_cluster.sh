#!/usr/bin/env bash
# A PostgreSQL cluster of our own on loopback, for the tests (throwaway, in .pgtest/) and the
# benchmarks (kept between runs in var/bench-pg/, as generating national data takes minutes).
# Sourced by scripts/test.sh and bench/pages.sh; expects $repo and $python to be set.
#   pg_start          start the cluster (initdb first when needed); sets $pg_port, $pg_bin
#   pg_teardown       stop it; remove its folder unless PG_KEEP=1
# PG_ROOT chooses the folder (default $repo/.pgtest); with PG_KEEP=1 an existing cluster there
# is started again rather than wiped. PG_SETTINGS replaces the tests' no-durability settings.
pg_root=""
pg_socket_tmp=""

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
    if [ -n "$pg_root" ] && [ "${PG_KEEP:-0}" != 1 ]; then
        rm -rf "$pg_root"
    fi
    if [ -n "$pg_socket_tmp" ]; then
        rm -rf "$pg_socket_tmp"
    fi
    pg_root=""
    pg_socket_tmp=""
}

free_port() {
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A folder the cluster owner can write: .pgtest/ in the repository, unless the repository
# sits somewhere the postgres user cannot reach (a clone under a private mktemp folder), in
# which case a private folder of its own under /tmp.
pg_make_root() {
    pg_root=${PG_ROOT:-$repo/.pgtest}
    if [ "${PG_KEEP:-0}" = 1 ] && [ -f "$pg_root/data/PG_VERSION" ]; then
        # A kept cluster: stop it if a killed run left it running, then use it again.
        if [ -f "$pg_root/data/postmaster.pid" ]; then
            as_cluster_owner "$(printf '%q ' "$pg_bin/pg_ctl" -D "$pg_root/data" -m fast -w stop)" \
                >/dev/null 2>&1 || true
        fi
        return 0
    fi
    if [ -d "$pg_root" ]; then
        # Left by an interrupted run (kill -9): stop that cluster and start afresh.
        PG_KEEP=0 pg_teardown
        pg_root=${PG_ROOT:-$repo/.pgtest}
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
    if [ ! -f "$data/PG_VERSION" ] && ! as_cluster_owner "$(printf '%q ' "$pg_bin/initdb" -D "$data" \
        -U postgres --auth=trust --no-sync --no-locale -E UTF8) >$(printf '%q' "$pg_root/initdb.log") 2>&1"; then
        echo "initdb failed:" >&2
        cat "$pg_root/initdb.log" >&2
        return 1
    fi
    local attempt options
    for attempt in 1 2 3; do
        pg_port=$(free_port)
        options="-c listen_addresses=127.0.0.1 -p $pg_port -k '$socket_dir'"
        # Tests need no durability; benchmarks set PG_SETTINGS to measure a real server.
        options+=" ${PG_SETTINGS:--c fsync=off -c synchronous_commit=off -c full_page_writes=off}"
        if as_cluster_owner "$(printf '%q ' "$pg_bin/pg_ctl" -D "$data" -l "$pg_root/server.log" \
            -w -t 60 -o "$options" start) >/dev/null"; then
            return 0
        fi
        echo "PostgreSQL did not start (attempt $attempt):" >&2
        tail -n 20 "$pg_root/server.log" >&2
    done
    return 1
}

