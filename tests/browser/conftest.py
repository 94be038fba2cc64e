"""Plumbing for the browser tests: Debian's Chromium, the live server, and axe-core.

Every test in this folder is marked ``browser``: ``make test`` runs them in their own stage
(``pytest -m browser``) and leaves them out of the database stages (``-m "not browser"``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

BROWSER_DIR = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
# Playwright cannot download its own browser here; Debian's Chromium runs headless with these.
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
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # tryfirst: the marks must be there before `-m` deselects and before pytest-django sets
    # up the databases. The hook sees every item of the session: only this folder's change.
    for item in items:
        if BROWSER_DIR not in Path(item.path).parents:
            continue
        item.add_marker(pytest.mark.browser)
        # The live server is another thread: it sees only committed data (transaction=True).
        # After such a test the database is emptied, data migrations included (the role
        # groups); serialized_rollback puts that data back before each browser test.
        marker = item.get_closest_marker("django_db")
        options = dict(marker.kwargs) if marker else {}
        options.update(transaction=True, serialized_rollback=True)
        item.add_marker(pytest.mark.django_db(**options))


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in the test's thread, so Django would refuse
    ORM calls there (SynchronousOnlyOperation); the test code is not async, so allow them."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium).")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


class Axe:
    """axe-core run in the page as it is now. ``axe(page)`` fails the test with a readable
    list when there is any violation; ``axe.violations(page)`` returns them for inspection."""

    def violations(self, page: Any) -> list[dict[str, Any]]:
        if not AXE_SCRIPT.exists():
            pytest.fail(f"{AXE_SCRIPT} is missing: `make test` installs it (npm install).")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Not page.add_script_tag(): it inserts an inline <script>, which the site's
            # strict Content-Security-Policy rightly blocks. Evaluating through the
            # DevTools protocol is outside the page's CSP, which stays on while testing.
            page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
        result = page.evaluate("axe.run(document)")
        return list(result["violations"])

    def __call__(self, page: Any) -> None:
        violations = self.violations(page)
        if violations:
            pytest.fail(
                f"axe-core found {len(violations)} violation(s) on {page.url}:\n"
                + describe_violations(violations),
                pytrace=False,
            )


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(str(part) for part in node['target'])}")
    return "\n".join(lines)


@pytest.fixture
def axe() -> Axe:
    return Axe()
