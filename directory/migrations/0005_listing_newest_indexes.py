"""PostgreSQL-only: "newest first" with undated listings last, from an index.

SQLite cannot declare NULLS LAST in an index (and needs none at demo size), so these run only
on PostgreSQL and change no model state.
"""

from django.db import migrations

TABLES = ["directory_organization", "directory_project"]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_published_newest ON {table} "
            "(published_at DESC NULLS LAST, id DESC) WHERE status = 'published'"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_published_newest")


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_postgres_listing_tag_ids")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
