"""The activity cube moved to activities, the periodic reports to reports: reporting forgets
them (state only; the tables stay), and their content types follow them, so permissions and
the admin's log entries still name the right models."""

from django.db import migrations

MOVED = {
    "activityfact": "activities",
    "reporttemplate": "reports", "historicalreporttemplate": "reports",
    "reportrequest": "reports", "historicalreportrequest": "reports",
    "submission": "reports", "historicalsubmission": "reports",
    "submissionfigure": "reports", "notification": "reports",
}


def _move(apps, schema_editor, source, targets):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, target in targets.items():
        if ContentType.objects.filter(app_label=target, model=model).exists():
            continue  # already made for the new app (a database migrated past here before)
        ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types(apps, schema_editor):
    _move(apps, schema_editor, "reporting", MOVED)


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, target in MOVED.items():
        if not ContentType.objects.filter(app_label="reporting", model=model).exists():
            ContentType.objects.filter(app_label=target, model=model).update(app_label="reporting")


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0010_activityfact_from_reporting'),
        ('reports', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('reporting', '0009_submission_figure_bounds'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.DeleteModel(
                name='ActivityFact',
            ),
            migrations.RemoveField(
                model_name='historicalreporttemplate',
                name='history_user',
            ),
            migrations.RemoveField(
                model_name='historicalsubmission',
                name='approved_by',
            ),
            migrations.RemoveField(
                model_name='historicalsubmission',
                name='history_user',
            ),
            migrations.RemoveField(
                model_name='historicalsubmission',
                name='request',
            ),
            migrations.RemoveField(
                model_name='historicalsubmission',
                name='unit',
            ),
            migrations.RemoveField(
                model_name='notification',
                name='submission',
            ),
            migrations.RemoveField(
                model_name='notification',
                name='user',
            ),
            migrations.RemoveField(
                model_name='reportrequest',
                name='issued_by',
            ),
            migrations.RemoveField(
                model_name='reportrequest',
                name='template',
            ),
            migrations.RemoveField(
                model_name='reportrequest',
                name='unit',
            ),
            migrations.RemoveField(
                model_name='submission',
                name='request',
            ),
            migrations.RemoveField(
                model_name='submission',
                name='approved_by',
            ),
            migrations.RemoveField(
                model_name='submission',
                name='unit',
            ),
            migrations.RemoveField(
                model_name='submissionfigure',
                name='submission',
            ),
            migrations.DeleteModel(
                name='HistoricalReportRequest',
            ),
            migrations.DeleteModel(
                name='HistoricalReportTemplate',
            ),
            migrations.DeleteModel(
                name='HistoricalSubmission',
            ),
            migrations.DeleteModel(
                name='Notification',
            ),
            migrations.DeleteModel(
                name='ReportTemplate',
            ),
            migrations.DeleteModel(
                name='ReportRequest',
            ),
            migrations.DeleteModel(
                name='Submission',
            ),
            migrations.DeleteModel(
                name='SubmissionFigure',
            ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=False),
    ]
