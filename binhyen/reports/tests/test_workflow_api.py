"""The report workflow over the API: scoping (404 outside), actions, version conflicts."""

import datetime

import pytest

from binhyen import factories
from binhyen.org.scoping import Role
from binhyen.reports.models import Submission


@pytest.fixture
def people(tree):
    return {
        "hcm": factories.user("api-hcm", Role.APPROVER, tree["hcm"]),
        "q9": factories.user("api-q9", Role.EDITOR, tree["q9"]),
        "mt": factories.user("api-mt", Role.VIEWER, tree["mt"]),
    }


def test_request_submit_return_approve_unlock(people, tree, api_as):
    factories.activity(tree["cs1"], date=datetime.date(2022, 3, 1), sessions=4, attendances=90)
    hcm, q9, mt = api_as(people["hcm"]), api_as(people["q9"]), api_as(people["mt"])
    created = hcm.post(
        "/api/v1/report-requests",
        {"unit": "HCM", "period": "2022", "deadline": "2023-01-15"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["completeness"]["expected"] == 2 and body["completeness"]["missing"] == 2
    rid = body["id"]
    sid = Submission.objects.get(request_id=rid, unit=tree["q9"]).pk

    assert [r["id"] for r in q9.get("/api/v1/report-requests").json()["items"]] == [rid]
    seen_by_q9 = q9.get(f"/api/v1/report-requests/{rid}").json()
    assert seen_by_q9["completeness"] is None and [
        s["unit"] for s in seen_by_q9["submissions"]
    ] == ["HCM-Q9"]
    assert mt.get("/api/v1/report-requests").json()["count"] == 0
    assert mt.get(f"/api/v1/submissions/{sid}").status_code == 404
    assert (
        mt.post(
            f"/api/v1/submissions/{sid}/submit", {"version": 1}, content_type="application/json"
        ).status_code
        == 404
    )
    detail = q9.get(f"/api/v1/submissions/{sid}").json()
    assert (
        detail["figures"]["activity.sessions[kind=tuyen_truyen]"] == 4
        and not detail["figures_frozen"]
    )

    sent = q9.post(
        f"/api/v1/submissions/{sid}/submit",
        {"version": 1, "assessment": "Tốt"},
        content_type="application/json",
    )
    assert sent.json()["status"] == "submitted"
    refused = q9.post(
        f"/api/v1/submissions/{sid}/approve", {"version": 2}, content_type="application/json"
    )
    assert refused.status_code == 422
    returned = hcm.post(
        f"/api/v1/submissions/{sid}/return",
        {"version": 2, "comment": "Bổ sung"},
        content_type="application/json",
    )
    assert returned.json()["status"] == "returned"
    q9.post(f"/api/v1/submissions/{sid}/submit", {"version": 3}, content_type="application/json")
    approved = hcm.post(
        f"/api/v1/submissions/{sid}/approve", {"version": 4}, content_type="application/json"
    ).json()
    assert (
        approved["locked"]
        and approved["figures_frozen"]
        and approved["figures"]["activity.sessions[kind=tuyen_truyen]"] == 4
    )
    stale = hcm.post(
        f"/api/v1/submissions/{sid}/unlock",
        {"version": 4, "reason": "Sai"},
        content_type="application/json",
    )
    assert stale.status_code == 422 and "vừa được người khác thay đổi" in stale.json()["detail"]
    unlocked = hcm.post(
        f"/api/v1/submissions/{sid}/unlock",
        {"version": 5, "reason": "Nhập thiếu"},
        content_type="application/json",
    ).json()
    assert (unlocked["status"], unlocked["locked"], unlocked["unlock_reason"]) == (
        "returned",
        False,
        "Nhập thiếu",
    )


def test_bad_request_input_is_422_in_vietnamese(people, api_as):
    hcm = api_as(people["hcm"])
    response = hcm.post(
        "/api/v1/report-requests",
        {"unit": "HCM", "period": "2022Q7", "deadline": "2023-01-15"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "không hợp lệ" in response.json()["detail"]
    response = hcm.post(
        "/api/v1/report-requests",
        {"unit": "TG", "period": "2022", "deadline": "2023-01-15"},
        content_type="application/json",
    )
    assert response.status_code == 422
