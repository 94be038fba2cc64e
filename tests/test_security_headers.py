"""Security headers on every kind of page, and ``manage.py check --deploy`` clean with the
production settings (issue 7, "Input, output, files")."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.tally import tally

ROOT = Path(__file__).resolve().parent.parent


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


PAGES = [
    (None, "core:home"),
    (None, "account_login"),
    (None, "missions:catalogue"),
    ("coordinator", "core:dashboard"),
    ("volunteer", "volunteers:profile"),
]


@pytest.mark.parametrize(("who", "url_name"), PAGES)
def test_pages_carry_a_strict_policy_and_the_security_headers(cast, who, url_name):
    response = cast.client(who).get(reverse(url_name))
    assert response.status_code == 200
    policy = _policy(response)
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
    nonce = next(v for v in policy["script-src"] if v.startswith("'nonce-"))
    # The page's own script tags carry that nonce: the browser runs them and nothing else.
    for tag in re.findall(r"<script\b[^>]*>", response.content.decode()):
        if "application/ld+json" not in tag:
            assert f'nonce="{nonce[7:-1]}"' in tag, tag
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    tally("security header sets checked")


def test_each_response_has_a_new_nonce(cast):
    client = cast.client(None)
    first = _policy(client.get(reverse("core:home")))["script-src"]
    second = _policy(client.get(reverse("core:home")))["script-src"]
    assert first != second


def test_error_pages_carry_the_headers_too(cast):
    response = cast.client("volunteer").get("/no-such-page/")
    assert response.status_code == 404
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def _production_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        SOSCIENCE_ENV="production",
        DJANGO_SETTINGS_MODULE="soscience.settings",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="soscience.example.org",
        SITE_URL="https://soscience.example.org",
        # check --deploy does not connect to the database.
        DATABASE_URL="postgres://soscience:secret@db.example.org:5432/soscience",
        CSRF_TRUSTED_ORIGINS="https://soscience.example.org",
    )
    for name in ("DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD"):
        env.pop(name, None)
    return env


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=_production_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_production_refuses_to_start_with_a_weak_secret():
    env = {**_production_env(), "SECRET_KEY": "short"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
