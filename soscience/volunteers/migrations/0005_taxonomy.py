"""Seed the bilingual skills taxonomy (a few hundred skills) from volunteers/taxonomy.json.

Idempotent by slug: the 27 starter skills of 0002 are updated in place (same slugs, richer
synonyms), nothing is deleted. Later edits belong to coordinators (merge, rename) or to a
new migration: this one reads the file as it is when it runs.
"""

import json
from pathlib import Path

from django.db import migrations

TAXONOMY = Path(__file__).resolve().parent.parent / "taxonomy.json"


def seed_taxonomy(apps, schema_editor):
    Skill = apps.get_model("volunteers", "Skill")
    Domain = apps.get_model("core", "Domain")
    domains = {d.slug: d for d in Domain.objects.all()}
    for row in json.loads(TAXONOMY.read_text(encoding="utf-8")):
        Skill.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name_fr": row["name_fr"],
                "name_en": row["name_en"],
                "synonyms": ", ".join(row["synonyms"]),
                "domain": domains.get(row["domain"]),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0004_skill_synonyms_longer"), ("core", "0002_domains")]
    operations = [migrations.RunPython(seed_taxonomy, migrations.RunPython.noop)]
