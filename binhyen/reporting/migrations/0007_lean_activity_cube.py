"""The activity cube keeps fewer rows (see binhyen/reporting/facts.py): no dimension slots
below the top two levels, no own row for a grassroots union below the root (its parent's row
for it holds the same sums). The new cube is a subset of the old one, so pruning it is exact;
no recomputation needed."""

from django.db import migrations

DIM_LEVELS = 2


def prune(apps, schema_editor):
    connection = schema_editor.connection
    q = connection.ops.quote_name
    Fact = apps.get_model("reporting", "ActivityFact")
    Unit = apps.get_model("org", "Unit")
    UnitKind = apps.get_model("org", "UnitKind")
    fact, unit, kind = (q(m._meta.db_table) for m in (Fact, Unit, UnitKind))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {fact} WHERE dim <> 0 AND ancestor_id IN "
            f"(SELECT id FROM {unit} WHERE depth > {DIM_LEVELS})"
        )
        cursor.execute(
            f"DELETE FROM {fact} WHERE ancestor_id = child_id AND ancestor_id IN "
            f"(SELECT u.id FROM {unit} u JOIN {kind} k ON k.id = u.kind_id WHERE k.is_grassroots AND u.depth > 1)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0006_submission_narrative_sources"),
        ("org", "0002_unit_kinds"),
    ]
    operations = [migrations.RunPython(prune, migrations.RunPython.noop)]
