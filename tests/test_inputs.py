"""The edge: one text normalisation for forms, query strings, API bodies and spreadsheet cells,
and exports that write what people typed as text, never as a formula."""

import importlib
import io
import pkgutil
import sys
import unicodedata

import pytest
from django import forms

import binhyen
from binhyen import factories
from binhyen.core.inputs import Form
from binhyen.core.text import clean_text


def test_the_stripped_ranges_are_exactly_the_invisible_categories():
    """The hard-coded ranges match Python's Unicode database: every Cc (but line breaks and
    tab), Cf, Cs and Co character is dropped, and no letter, mark or digit is."""
    for cp in range(sys.maxunicode + 1):
        char = chr(cp)
        category = unicodedata.category(char)
        invisible = category in {"Cc", "Cf", "Cs", "Co"} and char not in "\t\n\r\x85"
        kept = clean_text(f"a{char}b", multiline=True)
        if invisible:
            assert kept == "ab", (hex(cp), category)
        elif category[0] in "LMNPS":
            assert kept == unicodedata.normalize("NFC", f"a{char}b"), (hex(cp), category)


@pytest.mark.parametrize(
    ("raw", "single", "multi"),
    [
        ("Tuyên truyền\x07 pháp luật", "Tuyên truyền pháp luật", "Tuyên truyền pháp luật"),
        ("\u200b\u200b\u200b", "", ""),
        ("Hội nghị \u202eđảo chiều", "Hội nghị đảo chiều", "Hội nghị đảo chiều"),
        ("To\u0302\u0309 tu\u031b\u0323 qua\u0309n", "Tổ tự quản", "Tổ tự quản"),
        ("x\ud800y", "xy", "xy"),
        ("  dòng một\r\n\tdòng hai  ", "dòng một dòng hai", "dòng một\n\tdòng hai"),
        ("Tổ\u00a0\u00a0tự\u2003quản", "Tổ tự quản", "Tổ  tự quản"),
        ("tr\u200bộm cắp", "trộm cắp", "trộm cắp"),
        ("\x00", "", ""),
        ('=HYPERLINK("http://x")', '=HYPERLINK("http://x")', '=HYPERLINK("http://x")'),
    ],
)
def test_clean_text(raw, single, multi):
    assert clean_text(raw) == single
    assert clean_text(raw, multiline=True) == multi
    assert clean_text(clean_text(raw)) == clean_text(raw)  # idempotent


def _all_modules():
    for info in pkgutil.walk_packages(binhyen.__path__, "binhyen."):
        if ".tests" in info.name or ".migrations" in info.name or info.name.endswith(".demo"):
            continue
        importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_of_the_project_cleans_its_text(db):
    _all_modules()
    ours = [c for c in _subclasses(forms.BaseForm) if c.__module__.startswith("binhyen.")]
    assert len(ours) > 20
    missing = [f"{c.__module__}.{c.__name__}" for c in ours if not issubclass(c, Form)]
    assert missing == []


def test_every_api_body_is_cleaned_at_the_edge():
    from ninja.params.models import BodyModel

    from binhyen.api.urls import api
    from binhyen.core.api import In

    bodies = []
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    if issubclass(model, BodyModel):
                        for field in model.model_fields.values():
                            bodies.append((operation.view_func.__name__, field.annotation))
    assert len(bodies) >= 15
    wrong = [
        name for name, schema in bodies if isinstance(schema, type) and not issubclass(schema, In)
    ]
    assert wrong == []


def test_a_form_folds_a_single_line_field_and_keeps_a_textarea(rf):
    class Sample(Form):
        title = forms.CharField()
        notes = forms.CharField(widget=forms.Textarea, required=False)

    form = Sample({"title": "Hội nghị\n\ttuyên truyền\u200b", "notes": "dòng 1\ndòng 2\x07"})
    assert form.is_valid()
    assert form.cleaned_data == {"title": "Hội nghị tuyên truyền", "notes": "dòng 1\ndòng 2"}


def test_only_invisible_characters_is_an_empty_required_field():
    class Sample(Form):
        title = forms.CharField(error_messages={"required": "Hãy nhập tên hoạt động."})

    form = Sample({"title": "\u200b\u200c\u200d\ufeff"})
    assert not form.is_valid()
    assert form.errors["title"] == ["Hãy nhập tên hoạt động."]


@pytest.mark.django_db
def test_query_strings_are_cleaned_before_views_read_them(client):
    user = factories.user(is_superuser=True)
    client.force_login(user)
    for url in (
        "/hoat-dong/?q=%00",
        "/hoat-dong/xuat-excel/?q=%00",
        "/mo-hinh/?q=%00%07",
        "/api/v1/activities?q=%00",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_api_bodies_refuse_booleans_and_strings_as_numbers(client):
    from binhyen.core.api import In

    class Body(In):
        attendances: int
        documents: list[int] = []
        title: str = ""

    from ninja.errors import ValidationError  # noqa: F401  (pydantic raises its own)
    from pydantic import ValidationError as PydanticError

    with pytest.raises(PydanticError) as refused:
        Body.model_validate({"attendances": True})
    assert refused.value.errors()[0]["loc"] == ("attendances",)
    with pytest.raises(PydanticError) as refused:
        Body.model_validate({"attendances": 3, "documents": [1, "2"]})
    assert refused.value.errors()[0]["loc"] == ("documents", 1)
    body = Body.model_validate({"attendances": 3, "title": " Tổ\u200b tự quản\n"})
    assert body.title == "Tổ tự quản"


def test_export_cells_from_user_text_are_never_formulas():
    from openpyxl import load_workbook

    from binhyen.core.spreadsheets import TEXT, Column, Spec, write_workbook

    spec = Spec(
        title="Thử", columns=[Column("title", "Tên", TEXT), Column("place", "Địa điểm", TEXT)]
    )
    rows = [
        {"title": '=HYPERLINK("http://evil.example","click")', "place": "=cmd|' /C calc'!A0"},
        {"title": "Chuông\x07 báo", "place": "@SUM(1)"},
    ]
    out = write_workbook(spec, {}, rows, summary=[("Tổng", "=1+1")])
    wb = load_workbook(io.BytesIO(out.getvalue()))
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    data = wb[spec.sheet_name]
    assert data["A2"].value == '=HYPERLINK("http://evil.example","click")'
    assert data["A3"].value == "Chuông báo"


def test_api_dates_are_iso_days_only(db):
    """pydantic would read 1700000000 or "3.6e-81" as seconds since 1970; a day is YYYY-MM-DD."""
    import datetime as dt

    from pydantic import ValidationError as PydanticError

    from binhyen.core.api import In

    class Body(In):
        joined: dt.date
        left: dt.date | None = None

    for bad in (1700000000, "1700000000", "3.6584526859131816e-81", "2022-03-15T00:00:00", True):
        with pytest.raises(PydanticError) as refused:
            Body.model_validate({"joined": bad})
        assert refused.value.errors()[0]["loc"] == ("joined",)
    assert Body.model_validate({"joined": "2022-03-15", "left": None}).joined == dt.date(
        2022, 3, 15
    )


@pytest.mark.django_db
def test_a_query_date_that_is_a_number_is_a_422_naming_it(client):
    client.force_login(factories.user(is_superuser=True))
    response = client.get("/api/v1/groups", {"active_on": "3.6584526859131816e-81"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "active_on"
