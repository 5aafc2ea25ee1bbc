"""The periodic-report models move here from reporting.

State only: the tables keep their names (reporting_submission, reporting_historicalsubmission, …)."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('reporting', '0009_submission_figure_bounds'),
        ('org', '0004_alter_area_area_latitude_bounds_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.CreateModel(
                name='ReportTemplate',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.SlugField(max_length=60, unique=True, verbose_name='mã mẫu')),
                    ('name', models.CharField(max_length=255, verbose_name='tên mẫu báo cáo')),
                    ('frequency', models.CharField(choices=[('quarter', 'Quý'), ('half', '6 tháng'), ('year', 'Năm'), ('range', 'Giai đoạn')], default='year', max_length=20, verbose_name='kỳ báo cáo')),
                    ('indicators', models.JSONField(default=list, verbose_name='các chỉ tiêu')),
                    ('description', models.TextField(blank=True, verbose_name='mô tả')),
                ],
                options={
                    'verbose_name': 'mẫu báo cáo',
                    'verbose_name_plural': 'mẫu báo cáo',
                    'db_table': 'reporting_reporttemplate',
                    'ordering': ['name'],
                },
            ),
            migrations.CreateModel(
                name='HistoricalReportTemplate',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('code', models.SlugField(max_length=60, verbose_name='mã mẫu')),
                    ('name', models.CharField(max_length=255, verbose_name='tên mẫu báo cáo')),
                    ('frequency', models.CharField(choices=[('quarter', 'Quý'), ('half', '6 tháng'), ('year', 'Năm'), ('range', 'Giai đoạn')], default='year', max_length=20, verbose_name='kỳ báo cáo')),
                    ('indicators', models.JSONField(default=list, verbose_name='các chỉ tiêu')),
                    ('description', models.TextField(blank=True, verbose_name='mô tả')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'historical mẫu báo cáo',
                    'verbose_name_plural': 'historical mẫu báo cáo',
                    'db_table': 'reporting_historicalreporttemplate',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='ReportRequest',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('title', models.CharField(max_length=255, verbose_name='tiêu đề')),
                    ('period_code', models.CharField(max_length=40, verbose_name='kỳ báo cáo')),
                    ('period_start', models.DateField(verbose_name='từ ngày')),
                    ('period_end', models.DateField(verbose_name='đến ngày')),
                    ('deadline', models.DateField(verbose_name='hạn nộp')),
                    ('instructions', models.TextField(blank=True, verbose_name='hướng dẫn')),
                    ('audience', models.CharField(choices=[('children', 'Các đơn vị trực thuộc'), ('grassroots', 'Tất cả công đoàn cơ sở trong đơn vị')], default='children', max_length=20, verbose_name='đơn vị được yêu cầu')),
                    ('issued_at', models.DateTimeField(auto_now_add=True, verbose_name='thời điểm ban hành')),
                    ('issued_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người ban hành')),
                    ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='report_requests', to='org.unit', verbose_name='đơn vị yêu cầu')),
                    ('template', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='reports.reporttemplate', verbose_name='mẫu báo cáo')),
                ],
                options={
                    'verbose_name': 'yêu cầu báo cáo',
                    'verbose_name_plural': 'yêu cầu báo cáo',
                    'db_table': 'reporting_reportrequest',
                    'ordering': ['-period_end', '-issued_at'],
                },
            ),
            migrations.CreateModel(
                name='HistoricalSubmission',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('status', models.CharField(choices=[('draft', 'Đang soạn'), ('submitted', 'Đã gửi'), ('returned', 'Bị trả lại'), ('approved', 'Đã phê duyệt')], default='draft', max_length=20, verbose_name='trạng thái')),
                    ('version', models.PositiveIntegerField(default=1, verbose_name='phiên bản')),
                    ('narrative', models.TextField(blank=True, verbose_name='nội dung báo cáo')),
                    ('assessment', models.TextField(blank=True, verbose_name='đánh giá chung')),
                    ('shortcomings', models.TextField(blank=True, verbose_name='tồn tại, hạn chế')),
                    ('proposals', models.TextField(blank=True, verbose_name='kiến nghị, đề xuất')),
                    ('missing_units', models.JSONField(blank=True, default=list, verbose_name='đơn vị cấp dưới chưa được duyệt khi gửi')),
                    ('first_submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='gửi lần đầu lúc')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='gửi lúc')),
                    ('comment', models.TextField(blank=True, verbose_name='ý kiến khi trả lại')),
                    ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='phê duyệt lúc')),
                    ('locked', models.BooleanField(default=False, verbose_name='đã khóa số liệu')),
                    ('unlock_reason', models.TextField(blank=True, verbose_name='lý do mở khóa')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('approved_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người phê duyệt')),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('unit', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='org.unit', verbose_name='đơn vị báo cáo')),
                    ('request', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reports.reportrequest', verbose_name='yêu cầu báo cáo')),
                ],
                options={
                    'verbose_name': 'historical báo cáo của đơn vị',
                    'verbose_name_plural': 'historical báo cáo của đơn vị',
                    'db_table': 'reporting_historicalsubmission',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalReportRequest',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('title', models.CharField(max_length=255, verbose_name='tiêu đề')),
                    ('period_code', models.CharField(max_length=40, verbose_name='kỳ báo cáo')),
                    ('period_start', models.DateField(verbose_name='từ ngày')),
                    ('period_end', models.DateField(verbose_name='đến ngày')),
                    ('deadline', models.DateField(verbose_name='hạn nộp')),
                    ('instructions', models.TextField(blank=True, verbose_name='hướng dẫn')),
                    ('audience', models.CharField(choices=[('children', 'Các đơn vị trực thuộc'), ('grassroots', 'Tất cả công đoàn cơ sở trong đơn vị')], default='children', max_length=20, verbose_name='đơn vị được yêu cầu')),
                    ('issued_at', models.DateTimeField(blank=True, editable=False, verbose_name='thời điểm ban hành')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('issued_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người ban hành')),
                    ('unit', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='org.unit', verbose_name='đơn vị yêu cầu')),
                    ('template', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='reports.reporttemplate', verbose_name='mẫu báo cáo')),
                ],
                options={
                    'verbose_name': 'historical yêu cầu báo cáo',
                    'verbose_name_plural': 'historical yêu cầu báo cáo',
                    'db_table': 'reporting_historicalreportrequest',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='Submission',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('status', models.CharField(choices=[('draft', 'Đang soạn'), ('submitted', 'Đã gửi'), ('returned', 'Bị trả lại'), ('approved', 'Đã phê duyệt')], default='draft', max_length=20, verbose_name='trạng thái')),
                    ('version', models.PositiveIntegerField(default=1, verbose_name='phiên bản')),
                    ('narrative', models.TextField(blank=True, verbose_name='nội dung báo cáo')),
                    ('narrative_sources', models.JSONField(blank=True, default=list, editable=False, verbose_name='nguồn các số liệu của bản nháp')),
                    ('assessment', models.TextField(blank=True, verbose_name='đánh giá chung')),
                    ('shortcomings', models.TextField(blank=True, verbose_name='tồn tại, hạn chế')),
                    ('proposals', models.TextField(blank=True, verbose_name='kiến nghị, đề xuất')),
                    ('missing_units', models.JSONField(blank=True, default=list, verbose_name='đơn vị cấp dưới chưa được duyệt khi gửi')),
                    ('first_submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='gửi lần đầu lúc')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='gửi lúc')),
                    ('comment', models.TextField(blank=True, verbose_name='ý kiến khi trả lại')),
                    ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='phê duyệt lúc')),
                    ('locked', models.BooleanField(default=False, verbose_name='đã khóa số liệu')),
                    ('unlock_reason', models.TextField(blank=True, verbose_name='lý do mở khóa')),
                    ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người phê duyệt')),
                    ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='submissions', to='reports.reportrequest', verbose_name='yêu cầu báo cáo')),
                    ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='report_submissions', to='org.unit', verbose_name='đơn vị báo cáo')),
                ],
                options={
                    'verbose_name': 'báo cáo của đơn vị',
                    'verbose_name_plural': 'báo cáo của đơn vị',
                    'db_table': 'reporting_submission',
                    'ordering': ['request', 'unit__path'],
                },
            ),
            migrations.CreateModel(
                name='Notification',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('requested', 'Nhận yêu cầu báo cáo'), ('deadline', 'Sắp đến hạn nộp'), ('submitted', 'Có báo cáo được gửi'), ('returned', 'Báo cáo bị trả lại'), ('approved', 'Báo cáo được phê duyệt'), ('unlocked', 'Báo cáo được mở khóa')], max_length=20, verbose_name='loại')),
                    ('message', models.TextField(verbose_name='nội dung')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='lúc')),
                    ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='đã đọc lúc')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='report_notices', to=settings.AUTH_USER_MODEL)),
                    ('submission', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='reports.submission')),
                ],
                options={
                    'verbose_name': 'thông báo',
                    'verbose_name_plural': 'thông báo',
                    'db_table': 'reporting_notification',
                    'ordering': ['-created_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='SubmissionFigure',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('indicator', models.CharField(max_length=200, verbose_name='chỉ tiêu')),
                    ('row_code', models.CharField(blank=True, max_length=40, verbose_name='mã đơn vị của dòng')),
                    ('row_name', models.CharField(blank=True, max_length=255, verbose_name='tên đơn vị của dòng')),
                    ('position', models.PositiveIntegerField(default=0)),
                    ('value', models.FloatField(null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1000000000000)], verbose_name='giá trị')),
                    ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='figures', to='reports.submission')),
                ],
                options={
                    'verbose_name': 'số liệu đã phê duyệt',
                    'verbose_name_plural': 'số liệu đã phê duyệt',
                    'db_table': 'reporting_submissionfigure',
                    'ordering': ['submission', 'position'],
                },
            ),
            migrations.AddConstraint(
                model_name='reportrequest',
                constraint=models.CheckConstraint(condition=models.Q(('period_end__gte', models.F('period_start'))), name='reportrequest_period_ordered', violation_error_message='Ngày kết thúc kỳ không được trước ngày bắt đầu.'),
            ),
            migrations.AddConstraint(
                model_name='reportrequest',
                constraint=models.CheckConstraint(condition=models.Q(('deadline__gte', models.F('period_start'))), name='reportrequest_deadline_in_or_after_period', violation_error_message='Hạn nộp không được trước ngày bắt đầu kỳ báo cáo.'),
            ),
            migrations.AddIndex(
                model_name='submission',
                index=models.Index(fields=['locked', 'status'], name='submission_locked'),
            ),
            migrations.AddConstraint(
                model_name='submission',
                constraint=models.UniqueConstraint(fields=('request', 'unit'), name='submission_one_per_unit'),
            ),
            migrations.AddConstraint(
                model_name='submission',
                constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'submitted', 'returned', 'approved'])), name='submission_status_known'),
            ),
            migrations.AddConstraint(
                model_name='submission',
                constraint=models.CheckConstraint(condition=models.Q(('locked', False), ('status', 'approved'), _connector='OR'), name='submission_locked_only_when_approved', violation_error_message='Chỉ báo cáo đã phê duyệt mới được khóa số liệu.'),
            ),
            migrations.AddConstraint(
                model_name='notification',
                constraint=models.UniqueConstraint(condition=models.Q(('kind', 'deadline')), fields=('user', 'submission', 'kind'), name='notification_one_deadline_reminder'),
            ),
            migrations.AddConstraint(
                model_name='submissionfigure',
                constraint=models.UniqueConstraint(fields=('submission', 'indicator', 'row_code'), name='figure_one_per_cell'),
            ),
            migrations.AddConstraint(
                model_name='submissionfigure',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('value__gte', 0), ('value__lte', 1000000000000)), ('value__isnull', True), _connector='OR'), name='submission_figure_value_bounds', violation_error_message='Phải là số từ 0 đến 1.000.000.000.000.'),
            ),
            ],
        ),
    ]
