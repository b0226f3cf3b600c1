"""PostgreSQL-only search indexes: GIN on the weighted search vectors, trigram on names.

SQLite has neither, and the fallback search there needs none, so these run only on
PostgreSQL. They change no model state.
"""

from django.db import migrations

TABLES = ["directory_organization", "directory_project"]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_gin ON {table} USING gin (search_vector)"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_name_trgm ON {table} "
            "USING gin (lower(name) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_gin")
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
