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

# --- the throwaway PostgreSQL cluster (removed whatever happens) -------------------------

# shellcheck source=scripts/pg_cluster.sh
. "$repo/scripts/pg_cluster.sh"
trap pg_teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

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
