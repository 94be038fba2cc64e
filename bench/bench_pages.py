"""Server time and query count of the main pages on a generated data set (issue 8).

    .venv/bin/python bench/bench_pages.py --label small [--requests 40] [--json FILE]

Django runs in this process against the database of ``DATABASE_URL`` (filled beforehand by
``manage.py generate_scale_data``); each page is requested through Django's test client
as the person who would open it: the whole server side (middleware, view, queries,
template) without a network or a WSGI server. After three warm-up requests, ``--requests``
timed ones give the median and the 95th percentile; one more, under
``CaptureQueriesContext``, counts the queries. ``DEBUG`` is off, as in production. Pages
marked "cold" or "built" are measured with the cache emptied before each request (the impact
figures just after a change to the data; a visitor's page built rather than served from the
page cache); the others with the cache as it fills in use.

``--compare small.json`` prints the other run's figures beside these and the ratio of the
medians: the cost of a page must not grow with the size of the tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The accounts generate_scale_data makes for the benchmarks.
COORDINATOR = "bench-coordinator@example.org"
SUPERVISOR = "bench-supervisor@example.org"
VOLUNTEER = "bench-volunteer@example.org"
MEMBER = "bench-member@example.org"
TARGET_MS = 100.0
TARGET_QUERIES = 15
TARGET_RATIO = 1.5


@dataclass
class Page:
    name: str
    who: str | None  # email of the account, None for a visitor
    url: str
    headers: dict[str, str] | None = None
    # Empty the cache before each request: the cost of a page whose cached part (the impact
    # figures) was just invalidated, as after any change to the data.
    cold: bool = False
    # Mark the cached impact figures stale before each request: what a reader gets just after
    # a change (the previous figures, while a background task recomputes them).
    stale: bool = False


@dataclass
class Result:
    name: str
    url: str
    status: int
    queries: int
    median_ms: float
    p95_ms: float
    kilobytes: float


def configure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soscience.settings")
    os.environ["DEBUG"] = "false"  # no query log growing in memory while we measure
    os.environ["TASKS_BACKEND"] = "django.tasks.backends.dummy.DummyBackend"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def pages() -> list[Page]:
    """The issue's main pages, each on an object a real person would open."""
    from django.urls import reverse

    from soscience.missions.models import Mission

    open_missions = Mission.objects.published().order_by("-published_at", "-pk")
    newest = open_missions.values_list("pk", flat=True).first()
    if newest is None:
        raise SystemExit("no published mission: run manage.py generate_scale_data first")
    catalogue = reverse("missions:catalogue")
    return [
        Page("home", None, reverse("core:home")),
        Page("home, built", None, reverse("core:home"), cold=True),
        Page("catalogue", None, catalogue),
        Page("catalogue, built", None, catalogue, cold=True),
        Page("catalogue, filters", None, f"{catalogue}?domain=water&remote=on"),
        Page("catalogue, filters, built", None, f"{catalogue}?domain=water&remote=on", cold=True),
        Page("catalogue, search", None, f"{catalogue}?q=eau"),
        Page("catalogue, page 5", None, f"{catalogue}?page=5"),
        Page("catalogue, signed in", VOLUNTEER, catalogue),
        Page("mission page", None, reverse("missions:detail", args=[newest])),
        Page("mission page, built", None, reverse("missions:detail", args=[newest]), cold=True),
        Page("volunteer dashboard", VOLUNTEER, reverse("core:dashboard")),
        Page("missions for me", VOLUNTEER, reverse("matching:for_me")),
        Page("triage queue", COORDINATOR, reverse("needs:triage")),
        Page("suggestions", COORDINATOR, reverse("matching:suggestions", args=[newest])),
        Page("supervisor's missions", SUPERVISOR, reverse("supervision:my_missions")),
        Page("impact dashboard", COORDINATOR, reverse("impact:dashboard")),
        Page("impact dashboard, stale", COORDINATOR, reverse("impact:dashboard"), stale=True),
        Page("impact dashboard, cold", COORDINATOR, reverse("impact:dashboard"), cold=True),
        Page("public impact", None, reverse("impact:public")),
        Page("public impact, stale", None, reverse("impact:public"), stale=True),
        Page("public impact, cold", None, reverse("impact:public"), cold=True),
        Page("API mission list", None, reverse("api:api-v1:missions_list")),
    ]


def client_for(email: str | None, clients: dict[str | None, object]):
    from django.test import Client

    if email not in clients:
        client = Client()
        if email is not None:
            client.force_login(_account(email))
        clients[email] = client
    return clients[email]


def _account(email: str):
    """The named account, with a TOTP device when its role requires one (as in production:
    the check stays in the measured path)."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(email=email)
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bench"}}
    )
    return user


def measure(page: Page, get: Callable[[], object], requests: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        response = get()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        get()
        times.append(1000 * (time.perf_counter() - started))
    with CaptureQueriesContext(connection) as captured:
        response = get()
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return Result(
        name=page.name,
        url=page.url,
        status=response.status_code,
        queries=len(captured),
        median_ms=statistics.median(times),
        p95_ms=p95,
        kilobytes=len(response.content) / 1024,
    )


def _empty_caches() -> None:
    from soscience.core.page_cache import empty_caches

    empty_caches()


def run(requests: int) -> list[Result]:
    clients: dict[str | None, object] = {}
    results = []
    from django.core.cache import cache

    from soscience.impact.freshness import VERSION_KEY, new_version

    for page in pages():
        client = client_for(page.who, clients)

        def get(page: Page = page, client=client) -> object:
            if page.cold:
                _empty_caches()
            if page.stale:
                cache.set(VERSION_KEY, new_version(), None)
            return client.get(page.url, headers=page.headers)

        results.append(measure(page, get, requests))
        print(f"  {page.name}: {results[-1].median_ms:.1f} ms", file=sys.stderr, flush=True)
    return results


def data_size() -> dict[str, int]:
    from django.contrib.auth import get_user_model

    from soscience.applications.models import Application
    from soscience.execution.models import HoursEntry, ProgressUpdate
    from soscience.missions.models import Mission
    from soscience.organisations.models import Organisation

    return {
        "users": get_user_model().objects.count(),
        "organisations": Organisation.objects.count(),
        "missions": Mission.objects.count(),
        "applications": Application.objects.count(),
        "updates": ProgressUpdate.objects.count(),
        "hours": HoursEntry.objects.count(),
    }


def mark(value: float, target: float) -> str:
    return "" if value <= target else " !"


def print_table(label: str, results: list[Result], other: dict | None) -> None:
    from django.db import connection

    print(f"Pages: server time and queries ({label}, {connection.vendor}, {platform.node()})")
    head = f"{'page':<27}{'status':>7}{'queries':>9}{'median ms':>11}{'p95 ms':>9}{'KB':>7}"
    if other:
        head += f"{other['label'] + ' p95':>13}{'ratio':>7}"
    print(head)
    before = {r["name"]: r for r in other["results"]} if other else {}
    for r in results:
        line = (
            f"{r.name:<27}{r.status:>7}{r.queries:>8}{mark(r.queries, TARGET_QUERIES):1}"
            f"{r.median_ms:>11.1f}{r.p95_ms:>8.1f}{mark(r.p95_ms, TARGET_MS):1}{r.kilobytes:>7.1f}"
        )
        if (small := before.get(r.name)) is not None:
            ratio = r.median_ms / small["median_ms"]
            line += f"{small['p95_ms']:>13.1f}{ratio:>6.2f}{mark(ratio, TARGET_RATIO):1}"
        print(line)
    print(
        f"(! : beyond the target: p95 {TARGET_MS:.0f} ms, {TARGET_QUERIES} queries,"
        f" ratio {TARGET_RATIO})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="this run")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--json", type=Path, help="save the figures here")
    parser.add_argument("--compare", type=Path, help="figures of another run to compare with")
    args = parser.parse_args()
    configure()
    size = data_size()
    print("Data: " + ", ".join(f"{name} {count:,}" for name, count in size.items()))
    results = run(args.requests)
    other = json.loads(args.compare.read_text()) if args.compare and args.compare.exists() else None
    print_table(args.label, results, other)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"label": args.label, "size": size, "results": [asdict(r) for r in results]}
        args.json.write_text(json.dumps(payload, indent=1))


if __name__ == "__main__":
    main()
