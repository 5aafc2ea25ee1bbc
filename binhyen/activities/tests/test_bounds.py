"""Bounds on what an activity carries, at every door: the outside probe stored
"attendances": 9223372036854775807 through the API, after which the list page and the list API
answered 500 (the sum overflowed) for everyone whose scope held it. Each count now has one
bound (models.SESSIONS, ATTENDANCES, LEAFLETS) that the API schema, the form, the import, the
service and, last, the database refuse past; ids no bigint holds are unknown records, not 500s;
dates are in the movement's lifetime."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from binhyen import factories as f
from binhyen.activities import services
from binhyen.activities.models import ATTENDANCES, Activity, ActivityKind, Audience, Topic

from .conftest import row, xlsx
from .test_api import URL, body
from .test_pages import form_data, login

HUGE = 9223372036854775807  # 2**63 - 1: what the probe sent
BEYOND_INT32 = 2147483648
BEYOND_BIGINT = 99999999999999999999


@pytest.fixture
def api(db, people):
    from binhyen.api.services import issue_token

    _token, key = issue_token(people["cs1_editor"], name="test")
    return Client(headers={"Authorization": f"Bearer {key}"})


def _post(client, **changes):
    return client.post(URL, body(**changes), content_type="application/json")


def _errors(response):
    """{field: message}; a list item's error is named by the list ("documents.0" → "documents")."""
    return {e["field"].split(".")[0]: e["message"] for e in response.json()["errors"]}


@pytest.mark.parametrize(
    "field, value",
    [
        ("attendances", HUGE),
        ("attendances", BEYOND_INT32),
        ("attendances", ATTENDANCES.high + 1),
        ("sessions", HUGE),
        ("leaflets", BEYOND_INT32),
    ],
)
def test_api_refuses_a_count_past_its_bound_and_the_lists_stay_up(api, people, tree, field, value):
    f.activity(tree["cs1"], attendances=40)
    response = _post(api, **{field: value})
    assert response.status_code == 422
    assert field in _errors(response)  # the field is named; the message is Vietnamese
    assert "Phải nhỏ hơn hoặc bằng" in _errors(response)[field]
    assert Activity.all_objects.count() == 1
    assert api.get(URL).status_code == 200
    assert login(people["hcm_viewer"]).get(reverse("activities:list")).status_code == 200


def test_api_accepts_the_bound_itself(api):
    response = _post(api, attendances=ATTENDANCES.high)
    assert response.status_code == 201, response.json()
    assert api.get(URL).json()["totals"]["attendances"] == 10_000_000


def test_the_openapi_description_states_the_bounds(api):
    schema = api.get("/api/v1/openapi.json").json()["components"]["schemas"]
    attendances = schema["ActivityIn"]["properties"]["attendances"]
    assert (attendances["minimum"], attendances["maximum"]) == (0, 10_000_000)
    documents = schema["ActivityIn"]["properties"]["documents"]["items"]
    assert documents["maximum"] == 2**63 - 1
    assert schema["ActivityIn"]["properties"]["title"]["maxLength"] == 255


@pytest.mark.parametrize("value", [True, "12", 1.5])
def test_api_refuses_what_is_not_a_whole_number(api, value):
    response = _post(api, attendances=value)
    assert response.status_code == 422 and "attendances" in _errors(response)
    assert Activity.all_objects.count() == 0


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"attendances": True}, "attendances"),
        ({"sessions": 1.0}, "sessions"),
        ({"attendances": HUGE}, "attendances"),
        ({"leaflets": BEYOND_INT32}, "leaflets"),
    ],
)
def test_the_service_refuses_them_too(people, tree, changes, field):
    """Every door shares the service: a caller that skipped the schema still cannot store them."""
    with pytest.raises(ValidationError) as caught:
        f.activity(tree["cs1"], actor=people["cs1_editor"], **changes)
    assert field in caught.value.message_dict
    assert Activity.all_objects.count() == 0


def test_the_service_message_names_the_field_and_the_bound(people, tree):
    with pytest.raises(ValidationError) as caught:
        f.activity(tree["cs1"], actor=people["cs1_editor"], attendances=HUGE)
    message = caught.value.message_dict["attendances"][0]
    assert message.startswith("Số lượt người tham dự tối đa 10.000.000;")


def test_form_refuses_a_huge_count_next_to_its_field(people, tree):
    client = login(people["cs1_editor"])
    for value in (str(HUGE), str(BEYOND_INT32)):
        response = client.post(
            reverse("activities:create"), form_data(tree["cs1"], attendances=value)
        )
        assert response.status_code == 200
        assert response.context["form"].errors["attendances"] == [
            "Số lượt người tham dự tối đa 10.000.000; nếu là tổng của nhiều hoạt động, hãy ghi thành nhiều hoạt động."
        ]
    assert Activity.all_objects.count() == 0
    page = client.get(reverse("activities:create")).content.decode()
    assert 'max="10000000"' in page  # the browser knows the bound too


def test_import_refuses_a_huge_count_naming_the_column(people):
    client = login(people["cs1_editor"])
    result = services.import_activities(
        people["cs1_editor"],
        xlsx(
            [
                row(),
                row(**{"Tên hoạt động": "B", "Số lượt người": BEYOND_INT32}),
                row(**{"Tên hoạt động": "C", "Số cuộc/buổi": 100_001}),
            ]
        ),
    )
    errors = [(e.row, e.column, e.message) for e in result.errors]
    assert errors == [
        (3, "Số lượt người", "'2.147.483.648' quá lớn (tối đa 10.000.000)."),
        (4, "Số cuộc/buổi", "'100.001' quá lớn (tối đa 100.000)."),
    ]
    assert Activity.all_objects.count() == 0
    assert client.get(reverse("activities:list")).status_code == 200


def test_the_database_refuses_a_row_written_around_the_service(tree):
    activity = f.activity(tree["cs1"])
    for field, value in (
        ("attendances", ATTENDANCES.high + 1),
        ("sessions", 100_001),
        ("leaflets", 10_000_001),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Activity.all_objects.filter(pk=activity.pk).update(**{field: value})
    activity.refresh_from_db()
    assert activity.attendances == 10


# --- ids beyond 64 bits ----------------------------------------------------------------------


def test_huge_document_ids_in_the_body_are_a_422_naming_documents(api, people, tree):
    response = _post(api, documents=[BEYOND_BIGINT])
    assert response.status_code == 422 and "documents" in _errors(response)
    response = _post(api, documents=[HUGE])  # a bigint, but no such document
    assert response.status_code == 422 and "documents" in _errors(response)
    assert Activity.all_objects.count() == 0
    activity = f.activity(tree["cs1"])
    for ids in ([BEYOND_BIGINT], [2**64], [0], [True]):
        response = api.patch(
            f"{URL}/{activity.pk}", {"documents": ids}, content_type="application/json"
        )
        assert response.status_code == 422 and "documents" in _errors(response), ids


def test_the_service_treats_an_impossible_document_id_as_unknown(people, tree):
    with pytest.raises(ValidationError) as caught:
        f.activity(tree["cs1"], actor=people["cs1_editor"], documents=[BEYOND_BIGINT])
    assert "documents" in caught.value.message_dict


def test_huge_ids_in_form_choices_are_invalid_choices(people, tree):
    client = login(people["cs1_editor"])
    for field, value in (
        ("documents", [str(BEYOND_BIGINT)]),
        ("topics", [str(BEYOND_BIGINT)]),
        ("audiences", ["²"]),
        ("unit", str(BEYOND_BIGINT)),
        ("kind", str(BEYOND_BIGINT)),
    ):
        response = client.post(
            reverse("activities:create"), {**form_data(tree["cs1"]), field: value}
        )
        assert response.status_code == 200, field
        assert field in response.context["form"].errors
    assert Activity.all_objects.count() == 0


@pytest.mark.parametrize("path", [f"{URL}/{BEYOND_BIGINT}", f"{URL}/{2**63}"])
def test_huge_ids_in_paths_are_404(api, path):
    assert api.get(path).status_code == 404
    assert api.patch(path, {"title": "x"}, content_type="application/json").status_code == 404


def test_huge_values_in_filters_never_500(api, people):
    client = login(people["hcm_viewer"])
    for params in (
        {"unit": str(BEYOND_BIGINT)},
        {"kind": str(BEYOND_BIGINT)},
        {"page": str(BEYOND_BIGINT)},
        {"start": "99999-01-01"},
        {"sort": "-attendances"},
    ):
        assert client.get(reverse("activities:list"), params).status_code == 200, params
        assert api.get(URL, params).status_code in (200, 400, 404, 422), params
    # a lone surrogate written as UTF-8 bytes in the query string
    assert client.get(reverse("activities:list") + "?q=%ED%A0%80").status_code == 200
    assert api.get(URL + "?q=%ED%A0%80&unit=%ED%A0%80").status_code in (200, 404)
    assert client.get(reverse("activities:detail", args=[BEYOND_BIGINT])).status_code == 404


# --- dates and text -------------------------------------------------------------------------


def test_dates_in_the_future_or_before_1929_are_refused(api, people, tree):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = _post(api, date=tomorrow.isoformat())
    assert response.status_code == 422 and "ở tương lai" in _errors(response)["date"]
    response = _post(api, date="1900-01-01")
    assert response.status_code == 422 and "28/07/1929" in _errors(response)["date"]
    page = login(people["cs1_editor"]).post(
        reverse("activities:create"), form_data(tree["cs1"], date=tomorrow.strftime("%d/%m/%Y"))
    )
    assert "ở tương lai" in page.context["form"].errors["date"][0]
    result = services.import_activities(
        people["cs1_editor"], xlsx([row(**{"Ngày": datetime.date(1928, 1, 1)})])
    )
    assert [(e.column, "28/07/1929" in e.message) for e in result.errors] == [("Ngày", True)]
    assert Activity.all_objects.count() == 0


def test_a_lone_surrogate_is_dropped_not_a_500(api):
    raw = json.dumps(
        body(title="Tuyên truyền \ud800ma túy", place="Nhà\udfff ăn")
    )  # \ud800 escapes
    response = api.post(URL, raw, content_type="application/json")
    assert response.status_code == 201, response.content
    activity = Activity.objects.get()
    assert (activity.title, activity.place) == ("Tuyên truyền ma túy", "Nhà ăn")
    patched = api.patch(
        f"{URL}/{activity.pk}", json.dumps({"notes": "\udc00"}), content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["notes"] == ""


def test_the_same_activity_twice_is_refused(api):
    """A real duplicate (same unit, day, kind and title) is refused at every door: already tested
    for the form and the import; here through the API."""
    assert _post(api).status_code == 201
    response = _post(api, title="TUYÊN TRUYỀN  ma tuý")
    assert response.status_code == 422 and "Đã có hoạt động này" in _errors(response)["title"]


# --- the migration --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_brings_rows_past_a_bound_down_to_it():
    tree = f.small_tree()
    MigrationExecutor(connection).migrate(
        [("activities", "0008_documents_links_without_fk_checks")]
    )
    kind = ActivityKind.objects.get(code="tuyen_truyen").pk
    # SQLite stored the probe's 2**63-1; a PostgreSQL integer column holds at most 2**31-1
    huge = HUGE if connection.vendor == "sqlite" else 2**31 - 1
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO activities_activity (unit_id, kind_id, date, title, sessions, attendances, place, "
            "notes, document_ref, natural_key, search_text, created_at, updated_at) "
            "VALUES (%s, %s, %s, 'Quá lớn', 1, %s, '', '', '', %s, '', %s, %s)",
            [tree["cs1"].pk, kind, datetime.date(2022, 3, 5), huge, "0" * 32, now, now],
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Activity.all_objects.get(title="Quá lớn").attendances == ATTENDANCES.high
    assert Topic.objects.exists() and Audience.objects.exists()
