"""The API of plans' targets: set a target (the value's bounds stated in the schema and
enforced), read its live progress per unit, within the reader's scope; Vietnamese JSON errors
naming the field."""

import datetime

import pytest

from binhyen import factories as f
from binhyen.documents.models import Target, TargetAssignment
from binhyen.documents.tests import conftest as documents_tests
from binhyen.documents.tests.conftest import record
from binhyen.reporting import targets as services

D = datetime.date
BEYOND_BIGINT = 99999999999999999999
HUGE = 2**63 - 1
SESSIONS = "activity.sessions[kind=tuyen_truyen]"

# the documents tests' people: a viewer and an editor at HCMC, editors at Quận 9, at its
# grassroots union and at Mỹ Tho
people = documents_tests.people


@pytest.fixture
def plan(tree):
    return f.document(tree["mt"], number="329", symbol="329/KH-LĐLĐ")


def _target(client, plan, **changes):
    payload = {"indicator": SESSIONS, "period": "2022", "value": 2, "applies_to": "grassroots"}
    payload.update(changes)
    return client.post(f"/api/v1/plans/{plan.pk}/targets", payload, content_type="application/json")


def _fields(response):
    return {e["field"].split(".")[0]: e["message"] for e in response.json()["errors"]}


def test_targets_and_progress(api_as, tree, people):
    plan = f.document(tree["mt"], number="329")
    client = api_as(people["mt_editor"])
    created = client.post(
        f"/api/v1/plans/{plan.pk}/targets",
        {
            "indicator": "activity.sessions[kind=tuyen_truyen]",
            "period": "2022",
            "value": 2,
            "applies_to": "grassroots",
            "description": "Ít nhất 2 cuộc",
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["assignments"] == 1
    bad = client.post(
        f"/api/v1/plans/{plan.pk}/targets",
        {"indicator": "activity.buoi", "period": "2022", "value": 2, "applies_to": "grassroots"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "indicator"
    record(tree["cs3"], "2022-04-02", sessions=1)
    record(tree["cs3"], "2022-04-03", sessions=3, attendances=45, documents=[plan], kind="hoi_nghi")
    body = client.get(f"/api/v1/plans/{plan.pk}/progress").json()
    (target,) = body["targets"]
    assert (
        target["level"]["code"] == "TG-MT"
        and target["total_target"] == 2
        and target["total_actual"] == 1
    )
    # the conference carried out the plan but is no outreach session: in the plan's figures only
    assert target["plan"] == {
        "activities": 1,
        "sessions": 3,
        "attendances": 45,
        "period": "2022-03-23..2022-12-31",
    }
    assert target["rows"] == [
        {
            "unit": {"code": "TG-MT-CS1", "name": "Công đoàn cơ sở Trường Tiểu học Mỹ Tho"},
            "target": 2,
            "actual": 1,
            "percent": 50.0,
            "status": target["rows"][0]["status"],
            "assigned": 1,
            "drill_down": False,
            "plan": {"activities": 1, "sessions": 3, "attendances": 45},
        }
    ]
    assert target["rows"][0]["status"] in ("missed", "behind", "on_track")
    assert client.get(f"/api/v1/plans/{plan.pk}/progress", {"unit": "HCM"}).status_code == 404


def test_scope_of_the_progress(api_as, tree, people):
    plan = f.document(tree["mt"], number="329")
    assert api_as(people["q9_editor"]).get(f"/api/v1/plans/{plan.pk}/progress").status_code == 404
    services.set_target(
        f.superuser(),
        plan,
        indicator="activity.sessions",
        period="2022",
        value=1,
        applies_to="grassroots",
    )
    officer = f.user(role="editor", unit=tree["cs3"])
    body = api_as(officer).get(f"/api/v1/plans/{plan.pk}/progress").json()
    assert [r["unit"]["code"] for r in body["targets"][0]["rows"]] == ["TG-MT-CS1"]
    assert body["targets"][0]["total_actual"] == 0


@pytest.mark.parametrize("value", [10_000_001, 2147483648, HUGE, BEYOND_BIGINT, 0, True, "5"])
def test_api_refuses_an_implausible_target_value(api_as, people, plan, value):
    response = _target(api_as(people["mt_editor"]), plan, value=value)
    assert response.status_code == 422 and "value" in _fields(response)
    assert Target.objects.count() == 0 and TargetAssignment.objects.count() == 0


def test_api_accepts_the_bound(api_as, people, plan):
    response = _target(api_as(people["mt_editor"]), plan, value=10_000_000)
    assert response.status_code == 201 and response.json()["value"] == 10_000_000


@pytest.mark.parametrize("period", ["0001-01-01..9999-12-31", "1900", "2101"])
def test_a_target_period_out_of_the_movements_time_is_refused(api_as, people, plan, period):
    response = _target(api_as(people["mt_editor"]), plan, period=period)
    assert response.status_code == 422 and "period" in _fields(response)


def test_the_target_schema_states_its_rules(api_as, people):
    schema = (
        api_as(people["mt_editor"])
        .get("/api/v1/openapi.json")
        .json()["components"]["schemas"]["TargetIn"]
    )
    value = schema["properties"]["value"]
    assert (value["minimum"], value["maximum"]) == (1, 10_000_000)
    assert (
        schema["properties"]["period"]["maxLength"] == 30
        and "pattern" in schema["properties"]["period"]
    )
    assert schema["properties"]["indicator"]["maxLength"] == 200


def test_progress_with_an_impossible_target_id(api_as, people, plan):
    client = api_as(people["mt_editor"])
    response = client.get(f"/api/v1/plans/{plan.pk}/progress", {"target": str(BEYOND_BIGINT)})
    assert response.status_code == 422
    assert (
        client.get(f"/api/v1/plans/{plan.pk}/progress", {"target": str(HUGE)}).json()["targets"]
        == []
    )
    assert client.get(f"/api/v1/plans/{BEYOND_BIGINT}/progress").status_code == 404
