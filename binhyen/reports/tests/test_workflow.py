"""Periodic report workflow: request, submit, return, approve (freeze and lock), unlock."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError

from binhyen import factories
from binhyen.activities import services as activity_services
from binhyen.core import periods
from binhyen.org.scoping import Role
from binhyen.reporting.rollup import rollup
from binhyen.reports import services
from binhyen.reports.models import Notification, Status, Submission

DEADLINE = datetime.date(2023, 1, 15)


def errors_of(call):
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.message_dict


@pytest.fixture
def people(tree):
    return {
        "hcm_approver": factories.user(
            "hcm-approver", Role.APPROVER, tree["hcm"], email="duyet@hcm.vn"
        ),
        "hcm_approver2": factories.user("hcm-approver2", Role.APPROVER, tree["hcm"]),
        "q9_editor": factories.user("q9-editor", Role.EDITOR, tree["q9"], email="q9@hcm.vn"),
        "q9_approver": factories.user("q9-approver", Role.APPROVER, tree["q9"]),
        "td_editor": factories.user("td-editor", Role.EDITOR, tree["td"]),
    }


def issue(people, tree, period="2022", deadline=DEADLINE, **kw):
    return services.issue_request(
        people["hcm_approver"], unit=tree["hcm"], period=period, deadline=deadline, **kw
    )


def submission(request, unit):
    return Submission.objects.get(request=request, unit=unit)


def test_issue_creates_a_draft_per_child_and_tells_their_people(people, tree):
    request = issue(people, tree)
    assert request.title == "Báo cáo công tác phòng, chống tội phạm năm 2022"
    assert [s.unit.code for s in request.submissions.order_by("unit__path")] == ["HCM-Q9", "HCM-TD"]
    assert {s.status for s in request.submissions.all()} == {Status.DRAFT}
    notice = Notification.objects.get(user=people["q9_editor"])
    assert "Liên đoàn Lao động Quận 9" in notice.message and "15/01/2023" in notice.message


def test_only_an_approver_of_the_unit_issues(people, tree):
    errors = errors_of(
        lambda: services.issue_request(
            people["q9_editor"], unit=tree["hcm"], period="2022", deadline=DEADLINE
        )
    )
    assert "không có quyền phê duyệt" in errors["unit"][0]
    errors = errors_of(lambda: issue(people, tree, deadline=datetime.date(2021, 12, 1)))
    assert "Hạn nộp" in errors["deadline"][0]


def test_whole_workflow_locks_the_subtree_and_unlock_is_audited(people, tree):
    activity = factories.activity(
        tree["cs1"], date=datetime.date(2022, 3, 15), sessions=3, attendances=120
    )
    request = issue(people, tree)
    s = submission(request, tree["q9"])

    s = services.submit(
        people["q9_editor"], s, version=s.version, assessment="Phong trào chuyển biến tốt."
    )
    assert s.status == Status.SUBMITTED
    errors = errors_of(
        lambda: services.return_submission(
            people["hcm_approver"], s, version=s.version, comment=" "
        )
    )
    assert "ý kiến" in errors["comment"][0]
    s = services.return_submission(
        people["hcm_approver"], s, version=s.version, comment="Bổ sung số liệu hội nghị."
    )
    assert s.status == Status.RETURNED
    assert (
        "Bổ sung số liệu hội nghị."
        in Notification.objects.filter(user=people["q9_editor"]).first().message
    )

    s = services.submit(people["q9_editor"], s, version=s.version)
    errors = errors_of(lambda: services.approve(people["q9_approver"], s, version=s.version))
    assert "Liên đoàn Lao động Thành phố Hồ Chí Minh" in errors["unit"][0]
    s = services.approve(people["hcm_approver"], s, version=s.version)
    assert (s.status, s.locked) == (Status.APPROVED, True)
    live = rollup(tree["q9"], request.period, request.template.indicators)
    assert services.frozen_totals(s) == live["total"]
    assert services.frozen_totals(s)["activity.sessions[kind=tuyen_truyen]"] == 3

    # every record of Quận 9's subtree dated in 2022 is locked, naming the report
    errors = errors_of(
        lambda: activity_services.update_activity(people["q9_editor"], activity, attendances=1)
    )
    assert (
        "Báo cáo công tác phòng, chống tội phạm năm 2022 của Liên đoàn Lao động Quận 9"
        in errors["date"][0]
    )
    assert "đã bị khóa" in errors["date"][0]
    errors = errors_of(lambda: factories.activity(tree["q9"], date=datetime.date(2022, 12, 31)))
    assert (
        "Báo cáo công tác phòng, chống tội phạm năm 2022 của Liên đoàn Lao động Quận 9"
        in errors["date"][0]
    )
    errors = errors_of(
        lambda: factories.activity(
            tree["cs1"], date=datetime.date(2021, 12, 30), end_date=datetime.date(2022, 1, 2)
        )
    )
    assert "đã bị khóa" in errors["end_date"][0] and "date" not in errors
    factories.activity(tree["cs1"], date=datetime.date(2023, 1, 1))  # after the period
    factories.activity(tree["cs2"], date=datetime.date(2022, 5, 1))  # Thủ Đức is not approved
    assert services.changed_since_approval(s) == []

    errors = errors_of(
        lambda: services.unlock(people["q9_approver"], s, version=s.version, reason="Sai số")
    )
    assert "mở khóa" in errors["unit"][0]
    errors = errors_of(
        lambda: services.unlock(people["hcm_approver"], s, version=s.version, reason="")
    )
    assert "lý do" in errors["reason"][0]
    s = services.unlock(
        people["hcm_approver"], s, version=s.version, reason="Cơ sở nhập thiếu một buổi."
    )
    assert (s.status, s.locked) == (Status.RETURNED, False)
    last = s.history.first()
    assert (last.history_user, last.unlock_reason, last.locked) == (
        people["hcm_approver"],
        "Cơ sở nhập thiếu một buổi.",
        False,
    )
    assert last.history_change_reason == "Cơ sở nhập thiếu một buổi."
    activity_services.update_activity(people["q9_editor"], activity, attendances=1)


def test_two_approvers_at_once_one_is_told_the_report_changed(people, tree):
    request = issue(people, tree)
    s = submission(request, tree["q9"])
    s = services.submit(people["q9_editor"], s, version=s.version)
    seen_by_first, seen_by_second = Submission.objects.get(pk=s.pk), Submission.objects.get(pk=s.pk)

    services.approve(people["hcm_approver"], seen_by_first, version=seen_by_first.version)
    errors = errors_of(
        lambda: services.return_submission(
            people["hcm_approver2"],
            seen_by_second,
            version=seen_by_second.version,
            comment="Thiếu số liệu",
        )
    )
    assert "vừa được người khác thay đổi" in errors["version"][0]
    s.refresh_from_db()
    assert (s.status, s.comment, s.version) == (Status.APPROVED, "", seen_by_first.version + 1)


def test_a_mid_level_unit_waits_for_its_units_or_says_who_is_missing(people, tree):
    services.issue_request(
        people["q9_approver"], unit=tree["q9"], period="2022", deadline=datetime.date(2023, 1, 5)
    )
    s = submission(issue(people, tree), tree["q9"])
    errors = errors_of(lambda: services.submit(people["q9_editor"], s, version=s.version))
    assert "Công đoàn cơ sở Công ty Điện tử Sài Gòn" in errors["missing_units"][0]
    s = services.submit(people["q9_editor"], s, version=s.version, accept_missing=True)
    assert s.missing_units == [
        {"code": "HCM-Q9-CS1", "name": "Công đoàn cơ sở Công ty Điện tử Sài Gòn"}
    ]


def test_completeness_counts_units_open_during_the_period(people, tree):
    hcm = tree["hcm"]
    factories.unit(hcm, "ldld_huyen", code="HCM-NEW", valid_from=datetime.date(2022, 7, 1))
    factories.unit(hcm, "ldld_huyen", code="HCM-SHUT", valid_to=datetime.date(2022, 3, 31))
    factories.unit(hcm, "ldld_huyen", code="HCM-GONE", valid_to=datetime.date(2021, 12, 31))
    factories.unit(hcm, "ldld_huyen", code="HCM-LATER", valid_from=datetime.date(2023, 2, 1))
    request = issue(people, tree, deadline=periods.today())
    assert sorted(request.submissions.values_list("unit__code", flat=True)) == [
        "HCM-NEW",
        "HCM-Q9",
        "HCM-SHUT",
        "HCM-TD",
    ]
    q9, td = submission(request, tree["q9"]), submission(request, tree["td"])
    services.submit(people["q9_editor"], q9, version=q9.version)
    services.submit(people["td_editor"], td, version=td.version)
    request.deadline = periods.today() - datetime.timedelta(days=1)  # Thủ Đức sent late
    Submission.objects.filter(pk=q9.pk).update(
        first_submitted_at=datetime.datetime(2022, 12, 20, tzinfo=datetime.UTC)
    )

    c = services.completeness(request)
    assert {k: c[k] for k in ("expected", "submitted", "on_time", "late", "missing")} == {
        "expected": 4,
        "submitted": 2,
        "on_time": 1,
        "late": 1,
        "missing": 2,
    }
    assert (c["submitted_pct"], c["on_time_pct"], c["late_pct"], c["missing_pct"]) == (
        50.0,
        25.0,
        25.0,
        50.0,
    )
    assert sorted(u.code for u in c["missing_units"]) == ["HCM-NEW", "HCM-SHUT"]


def test_deadline_reminder_once_per_person(people, tree):
    request = issue(people, tree, deadline=periods.today() + datetime.timedelta(days=2))
    q9 = submission(request, tree["q9"])
    services.submit(people["q9_editor"], q9, version=q9.version)
    assert services.send_deadline_reminders() == 1  # Thủ Đức's editor; Quận 9 has sent
    assert services.send_deadline_reminders() == 0
    notice = Notification.objects.get(kind=Notification.Kind.DEADLINE)
    assert notice.user == people["td_editor"]


def test_lock_checker_answers_a_bulk_import_in_one_go(people, tree):
    from binhyen.core import locks

    s = submission(issue(people, tree), tree["q9"])
    s = services.submit(people["q9_editor"], s, version=s.version)
    services.approve(people["hcm_approver"], s, version=s.version)
    cs1, cs2 = tree["cs1"], tree["cs2"]
    pairs = [
        (cs1.pk, datetime.date(2022, 2, 1)),
        (cs1.pk, datetime.date(2023, 2, 1)),
        (cs2.pk, datetime.date(2022, 2, 1)),
    ]
    found = locks.locked_pairs({cs1.pk: cs1, cs2.pk: cs2}, pairs)
    assert list(found) == [(cs1.pk, datetime.date(2022, 2, 1))]


def test_reminder_command_mails_the_people_once(
    people, tree, mailoutbox, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    issue(people, tree, deadline=datetime.date(2023, 1, 15))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # mail leaves once the step commits
        call_command("send-report-reminders", "--today", "2023-01-13", stdout=out)
    assert "Đã gửi 3 thông báo" in out.getvalue()  # Quận 9's editor and approver, Thủ Đức's editor
    assert any("15/01/2023" in m.body for m in mailoutbox if m.to == ["q9@hcm.vn"])
    call_command("send-report-reminders", "--today", "2023-01-14", stdout=out)
    assert "Đã gửi 0 thông báo" in out.getvalue()
