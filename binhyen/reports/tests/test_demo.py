"""The reports of the demo: requests at every step short of approval, drafts written from the
demo data, and the seed figures in the sentences they belong to."""

import pytest

from binhyen.org import demo as org_demo
from binhyen.reports import demo, services
from binhyen.reports.models import Notification, ReportRequest, Status, Submission


@pytest.fixture
def reports(full_demo):
    return full_demo


def test_the_demo_has_reports_at_every_step_and_none_locks_its_records(reports):
    by_unit = {s.unit.code: s for s in Submission.objects.select_related("unit", "request")}
    assert (
        by_unit[org_demo.HCM].status == Status.SUBMITTED
        and by_unit[org_demo.HCM].request.title == demo.REVIEW
    )
    assert by_unit[org_demo.KCN].status == Status.DRAFT and by_unit[org_demo.KCN].narrative
    assert (
        by_unit[org_demo.Q7].status == Status.RETURNED and "quý IV" in by_unit[org_demo.Q7].comment
    )
    assert by_unit[org_demo.MY_THO].status == Status.SUBMITTED
    assert not Submission.objects.filter(locked=True).exists()
    review = ReportRequest.objects.get(title=demo.REVIEW)
    done = services.completeness(review)
    assert [u.code for u in done["missing_units"]] == [org_demo.TIEN_GIANG]
    assert Notification.objects.filter(
        user__username="demo-huyen", kind=Notification.Kind.REQUESTED
    ).exists()
    assert demo.load() == {"created": 0}  # a second load changes nothing


def test_the_demo_drafts_carry_the_seed_figures_with_their_sources(reports):
    hcm = Submission.objects.get(unit__code=org_demo.HCM, request__title=demo.REVIEW)
    for words in (
        "3.807 buổi tuyên truyền",
        "840.528 lượt",
        "45.284 cuộc hội nghị",
        "3.740.917 lượt",
        "1.304 tổ",
        "98.007 thành viên",
        "93 phường, xã",
    ):
        assert words in hcm.narrative
    story, missing = services.story(hcm)
    assert not missing
    sources = {(str(f), f.indicator) for f in story.figures()}
    assert ("3.807", "activity.sessions[kind=tuyen_truyen]") in sources
    assert ("98.007", "groups.members[kind=nha_tro]") in sources
    kept = services.frozen_totals(hcm)
    assert (
        kept["activity.sessions[kind=tuyen_truyen]"] == 3807
        and kept["groups.active[kind=nha_tro]"] == 1304
    )

    my_tho = Submission.objects.get(unit__code=org_demo.MY_THO)
    assert "16 buổi cho 1.116 lượt cán bộ công đoàn" in my_tho.narrative
    assert "648 buổi với 17.879 lượt người" in my_tho.narrative
    assert (
        "Kế hoạch số 329/KH-LĐLĐ" in my_tho.narrative
    )  # the leadership section reads the documents
