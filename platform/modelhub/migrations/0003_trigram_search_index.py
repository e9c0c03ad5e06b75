"""Trigram search on PostgreSQL: the pg_trgm extension and a GIN index over the
search text. Other databases (SQLite) search by substring and need neither."""

from django.db import migrations


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS modelhub_search_text_trgm ON modelhub_registeredmodel "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS modelhub_search_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("modelhub", "0002_versions_tags_visibility_lineage")]
    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
