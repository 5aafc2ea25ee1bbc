"""Generated bad input at every door: each case is refused with a Vietnamese message that
names the field (API: `errors[].field`, forms: the field's errors, imports: row and column)
with nothing saved, or it is normalised (what is stored is clean and plausible). Afterwards
every list, export, report and portal page still answers 200 and no export holds a formula.

The classes come from an outside probe of the demo: control and invisible characters,
decomposed Vietnamese, right-to-left overrides, lone surrogates, formulas, over-long text,
numbers beyond any plausible bound (up to 2**63 - 1), booleans and strings for numbers, dates
in 2099 or 1800 or that do not exist, ids beyond 64 bits."""

import datetime
import io
import json
import re
import unicodedata

import pytest
from django.test import Client
from openpyxl import load_workbook

from binhyen import factories as f
from binhyen.core.api import In
from binhyen.core.text import clean_text

VIETNAMESE = re.compile(
    r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.I
)

TEXT = {
    "bell": "Hội nghị\x07 tuyên truyền",
    "nul": "Hội nghị\x00 pháp luật",
    "zero-width-only": "\u200b\u200b\u200b",
    "zero-width-inside": "Tuyên\u200b truyền",
    "rtl-override": "Hội nghị \u202eđảo chiều",
    "nfd": "To\u0302\u0309 tu\u031b\u0323 qua\u0309n",
    "lone-surrogate": "Tổ\ud800 tự quản",
    "formula": '=HYPERLINK("http://evil.example","click")',
    "dde": "=cmd|' /C calc'!A0",
    "too-long": "Hội nghị " * 3000,
    "line-break": "dòng một\r\ndòng hai",
}
NUMBER = {
    "int64-max": 2**63 - 1,
    "int32-plus-one": 2**31,
    "trillion": 10**12,
    "negative": -1,
    "true": True,
    "string": "12",
    "fraction": 1.5,
    "huge-float": 1e30,
}
PAST_DATE = {
    "year-2099": "2099-01-01",
    "year-1800": "1800-01-01",
    "february-30": "2022-02-30",
    "day-first": "15/03/2022",
    "not-a-date": "hôm qua",
}
ID_LIST = {
    "beyond-64-bits": [2**70],
    "zero": [0],
    "negative": [-1],
    "boolean": [True],
    "text": ["một"],
}


# --- the world: one grassroots editor, a group, a document ---------------------------------


@pytest.fixture
def world(db):
    gt = f.group_tree()
    editor = f.user(role="editor", unit=gt["cs"])
    group = f.group(
        gt["cs"],
        ward=f.area("26794"),
        name="Tổ tự quản khu trọ Linh Xuân",
        founded=datetime.date(2020, 1, 1),
    )
    document = f.document(gt["cs"])
    return dict(gt, editor=editor, group=group, document=document)


def api(user):
    from binhyen.api.services import issue_token

    _token, key = issue_token(user, name="bad-input")
    return Client(headers={"Authorization": f"Bearer {key}"})


def send(client, method, url, body):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def counts():
    from binhyen.activities.models import Activity
    from binhyen.documents.models import Document
    from binhyen.groups.models import BoardingHouse, Camera, Group, GroupMember

    return {
        m.__name__: m._base_manager.count()
        for m in (Activity, Document, Group, GroupMember, BoardingHouse, Camera)
    }


def assert_refused_naming(response, field, before):
    assert response.status_code in (400, 404, 422), (response.status_code, response.content[:300])
    body = response.json()
    assert VIETNAMESE.search(body["detail"]), body
    if response.status_code == 422:
        named = [e["field"] or "" for e in body.get("errors", [])]
        assert any(n == field or n.startswith(f"{field}.") for n in named), (field, body)
    assert counts() == before


def assert_clean(value):
    assert isinstance(value, str)
    assert clean_text(value, multiline=True) == value
    assert "\u200b" not in value and "\u202e" not in value and "\x07" not in value


# --- API doors ------------------------------------------------------------------------------


def activity_body(w, **changes):
    return {
        "unit": w["cs"].code,
        "date": "2022-03-15",
        "kind": "tuyen_truyen",
        "title": "Tuyên truyền pháp luật lao động",
        "topics": ["ma_tuy"],
        "audiences": ["cnvcld"],
        "channels": [],
        "sessions": 2,
        "attendances": 120,
        **changes,
    }


def group_body(w, **changes):
    return {
        "kind": "nha_tro",
        "name": "Tổ tự quản khu trọ số 5",
        "unit": w["cs"].code,
        "ward": "26794",
        "founded": "2021-05-01",
        **changes,
    }


def member_body(w, **changes):
    return {"full_name": "Nguyễn Văn An", "phone": "0912000111", "joined": "2022-01-10", **changes}


def house_body(w, **changes):
    return {
        "unit": w["cs"].code,
        "address": "15 Đường số 9",
        "ward": "26794",
        "name": "Nhà trọ Bà Tư",
        "rooms": 12,
        "resident_workers": 30,
        **changes,
    }


def camera_body(w, **changes):
    return {
        "unit": w["cs"].code,
        "place": "Cổng khu trọ số 9",
        "ward": "26794",
        "funder_kind": "cong_doan",
        "cost": 8_000_000,
        "installed": "2022-06-01",
        **changes,
    }


def document_body(w, **changes):
    return {
        "type": "ke_hoach",
        "number": "57",
        "symbol": "57/KH-CĐCS",
        "issued_on": "2022-03-01",
        "issuer_unit": w["cs"].code,
        "summary": "Kế hoạch tuyên truyền phòng, chống tội phạm",
        **changes,
    }


DOORS = {
    # door: (method, url, body builder, the model it writes, text fields, required text, numbers, past dates, id lists)
    "POST /activities": (
        "post",
        lambda w: "/api/v1/activities",
        activity_body,
        "activities.Activity",
        ["title", "place", "document_ref", "notes"],
        {"title"},
        ["sessions", "attendances", "leaflets"],
        ["date"],
        ["documents"],
    ),
    "PATCH /activities/{id}": (
        "patch",
        lambda w: f"/api/v1/activities/{f.activity(w['cs']).pk}",
        lambda w, **c: c,
        "activities.Activity",
        ["title", "place", "notes"],
        {"title"},
        ["sessions", "attendances"],
        ["date"],
        ["documents"],
    ),
    "POST /groups": (
        "post",
        lambda w: "/api/v1/groups",
        group_body,
        "groups.Group",
        ["name", "code", "address", "leader_name", "police_contact", "notes"],
        {"name"},
        [],
        ["founded"],
        [],
    ),
    "POST /groups/{id}/members": (
        "post",
        lambda w: f"/api/v1/groups/{w['group'].pk}/members",
        member_body,
        "groups.GroupMember",
        ["full_name", "workplace"],
        {"full_name"},
        [],
        ["joined"],
        [],
    ),
    "POST /boarding-houses": (
        "post",
        lambda w: "/api/v1/boarding-houses",
        house_body,
        "groups.BoardingHouse",
        ["address", "name", "landlord_name", "notes"],
        {"address"},
        ["rooms", "resident_workers"],
        [],
        [],
    ),
    "POST /cameras": (
        "post",
        lambda w: "/api/v1/cameras",
        camera_body,
        "groups.Camera",
        ["place", "funder_name", "notes"],
        {"place"},
        ["cost"],
        ["installed"],
        [],
    ),
    "POST /documents": (
        "post",
        lambda w: "/api/v1/documents",
        document_body,
        "documents.Document",
        ["summary"],
        set(),
        [],
        ["issued_on"],
        ["implements"],
    ),
}


def _cases():
    for door, (_m, _u, _b, _model, texts, _req, numbers, dates, ids) in DOORS.items():
        for field in texts:
            for name in TEXT:
                yield pytest.param(door, field, "text", name, id=f"{door}:{field}:{name}")
        for field in numbers:
            for name in NUMBER:
                yield pytest.param(door, field, "number", name, id=f"{door}:{field}:{name}")
        for field in dates:
            for name in PAST_DATE:
                yield pytest.param(door, field, "date", name, id=f"{door}:{field}:{name}")
        for field in ids:
            for name in ID_LIST:
                yield pytest.param(door, field, "ids", name, id=f"{door}:{field}:{name}")


API_CASES = list(_cases())


@pytest.mark.parametrize(("door", "field", "kind", "case"), API_CASES)
def test_api_door(world, door, field, kind, case):
    method, url, body, model_name, _texts, required, *_rest = DOORS[door]
    value = {"text": TEXT, "number": NUMBER, "date": PAST_DATE, "ids": ID_LIST}[kind][case]
    client = api(world["editor"])
    target = url(world)
    before = counts()
    response = send(client, method, target, body(world, **{field: value}))
    if response.status_code in (200, 201):
        # accepted: only text can be accepted, and only cleaned
        assert kind == "text", (door, field, case, response.json())
        from django.apps import apps

        model = apps.get_model(model_name)
        stored = getattr(model._base_manager.get(pk=response.json()["id"]), field)
        assert_clean(stored)
        if field not in In.multiline:
            assert "\n" not in stored and "\t" not in stored
        if case == "zero-width-only":
            assert field not in required and stored == ""
        if case == "nfd":
            assert unicodedata.is_normalized("NFC", stored) and "tổ tự quản" in stored.lower()
    else:
        if kind == "text" and case not in {"zero-width-only", "too-long"}:
            # refusing text is right only when cleaning leaves it empty or it is too long
            said = [e["message"] for e in response.json().get("errors", []) if e["field"] == field]
            assert any("tối đa" in m for m in said), (door, field, case, response.content[:300])
        assert_refused_naming(response, field, before)


def test_there_are_at_least_300_generated_cases():
    assert len(API_CASES) + len(FORM_CASES) + len(IMPORT_CASES) >= 300


# --- web forms ------------------------------------------------------------------------------


def activity_form(w, **changes):
    from binhyen.activities.models import ActivityKind, Audience, Topic

    return {
        "unit": w["cs"].pk,
        "date": "15/03/2022",
        "end_date": "",
        "kind": ActivityKind.objects.get(code="tuyen_truyen").pk,
        "title": "Tuyên truyền pháp luật",
        "topics": [Topic.objects.get(code="ma_tuy").pk],
        "audiences": [Audience.objects.get(code="cnvcld").pk],
        "sessions": "2",
        "attendances": "150",
        "leaflets": "",
        "place": "",
        "document_ref": "",
        "notes": "",
        **changes,
    }


FORM_TEXT = {k: v for k, v in TEXT.items() if k != "lone-surrogate"}  # a browser cannot send one
FORM_NUMBER = {
    "int64-max": str(2**63 - 1),
    "int32-plus-one": str(2**31),
    "trillion": "1000000000000",
    "negative": "-1",
    "fraction": "1,5",
    "words": "mười",
}
FORM_DATE = {
    "year-2099": "01/01/2099",
    "year-1800": "01/01/1800",
    "february-30": "30/02/2022",
    "iso": "2022-13-01",
}
FORM_CASES = (
    [pytest.param("title", "text", k, id=f"activity form:title:{k}") for k in FORM_TEXT]
    + [pytest.param("place", "text", k, id=f"activity form:place:{k}") for k in FORM_TEXT]
    + [pytest.param("notes", "text", k, id=f"activity form:notes:{k}") for k in FORM_TEXT]
    + [
        pytest.param(n, "number", k, id=f"activity form:{n}:{k}")
        for n in ("sessions", "attendances", "leaflets")
        for k in FORM_NUMBER
    ]
    + [pytest.param("date", "date", k, id=f"activity form:date:{k}") for k in FORM_DATE]
    + [
        pytest.param("unit", "id", k, id=f"activity form:unit:{k}")
        for k in ("99999999999999999999999", "-1", "abc")
    ]
)


@pytest.mark.parametrize(("field", "kind", "case"), FORM_CASES)
def test_activity_form(world, client, field, kind, case):
    from binhyen.activities.models import Activity

    value = {
        "text": FORM_TEXT,
        "number": FORM_NUMBER,
        "date": FORM_DATE,
        "id": {c: c for c in ("99999999999999999999999", "-1", "abc")},
    }[kind][case]
    client.force_login(world["editor"])
    before = counts()
    response = client.post("/hoat-dong/moi/", activity_form(world, **{field: value}))
    if response.status_code == 302:
        assert kind == "text", (field, case)
        assert_clean(getattr(Activity.objects.get(), field))
    else:
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert field in errors, (field, case, dict(errors))
        assert all(VIETNAMESE.search(m) for m in errors[field]), errors[field]
        assert counts() == before


# --- spreadsheet import ----------------------------------------------------------------------

IMPORT_TEXT = {
    k: v for k, v in TEXT.items() if k not in {"bell", "nul", "lone-surrogate"}
}  # no XML can carry them
IMPORT_NUMBER = {
    "int64-max": 2**63 - 1,
    "int32-plus-one": 2**31,
    "trillion": 10**12,
    "negative": -1,
    "fraction": 1.5,
    "text": "mười hai",
}
IMPORT_DATE = {
    "year-2099": datetime.date(2099, 1, 1),
    "year-1800": "01/01/1800",
    "february-30": "30/02/2022",
}
IMPORT_CASES = (
    [pytest.param("Tên hoạt động", "text", k, id=f"import:title:{k}") for k in IMPORT_TEXT]
    + [pytest.param("Địa điểm", "text", k, id=f"import:place:{k}") for k in IMPORT_TEXT]
    + [pytest.param("Ghi chú", "text", k, id=f"import:notes:{k}") for k in IMPORT_TEXT]
    + [
        pytest.param(c, "number", k, id=f"import:{c}:{k}")
        for c in ("Số cuộc/buổi", "Số lượt người")
        for k in IMPORT_NUMBER
    ]
    + [pytest.param("Ngày", "date", k, id=f"import:date:{k}") for k in IMPORT_DATE]
)


@pytest.mark.parametrize(("column", "kind", "case"), IMPORT_CASES)
def test_activity_import(world, column, kind, case):
    from binhyen.activities.models import Activity
    from binhyen.activities.services import import_activities
    from binhyen.activities.tests.conftest import row, xlsx

    value = {"text": IMPORT_TEXT, "number": IMPORT_NUMBER, "date": IMPORT_DATE}[kind][case]
    before = counts()
    data = xlsx([row(**{"Mã đơn vị": world["cs"].code, column: value})])
    result = import_activities(world["editor"], data, file_name="hoat-dong.xlsx")
    if result.ok:
        assert kind == "text", (column, case)
        activity = Activity.objects.get()
        for stored in (activity.title, activity.place, activity.notes):
            assert_clean(stored)
    else:
        messages = [e for e in result.errors]
        assert messages and all(e.row == 2 for e in messages), [str(e) for e in messages]
        assert any(str(e.column) == column for e in messages), [str(e) for e in messages]
        assert all(VIETNAMESE.search(str(e)) for e in messages)
        assert counts() == before


# --- and afterwards, every page answers ------------------------------------------------------


def test_after_the_bad_input_that_is_accepted_every_page_and_export_answers(
    world, client, settings, tmp_path
):
    """Store every text case that the doors accept, then read every list, export, report and
    portal page: 200 each, and no cell of any export is a formula."""
    settings.MEDIA_ROOT = tmp_path / "media"  # the exports' job files
    editor_api = api(world["editor"])
    for name, value in TEXT.items():
        send(
            editor_api,
            "post",
            "/api/v1/activities",
            activity_body(world, title=f"{name} {value}"[:200], place=value[:200]),
        )
        send(
            editor_api,
            "post",
            "/api/v1/groups",
            group_body(world, name=f"Tổ {name}", notes=value[:1000], address=value[:200]),
        )
        send(
            editor_api,
            "post",
            f"/api/v1/groups/{world['group'].pk}/members",
            member_body(world, full_name=f"{value[:80]} An"),
        )
    from binhyen.portal import services as portal

    admin = f.superuser()
    portal.create_section(
        admin,
        unit=world["hcm"],
        slug="ldld-tp-ho-chi-minh",
        title="Liên đoàn Lao động Thành phố Hồ Chí Minh",
        order=1,
    )
    client.force_login(admin)
    group = world["group"].pk
    pages = [
        "/hoat-dong/",
        "/hoat-dong/?q=%00",
        "/hoat-dong/xuat-excel/",
        "/mo-hinh/",
        "/mo-hinh/xuat-excel/",
        f"/mo-hinh/{group}/",
        f"/mo-hinh/{group}/xuat-thanh-vien/?ca_nhan=1&tat_ca=1",
        "/mo-hinh/nha-tro/",
        "/mo-hinh/camera/",
        f"/tong-hop/?unit={world['cs'].code}&period=2022",
        "/api/v1/activities",
        "/api/v1/groups",
        f"/api/v1/groups/{group}/members",
        "/cong-thong-tin/",
        "/van-ban/",
    ]
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):  # the dashboard's Excel is a job
        queued = client.post("/tong-hop/xuat-excel/", {"unit": world["cs"].code, "period": "2022"})
    assert queued.status_code == 303
    pages.append(queued["Location"] + "tep/")  # the job's file
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
            book = load_workbook(
                io.BytesIO(
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
            )
            formulas = [
                (s.title, c.coordinate, c.value)
                for s in book.worksheets
                for r in s.iter_rows()
                for c in r
                if c.data_type == "f"
            ]
            assert formulas == [], (url, formulas[:5])
