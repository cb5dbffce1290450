"""Planner statistics for SQLite databases made before imports kept them (docs/adr/0022):
without them a profile page reads every figure of a measure nationally."""

from django.db import migrations


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL's autovacuum analyses; imports do too
    schema_editor.execute("PRAGMA analysis_limit = 1000")
    schema_editor.execute("ANALYZE figures_figure")
    schema_editor.execute("ANALYZE areas_area")


class Migration(migrations.Migration):
    dependencies = [
        ("figures", "0005_figure_bulk_keys"),
    ]

    operations = [
        migrations.RunPython(analyze, migrations.RunPython.noop, elidable=True),
    ]
