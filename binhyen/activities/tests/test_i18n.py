"""The activities pages in English: the app's catalog is used (tests/test_catalogs.py
checks it is complete) and holds the spreadsheet machinery's strings, and a Vietnamese
template still imports for someone using the English interface."""

from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

from binhyen.activities.models import Activity
from binhyen.activities.services import import_activities

from .conftest import row, xlsx

PO = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"


pytestmark = pytest.mark.usefixtures("english")


def test_the_spreadsheet_machinerys_strings_are_in_the_activities_catalog():
    catalog = polib.pofile(str(PO))
    places = {p for e in catalog for p, _line in e.occurrences}
    assert "locks.py" in {p.rsplit("/", 1)[-1] for p in places}
    assert {"spec.py", "errors.py", "read.py", "convert.py", "run.py", "write.py"} <= {
        p.split("spreadsheets/", 1)[-1] for p in places if p.startswith("spreadsheets/")
    }


def test_list_and_import_errors_in_english(
    people, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(people["cs1_editor"])
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get("/hoat-dong/").content.decode()
    assert "Record an activity" in page and "No activity in your scope yet." in page
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = xlsx([row(**{"Số lượt người": -2})])
    with django_capture_on_commit_callbacks(execute=True):  # the import is a background job
        response = client.post(
            "/hoat-dong/nhap-excel/", {"file": SimpleUploadedFile("a.xlsx", bad.getvalue())}
        )
    page = client.get(response["Location"]).content.decode()
    assert (
        "Nothing was imported" in page
        and "Attendances" in page
        and "must be a whole number ≥ 0" in page
    )


def test_vietnamese_headers_import_under_english(people):
    with translation.override("en"):
        result = import_activities(people["cs1_editor"], xlsx([row()]), file_name="a.xlsx")
    assert result.ok and Activity.objects.count() == 1
