"""Implausible input to the union tree (issue #23): figures beyond their bound, dates that
cannot be, ids no column can hold. Each is refused by name at every door (form, API, service)
with nothing saved, the database refuses what goes around the service, and no id is a 500."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from binhyen import factories as f
from binhyen.core import periods
from binhyen.org import services
from binhyen.org.models import Area, AreaLevel, Assignment, Unit, UnitEvent
from binhyen.org.scoping import Role

D = datetime.date
HUGE = "99999999999999999999999"
TODAY = periods.today()
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, tree):
    user = f.user(username="quan-tri-tp", role=Role.ADMIN, unit=tree["hcm"])
    client.force_login(user)
    return user


@pytest.fixture
def api(admin):
    from binhyen.api.services import issue_token

    _token, key = issue_token(admin, name="test")
    return Client(headers={"Authorization": f"Bearer {key}"})


def unit_form(**overrides):
    data = {
        "code": "HCM-Q9-CS9",
        "name": "Công đoàn cơ sở Công ty Nidec",
        "short_name": "",
        "kind": f.kind("cd_co_so").pk,
        "province": "",
        "ward": "",
        "valid_from": "15/03/2019",
        "enterprise_name": "Công ty TNHH Nidec Việt Nam",
        "ownership": "fdi",
        "workforce": "2400",
        "members": "2100",
    }
    data.update(overrides)
    return data


NEW_UNIT = {
    "code": "HCM-Q9-CS9",
    "name": "Công đoàn cơ sở Công ty Nidec",
    "kind": "cd_co_so",
    "parent": "HCM-Q9",
    "valid_from": "2019-03-15",
    "workforce": 2400,
    "members": 2100,
}


def post_json(client, url, body, method="post"):
    return getattr(client, method)(url, body, content_type="application/json")


def errors_of(response):
    assert response.status_code == 422, response.content
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def snapshot():
    return list(Unit.objects.order_by("pk").values()), UnitEvent.objects.count()


# --- figures --------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["workforce", "members"])
def test_the_form_refuses_a_headcount_of_a_trillion(client, admin, tree, field):
    data = unit_form(**{field: str(10**12)})
    if field == "members":
        data["workforce"] = str(10**12)
    response = client.post("/don-vi/HCM-Q9/them/", data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == ["Phải là số từ 0 đến 60.000.000."]
    assert not Unit.objects.filter(code="HCM-Q9-CS9").exists()
    assert client.get("/don-vi/HCM-Q9/").status_code == 200


def test_a_grassroots_union_of_a_million_workers_is_refused_by_name(client, admin, tree):
    response = client.post("/don-vi/HCM-Q9/them/", unit_form(workforce="1000000", members="900000"))
    errors = response.context["form"].errors
    assert errors["workforce"] == ["Số lao động của một công đoàn cơ sở tối đa 200.000."]
    assert errors["members"] == ["Số đoàn viên của một công đoàn cơ sở tối đa 200.000."]
    assert not Unit.objects.filter(code="HCM-Q9-CS9").exists()
    # an upper-level union may hold the totals of its subtree
    services.update_unit(admin, tree["hcm"], workforce=1_500_000, members=1_200_000)
    assert Unit.objects.get(pk=tree["hcm"].pk).members == 1_200_000


def test_the_api_refuses_a_headcount_of_a_trillion_and_states_the_bound(api, tree):
    before = snapshot()
    errors = errors_of(post_json(api, "/api/v1/units", {**NEW_UNIT, "workforce": 10**12}))
    assert errors["workforce"] == "Phải nhỏ hơn hoặc bằng 60.000.000."
    errors = errors_of(post_json(api, "/api/v1/units/HCM-Q9-CS1", {"members": 10**12}, "patch"))
    assert set(errors) == {"members"}
    errors = errors_of(
        post_json(api, "/api/v1/units", {**NEW_UNIT, "workforce": 300_000, "members": 10})
    )
    assert errors == {"workforce": "Số lao động của một công đoàn cơ sở tối đa 200.000."}
    assert snapshot() == before
    assert api.get("/api/v1/units/HCM-Q9").status_code == 200

    schema = api.get("/api/v1/openapi.json").json()["components"]["schemas"]
    facts = schema["UnitCreateIn"]["properties"]
    assert facts["workforce"]["anyOf"][0] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 60_000_000,
    }
    assert facts["code"]["maxLength"] == 40 and facts["code"]["pattern"] == "^[A-Z0-9][A-Z0-9._-]*$"
    assert facts["name"]["maxLength"] == 255 and facts["enterprise_name"]["maxLength"] == 255
    assert "1929" in facts["valid_from"]["description"]
    assert schema["MoveIn"]["properties"]["note"]["maxLength"] == 500


def test_the_database_refuses_a_headcount_written_around_the_service(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=tree["cs1"].pk).update(workforce=10**9)
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=tree["cs1"].pk).update(members=70_000_000, workforce=None)
    assert Unit.objects.get(pk=tree["cs1"].pk).workforce is None


def test_the_database_refuses_an_area_outside_viet_nam():
    ward = Area.objects.filter(level=AreaLevel.WARD).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.filter(pk=ward.pk).update(latitude=48.85)  # Paris
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.filter(pk=ward.pk).update(longitude=-0.3)
    # the loaded geography itself fits, islands included
    assert not Area.objects.exclude(latitude__isnull=True).filter(latitude__lt=8).exists()
    assert Area.objects.filter(longitude__gt=114).exists()  # Trường Sa


# --- dates ----------------------------------------------------------------------------------


def test_a_unit_founded_in_2099_or_1900_is_refused_at_every_door(client, admin, api, tree):
    before = snapshot()
    response = client.post("/don-vi/HCM-Q9/them/", unit_form(valid_from="01/01/2099"))
    message = response.context["form"].errors["valid_from"][0]
    assert message.startswith("Ngày thành lập không thể sau ") and "hai năm" in message
    response = client.post("/don-vi/HCM-Q9/them/", unit_form(valid_from="01/01/1900"))
    assert response.context["form"].errors["valid_from"] == [
        "Ngày thành lập không thể trước 28/07/1929."
    ]
    errors = errors_of(post_json(api, "/api/v1/units", {**NEW_UNIT, "valid_from": "2099-01-01"}))
    assert errors["valid_from"].startswith("Ngày thành lập không thể sau ")
    errors = errors_of(
        post_json(api, "/api/v1/units/HCM-Q9-CS1", {"valid_from": "2099-01-01"}, "patch")
    )
    assert set(errors) == {"valid_from"}
    assert snapshot() == before


def test_restructures_far_in_the_future_are_refused(client, admin, tree):
    response = client.post(
        "/don-vi/HCM-Q9-CS1/chuyen/", {"parent": tree["td"].pk, "date": "01/01/2099"}
    )
    assert response.context["form"].errors["date"][0].startswith("Ngày hiệu lực không thể sau ")
    response = client.post(
        "/don-vi/HCM-Q9/sap-nhap/", {"target": tree["td"].pk, "date": "01/01/2099"}
    )
    assert response.context["form"].errors["date"][0].startswith("Ngày sáp nhập không thể sau ")
    with pytest.raises(ValidationError) as exc:
        services.close_unit(admin, tree["cs1"], D(2099, 12, 31))
    assert exc.value.message_dict["date"][0].startswith("Ngày kết thúc không thể sau ")
    with pytest.raises(ValidationError) as exc:
        services.close_unit(admin, tree["cs1"], D(1920, 1, 1))
    assert "date" in exc.value.message_dict
    assert Unit.objects.get(pk=tree["cs1"].pk).parent_id == tree["q9"].pk
    assert Unit.objects.get(pk=tree["q9"].pk).valid_to is None


def test_a_restructure_decided_for_next_year_still_works(admin, tree):
    # the reform of 2025 was voted on 12/06 for 01/07: a merge is recorded before its day
    day = TODAY.replace(day=1) + datetime.timedelta(days=200)
    new = services.create_unit(
        admin,
        parent=tree["hcm"],
        code="HCM-Q9TD",
        name="LĐLĐ Thủ Đức mới",
        kind=f.kind("ldld_huyen"),
        valid_from=day,
    )
    services.merge_units(admin, [tree["q9"]], new, day)
    assert Unit.objects.get(pk=tree["q9"].pk).valid_to == day - datetime.timedelta(days=1)
    assert Unit.objects.get(pk=tree["cs1"].pk).parent_id == new.pk


# --- ids ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [HUGE, "²", "-1", "0", "1e5"])
def test_ward_options_with_an_impossible_province_id_are_empty(client, admin, value):
    response = client.get("/don-vi/phuong-xa/", {"province": value})
    assert response.status_code == 200
    assert '<option value="' not in response.content.decode().replace('<option value="">', "")


def test_forms_with_huge_ids_answer_with_errors_not_500(client, admin, tree):
    responses = {
        "them": client.post("/don-vi/HCM-Q9/them/", unit_form(province=HUGE, ward=HUGE, kind=HUGE)),
        "chuyen": client.post("/don-vi/HCM-Q9-CS1/chuyen/", {"parent": HUGE, "date": "01/01/2021"}),
        "ket-thuc": client.post(
            "/don-vi/HCM-Q9-CS1/ket-thuc/", {"successor": HUGE, "date": "01/01/2021"}
        ),
        "sap-nhap": client.post("/don-vi/HCM-Q9/sap-nhap/", {"target": HUGE, "date": "01/01/2021"}),
        "phan-cong": client.post(
            "/don-vi/HCM/phan-cong/",
            {"username": admin.username, "role": "police", "wards": [HUGE]},
        ),
    }
    for action, response in responses.items():
        assert response.status_code == 200, action
        assert response.context["form"].errors, action
    assert "wards" in responses["phan-cong"].context["form"].errors
    assert not Assignment.objects.filter(role=Role.POLICE).exists()
    assert client.post(f"/phan-cong/{HUGE}/thu-hoi/").status_code == 404
    assert client.get("/don-vi/", {"kind": HUGE, "page": HUGE}).status_code in (200, 404)
