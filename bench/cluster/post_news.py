"""The cluster demo's mail traffic: team members post news with a PDF through the proxy.

    .venv/bin/python bench/cluster/post_news.py --url http://127.0.0.1:PROXY --posts 60 \
        --seconds 45 --out posted.json

First (Django, the servers' settings): up to ``--authors`` team members of missions in
progress, each with a signed-in session made with Django's ``login()``. Then (plain HTTP
through the proxy, ``--threads`` at once, spread over ``--seconds``) each post is what a
browser does: GET the mission's space (CSRF cookie and token), POST the news form
(multipart: the text, "shared", one small PDF), expect the redirect back to the space.
Every post mails the mission's supervisor (and the organisation's members who chose
immediate news) through the outbox; the round robin spreads the posts over both servers.
Writes ``{"posted": n, "failed": [...], "authors": n}`` to ``--out``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
ERRORS = re.compile(rb'class="errorlist[^"]*"[^>]*>(.{0,300})', re.S)


@dataclass
class Author:
    email: str
    space: str
    post: str
    cookie: str  # "sessionid=..."


def authors(limit: int) -> list[Author]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from soscience.applications.models import TeamMember
    from soscience.missions.models import Mission

    members = (
        TeamMember.objects.filter(mission__status=Mission.Status.IN_PROGRESS)
        .select_related("volunteer")
        .order_by("mission_id", "pk")[:limit]
    )
    found = []
    for member in members:
        client = Client()
        client.force_login(member.volunteer)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        found.append(
            Author(
                email=member.volunteer.email,
                space=reverse("execution:space", args=[member.mission_id]),
                post=reverse("execution:update_post", args=[member.mission_id]),
                cookie=f"{settings.SESSION_COOKIE_NAME}={cookie.value}",
            )
        )
    return found


class Browser:
    """One author's requests: their session cookie and the CSRF cookie the site sets."""

    def __init__(self, base: str, author: Author) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.origin = f"https://{self.host}:{self.port}"  # as the browser behind TLS says
        self.author = author
        self.csrf_cookie = ""

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        cookies = "; ".join(c for c in (self.author.cookie, self.csrf_cookie) if c)
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(
                method, path, body=body, headers={"Cookie": cookies, **(headers or {})}
            )
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("csrftoken="):
                self.csrf_cookie = value.split(";", 1)[0]
        return response.status, response.getheader("Location", ""), content

    def post_news(self, number: int) -> str | None:
        """Post one piece of news; None when it worked, else what went wrong."""
        status, _location, page = self.request("GET", self.author.space)
        token = CSRF_FIELD.search(page)
        if status != 200 or token is None:
            return f"GET {self.author.space} -> {status}, no form"
        marker = uuid.uuid4().hex
        pdf = (
            b"%PDF-1.4\n%cluster-demo " + marker.encode() + b"\n"
            b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
        )
        fields = {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "body": f"Cluster demo news {number} ({marker}): the samples are in.",
            "visibility": "shared",
        }
        body, content_type = multipart(fields, ("attachments", f"report-{number}.pdf", pdf))
        headers = {
            "Content-Type": content_type,
            "Origin": self.origin,
            "Referer": self.origin + self.author.space,
        }
        status, location, page = self.request("POST", self.author.post, body, headers)
        if status == 302 and location.endswith(self.author.space):
            return None
        shown = ERRORS.search(page)
        detail = re.sub(rb"<[^>]+>", b" ", shown.group(1)).decode(errors="replace") if shown else ""
        return f"POST {self.author.post} -> {status} {location} {' '.join(detail.split())}".strip()


def multipart(fields: dict[str, str], file: tuple[str, str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    name, filename, content = file
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def drive(base: str, found: list[Author], posts: int, seconds: float, threads: int) -> dict:
    browsers = [Browser(base, author) for author in found]
    started = time.monotonic()
    interval = seconds / max(posts, 1)
    lock = threading.Lock()
    state = {"next": 0, "posted": 0, "failed": []}

    def work() -> None:
        while True:
            with lock:
                number = state["next"]
                if number >= posts:
                    return
                state["next"] += 1
            # Spread over the run rather than all at the start.
            time.sleep(max(0.0, started + number * interval - time.monotonic()))
            # Consecutive posts go to different authors; sharing one author's cookies between
            # threads (fewer authors than threads) is harmless: the CSRF cookie stays valid.
            browser = browsers[number % len(browsers)]
            problem = browser.post_news(number)
            with lock:
                if problem is None:
                    state["posted"] += 1
                else:
                    state["failed"].append(problem)

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {"posted": state["posted"], "failed": state["failed"], "authors": len(found)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the proxy")
    parser.add_argument("--posts", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=45)
    parser.add_argument("--threads", type=int, default=3)
    parser.add_argument("--authors", type=int, default=12)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    found = authors(args.authors)
    if not found:
        raise SystemExit("No team member of a mission in progress: no one can post news.")
    result = drive(args.url, found, args.posts, args.seconds, args.threads)
    args.out.write_text(json.dumps(result, indent=1))
    print(f"News posted through the proxy: {result['posted']} of {args.posts}", flush=True)


if __name__ == "__main__":
    main()
