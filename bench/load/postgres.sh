# A throwaway PostgreSQL cluster for the load benchmarks, sourced by bench/load.sh and
# bench/cluster_demo.sh (the same recipe as scripts/test.sh, in a folder of its own so it never
# touches the test suite's .pgtest/).
#   pg_start       initdb + start on a free loopback port, create the database "soscience";
#                  sets pg_url (postgres://postgres@127.0.0.1:<port>/soscience)
#   pg_stop        stop it and remove its folder (safe to call twice, or when none started)
# The caller runs pg_stop from its EXIT trap.

pg_root=""
pg_bin=""
pg_url=""

# initdb and postgres refuse to run as root: as root they run as the postgres user.
pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        su postgres -s /bin/sh -c "cd / && $1"
    else
        sh -c "$1"
    fi
}

pg_find_bin() {
    find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1
}

pg_start() {
    pg_bin=$(pg_find_bin)
    if [ -z "$pg_bin" ]; then
        scripts/system_packages.sh postgresql
        pg_bin=$(pg_find_bin)
    fi
    # Its own folder under /tmp (the postgres user must reach it; a socket path is short).
    pg_root=$(mktemp -d "${TMPDIR:-/tmp}/soscience-pg.XXXXXX")
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$pg_root"; fi
    local data=$pg_root/data port options attempt
    if ! pg_as_owner "$(printf '%q ' "$pg_bin/initdb" -D "$data" -U postgres --auth=trust \
        --no-sync --no-locale -E UTF8) >$(printf '%q' "$pg_root/initdb.log") 2>&1"; then
        cat "$pg_root/initdb.log" >&2
        return 1
    fi
    for attempt in 1 2 3; do
        port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        # Durability off: a benchmark's database is thrown away (writes are rare in the load
        # test: sessions are made beforehand; the cluster demo's mail rows are few).
        options="-c listen_addresses=127.0.0.1 -p $port -k '$pg_root' -c fsync=off"
        options+=" -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        if pg_as_owner "$(printf '%q ' "$pg_bin/pg_ctl" -D "$data" -l "$pg_root/server.log" \
            -w -t 60 -o "$options" start) >/dev/null"; then
            "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres soscience
            pg_url="postgres://postgres@127.0.0.1:$port/soscience"
            return 0
        fi
        echo "PostgreSQL did not start (attempt $attempt):" >&2
        tail -n 20 "$pg_root/server.log" >&2
    done
    return 1
}

pg_stop() {
    if [ -n "$pg_root" ] && [ -f "$pg_root/data/postmaster.pid" ]; then
        pg_as_owner "$(printf '%q ' "$pg_bin/pg_ctl" -D "$pg_root/data" -m fast -w stop)" \
            >/dev/null 2>&1 \
            || pg_as_owner "$(printf '%q ' "$pg_bin/pg_ctl" -D "$pg_root/data" -m immediate stop)" \
                >/dev/null 2>&1 || true
    fi
    if [ -n "$pg_root" ]; then rm -rf "$pg_root"; fi
    pg_root=""
}

# The data the benchmarks run on: generate_scale_data's small size when the command exists,
# else the demo data. Needs DATABASE_URL set and the database migrated.
load_bench_data() {
    if .venv/bin/python manage.py help generate_scale_data >/dev/null 2>&1; then
        .venv/bin/python manage.py generate_scale_data --size "${1:-small}"
    else
        echo "(manage.py generate_scale_data is not there yet: the demo data instead)"
        .venv/bin/python manage.py load_demo_data >/dev/null
    fi
}
