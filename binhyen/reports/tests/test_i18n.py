"""The periodic reports' pages in English: the app's catalog is used (tests/test_catalogs.py
checks that it is complete), while what other people read later (notifications, the standard
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
from binhyen.reporting.tests.helpers import record
from binhyen.reports import services
from binhyen.reports.models import Notification, Submission

APP = Path(__file__).resolve().parents[1]
PO = APP / "locale" / "en" / "LC_MESSAGES" / "django.po"
REPORTING_PO = APP.parent / "reporting" / "locale" / "en" / "LC_MESSAGES" / "django.po"


pytestmark = pytest.mark.usefixtures("english")


def test_indicator_counts_have_their_english_plural_forms():  # the changed figures of a report
    catalog = polib.pofile(str(PO))
    assert {"%(n)s indicator", "%(n)s indicators"} <= {
        t for e in catalog for t in e.msgstr_plural.values()
    }


def test_the_workflows_words_are_in_this_apps_catalog():
    ours = {e.msgid for e in polib.pofile(str(PO))}
    theirs = {e.msgid for e in polib.pofile(str(REPORTING_PO))}
    moved = {
        "Chỉ gửi được báo cáo đang soạn hoặc bị trả lại.",
        "Đã phê duyệt và khóa số liệu.",
        "Gửi yêu cầu báo cáo",
        "Đánh dấu tất cả là đã đọc",
    }
    assert moved <= ours
    assert not moved & theirs


@pytest.fixture
def returned(tree):
    """A 2022 request issued, submitted and returned by people using the English interface."""
    record(tree["cs1"], "2022-03-10", sessions=4, attendances=120)
    record(tree["cs1"], "2021-03-10", sessions=1, attendances=30)
    approver = factories.user("i18n-hcm", Role.APPROVER, tree["hcm"])
    editor = factories.user("i18n-q9", Role.EDITOR, tree["q9"])
    with translation.override("en"):
        request = services.issue_request(
            approver, unit=tree["hcm"], period="2022", deadline=datetime.date(2023, 1, 15)
        )
        s = Submission.objects.get(request=request, unit=tree["q9"])
        s = services.save_draft(editor, s, version=s.version, generate=True)
        s = services.submit(editor, s, version=s.version)
        s = services.return_submission(
            approver, s, version=s.version, comment="Thiếu số liệu hội nghị."
        )
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
    labels = [
        item["label"] for item in returned["submission"].narrative_sources if item.get("label")
    ]
    assert labels and any(label.startswith("Số cuộc, buổi") for label in labels)
    assert not any(label.startswith("Sessions") for label in labels)
    assert all(label.endswith((" · Năm 2022", " · Năm 2021")) for label in labels)


def test_a_quarter_requested_in_english_is_titled_in_vietnamese(returned):
    with translation.override("en"):
        request = services.issue_request(
            returned["approver"],
            unit=returned["request"].unit,
            period="2023Q1",
            deadline=datetime.date(2023, 4, 15),
        )
    assert (
        request.title == "Báo cáo công tác phòng, chống tội phạm quý I/2023"
    )  # not "quý i", not "Q1"
    listing = _english(returned["approver"]).get("/tong-hop/yeu-cau-bao-cao/").content.decode()
    assert (
        "<td>Q1/2023</td>" in listing and "<td>Year 2022</td>" in listing
    )  # the period column, as read
    assert "phạm quý I/2023" in listing  # the title, as kept


def test_a_report_downloaded_in_english_is_the_vietnamese_document(returned, export_file):
    from docx import Document

    s = returned["submission"]
    Submission.objects.filter(pk=s.pk).update(
        narrative=""
    )  # so the results are written as it downloads
    job, data = export_file(_english(returned["editor"]), f"/tong-hop/bao-cao/{s.pk}/tai-ve.docx")
    assert job.outcome["link_label"] == "Back to the report"  # the job page speaks English
    texts = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert "Kết quả công tác phòng, chống tội phạm năm 2022" in texts
    assert any(
        t.startswith("Trên đây là báo cáo kết quả công tác phòng, chống tội phạm năm 2022")
        for t in texts
    )
    assert any("So với năm 2021 (1 buổi)" in t for t in texts)
    assert not any(re.search(r"[Yy]ear 20|Sessions|compared", t) for t in texts)


def test_report_pages_in_english(returned):
    approver = _english(returned["approver"])
    listing = approver.get("/tong-hop/yeu-cau-bao-cao/").content.decode()
    assert '<html lang="en">' in listing
    for english in (
        "Periodic reports",
        "Request a report",
        "Reporting period",
        "Deadline",
        "1/2 units submitted, 0 approved",
    ):
        assert english in listing
    assert "Hạn nộp" not in listing and "Kỳ báo cáo" not in listing
    page = approver.get(f"/tong-hop/bao-cao/{returned['submission'].pk}/").content.decode()
    for english in (
        "Returned for revision",
        "Report figures",
        "Unit of measure",
        "Sessions",
        "Results",
    ):
        assert english in page
    assert "Số liệu của báo cáo" not in page
    assert "Liên đoàn Lao động Quận 9" in page  # data stays as entered


def test_notifications_in_english(returned):
    editor = _english(returned["editor"])
    page = editor.get("/tong-hop/thong-bao/").content.decode()
    for english in (
        "Notifications",
        "Mark all as read",
        "Unread",
        "Report returned",
        "Open the report",
    ):
        assert english in page
    assert "Đánh dấu tất cả là đã đọc" not in page
    assert "bị trả lại: Thiếu số liệu hội nghị." in page  # the message as it was sent
