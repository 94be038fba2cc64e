"""Page weight of the main pages, as a browser receives them (issue 8).

    .venv/bin/python bench/weight.py [--json var/bench/weight.json] [--keep]
    .venv/bin/python bench/weight.py --serve URLS_FILE   # for bench/lighthouse.sh

The site runs as in production, on loopback: gunicorn, ``DEBUG`` off, ``collectstatic`` into
a temporary folder with WhiteNoise's ``CompressedManifestStaticFilesStorage`` (hashed names,
gzip and brotli copies, long cache headers), the demo data (``load_demo_data``) in a
throwaway SQLite file under /tmp: a page's weight does not depend on the size of the tables,
and ``var/db.sqlite3`` is never touched. In production nginx compresses the pages themselves
(docs/deploy.md, ``gzip``); here Django's GZipMiddleware stands for it, unless
``--no-proxy-gzip`` asks for the pages as gunicorn alone sends them.

Each page is opened in Debian's Chromium (Playwright) in a fresh browser context, so with an
empty cache, as a first visit; every response is read from the DevTools protocol:
``encodedDataLength`` (bytes on the wire, headers included, compressed as the browser
received them: what DevTools shows as "transferred") and the decoded body size. The same page
is then opened a second time in the same context: the "again" column is what a returning
visitor downloads once the static files are cached.

``--serve`` prepares the same site, writes the public pages' addresses to URLS_FILE (one a
line) and serves until it is stopped (SIGTERM or SIGINT): bench/lighthouse.sh runs Lighthouse
against it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
CHROMIUM = "/usr/bin/chromium"
# The flags the browser tests use (tests/browser/conftest.py): Debian's Chromium, headless.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TARGET_KB = 60.0
KINDS = ("html", "css", "js", "font", "image", "other")
# DevTools resource types, grouped as the table shows them; the favicon's type is "Other",
# so the MIME type decides first.
KIND_OF_TYPE = {
    "Document": "html",
    "Stylesheet": "css",
    "Script": "js",
    "Font": "font",
    "Image": "image",
}
KIND_OF_MIME = {"text/html": "html", "text/css": "css", "image/": "image", "font/": "font"}

# The production side of the settings that matter for weight, on top of the project's own:
# PRODUCTION itself cannot be set here (it demands PostgreSQL, HTTPS and secure cookies).
SETTINGS_MODULE = "weight_settings"
SETTINGS_SOURCE = '''\
"""Written by bench/weight.py: the project's settings, static files as in production."""
import os
from pathlib import Path

from soscience.settings import *  # noqa: F403
from soscience.settings import STORAGES

DEBUG = False
STATIC_ROOT = Path(os.environ["WEIGHT_STATIC_ROOT"])
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The demo accounts have no second factor; the pages behind it are what we weigh.
SOSCIENCE_MFA_REQUIRED_ROLES = []
if os.environ.get("WEIGHT_PROXY_GZIP") == "1":
    # Stands for nginx's gzip in front of gunicorn (docs/deploy.md): pages are compressed
    # there, not by Django. Static files come compressed from WhiteNoise either way.
    MIDDLEWARE = ["django.middleware.gzip.GZipMiddleware", *MIDDLEWARE]  # noqa: F405
'''

VOLUNTEER = "benevole@soscience.test"
COORDINATOR = "coordination@soscience.test"


@dataclass
class Page:
    name: str
    url: str
    who: str | None = None  # email of the signed-in account, None for a visitor

    @property
    def public(self) -> bool:
        return self.who is None


@dataclass
class Resource:
    url: str
    kind: str
    status: int
    transferred: int  # bytes on the wire, headers included, compressed
    body: int  # decoded body bytes
    encoding: str
    cache_control: str


@dataclass
class Load:
    resources: list[Resource] = field(default_factory=list)

    def kb(self, kind: str | None = None) -> float:
        picked = [r for r in self.resources if kind is None or r.kind == kind]
        return sum(r.transferred for r in picked) / 1024

    def body_kb(self) -> float:
        return sum(r.body for r in self.resources) / 1024


@dataclass
class Weight:
    page: Page
    first: Load
    again: Load

    def row(self) -> dict[str, Any]:
        return {
            "page": self.page.name,
            "url": self.page.url,
            "public": self.page.public,
            "kb": {kind: round(self.first.kb(kind), 2) for kind in KINDS},
            "total_kb": round(self.first.kb(), 2),
            "uncompressed_kb": round(self.first.body_kb(), 2),
            "requests": len(self.first.resources),
            "again_kb": round(self.again.kb(), 2),
            "again_requests": len(self.again.resources),
            "over_target": self.page.public and self.first.kb() > TARGET_KB,
            "resources": [asdict(r) for r in self.first.resources],
        }


# --- the site -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configure(folder: Path, proxy_gzip: bool) -> None:
    """Point Django (here and in gunicorn) at a database and static root inside ``folder``."""
    (folder / f"{SETTINGS_MODULE}.py").write_text(SETTINGS_SOURCE, encoding="utf-8")
    sys.path.insert(0, str(folder))
    sys.path.insert(1, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        PYTHONPATH=os.pathsep.join([str(folder), str(ROOT)]),
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        WEIGHT_STATIC_ROOT=str(folder / "static"),
        DEBUG="false",
        TASKS_BACKEND="django.tasks.backends.dummy.DummyBackend",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        WEIGHT_PROXY_GZIP="1" if proxy_gzip else "0",
    )
    import django

    django.setup()
    from django.conf import settings

    if Path(settings.DATABASES["default"]["NAME"]).parent != folder:
        raise SystemExit("refusing to run: the settings name a database outside the temp folder")


def prepare() -> None:
    from django.core.management import call_command

    if not (ROOT / "var" / "assets" / "vendor" / "htmx.min.js").exists():
        raise SystemExit("var/assets/vendor/htmx.min.js is missing: run `make assets` first")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo_data", quiet=True)
    call_command("collectstatic", verbosity=0, interactive=False)


def main_pages() -> list[Page]:
    """The issue's main pages, each on an object of the demo a real person would open."""
    from django.urls import reverse

    from soscience.applications.models import TeamMember
    from soscience.cases.models import Case
    from soscience.missions.models import Mission

    mission = Mission.objects.published().order_by("-published_at", "-pk").first()
    case = Case.objects.filter(status=Case.Status.PUBLISHED).order_by("-published_at").first()
    team = (
        TeamMember.objects.filter(volunteer__email=VOLUNTEER)
        .order_by("-mission__status", "-pk")
        .values_list("mission_id", flat=True)
    )
    if mission is None or case is None or not team:
        raise SystemExit("the demo data has no open mission, published case or team place")
    return [
        Page("home", reverse("core:home")),
        Page("catalogue", reverse("missions:catalogue")),
        Page("mission page", reverse("missions:detail", args=[mission.pk])),
        Page("public impact", reverse("impact:public")),
        Page("events", reverse("events:list")),
        Page("cases", reverse("cases:list")),
        Page("a case", reverse("cases:detail", args=[case.slug])),
        Page("privacy notice", reverse("privacy:notice")),
        Page("log in", reverse("account_login")),
        Page("volunteer dashboard", reverse("core:dashboard"), VOLUNTEER),
        Page("mission space", reverse("execution:space", args=[team[0]]), VOLUNTEER),
        Page("impact dashboard", reverse("impact:dashboard"), COORDINATOR),
    ]


def session_cookie(email: str) -> dict[str, str]:
    """A signed-in session for ``email``, made as Django's test client does it."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value}


@contextmanager
def gunicorn(port: int) -> Iterator[str]:
    base = f"http://127.0.0.1:{port}"
    command = [
        str(VENV_BIN / "gunicorn"),
        "soscience.wsgi",
        f"--bind=127.0.0.1:{port}",
        "--workers=2",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, start_new_session=True)  # noqa: S603
    try:
        wait_until_up(f"{base}/healthz", server)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  # loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {url} within 60 s")


@contextmanager
def site(keep: bool, proxy_gzip: bool) -> Iterator[tuple[str, list[Page]]]:
    folder = Path(tempfile.mkdtemp(prefix="soscience-weight-"))
    try:
        configure(folder, proxy_gzip)
        prepare()
        pages = main_pages()
        with gunicorn(free_port()) as base:
            yield base, pages
    finally:
        if keep:
            print(f"kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


# --- the browser --------------------------------------------------------------------------


class Recorder:
    """Every response of one page load, from the DevTools protocol's Network events."""

    def __init__(self, cdp: Any) -> None:
        self.responses: dict[str, dict[str, Any]] = {}
        self.finished: dict[str, int] = {}
        self.decoded: dict[str, int] = {}
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")
        # The browser's own caching must stay on: the second load measures it.
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})

    def _response(self, event: dict[str, Any]) -> None:
        self.responses[event["requestId"]] = event

    def _data(self, event: dict[str, Any]) -> None:
        request_id = event["requestId"]
        self.decoded[request_id] = self.decoded.get(request_id, 0) + event["dataLength"]

    def _finished(self, event: dict[str, Any]) -> None:
        self.finished[event["requestId"]] = int(event["encodedDataLength"])

    def take(self) -> Load:
        load = Load()
        for request_id, event in self.responses.items():
            response = event["response"]
            headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
            transferred = self.finished.get(request_id, 0)
            if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
                transferred = 0
            if transferred == 0 and not response["url"].startswith("http"):
                continue  # data: URLs
            load.resources.append(
                Resource(
                    url=response["url"],
                    kind=kind_of(event),
                    status=int(response["status"]),
                    transferred=transferred,
                    body=self.decoded.get(request_id, 0),
                    encoding=headers.get("content-encoding", ""),
                    cache_control=headers.get("cache-control", ""),
                )
            )
        self.responses.clear()
        self.finished.clear()
        self.decoded.clear()
        return load


def kind_of(event: dict[str, Any]) -> str:
    mime = event["response"].get("mimeType", "")
    if "javascript" in mime:
        return "js"
    for prefix, kind in KIND_OF_MIME.items():
        if mime.startswith(prefix):
            return kind
    return KIND_OF_TYPE.get(event.get("type", ""), "other")


def weigh(base: str, pages: list[Page]) -> list[Weight]:
    from playwright.sync_api import sync_playwright

    cookies = {who: session_cookie(who) for who in {p.who for p in pages} if who}
    weights = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for page in pages:
                weights.append(weigh_page(browser, base, page, cookies.get(page.who)))
                print(f"  {page.name}: {weights[-1].first.kb():.1f} KB", file=sys.stderr)
        finally:
            browser.close()
    return weights


def weigh_page(browser: Any, base: str, page: Page, cookie: dict[str, str] | None) -> Weight:
    # French is the product's language: the pages as most of their readers get them.
    context = browser.new_context(locale="fr-FR")
    try:
        if cookie:
            context.add_cookies([{**cookie, "url": base}])
        tab = context.new_page()
        recorder = Recorder(context.new_cdp_session(tab))
        loads = []
        for _ in range(2):
            response = tab.goto(base + page.url, wait_until="networkidle")
            if response is None or response.status != 200:
                status = response.status if response else "none"
                raise SystemExit(f"{page.name}: {page.url} answered {status}")
            loads.append(recorder.take())
        return Weight(page, loads[0], loads[1])
    finally:
        context.close()


# --- the report ---------------------------------------------------------------------------


def print_table(weights: list[Weight], proxy_gzip: bool) -> None:
    pages_are = "gzipped as nginx does" if proxy_gzip else "as gunicorn sends them, uncompressed"
    print(f"Page weight, first visit (KB transferred; pages {pages_are}; {platform.node()})")
    head = f"{'page':<21}" + "".join(f"{k:>7}" for k in ("HTML", "CSS", "JS", "fonts", "images"))
    print(head + f"{'total':>8}{'raw':>7}{'reqs':>6}{'again':>7}")
    for weight in weights:
        first = weight.first
        cells = "".join(f"{first.kb(kind):>7.1f}" for kind in KINDS[:5])
        flag = "!" if weight.row()["over_target"] else " "
        print(
            f"{weight.page.name + ('' if weight.page.public else ' *'):<21}{cells}"
            f"{first.kb():>7.1f}{flag}{first.body_kb():>7.1f}{len(first.resources):>6}"
            f"{weight.again.kb():>7.1f}"
        )
    print(
        "* signed in. total: every byte transferred (headers included); ! over the"
        f" {TARGET_KB:.0f} KB target of a public page; raw: the decoded bodies; again: the same"
        " page opened a second time (static files cached)."
    )


def write_json(path: Path, weights: list[Weight], proxy_gzip: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": platform.node(),
        "pages_gzipped_as_by_nginx": proxy_gzip,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "target_kb": TARGET_KB,
        "pages": [w.row() for w in weights],
    }
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"JSON: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def serve(urls_file: Path, base: str, pages: list[Page]) -> None:
    """Write the public pages' addresses and wait for SIGTERM/SIGINT."""
    stop = {"now": False}

    def _stop(*_: object) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    lines = [f"{page.name}\t{base}{page.url}" for page in pages if page.public]
    urls_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    while not stop["now"]:
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=ROOT / "var" / "bench" / "weight.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--serve", type=Path, metavar="URLS_FILE", help="serve for Lighthouse")
    parser.add_argument(
        "--no-proxy-gzip", dest="proxy_gzip", action="store_false",
        help="pages as gunicorn alone sends them, without nginx's gzip",
    )  # fmt: skip
    args = parser.parse_args()
    with site(args.keep, args.proxy_gzip) as (base, pages):
        if args.serve:
            serve(args.serve, base, pages)
            return
        weights = weigh(base, pages)
    print_table(weights, args.proxy_gzip)
    write_json(args.json, weights, args.proxy_gzip)


if __name__ == "__main__":
    main()
