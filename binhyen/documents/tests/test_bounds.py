"""Bounds on documents at every door: dates of issue and validity are plausible; ids no bigint
holds, in bodies, query strings and form values, are unknown records rather than 500s; and the
OpenAPI description states what the service enforces (lengths, shapes, the fixed document
types). A target's value and period: reporting's test_targets.py and test_targets_api.py."""

import random
import re

import pytest
from django.utils import timezone

from binhyen import factories as f
from binhyen.documents import citations, services
from binhyen.documents.models import Document

from .conftest import login

BEYOND_BIGINT = 99999999999999999999
HUGE = 2**63 - 1
SESSIONS = "activity.sessions[kind=tuyen_truyen]"


@pytest.fixture
def plan(tree):
    return f.document(tree["mt"], number="329", symbol="329/KH-LĐLĐ")


def _fields(response):
    return {e["field"].split(".")[0]: e["message"] for e in response.json()["errors"]}


# --- documents ------------------------------------------------------------------------------


def _document(client, **changes):
    payload = {
        "type": "ke_hoach",
        "number": "45",
        "symbol": "45/KH-LĐLĐ",
        "issued_on": "2023-03-01",
        "issuer_unit": "TG-MT",
    }
    payload.update(changes)
    return client.post("/api/v1/documents", payload, content_type="application/json")


@pytest.mark.parametrize(
    "changes, field, words",
    [
        (
            {
                "issued_on": (
                    timezone.localdate().replace(year=timezone.localdate().year + 1)
                ).isoformat()
            },
            "issued_on",
            "ở tương lai",
        ),
        ({"issued_on": "1900-05-01"}, "issued_on", "trước năm 1945"),
        ({"valid_from": "1800-01-01"}, "valid_from", "Hiệu lực từ ngày 01/01/1800 không hợp lý"),
        ({"valid_to": "9999-12-31"}, "valid_to", "từ năm 1945 đến năm 2100"),
        ({"implements": [BEYOND_BIGINT]}, "implements", "Phải nhỏ hơn hoặc bằng"),
        ({"implements": [HUGE]}, "implements", "Không tìm thấy văn bản id"),
        ({"number": "1" * 11}, "number", "Dài tối đa 10 ký tự."),
        ({"unit": "x" * 41}, "unit", "Dài tối đa 40 ký tự."),
    ],
)
def test_implausible_documents_are_a_422_naming_the_field(api_as, people, changes, field, words):
    response = _document(api_as(people["mt_editor"]), **changes)
    assert response.status_code == 422
    assert words in _fields(response)[field], _fields(response)
    assert Document.objects.count() == 0


def test_superscript_digits_in_a_symbol_are_no_500(api_as, people):
    """ "²" passes str.isdigit() but not int(): the year check of a symbol read it as a year."""
    response = _document(api_as(people["mt_editor"]), number="45", symbol="45/KH-²³⁴⁵")
    assert response.status_code in (201, 422)
    found = citations.find_citations("Theo Kế hoạch số 45/KH-²³⁴⁵ của đơn vị")
    assert all(c.year is None for c in found)


def test_a_document_patch_with_an_impossible_id_is_a_422(api_as, people, plan):
    client = api_as(people["mt_editor"])
    for ids in ([BEYOND_BIGINT], [0], [True]):
        response = client.patch(
            f"/api/v1/documents/{plan.pk}", {"implements": ids}, content_type="application/json"
        )
        assert response.status_code == 422 and "implements" in _fields(response), ids
    assert client.get(f"/api/v1/documents/{BEYOND_BIGINT}").status_code == 404


def test_the_document_schema_states_its_rules(api_as, people):
    schema = (
        api_as(people["mt_editor"])
        .get("/api/v1/openapi.json")
        .json()["components"]["schemas"]["DocumentIn"]
    )
    props = schema["properties"]
    assert (
        props["number"]["maxLength"] == 10 and props["number"]["pattern"] == services.NUMBER.pattern
    )
    assert (
        props["symbol"]["maxLength"] == 60
        and props["symbol"]["pattern"] == citations.SYMBOL_PATTERN
    )
    assert "ke_hoach" in props["type"]["enum"]
    assert props["issuer_unit"]["anyOf"][0]["maxLength"] == 40
    assert props["implements"]["items"]["maximum"] == HUGE


def test_the_symbol_pattern_accepts_what_the_service_accepts():
    """The schema's pattern (as typed, with spaces) and the service's check (after normalising)
    agree on every string of a random sample drawn from the characters symbols are made of."""
    pattern = re.compile(citations.SYMBOL_PATTERN)
    alphabet = [*"0123456789KHLĐlđa/-. _²"]
    rng = random.Random(23)
    for _ in range(20_000):
        typed = re.sub(
            " +", " ", "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 16)))
        ).strip()
        if not typed:
            continue
        accepted = citations._SYMBOL_SHAPE.match(citations.normalize_symbol(typed)) is not None
        assert (pattern.match(typed) is not None) == accepted, typed
    assert pattern.match("") and pattern.match("329 / kh - lđlđ") and not pattern.match("329//KH")


@pytest.mark.parametrize(
    "params",
    [
        {"year": str(BEYOND_BIGINT)},
        {"year": "-1"},
        {"type": "x" * 500},
        {"issuer": str(BEYOND_BIGINT)},
        {"page": str(BEYOND_BIGINT)},
    ],
)
def test_list_filters_never_500(api_as, people, params):
    assert api_as(people["mt_editor"]).get("/api/v1/documents", params).status_code in (
        200,
        400,
        422,
    )


def test_pages_with_impossible_ids_in_the_query_or_the_form(people, plan):
    client = login(people["mt_editor"])
    for value in (str(BEYOND_BIGINT), "abc", "²", "0"):
        assert client.get("/van-ban/them/", {"thuc_hien": value}).status_code == 200, value
        assert client.get("/van-ban/", {"nam": value}).status_code == 200, value
    text = "Theo Kế hoạch số 329/KH-LĐLĐ ngày 23/03/2022 của đơn vị."
    response = client.post(
        "/van-ban/nhan-dien/",
        {"text": text, "action": "link", "chon": ["²", "0"], "ke_hoach": str(BEYOND_BIGINT)},
    )
    assert response.status_code == 200
    assert "Hãy chọn văn bản của đơn vị mình để liên kết." in response.content.decode()
    assert client.get(f"/van-ban/{BEYOND_BIGINT}/").status_code == 404


def test_parse_refuses_a_text_past_its_length(api_as, people):
    response = api_as(people["mt_editor"]).post(
        "/api/v1/documents/parse", {"text": "a" * 200_001}, content_type="application/json"
    )
    assert response.status_code == 422 and "text" in _fields(response)
