"""The activity cube (ActivityFact) moves from reporting to the app whose records it sums.

State only: the table keeps its name, reporting_activityfact."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0009_submission_figure_bounds'),
        ('activities', '0009_count_bounds'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.CreateModel(
                name='ActivityFact',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('ancestor_id', models.IntegerField(verbose_name='đơn vị tổng hợp')),
                    ('child_id', models.IntegerField(verbose_name='đơn vị trực thuộc trên nhánh')),
                    ('month', models.DateField(verbose_name='tháng')),
                    ('kind_id', models.IntegerField(verbose_name='loại hoạt động')),
                    ('dim', models.SmallIntegerField(choices=[(0, 'Tổng (không phân theo chiều)'), (1, 'Chủ đề'), (2, 'Đối tượng'), (3, 'Hình thức'), (4, 'Văn bản thực hiện')], default=0, verbose_name='chiều')),
                    ('dim_id', models.IntegerField(default=0, verbose_name='giá trị của chiều')),
                    ('activities', models.BigIntegerField(default=0, verbose_name='số hoạt động')),
                    ('sessions', models.BigIntegerField(default=0, verbose_name='số cuộc/buổi')),
                    ('attendances', models.BigIntegerField(default=0, verbose_name='số lượt người')),
                    ('leaflets', models.BigIntegerField(default=0, verbose_name='số tờ rơi')),
                ],
                options={
                    'verbose_name': 'ô số liệu tổng hợp hoạt động',
                    'verbose_name_plural': 'số liệu tổng hợp hoạt động',
                    'db_table': 'reporting_activityfact',
                    'constraints': [models.UniqueConstraint(fields=('ancestor_id', 'dim', 'dim_id', 'month', 'child_id', 'kind_id'), name='activityfact_slot_cell')],
                },
            ),
            ],
        ),
    ]
