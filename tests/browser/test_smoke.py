"""The home page opens in a real browser and passes axe-core's accessibility rules."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from tests.browser.conftest import Axe

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_opens_with_no_accessibility_violation(live_server, page: Page, axe: Axe):
    response = page.goto(live_server.url + "/")

    assert response is not None
    assert response.status == 200
    expect(page).to_have_title(re.compile("SoScience"))
    axe(page)
