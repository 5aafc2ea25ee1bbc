"""The notifications page: a person's own notices, newest first, paginated, unread ones
marked, opened into the report they are about."""

import datetime

from django.test import Client

from binhyen import factories
from binhyen.core.views import PAGE_SIZE
from binhyen.org.scoping import Role
from binhyen.reports import services
from binhyen.reports.models import Notification, Submission

D = datetime.date


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_notices_of_the_workflow_reach_the_right_people_and_open_the_report(
    tree, django_assert_max_num_queries
):
    approver = factories.user("nt-hcm", Role.APPROVER, tree["hcm"])
    editor = factories.user("nt-q9", Role.EDITOR, tree["q9"])
    other = factories.user("nt-td", Role.EDITOR, tree["td"])
    request = services.issue_request(
        approver, unit=tree["hcm"], period="2022", deadline=D(2023, 1, 15)
    )
    s = Submission.objects.get(request=request, unit=tree["q9"])
    s = services.submit(editor, s, version=s.version)
    s = services.return_submission(
        approver, s, version=s.version, comment="Thiếu số liệu hội nghị."
    )

    c = client_for(editor)
    with django_assert_max_num_queries(15):
        page = c.get("/tong-hop/thong-bao/").content.decode()
    notices = page.split('id="notices"')[1].split("</ul>")[0]
    assert notices.count("<li") == 2 and "2 chưa đọc" in page
    assert notices.index("bị trả lại: Thiếu số liệu hội nghị.") < notices.index(
        "yêu cầu Liên đoàn Lao động Quận 9 gửi"
    )
    assert "Thủ Đức" not in notices  # the sibling's request notice is its people's, not ours
    assert 'href="/tong-hop/thong-bao/"' in page  # the link in the navigation

    returned = Notification.objects.get(user=editor, kind=Notification.Kind.RETURNED)
    response = c.post(f"/tong-hop/thong-bao/{returned.pk}/mo/")
    assert response["Location"] == f"/tong-hop/bao-cao/{s.pk}/"
    returned.refresh_from_db()
    assert returned.read_at is not None
    unread = c.get("/tong-hop/thong-bao/?chua_doc=1").content.decode()
    assert "1 chưa đọc" in unread and "bị trả lại" not in unread.split('id="notices"')[1]

    assert client_for(other).post(f"/tong-hop/thong-bao/{returned.pk}/mo/").status_code == 404
    assert c.get("/tong-hop/thong-bao/da-doc/").status_code == 405
    c.post("/tong-hop/thong-bao/da-doc/")
    assert not Notification.objects.filter(user=editor, read_at__isnull=True).exists()
    assert (
        "Không có thông báo nào chưa đọc."
        in c.get("/tong-hop/thong-bao/?chua_doc=1").content.decode()
    )
    assert Notification.objects.filter(user=other, read_at__isnull=True).exists()


def test_many_notices_are_paginated_and_a_notice_outliving_its_role_does_not_link(
    tree, django_assert_max_num_queries
):
    approver = factories.user("nt-page", Role.APPROVER, tree["hcm"])
    request = services.issue_request(
        approver, unit=tree["hcm"], period="2022", deadline=D(2023, 1, 15)
    )
    s = Submission.objects.get(request=request, unit=tree["q9"])
    other_side = Submission.objects.get(request=request, unit=tree["td"])
    person = factories.user("nt-many", Role.EDITOR, tree["q9"])
    Notification.objects.bulk_create(
        [
            Notification(
                user=person,
                kind=Notification.Kind.RETURNED,
                submission=s,
                message=f"Trả lại lần {i}",
            )
            for i in range(PAGE_SIZE + 4)
        ]
        + [
            Notification(
                user=person,
                kind=Notification.Kind.APPROVED,
                submission=other_side,
                message="Báo cáo khác",
            )
        ]
    )
    c = client_for(person)
    with django_assert_max_num_queries(15):
        first = c.get("/tong-hop/thong-bao/").content.decode()
    assert first.split('id="notices"')[1].split("</ul>")[0].count("<li") == PAGE_SIZE
    assert "Trang 1/2" in first and f"{PAGE_SIZE + 5} mục" in first
    last = c.get("/tong-hop/thong-bao/?page=2").content.decode()
    items = (
        first.split('id="notices"')[1].split("</ul>")[0]
        + last.split('id="notices"')[1].split("</ul>")[0]
    )
    assert items.count("<li") == PAGE_SIZE + 5
    # the notice about Thủ Đức's report is listed, but the person cannot open that report
    block = items.split("Báo cáo khác")[1].split("</li>")[0]
    assert "Mở báo cáo" not in block
    assert items.count("Mở báo cáo") == PAGE_SIZE + 4


def test_an_empty_page_says_what_will_come(tree):
    page = (
        client_for(factories.user("nt-none", Role.VIEWER, tree["hcm"]))
        .get("/tong-hop/thong-bao/")
        .content.decode()
    )
    assert "Chưa có thông báo nào." in page and "khi sắp đến hạn nộp" in page
    assert "Đánh dấu tất cả" not in page
