"""Bounds on a kept report figure (models.FIGURE_VALUE, 0..10**12, finite): a validator and a
CheckConstraint. A kept figure outside them (none is expected: they are computed from the
records) becomes "no figure" (NULL) rather than stopping the upgrade; on PostgreSQL NaN and
Infinity compare above every number, so they are caught by the same filter."""

import django.core.validators
from django.db import migrations, models
from django.db.models import Q

HIGH = 10**12


def clear_implausible(apps, schema_editor):
    SubmissionFigure = apps.get_model("reporting", "SubmissionFigure")
    SubmissionFigure._base_manager.filter(Q(value__lt=0) | Q(value__gt=HIGH)).update(value=None)
    if schema_editor.connection.vendor == "postgresql":
        # the updates' deferred checks now, not at commit: ALTER TABLE refuses pending trigger events
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0008_fact_rebuild'),
    ]

    operations = [
        migrations.RunPython(clear_implausible, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='submissionfigure',
            name='value',
            field=models.FloatField(null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1000000000000)], verbose_name='giá trị'),
        ),
        migrations.AddConstraint(
            model_name='submissionfigure',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('value__gte', 0), ('value__lte', 1000000000000)), ('value__isnull', True), _connector='OR'), name='submission_figure_value_bounds', violation_error_message='Phải là số từ 0 đến 1.000.000.000.000.'),
        ),
    ]
