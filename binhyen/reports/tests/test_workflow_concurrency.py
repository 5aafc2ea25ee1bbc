"""Two approvers acting on one submission at the same moment, on PostgreSQL: one step wins,
the other is refused on the version check, and nothing is lost."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from binhyen import factories
from binhyen.org.scoping import Role
from binhyen.reports import services
from binhyen.reports.models import Status, Submission

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
def test_approve_and_return_at_once_one_wins(tree):
    first = factories.user("race-1", Role.APPROVER, tree["hcm"])
    second = factories.user("race-2", Role.APPROVER, tree["hcm"])
    editor = factories.user("race-q9", Role.EDITOR, tree["q9"])
    report = services.issue_request(
        first, unit=tree["hcm"], period="2022", deadline=datetime.date(2023, 1, 15)
    )
    s = Submission.objects.get(request=report, unit=tree["q9"])
    s = services.submit(editor, s, version=s.version)
    seen = s.version
    barrier = threading.Barrier(2)
    outcomes = {}

    def act(name, step):
        try:
            barrier.wait()
            step(Submission.objects.get(pk=s.pk))
            outcomes[name] = "ok"
        except ValidationError as exc:
            outcomes[name] = exc.message_dict
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=act, args=("approve", lambda sub: services.approve(first, sub, version=seen))
        ),
        threading.Thread(
            target=act,
            args=(
                "return",
                lambda sub: services.return_submission(
                    second, sub, version=seen, comment="Thiếu số liệu"
                ),
            ),
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(v == "ok" for v in outcomes.values()) == [False, True], outcomes
    loser = next(v for v in outcomes.values() if v != "ok")
    assert "vừa được người khác thay đổi" in loser["version"][0]
    s.refresh_from_db()
    assert s.version == seen + 1
    assert s.status == (Status.APPROVED if outcomes["approve"] == "ok" else Status.RETURNED)
    assert s.history.count() == 3  # created, submitted, and exactly one of the two steps
