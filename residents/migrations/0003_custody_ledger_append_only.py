"""A database guard under the services: the custody ledger is append-only.

Entries (residents_custodyentry) and their confirmations (residents_custodyconfirmation) can be
inserted, never updated or deleted, whoever connects — a correction is a new reversal entry.
"""
from django.db import migrations

TABLES = ("residents_custodyentry", "residents_custodyconfirmation")
MESSAGE = "the custody ledger is append-only: record a correction instead / 代管款物账目只能追加，不能修改或删除，请登记更正记录"

SQLITE = [
    f"""CREATE TRIGGER {table}_append_only_{op.lower()} BEFORE {op} ON {table}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
    for table in TABLES for op in ("UPDATE", "DELETE")
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {table}_append_only_{op}" for table in TABLES for op in ("update", "delete")]

POSTGRES = [
    f"""CREATE FUNCTION residents_custody_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END $$""",
    *(
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION residents_custody_append_only()"""
        for table in TABLES
    ),
]
POSTGRES_DROP = [
    *(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS residents_custody_append_only()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("residents", "0002_custody_and_notices")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
