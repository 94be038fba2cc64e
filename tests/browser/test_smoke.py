"""The home page opens in a real browser, loads all its assets, and passes axe-core."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, Response, expect

if TYPE_CHECKING:
    from tests.browser.conftest import Axe

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_opens_with_no_accessibility_violation(live_server, page: Page, axe: Axe):
    broken: list[str] = []

    def note_broken(response: Response) -> None:
        # A missing stylesheet, script or icon (even /favicon.ico, which Chromium asks for
        # when the page names none).
        if response.status >= 400:
            broken.append(f"{response.status} {response.url}")

    page.on("response", note_broken)
    response = page.goto(live_server.url + "/")

    assert response is not None
    assert response.status == 200
    expect(page).to_have_title(re.compile("SoScience"))
    page.wait_for_load_state("networkidle")
    assert broken == []
    axe(page)


def test_axe_reports_what_it_finds_on_the_page(live_server, page: Page, axe: Axe):
    """The accessibility check really inspects the page: an image without a text
    alternative added to it is reported, so a clean result above means something."""
    page.goto(live_server.url + "/")
    page.evaluate(
        "() => { const img = document.createElement('img');"
        " img.src = '/static/missing.png'; document.querySelector('main').append(img); }"
    )

    violations = axe.violations(page)

    assert "image-alt" in [violation["id"] for violation in violations]
