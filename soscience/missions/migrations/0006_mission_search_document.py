"""Full-text search of the catalogue on PostgreSQL (issue 8): a tsvector column filled by a
trigger and indexed with GIN. Nothing happens on SQLite, whose search stays a substring one.

The column is not a field of the model, on purpose: Django would read it with every mission
(a document per row, for nothing) and write it back on save; only the catalogue's search
reads it (soscience.missions.selectors), and only the trigger writes it."""

from django.db import migrations

from soscience.core import search

SAFETY_NOTE = (
    "The backfill UPDATE rewrites every mission once and the GIN index is built without "
    "CONCURRENTLY: about 100,000 missions at national size take seconds, during which the "
    "catalogue waits. Acceptable for a table that grows by a few thousand rows a year."
)

TABLE = "missions_mission"
COLUMN = "search_document"
TITLE = "title"
BODY = ("problem", "context", "objectives")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(search.CONFIGURATIONS_SQL)
    schema_editor.execute(f"ALTER TABLE {TABLE} ADD COLUMN {COLUMN} tsvector")
    # Only published missions are searched (the catalogue): the index holds only them, so
    # one index answers both "published" and the words.
    schema_editor.execute(search.trigger_sql(TABLE, COLUMN, TITLE, BODY, where="status = 'open'"))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(search.drop_trigger_sql(TABLE, COLUMN))
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {COLUMN}")


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0005_mission_accepted_at_mission_cancel_reason_and_more"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
