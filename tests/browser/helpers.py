"""What the browser journeys share: a person's tab checked on every page (error statuses and
axe-core), the ``people`` fixture that opens those tabs, signing up and logging in, and
reading links from the mails Django kept in ``mail.outbox``.

A journey module imports the fixture under its own name, ``from tests.browser.helpers import
people as people`` (the redundant alias tells linters it is meant): pytest finds fixtures
among a test module's names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Response, Route, expect

if TYPE_CHECKING:
    from tests.browser.conftest import Axe


def totp_now(secret: str) -> str:
    """The code the coordinator's authenticator app shows right now."""
    counter = next(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counter))


@dataclass
class Actor:
    """One person's browser tab. Every page it is shown is checked before the next step:
    no error status on the page or its assets, and no axe-core violation."""

    page: Page
    axe: Axe
    base_url: str
    # For a tab with JavaScript off: a tab with it on, where axe-core can run (see below).
    checker: Page | None = None
    unchecked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("response", self._note_response)

    def _note_response(self, response: Response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.errors.append(f"{response.status} {response.request.method} {response.url}")
        elif response.request.resource_type == "document" and response.status < 300:
            self.unchecked.append(response.url)

    def goto(self, path: str) -> Page:
        self.page.goto(self.base_url + path)
        return self.checked()

    def click(self, locator: Locator) -> Page:
        """Follow a link or press a button that loads a new page, then check that page."""
        with self.page.expect_navigation():
            locator.click()
        return self.checked()

    def checked(self) -> Page:
        """After every page load, form re-display or in-page update (htmx)."""
        self.page.wait_for_load_state("load")
        assert self.errors == [], f"error responses up to {self.page.url}: {self.errors}"
        # Two pages since the last check: one was shown and never checked.
        assert len(self.unchecked) <= 1, f"pages not checked: {self.unchecked[:-1]}"
        self.axe(self.page if self.checker is None else copy_into(self.checker, self.page))
        self.unchecked.clear()
        return self.page


def copy_into(checker: Page, page: Page) -> Page:
    """``checker`` showing exactly what ``page``, a tab with JavaScript off, shows, for
    axe-core. It cannot run in ``page`` itself: without JavaScript no timer fires, so
    ``axe.run`` never settles and Playwright waits forever. The checker loads the same
    address with ``page``'s HTML served in place of the server's, scripts blocked (as in
    ``page``), and the stylesheets loaded as usual (colour contrast depends on them)."""
    html = page.content()

    def serve_copy(route: Route) -> None:
        kind = route.request.resource_type
        if kind == "document":
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        elif kind == "script":
            route.abort()
        else:
            route.continue_()

    checker.route("**/*", serve_copy)
    try:
        checker.goto(page.url)
    finally:
        checker.unroute("**/*", serve_copy)
    return checker


@pytest.fixture
def people(browser: Browser, live_server, axe: Axe) -> Iterator[Callable[..., Actor]]:
    """Each person gets their own browser context (cookies), in English."""
    contexts: list[BrowserContext] = []
    actors: list[Actor] = []

    def new_page(*, javascript: bool = True) -> Page:
        context = browser.new_context(locale="en-GB", java_script_enabled=javascript)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    def open_as(*, javascript: bool = True) -> Actor:
        checker = None if javascript else new_page()
        actor = Actor(new_page(javascript=javascript), axe, live_server.url, checker=checker)
        actors.append(actor)
        return actor

    yield open_as
    for actor in actors:
        assert actor.unchecked == [], f"pages not checked: {actor.unchecked}"
    for context in contexts:
        context.close()


def screenshots_dir(tmp_path: Path) -> Path:
    """Where full-page screenshots go, for a person to look at: SOSCIENCE_SCREENSHOTS=/dir
    keeps them; otherwise the test's temporary folder."""
    shots = Path(os.environ.get("SOSCIENCE_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def mails_to(to: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if to in message.to]


def last_mail_link(to: str) -> str:
    """The path of the first link of the latest mail sent to ``to``."""
    messages = mails_to(to)
    assert messages, f"no mail sent to {to}; outbox: {[m.to for m in mail.outbox]}"
    match = re.search(r"https?://[^\s/]+(/\S*)", messages[-1].body)
    assert match, f"no link in the mail: {messages[-1].body}"
    return match.group(1)


def sign_up(actor: Actor, *, joining_as: str, name: str, email: str, password: str) -> None:
    """From the home page: the sign-up form (``joining_as``: words of the radio's label),
    the confirmation link of the mail, and logging in if the site asks."""
    page = actor.goto("/")
    actor.click(page.get_by_role("link", name="Sign up"))
    page.get_by_role("radio", name=re.compile(joining_as)).check()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password\s*\*?$")).fill(password)
    page.get_by_label(re.compile(r"^Password \(again\)")).fill(password)
    actor.click(page.get_by_role("button", name="Create my account"))

    actor.goto(last_mail_link(email))
    actor.click(page.get_by_role("button", name="Confirm"))
    if page.get_by_role("heading", name="Log in", level=1).count():
        log_in(actor, email, password)


def log_in(actor: Actor, email: str, password: str, totp_secret: str | None = None) -> None:
    page = actor.page
    if "/accounts/login/" not in page.url:
        actor.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    actor.click(page.get_by_role("button", name="Log in"))
    if totp_secret:
        page.get_by_label("Code").fill(totp_now(totp_secret))
        # allauth's own wording on this page ("Sign In"), unlike "Log in" everywhere else.
        actor.click(page.get_by_role("button", name=re.compile(r"^(Sign in|Log in)$", re.I)))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def assert_nothing_private(page: Page, private: list[str]) -> None:
    html = page.content()
    for secret in private:
        assert secret not in html, f"{secret!r} appears publicly on {page.url}"
