"""Settings of the load benchmarks (bench/load.sh, bench/cluster_demo.sh).

The site's own settings, read from the environment exactly as in production, plus two
things a benchmark needs and a production site must not have:

- ``ROOT_URLCONF`` adds ``/bench/trivial/`` (bench/urls_bench.py), the floor the pages are
  compared with; the production URLs stay free of it.
- ``STATIC_ROOT`` may point elsewhere (``BENCH_STATIC_ROOT``), so a run collects the static
  files into a temporary folder instead of the checkout's var/static.
"""

from __future__ import annotations

import os
from pathlib import Path

from soscience.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls_bench"

if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
