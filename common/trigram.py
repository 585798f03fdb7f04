"""Trigram (pg_trgm) indexes behind the search box's "contains" and "ends with" queries.

On PostgreSQL a GIN trigram index answers `LIKE '%…%'` without reading the table; SQLite, the embedded
default, has no such index and scans, which is fast enough at a county's size.
"""
from django.db import migrations


def trigram_indexes(*indexes: tuple[str, str, str]) -> migrations.RunPython:
    """A migration operation that creates the (name, table, column) GIN trigram indexes on PostgreSQL
    (pg_trgm is a trusted extension: the database's owner may create it) and does nothing elsewhere."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in indexes:
            schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)')

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, _table, _column in indexes:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(forwards, backwards)
