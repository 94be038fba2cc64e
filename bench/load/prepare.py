"""Before a load run: the sessions, the token and the request lists wrk replays.

    DJANGO_SETTINGS_MODULE=bench.settings_bench .venv/bin/python bench/load/prepare.py --out DIR

Runs with the settings the servers will run with (bench/load.sh and bench/cluster_demo.sh
set the environment). It writes into ``DIR``:

- one request list per scenario (``<scenario>.tsv``): a line per request, ``kind``, path,
  then the request's own headers (``Cookie: sessionid=...``, ``Authorization: Bearer ...``),
  tab-separated. scenario.lua reads the file and sends its lines in random order, so the
  proportions of kinds in a file are the proportions of the traffic;
- ``scenarios.json`` (names, files, what they are) and ``data.json`` (the data's size, the
  database server).

Signed-in traffic uses sessions created here with Django's ``login()`` (what the test client's
``force_login`` does), not the login form: the benchmark measures pages, not password hashing
(PBKDF2 is slow on purpose) nor the second factor of supervisors and coordinators, who get a
TOTP device here so that production's MFA check stays in the measured path. Each account gets
several sessions and every signed-in line of the lists picks one at random, so the sessions
spread over wrk's connections.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# The accounts of manage.py generate_scale_data (as bench/bench_pages.py names them), and the
# demo accounts of load_demo_data when the database holds the demo rather than generated data.
BENCH_ACCOUNTS = {
    "volunteer": "bench-volunteer@example.org",
    "supervisor": "bench-supervisor@example.org",
    "coordinator": "bench-coordinator@example.org",
    "member": "bench-member@example.org",
}
DEMO_ACCOUNTS = {
    "volunteer": "benevole@soscience.test",
    "supervisor": "encadrant@soscience.test",
    "coordinator": "coordination@soscience.test",
    "member": "structure@soscience.test",
}
TOKEN_NAME = "load benchmark"  # noqa: S105  # the token's label, not a secret
MISSION_SAMPLE = 500
# The mix (per cent of requests): 70 visitors, 30 signed in.
MIX = {
    "home": 14,
    "catalogue": 14,
    "catalogue, filtered": 8,
    "mission page": 28,
    "public impact": 6,
    "volunteer dashboard": 10,
    "missions for me": 7,
    "supervisor's missions": 6,
    "API mission list (token)": 7,
}
MIX_LINES = 20  # lines per per-cent point: 2,000 lines in the mix file
WORD = re.compile(r"[^\W\d_]{5,}")


@dataclass
class Line:
    kind: str
    path: str
    headers: list[str] = field(default_factory=list)

    def tsv(self) -> str:
        return "\t".join([self.kind, self.path, *self.headers])


@dataclass
class Scenario:
    name: str
    file: str
    about: str
    kinds: list[str]


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")
    import django

    django.setup()


def accounts() -> dict[str, object]:
    """The bench accounts if the data was generated, else the demo's."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    for names in (BENCH_ACCOUNTS, DEMO_ACCOUNTS):
        found = {role: users.filter(email=email).first() for role, email in names.items()}
        if all(found.values()):
            return found
    raise SystemExit(
        "Neither the bench accounts (manage.py generate_scale_data) nor the demo accounts"
        " (manage.py load_demo_data) are in this database."
    )


def with_totp(user: object) -> None:
    """A TOTP device for roles that must have one (the data is synthetic: no real secret)."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bench"}}
    )


def sessions(user: object, count: int) -> list[str]:
    """``count`` signed-in sessions of ``user``, as Cookie headers."""
    from django.conf import settings
    from django.test import Client

    cookies = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        value = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append(f"Cookie: {settings.SESSION_COOKIE_NAME}={value}")
    return cookies


def api_token(user: object) -> str:
    """A fresh token for ``user`` (the previous run's is deleted: a user has at most ten)."""
    from soscience.api.models import ApiToken
    from soscience.api.services import token_create

    ApiToken.objects.filter(user=user, name=TOKEN_NAME).delete()
    _token, key = token_create(user=user, name=TOKEN_NAME, valid_days=1)
    return f"Authorization: Bearer {key}"


def mission_paths(rng: random.Random) -> list[str]:
    from django.urls import reverse

    from soscience.missions.models import Mission

    ids = list(Mission.objects.published().values_list("pk", flat=True))
    if not ids:
        raise SystemExit("No published mission in this database.")
    chosen = rng.sample(ids, min(MISSION_SAMPLE, len(ids)))
    return [reverse("missions:detail", args=[pk]) for pk in chosen]


def search_words(rng: random.Random) -> list[str]:
    """Words people would type: taken from published titles, plus a few short prefixes."""
    from soscience.missions.models import Mission

    titles = Mission.objects.published().values_list("title", flat=True)[:400]
    words = sorted({w.lower() for title in titles for w in WORD.findall(title)})
    chosen = rng.sample(words, min(20, len(words)))
    return chosen + [word[:4] for word in chosen[:5]] + ["eau", "données", "water"]


def catalogue_filtered(rng: random.Random) -> list[str]:
    """Filters, searches, their combinations and later pages of the catalogue."""
    from django.urls import reverse

    from soscience.missions.selectors import catalogue_filters_options

    base = reverse("missions:catalogue")
    options = catalogue_filters_options()
    domains = [d.slug for d in options.domains]
    queries: list[dict[str, str]] = [{"q": word} for word in search_words(rng)]
    queries += [{"domain": slug} for slug in domains]
    queries += [{"country": code} for code, _name in options.countries[:10]]
    queries += [{"skill": s.slug} for s in rng.sample(options.skills, min(10, len(options.skills)))]
    queries += [{"campus": c.slug} for c in options.campuses[:5]]
    queries += [{"remote": "on"}, {"page": "2"}, {"page": "5"}]
    for slug in domains[:6]:
        queries.append({"domain": slug, "remote": "on"})
    for word in search_words(rng)[:6]:
        if domains:
            queries.append({"q": word, "domain": rng.choice(domains)})
    return [f"{base}?{urlencode(query)}" for query in queries]


def build(out: Path, per_account: int, seed: int) -> list[Scenario]:
    from django.conf import settings
    from django.urls import reverse

    from soscience.matching.services import index_rebuild

    rng = random.Random(seed)  # noqa: S311  # a reproducible sample, not a secret
    people = accounts()
    for role in settings.SOSCIENCE_MFA_REQUIRED_ROLES:
        if role in people:
            with_totp(people[role])
    # "Missions for me" reads the matching index the worker builds: build it now, not during
    # the run (a no-op when it is up to date).
    index_rebuild()
    volunteer_sessions = sessions(people["volunteer"], per_account)
    supervisor_sessions = sessions(people["supervisor"], per_account)
    token = api_token(people["volunteer"])
    missions = mission_paths(rng)
    filtered = catalogue_filtered(rng)

    def pick(kind: str) -> Line:
        paths = {
            "home": lambda: Line(kind, reverse("core:home")),
            "catalogue": lambda: Line(kind, reverse("missions:catalogue")),
            "catalogue, filtered": lambda: Line(kind, rng.choice(filtered)),
            "mission page": lambda: Line(kind, rng.choice(missions)),
            "public impact": lambda: Line(kind, reverse("impact:public")),
            "volunteer dashboard": lambda: Line(
                kind, reverse("core:dashboard"), [rng.choice(volunteer_sessions)]
            ),
            "missions for me": lambda: Line(
                kind, reverse("matching:for_me"), [rng.choice(volunteer_sessions)]
            ),
            "supervisor's missions": lambda: Line(
                kind, reverse("supervision:my_missions"), [rng.choice(supervisor_sessions)]
            ),
            "API mission list (token)": lambda: Line(
                kind, reverse("api:api-v1:missions_list"), [token]
            ),
        }
        return paths[kind]()

    plans = [
        (
            "floor",
            "a trivial view through the whole middleware stack",
            [Line("floor", "/bench/trivial/")],
        ),
        ("home", "the home page, visitors", [pick("home")]),
        ("catalogue", "the catalogue's first page, visitors", [pick("catalogue")]),
        (
            "catalogue, filtered",
            "the catalogue with a filter, a search or a later page (random among "
            f"{len(filtered)} URLs), visitors",
            [Line("catalogue, filtered", url) for url in filtered],
        ),
        (
            "mission pages",
            f"random published missions ({len(missions)} ids), visitors",
            [Line("mission page", path) for path in missions],
        ),
        (
            "mix",
            "70 % visitors (home, catalogue, mission pages, public impact), 30 % signed in "
            "(volunteer dashboard, missions for me, supervisor's missions, API with a token)",
            [pick(kind) for kind, share in MIX.items() for _ in range(share * MIX_LINES)],
        ),
    ]  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    scenarios = []
    for name, about, lines in plans:
        file = re.sub(r"\W+", "-", name).strip("-") + ".tsv"
        (out / file).write_text("".join(line.tsv() + "\n" for line in lines))
        kinds = sorted({line.kind for line in lines})
        scenarios.append(Scenario(name=name, file=file, about=about, kinds=kinds))
    return scenarios


def data_size() -> dict[str, int]:
    from django.contrib.auth import get_user_model

    from soscience.applications.models import Application
    from soscience.execution.models import HoursEntry, ProgressUpdate
    from soscience.missions.models import Mission
    from soscience.organisations.models import Organisation

    return {
        "users": get_user_model().objects.count(),
        "organisations": Organisation.objects.count(),
        "missions": Mission.objects.count(),
        "published missions": Mission.objects.published().count(),
        "applications": Application.objects.count(),
        "updates": ProgressUpdate.objects.count(),
        "hours": HoursEntry.objects.count(),
    }


def database_server() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"PostgreSQL {version}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--sessions", type=int, default=8, help="sessions per signed-in account")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    setup()
    scenarios = build(args.out, args.sessions, args.seed)
    (args.out / "scenarios.json").write_text(json.dumps([asdict(s) for s in scenarios], indent=1))
    size = data_size()
    data = {"size": size, "database": database_server()}
    (args.out / "data.json").write_text(json.dumps(data, indent=1))
    print("Data: " + ", ".join(f"{name} {count:,}" for name, count in size.items()))


if __name__ == "__main__":
    main()
