"""The full-text index post search reads: a GIN index on to_tsvector(message) on
PostgreSQL; on SQLite an FTS5 table with the triggers that keep it in step, filled with
the posts already stored (skipped when SQLite lacks FTS5: search then falls back to
a GLOB scan). Other databases get nothing."""

from django.db import migrations

from apps.posts.search import indexes


def create_index(apps, schema_editor):
    indexes.create(schema_editor.connection)


def drop_index(apps, schema_editor):
    indexes.drop(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("posts", "0002_threads_and_files"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
