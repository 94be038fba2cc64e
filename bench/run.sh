#!/usr/bin/env bash
# The benchmarks, one after the other: `make bench` calls this script.
#   1. matching on one core (arguments of this script go to bench_matching.py);
#   2. the platform (outbox, impact figures, exports) on a throwaway SQLite database under
#      /tmp; its options in BENCH_PLATFORM_ARGS, e.g. BENCH_PLATFORM_ARGS="--scale 0.1";
#   3. the main pages' server time and queries on PostgreSQL at the small size (bench/pages.sh;
#      the national size is `make bench-national`);
#   4. throughput under load (bench/load.sh: gunicorn, wrk, the trivial-view floor);
#   5. page weight and Lighthouse scores of the main pages (bench/weight.py, bench/lighthouse.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMEXPR_NUM_THREADS=1
pin=()
if command -v taskset >/dev/null 2>&1; then
    pin=(taskset -c 0)
fi
"${pin[@]}" .venv/bin/python bench/bench_matching.py "$@"
echo
# shellcheck disable=SC2086  # the options are meant to be split into words
.venv/bin/python bench/bench_platform.py ${BENCH_PLATFORM_ARGS:-}
echo
bench/pages.sh small
echo
bench/load.sh
echo
.venv/bin/python bench/weight.py
echo
bench/lighthouse.sh
