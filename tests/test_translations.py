"""French first, English complete: the catalogues are whole, current, and actually used.

When a test here fails because of a new or changed string, update the catalogues with
``make messages`` (``manage.py makemessages -l fr -l en --no-obsolete ...``), then give every
new French entry its translation in ``soscience/locale/fr/LC_MESSAGES/django.po`` (and remove
any ``#, fuzzy`` flag after checking the suggestion); the English entry repeats the source.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.signals import setting_changed
from django.urls import reverse

from soscience.core.mail import mail_user
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "soscience" / "locale"
LANGS = ("fr", "en")
# The same folders the Makefile's `make messages` leaves out, plus the tests themselves.
IGNORED = [".venv", "node_modules", "var", "tests", "soscience/locale"]
FIX = "Run `make messages`, then translate the new entries in soscience/locale/fr (see above)."

needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="gettext (msgfmt) is not installed"
)


# A minimal .po reader: enough to list entries, their flags and translations.
@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text.strip()[1:-1])


def read_po(path: Path) -> list[Entry]:
    """Every entry of ``path`` except the header and obsolete (``#~``) entries."""
    entries: list[Entry] = []
    entry, target = Entry(), ""
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        starts_new = line.startswith("#") and (entry.msgid or entry.msgstr)
        if not line or starts_new:
            if entry.msgid or entry.msgstr:
                entries.append(entry)
            entry, target = Entry(), ""
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif match := _KEYWORD.match(line):
            keyword, index, value = match.groups()
            target = keyword if keyword != "msgstr" else f"msgstr{index or 0}"
            _append(entry, target, _unquote(value))
        elif line.startswith('"') and target:
            _append(entry, target, _unquote(line))
    return [e for e in entries if e.msgid]


def _append(entry: Entry, target: str, text: str) -> None:
    if target.startswith("msgstr"):
        index = int(target.removeprefix("msgstr"))
        entry.msgstr[index] = entry.msgstr.get(index, "") + text
    elif target == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text
    elif target == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    else:
        entry.msgid += text


def catalogue(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="session")
def compiled_messages() -> None:
    """Build the .mo files (not committed) so a fresh clone renders French pages.

    compilemessages skips catalogues whose .mo is newer, so this is cheap when nothing
    changed. It runs from soscience/ so it never walks into .venv or node_modules."""
    if shutil.which("msgfmt") is None:
        pytest.skip("gettext (msgfmt) is not installed")
    with contextlib.chdir(ROOT / "soscience"):
        call_command("compilemessages", locale=list(LANGS), verbosity=0)
    # A test that ran earlier may have loaded French before the .mo existed: drop that
    # cache the way override_settings does.
    setting_changed.send(
        sender=type(settings), setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=True
    )


# (a) Every entry translated, none fuzzy, in both languages.
@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(lang):
    entries = read_po(catalogue(lang))
    assert entries, f"{catalogue(lang)} is empty. {FIX}"
    untranslated = [e.msgid for e in entries if not all(e.msgstr.values()) or not e.msgstr]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not untranslated, f"Untranslated in {lang}: {untranslated}. {FIX}"
    assert not fuzzy, f"Fuzzy (to check, then unflag) in {lang}: {fuzzy}. {FIX}"


@needs_gettext
@pytest.mark.parametrize("lang", LANGS)
def test_msgfmt_accepts_the_catalogue(lang):
    """msgfmt -c checks placeholders (python-format) and plural forms, as compilemessages does."""
    result = subprocess.run(  # noqa: S603 - fixed arguments, no user input
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalogue(lang))],  # noqa: S607
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


def test_english_is_the_source_text_for_every_french_entry():
    french = {e.key for e in read_po(catalogue("fr"))}
    english = {e.key: e for e in read_po(catalogue("en"))}
    assert set(english) == french, f"fr and en list different strings. {FIX}"
    for entry in english.values():
        expected = (
            [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        )
        assert list(entry.msgstr.values()) == expected, entry.msgid


# (b) The French catalogue knows every translatable string of the code.
@needs_gettext
def test_french_catalogue_is_up_to_date_with_the_code(settings, tmp_path, monkeypatch):
    """Extract the strings as `make messages` does, but into a scratch locale folder."""
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(ROOT)
    call_command(
        "makemessages", locale=["fr"], ignore_patterns=IGNORED, no_obsolete=True, verbosity=0
    )
    in_code = {e.key for e in read_po(tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po")}
    in_catalogue = {e.key for e in read_po(catalogue("fr"))}
    missing = sorted(msgid for _, msgid in in_code - in_catalogue)
    assert not missing, f"Strings of the code missing from the French catalogue: {missing}. {FIX}"


# (c) The pages and the mail really come out in French by default, in English on request.
PAGES = [
    ("core:home", "Trouver une mission", "Find a mission"),
    ("missions:catalogue", "Filtrer les missions", "Filter missions"),
    ("account_login", "Pas encore de compte", "No account yet"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "french", "english"), PAGES)
def test_a_visitor_reads_french_by_default(
    compiled_messages, settings, client, url_name, french, english
):
    settings.LANGUAGE_CODE = "fr"  # the product default (the suite itself runs in English)
    response = client.get(reverse(url_name))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="fr"' in page
    assert french in page
    assert english not in page


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "french", "english"), PAGES)
def test_a_visitor_who_chose_english_reads_english(
    compiled_messages, settings, client, url_name, french, english
):
    settings.LANGUAGE_CODE = "fr"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse(url_name)).content.decode()
    assert english in page
    assert french not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("fr", "Vous êtes désormais membre de la structure Eau Claire Thiès"),
        ("en", "You are now a member of Eau Claire Thiès"),
    ],
)
def test_mail_is_written_in_the_recipients_language(
    compiled_messages, django_capture_on_commit_callbacks, language, subject
):
    user = UserFactory(language=language)
    context = {"organisation": "Eau Claire Thiès", "inviter": "Mariam Membre", "path": "/"}
    with django_capture_on_commit_callbacks(execute=True):
        mail_user(user, "organisations/mail/member_added", context)
    assert [m.subject for m in mail.outbox] == [subject]
    assert ("L'équipe SoScience" in mail.outbox[0].body) == (language == "fr")
