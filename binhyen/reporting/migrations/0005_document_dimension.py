"""The activity cube gets a fifth dimension slot: the documents (plans…) an activity carries
out (Activity.documents), so "sessions of the activities under plan 329/KH-LĐLĐ" is read from
the cube like a topic's.

An upgraded database already holds activities linked to documents: the migration writes their
document cells itself, computed in SQL from the raw activities exactly as `rebuild-facts` does
(so `binhyen verify-facts` finds the cube exact right after `migrate`, with no rebuild). The SQL
is written out here rather than imported from reporting.facts, so that this step keeps doing
the same thing whatever that module becomes later."""

from django.db import migrations, models

DOCUMENT = 4
PATH_STEP = 9  # org.models.PATH_STEP when this was written: "%08d/" per level


def _month(connection, column):
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def fill_document_cells(apps, schema_editor):
    connection = schema_editor.connection
    q = connection.ops.quote_name
    Activity = apps.get_model("activities", "Activity")
    Unit = apps.get_model("org", "Unit")
    Fact = apps.get_model("reporting", "ActivityFact")
    links = Activity._meta.get_field("documents").remote_field.through
    if not links.objects.exists():
        return  # a new database, or no activity linked yet: nothing to write
    max_depth = Unit.objects.order_by("-depth").values_list("depth", flat=True).first() or 1
    levels = "(VALUES " + ", ".join(f"({k})" for k in range(1, max_depth + 1)) + ") AS lv"
    level = "lv.column1"
    ancestor = f"CAST(substr(u.path, {PATH_STEP} * ({level} - 1) + 1, {PATH_STEP - 1}) AS INTEGER)"
    below = f"CAST(substr(u.path, {PATH_STEP} * {level} + 1, {PATH_STEP - 1}) AS INTEGER)"
    child = f"CASE WHEN u.depth = {level} THEN {ancestor} ELSE {below} END"
    table = q(Fact._meta.db_table)
    columns = "ancestor_id, month, child_id, kind_id, dim, dim_id, activities, sessions, attendances, leaflets"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE dim = %s", [DOCUMENT])
        cursor.execute(
            f"INSERT INTO {table} ({columns}) "
            f"SELECT {ancestor} AS f_anc, {_month(connection, 'a.date')} AS f_month, {child} AS f_child, "
            f"a.kind_id AS f_kind, {DOCUMENT} AS f_dim, t.document_id AS f_dim_id, COUNT(*), "
            f"SUM(a.sessions), SUM(a.attendances), SUM(COALESCE(a.leaflets, 0)) "
            f"FROM {q(Activity._meta.db_table)} a JOIN {q(Unit._meta.db_table)} u ON u.id = a.unit_id "
            f"JOIN {q(links._meta.db_table)} t ON t.activity_id = a.id "
            f"JOIN {levels} ON u.depth >= {level} "
            f"WHERE a.deleted_at IS NULL "
            f"GROUP BY f_anc, f_month, f_child, f_kind, f_dim_id "
            f"ORDER BY f_anc, f_dim, f_dim_id, f_month, f_child, f_kind"
        )


def drop_document_cells(apps, schema_editor):
    Fact = apps.get_model("reporting", "ActivityFact")
    Fact.objects.filter(dim=DOCUMENT).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_periodic_reports"),
        ("activities", "0005_activity_documents"),
        ("org", "0002_unit_kinds"),
    ]

    operations = [
        migrations.AlterField(
            model_name="activityfact",
            name="dim",
            field=models.SmallIntegerField(
                choices=[(0, "Tổng (không phân theo chiều)"), (1, "Chủ đề"), (2, "Đối tượng"), (3, "Hình thức"),
                         (4, "Văn bản thực hiện")],
                default=0, verbose_name="chiều",
            ),
        ),
        migrations.RunPython(fill_document_cells, drop_document_cells),
    ]
