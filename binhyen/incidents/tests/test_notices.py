"""Cases past their deadline are told, once, to the people who must act: the editors and
approvers of the case's unit and of the units above it up to the province, and the police
liaison of its ward — in the app and by mail (the hourly `case-overdue` task)."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from binhyen import factories as f
from binhyen.incidents import services
from binhyen.incidents.models import Tip
from binhyen.org.models import Unit
from binhyen.org.scoping import Role
from binhyen.reports import services as notices
from binhyen.reports import tasks
from binhyen.reports.models import Notification

pytestmark = pytest.mark.django_db
HOURS = datetime.timedelta(hours=1)


@pytest.fixture
def people(tree):
    """Who stands where around a case of HCM-Q9-CS1 in Phường Linh Xuân (26794)."""
    linh_xuan, tan_thuan = f.area("26794"), f.area("27478")
    return {
        "cs1 editor": f.user(role=Role.EDITOR, unit=tree["cs1"], email="cs1@hcm.vn"),
        "q9 approver": f.user(role=Role.APPROVER, unit=tree["q9"], email="q9@hcm.vn"),
        "hcm admin": f.user(role=Role.ADMIN, unit=tree["hcm"]),
        "hcm viewer": f.user(role=Role.VIEWER, unit=tree["hcm"], email="xem@hcm.vn"),
        "national admin": f.user(role=Role.ADMIN, unit=tree["root"], email="tld@vn.vn"),
        "td editor": f.user(role=Role.EDITOR, unit=tree["td"], email="td@hcm.vn"),
        "police here": f.user(
            role=Role.POLICE, unit=tree["hcm"], wards=[linh_xuan], email="ca-lx@bca.vn"
        ),
        "police elsewhere": f.user(
            role=Role.POLICE, unit=tree["hcm"], wards=[tan_thuan], email="ca-tt@bca.vn"
        ),
    }


TOLD = {"cs1 editor", "q9 approver", "hcm admin", "police here"}


def told(people, kind):
    users = {n.user_id for n in Notification.objects.filter(kind=kind)}
    return {name for name, user in people.items() if user.pk in users}


def test_a_case_past_its_rapid_report_deadline_is_told_once_to_the_right_people(
    tree, people, mailoutbox, django_capture_on_commit_callbacks
):
    # a theft's rapid report is due 48 hours after the start; this one started 50 hours ago
    case = f.incident(tree["cs1"], kind="toi_pham", started_at=timezone.now() - 50 * HOURS)
    with django_capture_on_commit_callbacks(execute=True):
        count = tasks.notify_cases_overdue.call()
    assert count == len(TOLD)
    assert told(people, Notification.Kind.INCIDENT_REPORT) == TOLD
    # the police liaison of another ward, the national level, a reader and a sibling: nothing
    assert not told(people, Notification.Kind.INCIDENT_RESOLVE)
    notice = Notification.objects.filter(user=people["police here"]).get()
    assert notice.incident == case and notice.submission is None
    assert notice.message.startswith(f"Vụ việc quá hạn báo cáo nhanh: {case.code} “{case.title}”")
    due = timezone.localtime(case.rapid_report_due)
    assert f"hạn {due:%H:%M} {due:%d/%m/%Y}" in notice.message
    assert sorted(m.to[0] for m in mailoutbox) == ["ca-lx@bca.vn", "cs1@hcm.vn", "q9@hcm.vn"]
    assert all(m.subject.startswith("[Bình Yên] Vụ việc quá hạn") for m in mailoutbox)
    # once: the next hour's run tells nobody again
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.notify_cases_overdue.call() == 0
    assert len(mailoutbox) == 3


def test_the_rapid_report_made_in_time_or_a_deadline_not_yet_passed_tells_nobody(tree, people):
    root = f.superuser()
    reported = f.incident(tree["cs1"], kind="toi_pham", started_at=timezone.now() - 50 * HOURS)
    services.mark_rapid_report(root, reported)
    f.incident(tree["cs1"], kind="ma_tuy", started_at=timezone.now() - 20 * HOURS)
    f.incident(tree["cs1"], kind="tin_dung_den", started_at=timezone.now() - 100 * HOURS)
    assert notices.send_case_overdue_notices() == 0
    assert not Notification.objects.exists()


def test_a_case_not_settled_in_time_is_told_once_per_deadline(tree, people):
    # a loan-shark case (no rapid report) must be settled within 30 days
    case = f.incident(
        tree["cs1"], kind="tin_dung_den", started_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert notices.send_case_overdue_notices() == len(TOLD)
    assert told(people, Notification.Kind.INCIDENT_RESOLVE) == TOLD
    assert "Vụ việc quá hạn giải quyết" in Notification.objects.first().message
    # settled and taken up again: the same deadline is not told a second time
    root = f.superuser()
    services.move_incident(root, case, "dang_xu_ly")
    services.move_incident(root, case, "da_giai_quyet", what="Đã xử lý xong.")
    services.move_incident(root, case, "dang_xu_ly", what="Có tình tiết mới.")
    assert notices.send_case_overdue_notices() == 0


def test_a_deadline_missed_long_ago_is_not_told_by_a_scheduler_that_was_off(tree, people):
    f.incident(
        tree["cs1"],
        kind="toi_pham",
        started_at=timezone.now() - datetime.timedelta(days=notices.OVERDUE_NOTICE_DAYS + 3),
    )
    # its rapid report (48 h) was missed a month ago; its settlement (30 days) just now
    assert notices.send_case_overdue_notices() == len(TOLD)
    assert not told(people, Notification.Kind.INCIDENT_REPORT)
    assert told(people, Notification.Kind.INCIDENT_RESOLVE) == TOLD


def test_a_tip_nobody_answered_in_time_is_told_to_the_receiving_unit_and_the_ward_police(
    tree, people
):
    hcm = tree["hcm"]
    Unit.objects.filter(pk=hcm.pk).update(province=f.area("79", "province"))
    tip = services.submit_tip(
        ward=f.area("26794"),
        what="Có người lạ tụ tập trong phòng trọ về khuya.",
        happened_on=(timezone.localdate() - datetime.timedelta(days=9)),
    )
    assert tip.unit == hcm  # no ward union in this tree: the city federation receives it
    late = timezone.now() - datetime.timedelta(days=8)
    Tip.objects.filter(pk=tip.pk).update(created_at=late, answer_due=late + 7 * 24 * HOURS)
    assert notices.send_case_overdue_notices() == 2
    assert told(people, Notification.Kind.TIP_OVERDUE) == {"hcm admin", "police here"}
    assert Notification.objects.filter(tip=tip).count() == 2
    assert notices.send_case_overdue_notices() == 0


def test_the_task_is_scheduled_every_hour():
    assert settings.BINHYEN_SCHEDULE["case-overdue"] == {
        "task": "binhyen.reports.tasks.notify_cases_overdue",
        "every": 3600,
    }


def test_the_notice_opens_the_case_for_whoever_still_reads_it(tree, people, client):
    case = f.incident(tree["cs1"], kind="toi_pham", started_at=timezone.now() - 50 * HOURS)
    tasks.notify_cases_overdue.call()
    police = people["police here"]
    client.force_login(police)
    page = client.get("/tong-hop/thong-bao/").content.decode()
    assert "Vụ việc quá hạn báo cáo nhanh" in page and "Mở vụ việc" in page
    notice = Notification.objects.get(user=police)
    opened = client.post(f"/tong-hop/thong-bao/{notice.pk}/mo/")
    assert opened.status_code == 302 and opened.url == f"/vu-viec/{case.pk}/"
    # once the case is out of the reader's reach, the notice stays but opens nothing
    services.delete_incident(f.superuser(), case)
    page = client.get("/tong-hop/thong-bao/").content.decode()
    assert "Mở vụ việc" not in page
    assert client.post(f"/tong-hop/thong-bao/{notice.pk}/mo/").url == "/tong-hop/thong-bao/"
