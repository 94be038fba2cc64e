"""Load the demo: campuses, organisations, needs and missions at every stage, one account
per role. DEMO ONLY: every demo account shares a password printed on screen.

Idempotent: objects are found by natural keys (email, campus slug, organisation name,
need and mission titles within their organisation); what exists is never modified, what
is missing is created through the same services the pages use, so the demo obeys the
platform's rules (verified organisations only, missions of at most the configured length).
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from soscience.core.demo.content import DEMO_PASSWORD, ORGANISATIONS, ROLE_ACCOUNTS
from soscience.core.demo.content_closed import CLOSED_VOLUNTEERS
from soscience.core.demo.content_network import STUDENT
from soscience.core.demo.loader import DemoLoader, mail_kept_local
from soscience.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Load the demo data (campuses, organisations, needs and missions at every stage, "
        "one account per role). Idempotent. DEMO ONLY: the accounts share a public password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print nothing on success.")
        parser.add_argument(
            "--send-mail", action="store_true",
            help="Queue the notifications the services send (by default they are dropped: "
            "the demo addresses do not exist).",
        )  # fmt: skip
        parser.add_argument(
            "--url", default="",
            help="Address to print (default: http://127.0.0.1:$PORT/ if PORT is set, "
            "else SITE_URL).",
        )  # fmt: skip

    def handle(self, *args: Any, quiet: bool, send_mail: bool, url: str, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "Refusing to load demo data in production: its accounts share a published password."
            )
        try:
            with mail_kept_local(send_mail), transaction.atomic():
                created = DemoLoader().load()
        except DomainError as error:
            raise CommandError(f"The demo data breaks a platform rule: {error.message}") from error
        if not quiet:
            self._report(created, url or self._default_url())

    def _default_url(self) -> str:
        port = os.environ.get("PORT")
        return f"http://127.0.0.1:{port}/" if port else f"{settings.SITE_URL}/"

    def _report(self, created: Counter[str], url: str) -> None:
        if created:
            summary = ", ".join(f"{count} {kind}" for kind, count in created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
        else:
            self.stdout.write("Demo data already loaded: nothing changed.")
        self.stdout.write("")
        self.stdout.write(self.style.WARNING("Demo accounts - DEMO ONLY, the password is public:"))
        rows = [("Role", "Email", "Password")]
        rows += [(str(role.label), email, DEMO_PASSWORD) for email, _name, role in ROLE_ACCOUNTS]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for index, row in enumerate(rows):
            self.stdout.write(
                "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            )
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        others = len(ORGANISATIONS) - 1
        self.stdout.write(
            f"  (and {others} other organisation representatives, *@soscience.test, same password)"
        )
        students = ", ".join(email for email, _name in [*CLOSED_VOLUNTEERS, STUDENT])
        self.stdout.write(f"  (and the demo's other volunteers: {students})")
        self.stdout.write("")
        self.stdout.write(f"Open {url}")
