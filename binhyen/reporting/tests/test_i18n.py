"""The reporting pages in English: the app's catalog is used (tests/test_catalogs.py checks
that it is complete), while the figures' period labels of the API stay in Vietnamese, as
documented."""

import pytest
from django.test import Client
from django.utils import translation

from binhyen import factories
from binhyen.figures import registry as indicators
from binhyen.org.scoping import Role

from .helpers import record

pytestmark = pytest.mark.usefixtures("english")


def test_indicator_labels_read_in_english_as_the_registry_names_them():
    with translation.override("en"):
        wrong = {
            i.code: str(i.label) for i in indicators.all_indicators() if str(i.label) != i.label_en
        }
        units = {str(i.unit) for i in indicators.all_indicators()}
    assert wrong == {}
    assert {"sessions", "attendances", "people"} <= units


@pytest.fixture
def editor(tree):
    """Quận 9's editor, with sessions of 2022 and 2021 recorded below it."""
    record(tree["cs1"], "2022-03-10", sessions=4, attendances=120)
    record(tree["cs1"], "2021-03-10", sessions=1, attendances=30)
    return factories.user("i18n-q9", Role.EDITOR, tree["q9"])


def _english(user):
    client = Client()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en"})
    return client


def test_the_rollup_api_keeps_its_vietnamese_period_label(editor):
    body = (
        _english(editor)
        .get(
            "/api/v1/rollup",
            {"unit": "HCM-Q9", "period": "2022Q1", "indicators": "activity.sessions", "by": "none"},
        )
        .json()
    )
    assert body["period"]["label"] == "Quý I/2022"


def test_dashboard_and_figure_source_in_english(editor):
    editor = _english(editor)
    dashboard = editor.get("/tong-hop/", {"period": "2022"}).content.decode()
    for english in (
        "Attendances",
        "compared with the previous period",
        "By subordinate unit",
        "Total",
        "Export to Excel",
    ):
        assert english in dashboard
    assert "Theo đơn vị trực thuộc" not in dashboard and "so với kỳ trước" not in dashboard
    assert '<option value="2022H1">' in dashboard  # a year is not a number with a thousands comma
    assert "Year 2022 · compared with Year 2021" in dashboard
    assert "Năm 2021" not in dashboard

    source = editor.get(
        "/tong-hop/nguon-so-lieu/",
        {"unit": "HCM-Q9", "period": "2022", "indicator": "activity.sessions"},
    )
    source = source.content.decode()
    for english in (
        "Figure source",
        "How it is computed",
        "Whole year",
        '<th scope="row" class="text-start">2022</th>',
    ):
        assert english in source
    assert "Cách tính" not in source and "T12" not in source
