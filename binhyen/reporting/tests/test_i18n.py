"""The reporting pages in English: the app's catalog is used (tests/test_catalogs.py checks
that it is complete), while what other people read later (notifications, the standard
template's name, the draft's figure sources) stays in Vietnamese whoever wrote it."""

import datetime
import io
import re
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

from binhyen import factories
from binhyen.org.scoping import Role
from binhyen.reporting import indicators, workflow
from binhyen.reports.models import Notification, Submission

from .helpers import record

APP = Path(__file__).resolve().parents[1]
PO = APP / "locale" / "en" / "LC_MESSAGES" / "django.po"


pytestmark = pytest.mark.usefixtures("english")


def test_indicator_counts_have_their_english_plural_forms():
    catalog = polib.pofile(str(PO))
    assert {"%(n)s indicator", "%(n)s indicators"} <= {t for e in catalog for t in e.msgstr_plural.values()}


def test_indicator_labels_read_in_english_as_the_registry_names_them():
    with translation.override("en"):
        wrong = {i.code: str(i.label) for i in indicators.all_indicators() if str(i.label) != i.label_en}
        units = {str(i.unit) for i in indicators.all_indicators()}
    assert wrong == {}
    assert {"sessions", "attendances", "people"} <= units


@pytest.fixture
def returned(tree):
    """A 2022 request issued, submitted and returned by people using the English interface."""
    record(tree["cs1"], "2022-03-10", sessions=4, attendances=120)
    record(tree["cs1"], "2021-03-10", sessions=1, attendances=30)
    approver = factories.user("i18n-hcm", Role.APPROVER, tree["hcm"])
    editor = factories.user("i18n-q9", Role.EDITOR, tree["q9"])
    with translation.override("en"):
        request = workflow.issue_request(approver, unit=tree["hcm"], period="2022", deadline=datetime.date(2023, 1, 15))
        s = Submission.objects.get(request=request, unit=tree["q9"])
        s = workflow.save_draft(editor, s, version=s.version, generate=True)
        s = workflow.submit(editor, s, version=s.version)
        s = workflow.return_submission(approver, s, version=s.version, comment="Thiếu số liệu hội nghị.")
    return {"request": request, "submission": s, "approver": approver, "editor": editor}


def _english(user):
    client = Client()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en"})
    return client


def test_what_others_read_later_stays_vietnamese(returned):
    assert returned["request"].title == "Báo cáo công tác phòng, chống tội phạm năm 2022"
    notice = Notification.objects.get(user=returned["editor"], kind=Notification.Kind.RETURNED)
    assert "bị trả lại: Thiếu số liệu hội nghị." in notice.message
    labels = [item["label"] for item in returned["submission"].narrative_sources if item.get("label")]
    assert labels and any(label.startswith("Số cuộc, buổi") for label in labels)
    assert not any(label.startswith("Sessions") for label in labels)
    assert all(label.endswith((" · Năm 2022", " · Năm 2021")) for label in labels)


def test_a_quarter_requested_in_english_is_titled_in_vietnamese(returned):
    with translation.override("en"):
        request = workflow.issue_request(returned["approver"], unit=returned["request"].unit, period="2023Q1",
                                         deadline=datetime.date(2023, 4, 15))
    assert request.title == "Báo cáo công tác phòng, chống tội phạm quý I/2023"  # not "quý i", not "Q1"
    listing = _english(returned["approver"]).get("/tong-hop/yeu-cau-bao-cao/").content.decode()
    assert "<td>Q1/2023</td>" in listing and "<td>Year 2022</td>" in listing  # the period column, as read
    assert "phạm quý I/2023" in listing  # the title, as kept


def test_a_report_downloaded_in_english_is_the_vietnamese_document(returned):
    from docx import Document

    s = returned["submission"]
    Submission.objects.filter(pk=s.pk).update(narrative="")  # so the results are written as it downloads
    response = _english(returned["editor"]).get(f"/tong-hop/bao-cao/{s.pk}/tai-ve.docx")
    texts = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert "Kết quả công tác phòng, chống tội phạm năm 2022" in texts
    assert any(t.startswith("Trên đây là báo cáo kết quả công tác phòng, chống tội phạm năm 2022") for t in texts)
    assert any("So với năm 2021 (1 buổi)" in t for t in texts)
    assert not any(re.search(r"[Yy]ear 20|Sessions|compared", t) for t in texts)


def test_the_rollup_api_keeps_its_vietnamese_period_label(returned):
    body = _english(returned["editor"]).get("/api/v1/rollup", {
        "unit": "HCM-Q9", "period": "2022Q1", "indicators": "activity.sessions", "by": "none"}).json()
    assert body["period"]["label"] == "Quý I/2022"


def test_report_pages_in_english(returned):
    approver = _english(returned["approver"])
    listing = approver.get("/tong-hop/yeu-cau-bao-cao/").content.decode()
    assert '<html lang="en">' in listing
    for english in ("Periodic reports", "Request a report", "Reporting period", "Deadline", "1/2 units submitted, 0 approved"):
        assert english in listing
    assert "Hạn nộp" not in listing and "Kỳ báo cáo" not in listing
    page = approver.get(f"/tong-hop/bao-cao/{returned['submission'].pk}/").content.decode()
    for english in ("Returned for revision", "Report figures", "Unit of measure", "Sessions", "Results"):
        assert english in page
    assert "Số liệu của báo cáo" not in page
    assert "Liên đoàn Lao động Quận 9" in page  # data stays as entered


def test_notifications_and_dashboard_in_english(returned):
    editor = _english(returned["editor"])
    page = editor.get("/tong-hop/thong-bao/").content.decode()
    for english in ("Notifications", "Mark all as read", "Unread", "Report returned", "Open the report"):
        assert english in page
    assert "Đánh dấu tất cả là đã đọc" not in page
    assert "bị trả lại: Thiếu số liệu hội nghị." in page  # the message as it was sent

    dashboard = editor.get("/tong-hop/", {"period": "2022"}).content.decode()
    for english in ("Attendances", "compared with the previous period", "By subordinate unit", "Total", "Export to Excel"):
        assert english in dashboard
    assert "Theo đơn vị trực thuộc" not in dashboard and "so với kỳ trước" not in dashboard
    assert '<option value="2022H1">' in dashboard  # a year is not a number with a thousands comma
    assert "Year 2022 · compared with Year 2021" in dashboard
    assert "Năm 2021" not in dashboard

    source = editor.get("/tong-hop/nguon-so-lieu/", {"unit": "HCM-Q9", "period": "2022", "indicator": "activity.sessions"})
    source = source.content.decode()
    for english in ("Figure source", "How it is computed", "Whole year", '<th scope="row" class="text-start">2022</th>'):
        assert english in source
    assert "Cách tính" not in source and "T12" not in source
