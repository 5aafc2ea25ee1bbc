"""The incidents API: cases and tips scoped like the pages, writes through the services
(closing takes an approver, the police liaison notes steps but does not edit), and a tip's
sealed sender in no answer but the identity role's logged reveal."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from binhyen import factories as f
from binhyen.api.services import issue_token
from binhyen.incidents import services
from binhyen.incidents.models import ActionKind, Incident
from binhyen.org import services as org_services
from binhyen.org.scoping import Role

D = datetime.date


def api(user):
    _token, key = issue_token(user, name="test")
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def world(db):
    gt = f.group_tree()
    linh_xuan = f.area("26794")
    giay = f.enterprise(gt["ward_union"], name="Công ty TNHH Giày Phú Hưng", workforce=4000)
    other = f.unit(gt["root"], "ldld_tinh", code="DT")
    users = {
        "editor": f.user(role=Role.EDITOR, unit=gt["ward_union"]),
        "approver": f.user(role=Role.APPROVER, unit=gt["ward_union"]),
        "police": f.user(role=Role.POLICE, unit=gt["hcm"], wards=[linh_xuan]),
        "identity": f.user(role=Role.VIEWER, unit=gt["hcm"]),
        "outsider": f.user(role=Role.EDITOR, unit=other),
    }
    # the identity role is held beside a unit role, never implied by it
    org_services.assign_role(f.superuser(), users["identity"], gt["hcm"], Role.IDENTITY)
    case = f.incident(gt["ward_union"], kind="toi_pham", title="Trộm xe ở khu trọ", ward=linh_xuan)
    return {**gt, "giay": giay, "users": users, "case": case, "linh_xuan": linh_xuan}


def body(world, **over):
    return {
        "unit": "G-HCM-LT",
        "kind": "ngung_viec",
        "title": "Ngừng việc tại Giày Phú Hưng",
        "summary": "Ca 1 ngừng việc.",
        "started_at": (timezone.now() - datetime.timedelta(hours=5)).isoformat(),
        "enterprise": world["giay"].pk,
        "stoppage": {"workers_involved": 600, "causes": ["tien_luong"]},
        **over,
    }


def test_crud_and_scope(world):
    c = api(world["users"]["editor"])
    created = c.post("/api/v1/incidents", body(world), content_type="application/json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["stoppage"]["workers_involved"] == 600 and data["stoppage"]["workforce"] == 4000
    assert data["stoppage"]["causes"] == ["tien_luong"] and data["state"] == "tiep_nhan"
    pk = data["id"]
    listed = c.get("/api/v1/incidents", {"kind": "ngung_viec"}).json()
    assert [i["id"] for i in listed["items"]] == [pk]
    changed = c.patch(
        f"/api/v1/incidents/{pk}",
        {"title": "Ngừng việc ca 1", "stoppage": {"workers_involved": 700}},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["stoppage"]["workers_involved"] == 700
    outsider = api(world["users"]["outsider"])
    assert outsider.get(f"/api/v1/incidents/{pk}").status_code == 404
    assert (
        outsider.patch(
            f"/api/v1/incidents/{pk}", {"title": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert outsider.get("/api/v1/incidents").json()["count"] == 0
    assert c.delete(f"/api/v1/incidents/{pk}").status_code == 403  # an editor does not delete
    assert api(world["users"]["approver"]).delete(f"/api/v1/incidents/{pk}").status_code == 204
    assert not Incident.objects.filter(pk=pk).exists()


def test_bad_input_names_the_field_and_saves_nothing(world):
    c = api(world["users"]["editor"])
    before = Incident.objects.count()
    response = c.post(
        "/api/v1/incidents",
        body(world, stoppage={"workers_involved": 5000}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "workers_involved"
    ended = body(
        world,
        ended_at=(timezone.now() - datetime.timedelta(hours=6)).isoformat(),
    )
    response = c.post("/api/v1/incidents", ended, content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "ended_at"
    assert Incident.objects.count() == before


def test_state_changes_closing_needs_an_approver(world):
    pk = world["case"].pk
    editor, approver = api(world["users"]["editor"]), api(world["users"]["approver"])
    moved = editor.post(
        f"/api/v1/incidents/{pk}/state", {"state": "xac_minh"}, content_type="application/json"
    )
    assert moved.status_code == 200 and moved.json()["state"] == "xac_minh"
    refused = editor.post(
        f"/api/v1/incidents/{pk}/state",
        {"state": "dong", "what": "Đã xong."},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "state", "message": "Chỉ người phê duyệt của đơn vị mới đóng được hồ sơ."}
    ]
    closed = approver.post(
        f"/api/v1/incidents/{pk}/state",
        {"state": "dong", "what": "Đã xong."},
        content_type="application/json",
    )
    assert closed.status_code == 200 and closed.json()["state"] == "dong"
    kinds = [s["kind"] for s in closed.json()["timeline"]]
    assert kinds.count(ActionKind.STATE) == 2


def test_police_reads_and_notes_steps_but_does_not_edit(world):
    pk = world["case"].pk
    police = api(world["users"]["police"])
    assert police.get(f"/api/v1/incidents/{pk}").status_code == 200
    assert (
        police.patch(
            f"/api/v1/incidents/{pk}", {"title": "Sửa"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        police.post(
            f"/api/v1/incidents/{pk}/state", {"state": "xac_minh"}, content_type="application/json"
        ).status_code
        == 403
    )
    step = police.post(
        f"/api/v1/incidents/{pk}/steps",
        {"what": "Công an phường đã lập biên bản."},
        content_type="application/json",
    )
    assert step.status_code == 201 and step.json()["kind"] == ActionKind.POLICE


def test_tips_never_carry_the_sealed_sender(world):
    tip = services.submit_tip(
        ward=world["linh_xuan"],
        what="Có nhóm cho vay nặng lãi ở khu trọ.",
        happened_on=D.today() - datetime.timedelta(days=1),
        anonymous=False,
        reporter_name="Trần Thị Báo Tin",
        reporter_phone="0912345678",
    )
    editor = api(world["users"]["editor"])
    for url in ("/api/v1/tips", f"/api/v1/tips/{tip.pk}", "/api/v1/portal/tips"):
        response = editor.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        assert "Trần Thị Báo Tin" not in text and "0912345678" not in text
        assert "sealed" not in text
    answered = editor.post(
        f"/api/v1/tips/{tip.pk}/answer",
        {"state": "xac_minh", "public_note": "Đã tiếp nhận, đang xác minh."},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["state"] == "xac_minh"
    assert editor.post(f"/api/v1/tips/{tip.pk}/reveal").status_code == 403
    revealed = api(world["users"]["identity"]).post(f"/api/v1/tips/{tip.pk}/reveal")
    assert revealed.status_code == 200
    assert revealed.json() == {
        "anonymous": False,
        "name": "Trần Thị Báo Tin",
        "phone": "0912345678",
    }
    assert tip.actions.filter(kind=ActionKind.REVEAL).count() == 1
    assert api(world["users"]["outsider"]).get(f"/api/v1/tips/{tip.pk}").status_code == 404
