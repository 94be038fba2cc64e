#!/usr/bin/env bash
# Matching benchmark on one core: `make bench` calls this script.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMEXPR_NUM_THREADS=1
if command -v taskset >/dev/null 2>&1; then
    exec taskset -c 0 .venv/bin/python bench/bench_matching.py "$@"
fi
exec .venv/bin/python bench/bench_matching.py "$@"
