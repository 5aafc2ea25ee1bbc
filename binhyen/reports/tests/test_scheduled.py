"""What the scheduler queues for reports every morning (reminders before the deadline, one
overdue notice after it) and the mail those notices send, from the worker."""

import datetime

import pytest

from binhyen.core import periods
from binhyen.reports import services, tasks
from binhyen.reports.models import Notification, Submission
from binhyen.reports.tests.test_workflow import issue, people  # noqa: F401 — fixture

pytestmark = pytest.mark.django_db


def _late_request(people, tree, days_late=2):  # noqa: F811
    return issue(people, tree, deadline=periods.today() - datetime.timedelta(days=days_late))


def test_an_overdue_report_is_announced_once_to_the_late_unit_and_the_unit_that_asked(
    people,  # noqa: F811
    tree,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    request = _late_request(people, tree)
    q9 = Submission.objects.get(request=request, unit=tree["q9"])
    services.submit(people["q9_editor"], q9, version=q9.version)
    with django_capture_on_commit_callbacks(execute=True):
        told = tasks.notify_overdue.call()
    notices = Notification.objects.filter(kind=Notification.Kind.OVERDUE)
    # Thủ Đức has not sent: its editor, and the city federation's two approvers who asked
    assert told == notices.count() == 3
    assert {n.user for n in notices} == {
        people["td_editor"],
        people["hcm_approver"],
        people["hcm_approver2"],
    }
    assert all(n.submission.unit == tree["td"] for n in notices)
    assert "đã quá hạn nộp" in notices[0].message
    assert [m.to for m in mailoutbox] == [["duyet@hcm.vn"]]  # the only one with an address
    assert tasks.notify_overdue.call() == 0  # once


def test_a_long_forgotten_deadline_is_not_announced(people, tree):  # noqa: F811
    _late_request(people, tree, days_late=services.OVERDUE_NOTICE_DAYS + 1)
    assert services.send_overdue_notices() == 0


def test_a_report_not_yet_due_is_reminded_not_overdue(people, tree):  # noqa: F811
    issue(people, tree, deadline=periods.today() + datetime.timedelta(days=1))
    assert services.send_overdue_notices() == 0
    assert tasks.send_reminders.call() == 3


def test_a_mail_server_that_fails_is_tried_again(
    people,  # noqa: F811
    tree,
    monkeypatch,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from django.core import mail

    real = mail.send_mail
    calls = []

    def flaky(*args, **kwargs):
        calls.append(args[3])
        if len(calls) == 1:
            raise ConnectionRefusedError("máy chủ thư không trả lời")
        return real(*args, **kwargs)

    monkeypatch.setattr("binhyen.ops.mail.send_mail", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        _late_request(people, tree)
    assert len(calls) == len(mailoutbox) + 1  # the failed one went out on its second try
    assert len({tuple(c) for c in calls}) == len(mailoutbox)
