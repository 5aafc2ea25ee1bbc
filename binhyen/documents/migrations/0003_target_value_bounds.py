"""Bounds on a plan's target value (models.TARGET_VALUE, 1..10.000.000): validators on the fields
and CheckConstraints in the database, replacing the "greater than 0" checks. A target above the
bound (only the API could write one) is first brought down to it, with its units' copies, or
the constraint could not be added; the history keeps what was written."""

import django.core.validators
from django.db import migrations, models

HIGH = 10_000_000


def clamp(apps, schema_editor):
    for name in ("Target", "TargetAssignment"):
        apps.get_model("documents", name)._base_manager.filter(value__gt=HIGH).update(value=HIGH)
    if schema_editor.connection.vendor == "postgresql":
        # the updates' deferred checks now, not at commit: ALTER TABLE refuses pending trigger events
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0002_reference_lists'),
    ]

    operations = [
        migrations.RunPython(clamp, migrations.RunPython.noop, elidable=True),
        migrations.RemoveConstraint(
            model_name='target',
            name='target_value_positive',
        ),
        migrations.RemoveConstraint(
            model_name='targetassignment',
            name='target_assignment_value_positive',
        ),
        migrations.AlterField(
            model_name='historicaltarget',
            name='value',
            field=models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10000000)], verbose_name='mức chỉ tiêu mỗi đơn vị'),
        ),
        migrations.AlterField(
            model_name='historicaltargetassignment',
            name='value',
            field=models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10000000)], verbose_name='mức chỉ tiêu'),
        ),
        migrations.AlterField(
            model_name='target',
            name='value',
            field=models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10000000)], verbose_name='mức chỉ tiêu mỗi đơn vị'),
        ),
        migrations.AlterField(
            model_name='targetassignment',
            name='value',
            field=models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10000000)], verbose_name='mức chỉ tiêu'),
        ),
        migrations.AddConstraint(
            model_name='target',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('value__gte', 1), ('value__lte', 10000000)), ('value__isnull', True), _connector='OR'), name='target_value_bounds', violation_error_message='Phải là số từ 1 đến 10.000.000.'),
        ),
        migrations.AddConstraint(
            model_name='targetassignment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('value__gte', 1), ('value__lte', 10000000)), ('value__isnull', True), _connector='OR'), name='target_assignment_value_bounds', violation_error_message='Phải là số từ 1 đến 10.000.000.'),
        ),
    ]
