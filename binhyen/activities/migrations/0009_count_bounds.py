"""Bounds on an activity's counts (models.SESSIONS, ATTENDANCES, LEAFLETS): validators on the
fields and CheckConstraints in the database, replacing the "not negative" checks.

Rows already beyond a bound (the overflow the outside probe wrote through the API, up to
9.223.372.036.854.775.807 on SQLite) are first brought down to the bound, or the constraint
could not be added; the history keeps what was written. Such a row made every sum over it
overflow, so the cube is rebuilt with `binhyen rebuild-facts` after this migration when it
reports clamped rows.
"""

import django.core.validators
from django.db import migrations, models

BOUNDS = {"sessions": 100_000, "attendances": 10_000_000, "leaflets": 10_000_000}


def clamp(apps, schema_editor):
    Activity = apps.get_model("activities", "Activity")
    changed = 0
    for field, high in BOUNDS.items():
        changed += Activity._base_manager.filter(**{f"{field}__gt": high}).update(**{field: high})
    if schema_editor.connection.vendor == "postgresql":
        # the updates' deferred checks now, not at commit: ALTER TABLE refuses pending trigger events
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    if changed:
        print(f"\n  {changed} activity figure(s) above their bound were set to the bound; "
              "run `binhyen rebuild-facts` to bring the figures in line.")


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0008_documents_links_without_fk_checks'),
    ]

    operations = [
        migrations.RunPython(clamp, migrations.RunPython.noop, elidable=True),
        migrations.RemoveConstraint(
            model_name='activity',
            name='activity_sessions_not_negative',
        ),
        migrations.RemoveConstraint(
            model_name='activity',
            name='activity_attendances_not_negative',
        ),
        migrations.RemoveConstraint(
            model_name='activity',
            name='activity_leaflets_not_negative',
        ),
        migrations.AlterField(
            model_name='activity',
            name='attendances',
            field=models.PositiveIntegerField(default=0, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(10000000)], verbose_name='số lượt người tham dự'),
        ),
        migrations.AlterField(
            model_name='activity',
            name='leaflets',
            field=models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(10000000)], verbose_name='số tờ rơi'),
        ),
        migrations.AlterField(
            model_name='activity',
            name='sessions',
            field=models.PositiveIntegerField(default=1, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100000)], verbose_name='số cuộc/buổi'),
        ),
        migrations.AlterField(
            model_name='historicalactivity',
            name='attendances',
            field=models.PositiveIntegerField(default=0, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(10000000)], verbose_name='số lượt người tham dự'),
        ),
        migrations.AlterField(
            model_name='historicalactivity',
            name='leaflets',
            field=models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(10000000)], verbose_name='số tờ rơi'),
        ),
        migrations.AlterField(
            model_name='historicalactivity',
            name='sessions',
            field=models.PositiveIntegerField(default=1, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100000)], verbose_name='số cuộc/buổi'),
        ),
        migrations.AddConstraint(
            model_name='activity',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('sessions__gte', 0), ('sessions__lte', 100000)), ('sessions__isnull', True), _connector='OR'), name='activity_sessions_bounds', violation_error_message='Phải là số từ 0 đến 100.000.'),
        ),
        migrations.AddConstraint(
            model_name='activity',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('attendances__gte', 0), ('attendances__lte', 10000000)), ('attendances__isnull', True), _connector='OR'), name='activity_attendances_bounds', violation_error_message='Phải là số từ 0 đến 10.000.000.'),
        ),
        migrations.AddConstraint(
            model_name='activity',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('leaflets__gte', 0), ('leaflets__lte', 10000000)), ('leaflets__isnull', True), _connector='OR'), name='activity_leaflets_bounds', violation_error_message='Phải là số từ 0 đến 10.000.000.'),
        ),
    ]
