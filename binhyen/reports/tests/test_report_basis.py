"""A report's frozen figures are compared with live figures on the report's own basis (as it
was: each record under the tree of its own date): a restructure after the period never flags
an approved report; a record entered late inside the period does, and the page names it."""

import datetime

from binhyen import factories
from binhyen.org import services as org_services
from binhyen.reporting.tests.helpers import record
from binhyen.reports import services
from binhyen.reports.models import Submission
from binhyen.reports.tests.test_report_pages import page_of, report  # noqa: F401 (fixture)

D = datetime.date


def test_a_restructure_after_the_period_does_not_flag_an_approved_report(
    report,  # noqa: F811
    django_assert_max_num_queries,
):
    s = report["s"]
    s = services.submit(report["editor"], s, version=s.version)
    s = services.approve(report["approver"], s, version=s.version)
    tree = report["tree"]

    # Thủ Đức's grassroots union, which held the 3.807 sessions of 2022, moves on 01/08/2025
    org_services.move_unit(factories.superuser(), tree["cs2"], tree["mt"], D(2025, 8, 1))
    s = Submission.objects.get(pk=s.pk)
    assert services.changed_since_approval(s) == []
    page = page_of(report["approver"], s, django_assert_max_num_queries)
    assert "Đã thay đổi" not in page
    assert "theo cơ cấu tại thời điểm phát sinh" in page.split('id="basis-note"')[1]
    # through today's tree the figure would have moved away with the union
    live_now = services.rollup(
        s.unit, s.request.period, ["activity.sessions"], by="none", basis="now"
    )["total"]["activity.sessions"]
    assert live_now == 12

    # a session held by that union in 2022, entered late (its new federation's books are open
    # for 2022): the report is flagged, naming the record
    tree["cs2"].refresh_from_db()
    record(tree["cs2"], "2022-09-03", sessions=2, attendances=60, title="Tuyên truyền bổ sung")
    s = Submission.objects.get(pk=s.pk)
    assert "activity.sessions[kind=tuyen_truyen]" in services.changed_since_approval(s)
    page = page_of(report["approver"], s, django_assert_max_num_queries)
    alert = page.split('id="changed-alert"')[1].split("</div>")[0]
    assert "3.819 → 3.821" in alert
    named = alert.split('id="changed-records"')[1]
    assert "Tuyên truyền bổ sung" in named and "03/09/2022" in named and "thêm mới" in named
    assert [c.title for c in services.changed_records(s)] == ["Tuyên truyền bổ sung"]
