"""The migrations describe the models: a change to a model without its migration fails here,
not on a production database."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # --check exits 1 when a migration is missing
        pytest.fail(f"makemigrations would write migrations ({exit_.code}):\n{out.getvalue()}")


@pytest.mark.django_db
def test_moved_models_keep_their_tables():
    """reports and activities took models from reporting by a change of Django's state only:
    the tables (and their history tables) keep the names existing databases have."""
    from django.apps import apps

    tables = {m._meta.label: m._meta.db_table for m in apps.get_models()}
    assert tables["activities.ActivityFact"] == "reporting_activityfact"
    for name in (
        "ReportTemplate",
        "ReportRequest",
        "Submission",
        "SubmissionFigure",
        "Notification",
    ):
        assert tables[f"reports.{name}"] == f"reporting_{name.lower()}"
    for name in ("ReportTemplate", "ReportRequest", "Submission"):
        assert tables[f"reports.Historical{name}"] == f"reporting_historical{name.lower()}"


BEFORE_THE_MOVE = [
    ("reporting", "0009_submission_figure_bounds"),
    ("activities", "0009_count_bounds"),
]


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_reports_cube_and_content_types():
    """Upgrade a database built when reporting held the cube and the reports: the rows are read
    through the models' new apps, and the content types follow the models (permissions and the
    admin's log entries keep pointing at the right ones)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from binhyen import factories as f
    from binhyen.activities.models import ActivityFact
    from binhyen.reports.models import ReportRequest, ReportTemplate, Submission

    tree = f.small_tree()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state(BEFORE_THE_MOVE).apps
    # as such a database has them: the moved models' content types under reporting only
    moved = ["submission", "reporttemplate", "reportrequest", "submissionfigure", "notification"]
    ContentType.objects.filter(app_label="reports").delete()
    ContentType.objects.filter(app_label="activities", model="activityfact").delete()
    ids = {
        model: ContentType.objects.get_or_create(app_label="reporting", model=model)[0].pk
        for model in [*moved, "activityfact"]
    }
    ContentType.objects.clear_cache()
    template = old.get_model("reporting", "ReportTemplate").objects.create(
        code="bc", name="Báo cáo năm"
    )
    request = old.get_model("reporting", "ReportRequest").objects.create(
        unit_id=tree["hcm"].pk,
        template=template,
        title="Báo cáo năm 2023",
        period_code="2023",
        period_start="2023-01-01",
        period_end="2023-12-31",
        deadline="2024-01-15",
    )
    old.get_model("reporting", "Submission").objects.create(request=request, unit_id=tree["q9"].pk)
    old.get_model("reporting", "ActivityFact").objects.create(
        ancestor_id=tree["hcm"].pk,
        child_id=tree["q9"].pk,
        month="2023-03-01",
        kind_id=1,
        sessions=4,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert ReportTemplate.objects.get().name == "Báo cáo năm"
    submission = Submission.objects.select_related("request").get()
    assert (submission.request.title, submission.unit_id) == ("Báo cáo năm 2023", tree["q9"].pk)
    assert ReportRequest.objects.count() == 1
    assert ActivityFact.objects.get(ancestor_id=tree["hcm"].pk).sessions == 4
    ContentType.objects.clear_cache()
    # the same rows, relabelled (not new ones made beside the old)
    assert ContentType.objects.get_for_model(Submission).pk == ids["submission"]
    assert ContentType.objects.get(pk=ids["submission"]).app_label == "reports"
    assert ContentType.objects.get_for_model(ActivityFact).pk == ids["activityfact"]
    assert not ContentType.objects.filter(
        app_label="reporting", model__in=["submission", "activityfact"]
    ).exists()
