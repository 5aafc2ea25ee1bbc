"""The submission page as its readers use it: figures as sent or approved against the live
ones, the text with the source of each figure, the documents as reported (the source page of
a figure is the reporting app's: reporting/tests/test_figure_source.py)."""

import datetime
import io

import pytest
from django.test import Client

from binhyen import factories
from binhyen.activities import cube as facts
from binhyen.activities.models import Activity
from binhyen.org.scoping import Role
from binhyen.reports import services
from binhyen.reports.models import Submission

D = datetime.date


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def report(tree):
    """HCM asks its districts for 2022; Thủ Đức's grassroots union has 3.807 sessions."""
    approver = factories.user("rp-hcm", Role.APPROVER, tree["hcm"])
    editor = factories.user("rp-td", Role.EDITOR, tree["td"])
    activity = factories.activity(
        tree["cs2"], date=D(2022, 4, 2), sessions=3807, attendances=840528
    )
    factories.activity(tree["td"], date=D(2022, 5, 2), sessions=12, attendances=300)
    request = services.issue_request(
        approver, unit=tree["hcm"], period="2022", deadline=D(2023, 1, 15)
    )
    s = Submission.objects.get(request=request, unit=tree["td"])
    s = services.save_draft(editor, s, version=s.version, generate=True)
    return {"approver": approver, "editor": editor, "s": s, "activity": activity, "tree": tree}


def page_of(user, s, django_assert_max_num_queries):
    c = client_for(user)
    with django_assert_max_num_queries(15):
        response = c.get(f"/tong-hop/bao-cao/{s.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def figure_row(page, key):
    return page.split(f'data-indicator="{key}"')[1].split("</tr>")[0]


def sneak(activity, sessions, attendances):
    """A correction written behind the lock, as a fix in the database would be (the services
    refuse it once the report is approved); the cube follows through its hook."""
    before = facts.state_of(Activity.all_objects.get(pk=activity.pk))
    Activity.all_objects.filter(pk=activity.pk).update(sessions=sessions, attendances=attendances)
    facts.activity_changed(before, facts.state_of(Activity.all_objects.get(pk=activity.pk)))


def test_a_draft_shows_live_figures_and_the_source_of_every_figure(
    report, django_assert_max_num_queries
):
    s = report["s"]
    page = page_of(report["editor"], s, django_assert_max_num_queries)
    row = figure_row(page, "activity.sessions[kind=tuyen_truyen]")
    assert "Số cuộc, buổi (Tuyên truyền)" in row and ">3.819<" in row  # 3.807 below + 12 of its own
    assert "Khi gửi" not in page  # nothing kept yet
    text = page.split('id="narrative-text"')[1].split("</div>")[0]
    link = text.split(">3.819</a>")[0].rsplit("<a ", 1)[1]
    assert (
        'href="/tong-hop/nguon-so-lieu/?unit=HCM-TD&amp;period=2022&amp;indicator=activity.sessions%5Bkind%3Dtuyen_truyen%5D&amp;basis=was"'
        in link
    )
    assert (
        'title="Số cuộc, buổi (Tuyên truyền)\nNăm 2022\nLiên đoàn Lao động Thành phố Thủ Đức và các đơn vị trực thuộc"'
        in link
    )
    assert ">3.807</a>" in text and ">12</a>" in text  # the parts: units below, the unit's own
    assert "Đã thay đổi" not in page and "Gửi báo cáo" in page


def test_sent_figures_are_kept_and_later_changes_are_marked(report, django_assert_max_num_queries):
    s = report["s"]
    services.submit(report["editor"], s, version=s.version)
    factories.activity(
        report["tree"]["cs2"], date=D(2022, 6, 1), sessions=2, attendances=40
    )  # not locked yet
    page = page_of(
        report["approver"], Submission.objects.get(pk=s.pk), django_assert_max_num_queries
    )
    row = figure_row(page, "activity.sessions[kind=tuyen_truyen]")
    assert "Khi gửi" in page and ">3.819<" in row and ">3.821<" in row
    assert "Đã thay đổi sau khi gửi: 3.819 → 3.821" in row
    assert "Đã thay đổi sau khi gửi: 3.819 → 3.821" in page.split('id="narrative-text"')[1]
    assert "Phê duyệt và khóa số liệu" in page


def test_approved_figures_stay_as_approved_and_a_later_change_is_shown(
    report, django_assert_max_num_queries, api_as, export_file
):
    s = report["s"]
    s = services.submit(report["editor"], s, version=s.version)
    s = services.approve(report["approver"], s, version=s.version)
    page = page_of(report["approver"], s, django_assert_max_num_queries)
    assert "Đã thay đổi" not in page and "Khi phê duyệt" in page

    sneak(report["activity"], 3800, 840528)
    page = page_of(
        report["approver"], Submission.objects.get(pk=s.pk), django_assert_max_num_queries
    )
    assert "Đã thay đổi sau khi phê duyệt: 3.819 → 3.812" in figure_row(
        page, "activity.sessions[kind=tuyen_truyen]"
    )
    alert = page.split('id="changed-alert"')[1].split("</div>")[0]
    assert "Số cuộc, buổi (Tuyên truyền) 3.819 → 3.812" in alert
    text = page.split('id="narrative-text"')[1]
    assert "Đã thay đổi sau khi phê duyệt: 3.819 → 3.812" in text
    assert text.count("figure-changed") == 1  # the attendances did not change

    body = api_as(report["approver"]).get(f"/api/v1/submissions/{s.pk}").json()
    assert body["figures"]["activity.sessions[kind=tuyen_truyen]"] == 3819
    assert body["live_figures"]["activity.sessions[kind=tuyen_truyen]"] == 3812
    assert body["changed_since_approval"] == ["activity.sessions[kind=tuyen_truyen]"]
    assert body["changes"] == [
        {
            "indicator": "activity.sessions[kind=tuyen_truyen]",
            "label": "Số cuộc, buổi (Tuyên truyền)",
            "frozen": 3819,
            "live": 3812,
        }
    ]

    # the document is the report as approved: the officer's text and the approved figures
    from docx import Document

    _job, docx = export_file(
        client_for(report["approver"]), f"/tong-hop/bao-cao/{s.pk}/tai-ve.docx"
    )
    doc = Document(io.BytesIO(docx))
    assert any("3.819 buổi tuyên truyền" in p.text for p in doc.paragraphs)
    appendix = doc.tables[2]
    assert appendix.rows[-1].cells[2].text == "3.819"


def test_an_edited_text_keeps_the_sources_of_the_figures_left_alone(
    report, django_assert_max_num_queries, export_file
):
    s = report["s"]
    edited = (
        s.narrative.replace("840.528", "840.500")
        + "\nCán bộ ghi thêm: 25 buổi sinh hoạt chuyên đề."
    )
    s = services.save_draft(report["editor"], s, version=s.version, narrative=edited)
    page = page_of(report["editor"], s, django_assert_max_num_queries)
    text = page.split('id="narrative-text"')[1].split("</div>")[0]
    assert ">3.819</a>" in text and "840.500" in text and ">840.500</a>" not in text
    assert "25 buổi sinh hoạt" in text and ">25</a>" not in text
    missing = page.split('id="missing-figures"')[1].split("</p>")[0]
    assert "840.528" in missing

    from docx import Document

    _job, docx = export_file(client_for(report["editor"]), f"/tong-hop/bao-cao/{s.pk}/tai-ve.docx")
    texts = [p.text for p in Document(io.BytesIO(docx)).paragraphs]
    assert "Cán bộ ghi thêm: 25 buổi sinh hoạt chuyên đề." in texts and not any(
        "840.528" in t for t in texts
    )


def test_an_approver_issues_a_request_from_the_page(tree, django_assert_max_num_queries):
    approver = factories.user("rp-issue", Role.APPROVER, tree["hcm"])
    c = client_for(approver)
    with django_assert_max_num_queries(15):
        form = c.get("/tong-hop/yeu-cau-bao-cao/them/").content.decode()
    assert "Liên đoàn Lao động Thành phố Hồ Chí Minh" in form and "Tiền Giang" not in form
    response = c.post(
        "/tong-hop/yeu-cau-bao-cao/them/",
        {
            "unit": tree["hcm"].pk,
            "period": "2023H1",
            "deadline": "15/07/2023",
            "audience": "children",
            "title": "",
            "instructions": "Gửi kèm ảnh hoạt động.",
        },
    )
    created = Submission.objects.filter(request__unit=tree["hcm"]).select_related("request")
    assert {s.unit.code for s in created} == {"HCM-Q9", "HCM-TD"}
    assert response["Location"] == f"/tong-hop/yeu-cau-bao-cao/{created[0].request_id}/"
    assert created[0].request.title == "Báo cáo công tác phòng, chống tội phạm 6 tháng đầu năm 2023"

    bad = c.post(
        "/tong-hop/yeu-cau-bao-cao/them/",
        {
            "unit": tree["hcm"].pk,
            "period": "2023Q5",
            "deadline": "01/01/2022",
            "audience": "children",
        },
    ).content.decode()
    assert "2023Q5" in bad and "Submission" not in bad
    late = c.post(
        "/tong-hop/yeu-cau-bao-cao/them/",
        {
            "unit": tree["hcm"].pk,
            "period": "2023",
            "deadline": "01/12/2022",
            "audience": "children",
        },
    ).content.decode()
    assert "Hạn nộp không được trước ngày bắt đầu kỳ báo cáo." in late
    forged = c.post(
        "/tong-hop/yeu-cau-bao-cao/them/",
        {"unit": tree["tg"].pk, "period": "2023", "deadline": "15/12/2023", "audience": "children"},
    )
    assert (
        forged.status_code == 200
        and not Submission.objects.filter(request__unit=tree["tg"]).exists()
    )

    listing = c.get("/tong-hop/yeu-cau-bao-cao/").content.decode()
    assert "0/2 đơn vị đã gửi, 0 đã duyệt" in listing and "Gửi yêu cầu báo cáo" in listing
    editor = client_for(factories.user("rp-q9", Role.EDITOR, tree["q9"]))
    listing = editor.get("/tong-hop/yeu-cau-bao-cao/").content.decode()
    assert "Liên đoàn Lao động Quận 9</a>: đang soạn" in listing and "0/2" not in listing
    assert "Gửi yêu cầu báo cáo" not in listing


def test_the_reminder_list_names_the_first_missing_units_and_counts_the_rest(
    tree, monkeypatch, django_assert_max_num_queries
):
    from binhyen.reports import views

    approver = factories.user("rp-remind", Role.APPROVER, tree["hcm"])
    request = services.issue_request(
        approver, unit=tree["hcm"], period="2022", deadline=D(2023, 1, 15)
    )
    monkeypatch.setattr(views, "MISSING_SHOWN", 1)
    c = client_for(approver)
    with django_assert_max_num_queries(15):
        page = c.get(f"/tong-hop/yeu-cau-bao-cao/{request.pk}/").content.decode()
    missing = page.split('id="missing"')[1].split("</ul>")[0]
    assert missing.count("<li>") == 1 and "và 1 đơn vị khác chưa gửi." in page


def test_a_closed_units_report_counts_through_its_old_tree_within_the_query_budget(
    tree, django_assert_max_num_queries
):
    """LĐLĐ Quận 9 is merged into Thủ Đức after the year it reports on: its page counts its
    former grassroots union (now under Thủ Đức) through the tree of 31/12/2022, every filter set
    and every groups figure in a handful of queries."""
    from binhyen.org import services as org_services
    from binhyen.org.models import Unit

    Unit.objects.filter(pk=tree["hcm"].pk).update(province=factories.area("79", "province"))
    approver = factories.user("rp-hcm-q9", Role.APPROVER, tree["hcm"])
    factories.activity(tree["cs1"], date=D(2022, 4, 2), sessions=7, attendances=210)
    factories.activity(tree["cs1"], date=D(2022, 5, 3), kind="hoi_nghi", sessions=2, attendances=90)
    factories.activity(
        tree["cs2"], date=D(2022, 4, 9), sessions=5, attendances=100
    )  # Thủ Đức's own union
    group = factories.group(tree["cs1"], ward=factories.area("26794"), founded=D(2021, 1, 1))
    for _ in range(3):
        factories.member(group, joined=D(2021, 2, 1))
    request = services.issue_request(
        approver, unit=tree["hcm"], period="2022", deadline=D(2023, 1, 15)
    )
    s = Submission.objects.get(request=request, unit=tree["q9"])
    org_services.merge_units(factories.superuser(), [tree["q9"]], tree["td"], D(2023, 1, 1))

    page = page_of(approver, Submission.objects.get(pk=s.pk), django_assert_max_num_queries)
    assert ">7<" in figure_row(page, "activity.sessions[kind=tuyen_truyen]")
    assert ">210<" in figure_row(page, "activity.attendances[kind=tuyen_truyen]")
    assert ">2<" in figure_row(page, "activity.sessions[kind=hoi_nghi]")
    assert ">1<" in figure_row(page, "groups.active[kind=nha_tro]")
    assert ">3<" in figure_row(page, "groups.members[kind=nha_tro]")
    # Thủ Đức's 2022 report, like every report, counts as it was: its own union only — the one
    # it received in 2023 stays in Quận 9's figures, never counted twice
    td = Submission.objects.get(request=request, unit=tree["td"])
    assert ">5<" in figure_row(
        page_of(approver, td, django_assert_max_num_queries), "activity.sessions[kind=tuyen_truyen]"
    )
