"""Migrations are safe to run on a live PostgreSQL database (issue 7, "Migrations checked for
safety"): no operation may rewrite a big table or hold a long lock on it unless its migration
says why that is acceptable in a module-level ``SAFETY_NOTE = "..."``.

The check reads the migration files (no database needed) and replays their operations on
Django's migration state in order, so each operation is judged against the model as it was just
before it. What counts as risky on PostgreSQL >= 11:

- AddField that builds an index (db_index, unique, a foreign key) or validates a foreign key,
  or whose db_default is an expression (evaluated per row: table rewrite). A constant default is
  fine (stored in the catalogue since PostgreSQL 11).
- AlterField that changes the column type (rewrite; growing a varchar or varchar -> text is
  fine), sets NOT NULL (full scan under an exclusive lock), adds an index or unique constraint,
  or points a foreign key elsewhere.
- AddIndex (use AddIndexConcurrently), AddConstraint (use AddConstraintNotValid then validate),
  AlterUniqueTogether / AlterIndexTogether adding a set, RunSQL naming a big table.
- Fine: RemoveField, DeleteModel, RenameField (catalogue only), nullable AddField, anything on a
  table created by the same migration (it is empty). RunPython is not judged (it cannot say
  which tables it touches): a data migration over a big table should carry a note anyway.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from django.contrib.postgres.operations import AddConstraintNotValid, AddIndexConcurrently
from django.db import migrations, models
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState
from django.db.models.expressions import Value

from tests.tally import tally

# Tables that may hold many rows in production: one row per person, hour, notification, mail,
# application, referral or audited action.
BIG_TABLES = frozenset(
    {
        "accounts_user",
        "execution_hoursentry",
        "notifications_notification",
        "core_outgoingmail",
        "applications_application",
        "network_referral",
        "privacy_auditevent",
    }
)

INDEX_WHY = "builds an index without CONCURRENTLY"
# Only used to compute column types as PostgreSQL would: never connects.
POSTGRESQL = PostgreSQLWrapper({"ENGINE": "django.db.backends.postgresql", "NAME": ""}, "safety")


@dataclass(frozen=True)
class Finding:
    migration: str
    table: str
    operation: str
    why: str

    def __str__(self) -> str:
        return f"{self.migration}: {self.operation} on {self.table} {self.why}"


def table_of(state: ProjectState, app_label: str, model_name: str) -> str:
    model = state.models[app_label, model_name.lower()]
    return model.options.get("db_table") or f"{app_label}_{model_name.lower()}"


def _builds_index(field: models.Field) -> bool:
    return bool(field.db_index or field.unique or field.is_relation)


def _column_type(field: models.Field) -> str | None:
    if field.is_relation:  # unbound in migration state: compared by target instead
        return None
    return field.db_type(POSTGRESQL)


def _type_change_rewrites(old: models.Field, new: models.Field) -> bool:
    if old.is_relation or new.is_relation:
        old_target = old.remote_field.model if old.is_relation else None
        new_target = new.remote_field.model if new.is_relation else None
        return str(old_target).lower() != str(new_target).lower()
    old_type, new_type = _column_type(old), _column_type(new)
    if old_type == new_type:
        return False
    # Growing a varchar or turning it into text only changes the catalogue.
    if old_type and old_type.startswith("varchar") and new_type == "text":
        return False
    both_varchar = isinstance(old, models.CharField) and isinstance(new, models.CharField)
    return not (both_varchar and (new.max_length or 0) >= (old.max_length or 0))


def add_field_risk(field: models.Field) -> str | None:
    if field.many_to_many:
        return None  # a new join table
    if _builds_index(field):
        return "builds an index (or validates a foreign key) while writes wait"
    db_default = getattr(field, "db_default", models.NOT_PROVIDED)
    if db_default is not models.NOT_PROVIDED and not isinstance(db_default, Value):
        return "has an expression as db_default: every row is rewritten"
    return None


def alter_field_risk(old: models.Field, new: models.Field) -> str | None:
    if _type_change_rewrites(old, new):
        return f"changes the column type ({old.get_internal_type()} -> {new.get_internal_type()})"
    if old.null and not new.null:
        return "sets NOT NULL: a full scan under an exclusive lock"
    if _builds_index(new) and not _builds_index(old):
        return "adds an index or unique constraint without CONCURRENTLY"
    return None


def _together_added(state: ProjectState, app_label: str, op: migrations.Operation) -> bool:
    model = state.models[app_label, op.name_lower]
    old = {tuple(names) for names in model.options.get(op.option_name) or ()}
    new = {tuple(names) for names in op.option_value or ()}
    return bool(new - old)


def operation_risk(
    state: ProjectState, app_label: str, op: migrations.Operation
) -> tuple[str, str] | None:
    """(table, why) when ``op`` rewrites or locks a table for long on PostgreSQL, else None."""
    if isinstance(op, migrations.AddField):
        return table_of(state, app_label, op.model_name), add_field_risk(op.field)
    if isinstance(op, migrations.AlterField):
        old = state.models[app_label, op.model_name_lower].fields[op.name]
        return table_of(state, app_label, op.model_name), alter_field_risk(old, op.field)
    if isinstance(op, migrations.AddIndex) and not isinstance(op, AddIndexConcurrently):
        return table_of(state, app_label, op.model_name), INDEX_WHY
    if isinstance(op, migrations.AddConstraint) and not isinstance(op, AddConstraintNotValid):
        why = "adds a constraint checked under lock (AddConstraintNotValid, then validate)"
        return table_of(state, app_label, op.model_name), why
    if isinstance(op, migrations.AlterUniqueTogether | migrations.AlterIndexTogether):
        added = _together_added(state, app_label, op)
        return table_of(state, app_label, op.name), (INDEX_WHY if added else None)
    if isinstance(op, migrations.RunSQL):
        sql = str(op.sql).lower()
        named = sorted(table for table in BIG_TABLES if table in sql)
        return (named[0], "runs SQL on it") if named else None
    return None


def migration_findings(migration: migrations.Migration, state: ProjectState) -> list[Finding]:
    """Judge each operation of ``migration`` and move ``state`` past it."""
    name = f"{migration.app_label}.{migration.name}"
    created_here: set[str] = set()
    findings = []
    for op in migration.operations:
        if isinstance(op, migrations.CreateModel):
            op.state_forwards(migration.app_label, state)
            created_here.add(table_of(state, migration.app_label, op.name))
            continue
        risk = operation_risk(state, migration.app_label, op)
        if risk and risk[1] and risk[0] in BIG_TABLES and risk[0] not in created_here:
            findings.append(Finding(name, risk[0], op.describe(), risk[1]))
        op.state_forwards(migration.app_label, state)
    return findings


def safety_note(migration: migrations.Migration) -> str:
    module = sys.modules[type(migration).__module__]
    note = getattr(module, "SAFETY_NOTE", "")
    return note.strip() if isinstance(note, str) else ""


def all_migrations_in_order() -> tuple[MigrationLoader, list[migrations.Migration]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    plan = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan.extend(node for node in loader.graph.forwards_plan(leaf) if node not in plan)
    return loader, [loader.graph.nodes[node] for node in plan]


def unexplained_findings() -> list[Finding]:
    loader, ordered = all_migrations_in_order()
    state = ProjectState(real_apps=loader.unmigrated_apps)
    unexplained = []
    for migration in ordered:
        findings = migration_findings(migration, state)
        if findings and not safety_note(migration):
            unexplained.extend(findings)
    tally("migrations checked for safety", len(ordered))
    tally("migration operations checked for safety", sum(len(m.operations) for m in ordered))
    return unexplained


def test_no_migration_rewrites_or_locks_a_big_table_without_a_note() -> None:
    unexplained = unexplained_findings()
    assert not unexplained, (
        "These operations rewrite or lock a big table on PostgreSQL. Make them safe "
        "(AddIndexConcurrently in a non-atomic migration, a nullable column, NOT VALID then "
        "VALIDATE...) or explain in the migration module: SAFETY_NOTE = '...'\n"
        + "\n".join(str(finding) for finding in unexplained)
    )


# --- the checker itself: a risky migration is caught, a note lets it through --------------


def _state_with_user_table() -> ProjectState:
    loader, ordered = all_migrations_in_order()
    state = ProjectState(real_apps=loader.unmigrated_apps)
    for migration in ordered:
        for op in migration.operations:
            op.state_forwards(migration.app_label, state)
    return state


def _migration(operations: list[migrations.Operation]) -> migrations.Migration:
    migration = migrations.Migration("9999_example", "accounts")
    migration.operations = operations
    return migration


def test_an_index_on_the_user_table_is_caught_and_a_concurrent_one_is_not() -> None:
    plain = models.Index(fields=["last_login"], name="user_last_login_example")
    risky = _migration([migrations.AddIndex("user", plain)])
    safe = _migration([AddIndexConcurrently("user", plain)])

    findings = migration_findings(risky, _state_with_user_table())

    assert [(f.table, f.why) for f in findings] == [
        ("accounts_user", "builds an index without CONCURRENTLY")
    ]
    assert migration_findings(safe, _state_with_user_table()) == []


def test_type_change_and_not_null_are_caught_but_a_nullable_column_is_fine() -> None:
    state = _state_with_user_table()
    risky = _migration(
        [
            migrations.AddField("user", "nickname", models.CharField(max_length=40, null=True)),
            migrations.AlterField("user", "nickname", models.CharField(max_length=40)),
            migrations.AlterField("user", "email", models.IntegerField()),
        ]
    )

    whys = [finding.why for finding in migration_findings(risky, state)]

    assert whys == [
        "sets NOT NULL: a full scan under an exclusive lock",
        "changes the column type (CharField -> IntegerField)",
    ]


def test_a_note_in_the_migration_module_is_what_lets_a_risky_operation_through() -> None:
    loader, _ = all_migrations_in_order()
    noted = loader.graph.nodes["notifications", "0002_kinds_digests_preferences"]
    example = _migration([])  # its module is Django's, which has no SAFETY_NOTE

    assert "empty when it runs" in safety_note(noted)
    assert safety_note(example) == ""
