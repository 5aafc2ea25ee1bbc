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
