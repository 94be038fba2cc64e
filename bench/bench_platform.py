"""Platform benchmark: the outbox, the impact figures and the exports on a synthetic data set.

    .venv/bin/python bench/bench_platform.py [--scale 1.0] [--seed 7] [--trace-all] [--keep]

Django runs on a throwaway SQLite file under /tmp (never var/db.sqlite3), migrated from
scratch, filled by `platform_data.py` (at scale 1: 2,000 organisations, 5,000 missions,
20,000 volunteers, 200,000 validated hours entries, 2,000 closing surveys). Mail goes to
Django's locmem backend, so the outbox figure is our per-mail overhead, not SMTP's. Peak
memory is tracemalloc's: Python objects only (not SQLite's page cache, nor C libraries).
"""

from __future__ import annotations

import argparse
import inspect
import itertools
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

Row = tuple[str, str]


def configure(database: Path) -> None:
    """Point Django at ``database`` before anything reads the settings."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "soscience.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DEBUG"] = "false"  # no query log growing in memory while we measure
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    # The outbox nudges the worker on commit; here we send ourselves, so nothing runs it.
    os.environ["TASKS_BACKEND"] = "django.tasks.backends.dummy.DummyBackend"
    import django

    django.setup()
    from django.conf import settings

    name = Path(settings.DATABASES["default"]["NAME"])
    if name != database:  # never measure (or write) anything but the throwaway file
        raise SystemExit(f"refusing to run on {name}")


def _file_size(database: Path) -> int:
    wal = database.with_name(database.name + "-wal")
    return database.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def megabytes(size: float) -> str:
    return f"{size / 1024 / 1024:.1f}"


def median_run(function: Callable[[], object], runs: int = 5) -> tuple[float, int]:
    """Median wall time (ms) over ``runs`` calls, and the queries of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times), len(captured)


def consume(chunks: Iterable[bytes]) -> tuple[int, int]:
    """Read a response the way a client would; returns (chunks, bytes)."""
    count = size = 0
    for chunk in chunks:
        count += 1
        size += len(chunk)
    return count, size


def traced(function: Callable[[], object]) -> tuple[object, float, int]:
    """Run ``function`` under tracemalloc: its result, wall time (s), peak bytes."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    try:
        result = function()
        return result, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- 1. the outbox -----------------------------------------------------------------------


def bench_outbox(count: int) -> list[Row]:
    from django.core import mail
    from django.core.mail import EmailMessage
    from django.db import transaction

    from soscience.core.mail import enqueue_message
    from soscience.core.outbox import send_due_mail

    mail.outbox = []
    started = time.perf_counter()
    with transaction.atomic():  # one action writing many mails (a digest run)
        for i in range(count):
            body = f"Bonjour,\n\nUne nouvelle mission correspond à votre profil ({i}).\n"
            enqueue_message(EmailMessage(f"Mission {i}", body, to=[f"v{i}@example.org"]))
    written = time.perf_counter() - started
    started = time.perf_counter()
    sent = batches = 0
    while batch := send_due_mail():  # one mail, one transaction; 500 per batch
        sent += batch
        batches += 1
    sending = time.perf_counter() - started
    assert sent == count == len(mail.outbox), (sent, len(mail.outbox))  # noqa: S101
    return [
        (f"write {count:,} mails, one transaction (s)", f"{written:.2f}"),
        ("  mails written per second", f"{count / written:,.0f}"),
        (f"send them to locmem, {batches} batches (s)", f"{sending:.2f}"),
        ("  mails sent per second", f"{sent / sending:,.0f}"),
        ("  per mail: lock, send, mark sent, commit (ms)", f"{1000 * sending / sent:.2f}"),
    ]


# --- 2. the impact figures ---------------------------------------------------------------


def bench_figures(year: int) -> list[Row]:
    from soscience.impact.figures import Filters, dashboard, public_figures

    rows = []
    for label, function in (
        ("dashboard(Filters())", lambda: dashboard(Filters())),
        (f"dashboard(Filters(year={year}))", lambda: dashboard(Filters(year=year))),
        ("dashboard(year, campus, domain)",
         lambda: dashboard(Filters(year=year, campus="espci", domain="water"))),
        ("public_figures()", public_figures),
    ):  # fmt: skip
        ms, queries = median_run(function)
        rows.append((f"{label}: median of 5 (ms) / queries", f"{ms:,.0f} / {queries}"))
    return rows


def _page(client: object, url: str, before: Callable[[], object] | None = None) -> str:
    """One page through the test client (every middleware, the template): the median of 5
    server times, the queries of one load and the size of the HTML. ``before`` runs before
    each load, outside the time and the query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def load() -> tuple[float, int, int]:
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)  # type: ignore[attr-defined]
            ms = 1000 * (time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)  # noqa: S101
        return ms, len(captured), len(response.content)

    load()  # the session, the templates and the translations warmed
    runs = [load() for _ in range(5)]
    ms = statistics.median(run[0] for run in runs)
    return f"{ms:,.0f} / {runs[-1][1]} / {runs[-1][2] / 1024:,.0f}"


def _sizes() -> str:
    """What the shared cache stores per entry (pickled, as every backend does)."""
    import pickle

    from django.core.cache import cache

    sizes = [len(pickle.dumps(cache.get(f"impact:{key}:en"))) / 1024
             for key in ("dashboard::::", "public")]  # fmt: skip
    return " / ".join(f"{size:,.0f}" for size in sizes)


DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "soscience_cache",
    }
}


def bench_pages(coordinator: object, year: int) -> list[Row]:
    """The impact pages as a person gets them: figures recomputed on every load (the version
    bumped before each: what the first reader after a change waits), then from the cache,
    in local memory (development) and in the database cache (production: one query more)."""
    from django.core.management import call_command
    from django.test import Client, override_settings

    try:  # the figures cache (issue 8); absent before it, when every load recomputes
        from soscience.impact.freshness import figures_changed
    except ImportError:
        figures_changed = None

    rows: list[Row] = []
    pages = (
        ("dashboard, all years", True, "/impact/dashboard/"),
        (f"dashboard, {year}", True, f"/impact/dashboard/?year={year}"),
        ("public impact page", False, "/impact/"),
    )
    with override_settings(SOSCIENCE_MFA_REQUIRED_ROLES=[], ALLOWED_HOSTS=["testserver"]):
        coordinators, visitors = Client(), Client(headers={"accept-language": "en"})
        coordinators.force_login(coordinator)
        for label, signed_in, url in pages:
            client = coordinators if signed_in else visitors
            if figures_changed is None:
                rows.append((f"{label}: ms / queries / KB", _page(client, url)))
                continue
            rows.append((f"{label}, recomputed: ms / queries / KB",
                         _page(client, url, figures_changed)))  # fmt: skip
            rows.append((f"{label}, cached in memory: ms / queries / KB", _page(client, url)))
        if figures_changed is None:
            return rows
        rows.append(("cached entries pickled: dashboard all years / public (KB)", _sizes()))
        with override_settings(CACHES=DATABASE_CACHE):
            call_command("createcachetable", verbosity=0)  # reads the CACHES in force
            for label, signed_in, url in pages:
                client = coordinators if signed_in else visitors
                rows.append((f"{label}, cached in the database: ms / queries / KB",
                             _page(client, url)))  # fmt: skip
    return rows


# --- 3. the exports ----------------------------------------------------------------------


def export(user: object, table: str, fmt: str, query: str = "") -> tuple[int, int]:
    """One export through the real view, read to the end: (chunks, bytes)."""
    from django.test import RequestFactory

    from soscience.impact.views_exports import table as table_view

    request = RequestFactory().get(f"/impact/exports/{table}.{fmt}?{query}")
    request.user = user
    # Past the decorators (GET only, sudo mode: they need a session this request has not):
    # what is measured is the export itself.
    response = inspect.unwrap(table_view)(request, table=table, fmt=fmt)
    try:
        return consume(response.streaming_content)
    finally:
        response.close()


def _rows(year: int | None = None, campus: str | None = None) -> int:
    from soscience.impact.figures import Filters, validated_hours

    return validated_hours(Filters(year=year, campus=campus)).count()


def bench_exports(user: object, year: int, trace_all: bool) -> list[Row]:
    """Each format timed on its own (tracemalloc slows Python down about threefold), then
    its peak memory traced over growing subsets: flat means the same peak for each."""
    from soscience.impact.exports import TABLES
    from soscience.impact.figures import Filters

    everything = _rows()
    subsets = [(f"year {year}, one campus", f"year={year}&campus=espci", _rows(year, "espci")),
               (f"year {year}", f"year={year}", _rows(year))]  # fmt: skip
    if trace_all:
        subsets.append(("all years", "", everything))
    rows: list[Row] = []
    for fmt, timed_query, timed_rows in (
        ("csv", "", everything), ("xlsx", f"year={year}", _rows(year))
    ):  # fmt: skip
        what = "all years" if not timed_query else f"year {year}"
        started = time.perf_counter()
        _, size = export(user, "hours", fmt, timed_query)
        seconds = time.perf_counter() - started
        rows += [
            (f"hours {fmt.upper()}, {what}: {timed_rows:,} rows (s)", f"{seconds:.1f}"),
            ("  rows per second", f"{timed_rows / seconds:,.0f}"),
            ("  file size (MB)", megabytes(size)),
        ]
        for label, query, count in subsets:
            (_, size), _, peak = traced(lambda f=fmt, q=query: export(user, "hours", f, q))
            rows.append((f"  peak, {label}: {count:,} rows, {megabytes(size)} MB file (MB)",
                         megabytes(peak)))  # fmt: skip
    # What holding the rows would cost instead of streaming them: 10,000 rows materialised,
    # scaled to the whole table (memory grows linearly with rows).
    sample = min(10_000, everything)
    _, _, held = traced(lambda: list(itertools.islice(TABLES["hours"].rows(Filters()), sample)))
    rows.append((f"the {everything:,} rows held in a list instead (MB, from {sample:,})",
                 megabytes(held * everything / sample)))  # fmt: skip
    return rows


# --- the run -----------------------------------------------------------------------------


def print_table(title: str, rows: list[Row]) -> None:
    width = max(len(name) for name, _ in rows)
    print(f"\n{title}")
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 11}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 200,000 hours entries")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mails", type=int, default=5_000)
    parser.add_argument("--keep", action="store_true", help="keep the database file")
    parser.add_argument(
        "--trace-all", action="store_true", help="trace the exports of all years too (slow)"
    )
    arguments = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="soscience-bench-"))
    total = time.perf_counter()
    try:
        configure(directory / "db.sqlite3")
        run(arguments, directory / "db.sqlite3")
    finally:
        if arguments.keep:
            print(f"database kept: {directory / 'db.sqlite3'}")
        else:
            shutil.rmtree(directory, ignore_errors=True)
    print(f"\ntotal run time: {time.perf_counter() - total:.0f} s")


def run(arguments: argparse.Namespace, database: Path) -> None:
    from django.core.management import call_command
    from django.utils import timezone, translation
    from platform_data import populate

    translation.activate("en")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    started = time.perf_counter()
    data = populate(arguments.scale, arguments.seed)
    generated = time.perf_counter() - started
    # SQLite plans without statistics until ANALYZE: the filtered impact figures then probe
    # the unique index of the hours' sums for every (mission, volunteer, year) of the
    # filters, 10 times slower. A real database has them (PostgreSQL's autovacuum; SQLite's
    # "PRAGMA optimize", docs/operations.md).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    sizes = data.sizes
    year = timezone.localdate().year - 1  # the last full year
    print(f"Platform benchmark (Python {platform.python_version()}, {platform.machine()}, "
          f"SQLite, {os.cpu_count()} cores), scale {arguments.scale}")  # fmt: skip
    print_table("Data set", [
        ("organisations / missions", f"{sizes.organisations:,} / {sizes.missions:,}"),
        ("volunteers / team places", f"{sizes.volunteers:,} / {data.team_members:,}"),
        ("validated hours entries / closing surveys", f"{sizes.hours:,} / {sizes.surveys:,}"),
        ("migrate (s) / generate with bulk_create (s)", f"{migrated:.1f} / {generated:.1f}"),
        ("database file with its WAL (MB)", megabytes(_file_size(database))),
    ])  # fmt: skip
    print_table("1. Outbox (enqueue_message, then send_due_mail to locmem)",
                bench_outbox(arguments.mails))  # fmt: skip
    print_table("2. Impact figures", bench_figures(year))
    print_table("2b. Impact pages through the test client (median of 5)",
                bench_pages(data.coordinator, year))  # fmt: skip
    print_table("3. Exports through the view (RequestFactory, a coordinator)",
                bench_exports(data.coordinator, year, arguments.trace_all))  # fmt: skip


if __name__ == "__main__":
    main()
