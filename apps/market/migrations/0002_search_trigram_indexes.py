"""Trigram indexes for the catalogue search on PostgreSQL.

The search is `name ILIKE '%word%' OR description ILIKE '%word%'` (Django's icontains, which
PostgreSQL runs as UPPER(column) LIKE UPPER(pattern)): no b-tree helps with a leading wildcard,
a GIN trigram index on UPPER(column) does. SQLite has no such index; there the catalogue of a
development machine is small enough to scan.
"""

from django.db import migrations

INDEXES = {
    "product_name_trgm_idx": "name",
    "product_description_trgm_idx": "description",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for index, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON market_product "
            f"USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("market", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
