#!/usr/bin/env bash
# Server time and queries of the main pages at one data size, on PostgreSQL (issue 8).
#   bench/pages.sh small        # part of `make bench`: generates 1/100 of the national size
#   bench/pages.sh national     # `make bench-national`: 500,000 volunteers, 100,000 missions...
# The cluster lives in var/bench-pg/ and is kept between runs with each size's database
# (bench_small, bench_national): data is generated only when its database is missing, so a
# second national run measures at once. `rm -rf var/bench-pg` starts afresh. Figures are
# saved in var/bench/pages-<size>.json; the national run prints the small run's beside its own.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
python=$repo/.venv/bin/python
size=${1:-small}
case $size in small | national) ;; *)
    echo "usage: bench/pages.sh small|national" >&2
    exit 2
    ;;
esac

# shellcheck source=scripts/pg_cluster.sh
. "$repo/scripts/pg_cluster.sh"
export PG_ROOT=$repo/var/bench-pg PG_KEEP=1
# A real server's durability, with memory for the national data set's working set.
export PG_SETTINGS="-c shared_buffers=1GB -c effective_cache_size=4GB -c work_mem=32MB \
-c maintenance_work_mem=512MB -c max_wal_size=4GB -c random_page_cost=1.1"
mkdir -p "$repo/var"
trap pg_teardown EXIT
pg_start
database=bench_$size
export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/$database"
# The matching index of this data set, beside it (the national one: about 450 MB, built once).
export MATCHING_INDEX_DIR=$repo/var/bench-pg/matching-$size
psql_admin() { "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -X -q "$@"; }

if ! psql_admin -d "$database" -c 'select 1 from missions_mission limit 1' >/dev/null 2>&1; then
    echo "== generating the $size data set into $database (once; kept in var/bench-pg)"
    psql_admin -d postgres -c "drop database if exists $database" -c "create database $database"
    "$python" manage.py migrate --no-input -v 0
    DEBUG=true "$python" manage.py generate_scale_data --size "$size" --matching-index build
else
    # A data set kept from an earlier run: brought to this code's migrations (their data
    # steps run on the generated rows, e.g. the sums of validated hours).
    "$python" manage.py migrate --no-input -v 0
fi

mkdir -p var/bench
compare=()
if [ "$size" = national ] && [ -f var/bench/pages-small.json ]; then
    compare=(--compare var/bench/pages-small.json)
fi
"$python" bench/bench_pages.py --label "$size" --json "var/bench/pages-$size.json" "${compare[@]}"
