"""GET /api/v1/rollup: the issue's response shape, scoping (404) and clear 400s in Vietnamese."""

import pytest

from binhyen import factories as f
from binhyen.org.scoping import Role
from binhyen.reporting.tests.helpers import record

URL = "/api/v1/rollup"


@pytest.fixture
def data(tree):
    record(tree["cs1"], "2022-02-10", sessions=2, attendances=40, audiences=("can_bo_cong_doan",))
    record(tree["cs2"], "2022-03-10", sessions=1, attendances=15)
    record(tree["cs3"], "2022-03-11", sessions=9, attendances=90)
    return tree


def test_rollup_by_child_in_the_issue_shape(data, api_as):
    viewer = f.user(role=Role.VIEWER, unit=data["hcm"])
    response = api_as(viewer).get(
        URL,
        {
            "unit": "HCM",
            "period": "2022Q1",
            "indicators": "activity.sessions,activity.attendances[kind=tuyen_truyen;audience=can_bo_cong_doan]",
        },
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "unit": {"code": "HCM", "name": "Liên đoàn Lao động Thành phố Hồ Chí Minh"},
        "basis": {"code": "was", "label": "theo cơ cấu tại thời điểm phát sinh"},
        "period": {"start": "2022-01-01", "end": "2022-03-31", "label": "Quý I/2022"},
        "rows": [
            {
                "unit": {"code": "HCM-Q9", "name": "Liên đoàn Lao động Quận 9"},
                "values": {
                    "activity.sessions": 2,
                    "activity.attendances[kind=tuyen_truyen;audience=can_bo_cong_doan]": 40,
                },
            },
            {
                "unit": {"code": "HCM-TD", "name": "Liên đoàn Lao động Thành phố Thủ Đức"},
                "values": {
                    "activity.sessions": 1,
                    "activity.attendances[kind=tuyen_truyen;audience=can_bo_cong_doan]": 0,
                },
            },
        ],
        "total": {
            "activity.sessions": 3,
            "activity.attendances[kind=tuyen_truyen;audience=can_bo_cong_doan]": 40,
        },
    }


def test_by_month_and_default_unit(data, api_as):
    viewer = f.user(role=Role.VIEWER, unit=data["tg"])
    body = (
        api_as(viewer)
        .get(URL, {"period": "2022Q1", "indicators": "activity.sessions", "by": "month"})
        .json()
    )
    assert body["unit"]["code"] == "TG"
    assert body["rows"] == [
        {"month": "2022-01", "values": {"activity.sessions": 0}},
        {"month": "2022-02", "values": {"activity.sessions": 0}},
        {"month": "2022-03", "values": {"activity.sessions": 9}},
    ]


def test_unit_outside_scope_is_404(data, api_as):
    viewer = f.user(role=Role.VIEWER, unit=data["tg"])
    response = api_as(viewer).get(
        URL, {"unit": "HCM", "period": "2022", "indicators": "activity.sessions"}
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy đơn vị “HCM” trong phạm vi của bạn."}
    unknown = api_as(viewer).get(
        URL, {"unit": "KHONG-CO", "period": "2022", "indicators": "activity.sessions"}
    )
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    "query, words",
    [
        (
            {"period": "2022", "indicators": "activity.khong_co"},
            "Không có chỉ tiêu “activity.khong_co”",
        ),
        (
            {"period": "2022Q5", "indicators": "activity.sessions"},
            "Kỳ báo cáo “2022Q5” không hợp lệ",
        ),
        (
            {"period": "2023-12-31..2018-01-01", "indicators": "activity.sessions"},
            "Ngày kết thúc không được trước ngày bắt đầu",
        ),
        (
            {"period": "2022", "indicators": "activity.sessions[color=red]"},
            "không lọc được theo “color”",
        ),
        (
            {"period": "2022", "indicators": "activity.sessions[kind=khong_co]"},
            "Không có mã “khong_co” trong danh mục loại",
        ),
        (
            {"period": "2022", "indicators": "groups.members[topic=ma_tuy]"},
            "không lọc được theo “topic”",
        ),
        ({"period": "2022", "indicators": "activity.sessions[kind]"}, "không đúng dạng chiều=mã"),
        ({"period": "2022", "indicators": "activity.sessions", "by": "week"}, "Tham số “by”"),
        (
            {"period": "2022", "indicators": "activity.sessions", "as_of": "31/12/2020"},
            "Tham số “as_of”",
        ),
        ({"indicators": "activity.sessions"}, "Thiếu tham số “period”"),
        ({"period": "2022"}, "Thiếu tham số “indicators”"),
        # ids a bigint cannot hold, and digits int() cannot read, are no document (a 500 once)
        ({"period": "2022", "indicators": "activity.sessions[document=²]"}, "Không có văn bản “²”"),
        (
            {"period": "2022", "indicators": "activity.sessions[document=99999999999999999999999]"},
            "Không có văn bản “99999999999999999999999”",
        ),
    ],
)
def test_bad_parameters_are_400_with_vietnamese_detail(data, api_as, query, words):
    viewer = f.user(role=Role.VIEWER, unit=data["hcm"])
    response = api_as(viewer).get(URL, {"unit": "HCM", **query})
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert detail.startswith("Tham số không hợp lệ: ")
    assert words in detail


def test_as_of_parameter_is_accepted(data, api_as):
    viewer = f.user(role=Role.VIEWER, unit=data["hcm"])
    body = (
        api_as(viewer)
        .get(
            URL,
            {
                "unit": "HCM",
                "period": "2022",
                "indicators": "activity.sessions",
                "as_of": "2022-01-01",
                "by": "none",
            },
        )
        .json()
    )
    assert body["rows"] == [] and body["total"] == {"activity.sessions": 3}


def test_indicator_list_names_codes_kinds_and_filters(tree, api_as):
    body = api_as(f.user(role=Role.VIEWER, unit=tree["hcm"])).get("/api/v1/indicators").json()
    by_code = {i["code"]: i for i in body}
    assert by_code["activity.sessions"] == {
        "code": "activity.sessions",
        "label": "Số cuộc, buổi",
        "label_en": "Sessions",
        "unit": "cuộc",
        "kind": "flow",
        "dimensions": ["kind", "topic", "audience", "channel", "document"],
    }
    assert by_code["groups.members"]["kind"] == "stock"
    assert by_code["units.outreach_share"]["unit"] == "%"


def test_rollup_filtered_by_a_plan_by_id_or_symbol(data, api_as):
    plan = f.document(data["hcm"], number="329")
    record(data["cs1"], "2022-03-20", sessions=4, attendances=60, documents=[plan])
    record(data["cs2"], "2022-03-21", sessions=1, attendances=7, documents=[plan])
    client = api_as(f.user(role=Role.VIEWER, unit=data["hcm"]))
    key = f"activity.attendances[document={plan.pk}]"
    for named in (str(plan.pk), plan.symbol):
        body = client.get(
            URL,
            {
                "unit": "HCM",
                "period": "2022Q1",
                "indicators": f"activity.sessions,activity.attendances[document={named}]",
            },
        ).json()
        assert body["total"] == {"activity.sessions": 8, key: 67}
        assert {r["unit"]["code"]: r["values"][key] for r in body["rows"]} == {
            "HCM-Q9": 60,
            "HCM-TD": 7,
        }


@pytest.mark.parametrize("named", ["999999", "999/KH-LĐLĐ", "{outside}"])
def test_unknown_or_unseen_document_is_a_clear_400(data, api_as, named):
    """A document that does not exist and one outside the reader's scope get the same answer."""
    outside = f.document(data["tg"], number="311")  # Mỹ Tho's plan: not seen from HCMC
    named = named.format(outside=outside.pk)
    client = api_as(f.user(role=Role.VIEWER, unit=data["hcm"]))
    response = client.get(
        URL, {"unit": "HCM", "period": "2022", "indicators": f"activity.sessions[document={named}]"}
    )
    assert response.status_code == 400, response.content
    assert response.json()["detail"] == (
        f"Tham số không hợp lệ: Không có văn bản “{named}” trong phạm vi bạn xem được (chỉ tiêu "
        "activity.sessions). Ghi văn bản bằng mã số của nó (số cuối địa chỉ trang văn bản, ví dụ "
        "document=12) hoặc bằng ký hiệu (ví dụ document=329/KH-LĐLĐ)."
    )
    mine = api_as(f.user(role=Role.VIEWER, unit=data["tg"])).get(
        URL,
        {"unit": "TG", "period": "2022", "indicators": f"activity.sessions[document={outside.pk}]"},
    )
    assert mine.status_code == 200, mine.content
