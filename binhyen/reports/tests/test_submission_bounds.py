"""Bounds on periodic reports: a kept figure is a finite number within models.FIGURE_VALUE (the
workflow refuses NaN, infinity and overflow naming the indicator, the database refuses them
last); a request's period lies in the movement's time and its deadline within a year of the
period's end (or of today); the API schemas state the shapes the workflow enforces."""

import datetime
import math

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from binhyen import factories
from binhyen.org.scoping import Role
from binhyen.reports import services
from binhyen.reports.models import FIGURE_VALUE, ReportRequest, Status, Submission, SubmissionFigure

DEADLINE = datetime.date(2023, 1, 15)
SESSIONS = "activity.sessions[kind=tuyen_truyen]"


@pytest.fixture
def people(tree):
    return {
        "hcm": factories.user("bounds-hcm", Role.APPROVER, tree["hcm"]),
        "q9": factories.user("bounds-q9", Role.EDITOR, tree["q9"]),
    }


def _draft(people, tree):
    request = services.issue_request(
        people["hcm"], unit=tree["hcm"], period="2022", deadline=DEADLINE
    )
    return Submission.objects.get(request=request, unit=tree["q9"])


@pytest.mark.parametrize(
    "value", [math.nan, math.inf, -math.inf, FIGURE_VALUE.high * 10, -1, True, "12"]
)
def test_a_figure_that_is_not_a_plausible_number_stops_the_step(people, tree, monkeypatch, value):
    s = _draft(people, tree)
    real = services.live_figures

    def faulty(submission):
        data = real(submission)
        data["total"][SESSIONS] = value
        return data

    monkeypatch.setattr(services, "live_figures", faulty)
    with pytest.raises(ValidationError) as caught:
        services.submit(people["q9"], s, version=s.version, accept_missing=True)
    message = caught.value.message_dict["figures"][0]
    assert message.startswith(f"Số liệu {SESSIONS} ") and "báo cáo không được gửi" in message
    s.refresh_from_db()
    assert s.status == Status.DRAFT and not SubmissionFigure.objects.exists()  # nothing half-kept


def test_plausible_figures_are_kept(people, tree):
    factories.activity(tree["cs1"], date=datetime.date(2022, 3, 1), sessions=4, attendances=90)
    s = _draft(people, tree)
    s = services.submit(people["q9"], s, version=s.version, accept_missing=True)
    assert services.frozen_totals(s)[SESSIONS] == 4
    assert (
        services.figure_problem(None, SESSIONS) is None
        and services.figure_problem(0.5, SESSIONS) is None
    )


@pytest.mark.parametrize("value", [FIGURE_VALUE.high + 1, -0.5, math.inf, math.nan])
def test_the_database_refuses_a_figure_written_around_the_workflow(people, tree, value):
    if math.isnan(value) and connection.vendor == "sqlite":
        pytest.skip("SQLite stores NaN as NULL, which is 'no figure'")
    s = _draft(people, tree)
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmissionFigure.objects.create(submission=s, indicator=SESSIONS, value=value)


# --- requests -------------------------------------------------------------------------------


def test_a_deadline_far_beyond_the_period_is_refused(people, tree):
    with pytest.raises(ValidationError) as caught:
        services.issue_request(
            people["hcm"], unit=tree["hcm"], period="2022", deadline=datetime.date(9999, 12, 31)
        )
    assert "quá xa" in caught.value.message_dict["deadline"][0]
    # a deadline in the future is normal: a year after the period, or after today for an old one
    today = timezone.localdate()
    services.issue_request(
        people["hcm"], unit=tree["hcm"], period="2022", deadline=today + datetime.timedelta(days=30)
    )
    assert ReportRequest.objects.count() == 1


@pytest.mark.parametrize("period", ["1900", "0001-01-01..9999-12-31", "1929-01-01..1929-12-31"])
def test_a_period_out_of_the_movements_time_is_refused(people, tree, period):
    with pytest.raises(ValidationError) as caught:
        services.issue_request(people["hcm"], unit=tree["hcm"], period=period, deadline=DEADLINE)
    assert "không hợp lý" in caught.value.message_dict["period"][0]
    assert ReportRequest.objects.count() == 0


def test_the_same_request_twice_is_refused(people, tree):
    services.issue_request(people["hcm"], unit=tree["hcm"], period="2022", deadline=DEADLINE)
    with pytest.raises(ValidationError) as caught:
        services.issue_request(people["hcm"], unit=tree["hcm"], period="2022", deadline=DEADLINE)
    assert "đã yêu cầu báo cáo này cho kỳ 2022" in caught.value.message_dict["period"][0]
    assert ReportRequest.objects.count() == 1 and Submission.objects.count() == 2
    # another period, or the grassroots unions instead of the children, is another request
    services.issue_request(people["hcm"], unit=tree["hcm"], period="2022H1", deadline=DEADLINE)
    services.issue_request(
        people["hcm"], unit=tree["hcm"], period="2022", deadline=DEADLINE, audience="grassroots"
    )
    assert ReportRequest.objects.count() == 3


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"deadline": "9999-12-31"}, "deadline"),
        ({"period": "0001-01-01..9999-12-31"}, "period"),
        ({"period": "x" * 41}, "period"),
        ({"period": "năm 2022"}, "period"),
        ({"audience": "everyone"}, "audience"),
        ({"unit": "hcm lowercase"}, "unit"),
        ({"title": "t" * 256}, "title"),
    ],
)
def test_the_api_refuses_an_implausible_request_naming_the_field(people, api_as, changes, field):
    payload = {"unit": "HCM", "period": "2022", "deadline": "2023-01-15"}
    payload.update(changes)
    response = api_as(people["hcm"]).post(
        "/api/v1/report-requests", payload, content_type="application/json"
    )
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
    assert ReportRequest.objects.count() == 0


def test_the_request_schema_states_its_rules(people, api_as):
    schemas = api_as(people["hcm"]).get("/api/v1/openapi.json").json()["components"]["schemas"]
    props = schemas["RequestIn"]["properties"]
    assert props["audience"]["enum"] == ["children", "grassroots"]
    assert props["period"]["maxLength"] == 40 and "pattern" in props["period"]
    assert props["unit"]["maxLength"] == 40 and props["title"]["maxLength"] == 255
    assert schemas["Version"]["properties"]["version"]["maximum"] == 2**31 - 1


def test_a_huge_version_is_a_422_not_a_500(people, tree, api_as):
    s = _draft(people, tree)
    client = api_as(people["q9"])
    for version in (2**63, 99999999999999999999, True):
        response = client.post(
            f"/api/v1/submissions/{s.pk}/submit",
            {"version": version},
            content_type="application/json",
        )
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "version"
    assert client.get(f"/api/v1/submissions/{99999999999999999999}").status_code == 404
