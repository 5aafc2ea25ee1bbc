"""Leave free space in the cube's pages on PostgreSQL: an upsert that only changes the sums
is then a HOT update on the same page, so a rollup's rows stay together on disk."""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE reporting_activityfact SET (fillfactor = 85)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE reporting_activityfact RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_cell_index_by_slot")]
    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
