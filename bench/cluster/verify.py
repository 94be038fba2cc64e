"""The cluster demo's checks (bench/cluster_demo.sh runs each step with the servers' settings).

    verify.py mark  --state state.json       before the traffic: where the outbox, the news
                                             and the task queue stand
    verify.py burst --count 200              many mails written at once (one transaction) and
                                             two nudges, so both workers send the same batch
    verify.py drain --state state.json       after it: wait until the workers have sent every
                                             mail written since the mark (or --timeout)
    verify.py check --state state.json ...   the checks and the summary; exit 1 if one fails

The checks: every mail written during the demo was delivered exactly once (the SMTP sink's
Message-IDs are unique and are exactly those of the outbox rows sent since the mark, none
left queued or failed); both application servers answered requests (their access logs);
both task workers ran tasks and sent mail (the task results record the worker); every file
uploaded through the proxy is served, identical, by both servers (one MEDIA_ROOT); the load
generator saw no error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DOWNLOADS = 12  # uploaded files fetched from each server


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")
    import django

    django.setup()


def mark(state: Path) -> None:
    from django.db.models import Max
    from django.utils import timezone

    from soscience.core.models import OutgoingMail
    from soscience.execution.models import ProgressUpdate

    state.write_text(
        json.dumps(
            {
                "at": timezone.now().isoformat(),
                "mail_pk": OutgoingMail.objects.aggregate(m=Max("pk"))["m"] or 0,
                "update_pk": ProgressUpdate.objects.aggregate(m=Max("pk"))["m"] or 0,
            }
        )
    )


def burst(count: int) -> None:
    """``count`` mails in one transaction, as a digest run writes them, then a second nudge:
    both workers walk the same due rows at the same moment, each taking the ones the other
    has not locked. That is where a mail would go twice if the outbox's locking were wrong."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from soscience.core.mail import mail_to
    from soscience.core.tasks import send_queued_mail

    people = list(get_user_model().objects.filter(is_active=True).order_by("pk")[:count])
    with transaction.atomic():  # nudges the worker once, on commit
        for number, person in enumerate(people, start=1):
            mail_to(person, f"Cluster demo {number}", "A mail of the cluster demo's burst.")
    send_queued_mail.enqueue()
    print(f"Burst: {len(people)} mails written at once", flush=True)


def new_mail(state: dict):
    from soscience.core.models import OutgoingMail

    return OutgoingMail.objects.filter(pk__gt=state["mail_pk"])


def drain(state: dict, timeout: float) -> None:
    from soscience.core.models import OutgoingMail

    deadline = time.monotonic() + timeout
    while True:
        waiting = new_mail(state).filter(status=OutgoingMail.Status.QUEUED).count()
        if waiting == 0:
            return
        if time.monotonic() > deadline:
            print(f"  {waiting} mails still queued after {timeout:.0f} s")
            return
        time.sleep(1)


class Checks:
    def __init__(self) -> None:
        self.failed: list[str] = []

    def expect(self, ok: bool, what: str) -> None:
        print(f"  [{'ok' if ok else 'FAILED'}] {what}")
        if not ok:
            self.failed.append(what)


def check_mail(checks: Checks, state: dict, sink_log: Path) -> None:
    from soscience.core.models import OutgoingMail

    lines = [line.split("\t") for line in sink_log.read_text().splitlines() if line.strip()]
    received = Counter(fields[0] for fields in lines)
    twice = {message_id: n for message_id, n in received.items() if n > 1}
    written = new_mail(state)
    by_status = Counter(written.values_list("status", flat=True))
    since = dt.datetime.fromisoformat(state["at"])
    # Sent during the demo: the mails it wrote, and older queued ones that fell due.
    sent_ids = set(
        OutgoingMail.objects.filter(sent_at__gte=since).values_list("message_id", flat=True)
    )
    print(
        f"Mail: {written.count()} written during the demo ({dict(by_status)}),"
        f" {len(sent_ids)} sent since the start, {len(lines)} received by the SMTP server"
    )
    checks.expect(written.exists(), "the posts wrote mail to the outbox")
    checks.expect(not twice, f"no Message-ID received twice ({len(twice)} were)")
    checks.expect(
        set(received) == sent_ids and len(lines) == len(sent_ids),
        "the SMTP server received exactly the outbox rows sent"
        f" (missing {len(sent_ids - set(received))}, unknown {len(set(received) - sent_ids)})",
    )
    checks.expect(
        by_status.get(OutgoingMail.Status.SENT, 0) == written.count(),
        "every mail written during the demo was sent (none queued or failed)",
    )


def check_workers(checks: Checks, state: dict, worker_ids: list[str]) -> None:
    from django_tasks_db.models import DBTaskResult

    since = dt.datetime.fromisoformat(state["at"])
    tasks: dict[str, int] = defaultdict(int)
    mails: dict[str, int] = defaultdict(int)
    results = DBTaskResult.objects.filter(enqueued_at__gte=since, finished_at__isnull=False)
    for worker_ids_of_task, path, value in results.values_list(
        "worker_ids", "task_path", "return_value"
    ):
        worker = (worker_ids_of_task or ["?"])[-1]
        tasks[worker] += 1
        if path.endswith("send_queued_mail") and isinstance(value, int):
            mails[worker] += value
    for worker in worker_ids:
        print(f"Worker {worker}: {tasks[worker]} tasks run, {mails[worker]} mails sent")
    checks.expect(all(tasks[worker] > 0 for worker in worker_ids), "both task workers ran tasks")
    checks.expect(all(mails[worker] > 0 for worker in worker_ids), "both task workers sent mail")


def check_servers(checks: Checks, logs: list[Path], proxy_log: Path | None) -> None:
    counts = {log.name: sum(1 for _ in log.open(errors="replace")) for log in logs}
    total = sum(counts.values()) or 1
    for name, count in counts.items():
        print(f"Application server {name}: {count} requests ({100 * count / total:.0f} %)")
    if proxy_log is not None:
        print(f"Proxy: {sum(1 for _ in proxy_log.open(errors='replace'))} requests")
    checks.expect(all(counts.values()), "both application servers answered requests")


def get(url: str, path: str, cookie: str) -> tuple[int, bytes]:
    host, _sep, port = url.removeprefix("http://").partition(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        headers = {"Cookie": cookie, "X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def check_files(checks: Checks, state: dict, servers: list[str]) -> None:
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from soscience.execution.models import UpdateAttachment

    attachments = list(
        UpdateAttachment.objects.filter(update__pk__gt=state["update_pk"])
        .select_related("update__author")
        .order_by("pk")[:DOWNLOADS]
    )
    cookies: dict[int, str] = {}
    served = 0
    for attachment in attachments:
        author = attachment.update.author
        if author.pk not in cookies:
            client = Client()
            client.force_login(author)
            value = client.cookies[settings.SESSION_COOKIE_NAME].value
            cookies[author.pk] = f"{settings.SESSION_COOKIE_NAME}={value}"
        path = reverse("execution:update_attachment", args=[attachment.update_id, attachment.pk])
        with attachment.file.open("rb") as stored:
            expected = stored.read()
        for url in servers:
            status, content = get(url, path, cookies[author.pk])
            served += status == 200 and content == expected
    print(f"Files: {len(attachments)} uploaded through the proxy, fetched from each server")
    checks.expect(
        bool(attachments) and served == len(attachments) * len(servers),
        "every uploaded file is served, identical, by both servers (shared MEDIA_ROOT)",
    )


def check_load(checks: Checks, load_json: Path, posted_json: Path) -> None:
    load = json.loads(load_json.read_text())
    errors = load["errors"]
    seconds = load["duration_us"] / 1e6
    failures = sum(errors.values())
    latency = load["latency_us"]
    print(
        f"Load through the proxy: {load['requests']} requests in {seconds:.0f} s"
        f" ({load['requests'] / seconds:.0f}/s), p50 {latency['p50'] / 1000:.0f} ms,"
        f" p95 {latency['p95'] / 1000:.0f} ms, errors {errors}"
    )
    posted = json.loads(posted_json.read_text())
    print(f"News posted: {posted['posted']} by {posted['authors']} authors")
    for problem in posted["failed"][:5]:
        print(f"    {problem}")
    checks.expect(failures == 0, "the load generator saw no error")
    checks.expect(posted["posted"] > 0 and not posted["failed"], "every news post worked")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["mark", "burst", "drain", "check"])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--sink-log", type=Path)
    parser.add_argument("--access-log", type=Path, action="append", default=[])
    parser.add_argument("--proxy-log", type=Path)
    parser.add_argument("--server", action="append", default=[], help="an app server's URL")
    parser.add_argument("--worker-id", action="append", default=[])
    parser.add_argument("--load-json", type=Path)
    parser.add_argument("--posted-json", type=Path)
    args = parser.parse_args()
    setup()
    if args.step == "mark":
        mark(args.state)
        return
    if args.step == "burst":
        burst(args.count)
        return
    state = json.loads(args.state.read_text())
    if args.step == "drain":
        drain(state, args.timeout)
        return
    checks = Checks()
    check_load(checks, args.load_json, args.posted_json)
    check_servers(checks, args.access_log, args.proxy_log)
    check_workers(checks, state, args.worker_id)
    check_mail(checks, state, args.sink_log)
    check_files(checks, state, args.server)
    if checks.failed:
        print(f"\nCluster demo: {len(checks.failed)} check(s) FAILED.")
        sys.exit(1)
    print("\nCluster demo: every check passed.")


if __name__ == "__main__":
    main()
