"""Pages of periodic reports: who sees which request, completeness as a reader sees it."""

import datetime

import pytest
from django.test import Client

from binhyen import factories
from binhyen.core import periods
from binhyen.org.scoping import Role
from binhyen.reports import services
from binhyen.reports.models import Submission


@pytest.fixture
def issued(tree):
    approver = factories.user("page-hcm", Role.APPROVER, tree["hcm"])
    report = services.issue_request(
        approver, unit=tree["hcm"], period="2022", deadline=periods.today()
    )
    editor = factories.user("page-q9", Role.EDITOR, tree["q9"])
    s = Submission.objects.get(request=report, unit=tree["q9"])
    services.submit(editor, s, version=s.version)
    return {"report": report, "approver": approver, "editor": editor}


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_request_pages_show_completeness_and_who_is_missing(issued, django_assert_max_num_queries):
    c = client_for(issued["approver"])
    with django_assert_max_num_queries(15):
        page = c.get("/tong-hop/yeu-cau-bao-cao/").content.decode()
    assert "Báo cáo công tác phòng, chống tội phạm năm 2022" in page
    with django_assert_max_num_queries(15):
        page = c.get(f"/tong-hop/yeu-cau-bao-cao/{issued['report'].pk}/").content.decode()
    assert "50,0%" in page or "50.0%" in page
    missing = page.split('id="missing"')[1].split("</ul>")[0]
    assert "Liên đoàn Lao động Thành phố Thủ Đức" in missing and "Quận 9" not in missing


def test_a_requested_unit_sees_the_request_and_others_get_404(issued, tree):
    c = client_for(issued["editor"])
    assert "năm 2022" in c.get("/tong-hop/yeu-cau-bao-cao/").content.decode()
    page = c.get(f"/tong-hop/yeu-cau-bao-cao/{issued['report'].pk}/").content.decode()
    assert (
        "Liên đoàn Lao động Quận 9" in page and "Thủ Đức" not in page
    )  # siblings stay out of sight
    outsider = client_for(factories.user("page-mt", Role.VIEWER, tree["mt"]))
    assert outsider.get(f"/tong-hop/yeu-cau-bao-cao/{issued['report'].pk}/").status_code == 404
    assert "năm 2022" not in outsider.get("/tong-hop/yeu-cau-bao-cao/").content.decode()


def test_a_submission_downloads_as_docx_and_pdf_within_scope(issued, tree, export_file):
    import io

    from docx import Document

    s = Submission.objects.get(request=issued["report"], unit=tree["q9"])
    Submission.objects.filter(pk=s.pk).update(assessment="Phong trào được duy trì đều.")
    c = client_for(issued["editor"])
    job, data = export_file(c, f"/tong-hop/bao-cao/{s.pk}/tai-ve.docx")
    assert job.result_name == "bao-cao-HCM-Q9-2022.docx"
    texts = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert "II. ĐÁNH GIÁ CHUNG" in texts and "Phong trào được duy trì đều." in texts
    assert export_file(c, f"/tong-hop/bao-cao/{s.pk}/tai-ve.pdf")[1].startswith(b"%PDF-")
    assert c.post(f"/tong-hop/bao-cao/{s.pk}/tai-ve.odt").status_code == 404
    other = Submission.objects.get(request=issued["report"], unit=tree["td"])
    assert c.post(f"/tong-hop/bao-cao/{other.pk}/tai-ve.docx").status_code == 404


def test_the_submission_page_walks_the_workflow(issued, tree, django_assert_max_num_queries):
    factories.activity(tree["cs2"], date=datetime.date(2022, 4, 2), sessions=7, attendances=140)
    td_editor = factories.user("page-td", Role.EDITOR, tree["td"])
    s = Submission.objects.get(request=issued["report"], unit=tree["td"])
    editor, approver = client_for(td_editor), client_for(issued["approver"])

    editor.post(f"/tong-hop/bao-cao/{s.pk}/generate/", {"version": s.version})
    s.refresh_from_db()
    assert "7 buổi tuyên truyền" in s.narrative and "140 lượt" in s.narrative
    with django_assert_max_num_queries(15):
        page = editor.get(f"/tong-hop/bao-cao/{s.pk}/").content.decode()
    assert "Gửi báo cáo" in page and "Phê duyệt" not in page
    stale = s.version - 1
    page = editor.post(
        f"/tong-hop/bao-cao/{s.pk}/submit/",
        {"version": stale, "narrative": s.narrative},
        follow=True,
    )
    assert "vừa được người khác thay đổi" in page.content.decode()
    editor.post(
        f"/tong-hop/bao-cao/{s.pk}/submit/",
        {"version": s.version, "narrative": s.narrative, "assessment": "Tốt"},
    )
    s.refresh_from_db()
    approver.post(f"/tong-hop/bao-cao/{s.pk}/approve/", {"version": s.version})
    with django_assert_max_num_queries(15):
        page = approver.get(f"/tong-hop/bao-cao/{s.pk}/").content.decode()
    assert "Đã phê duyệt" in page and "Mở khóa" in page
    figures = page.split('id="figures"')[1].split("</table>")[0]
    row = figures.split('data-indicator="activity.sessions[kind=tuyen_truyen]"')[1].split("</tr>")[
        0
    ]
    assert "Số cuộc, buổi (Tuyên truyền)" in row and row.count(">7<") == 2  # as approved, and now
    assert "Đã thay đổi" not in page
    assert (
        client_for(factories.user("page-out", Role.VIEWER, tree["mt"]))
        .get(f"/tong-hop/bao-cao/{s.pk}/")
        .status_code
        == 404
    )
