"""Fixtures of the enterprises tests: HCMC's tree (province, ward union, grassroots union),
Tiền Giang's, enterprises kept by each, and people with roles over them."""

import io

import pytest
from django.test import Client
from openpyxl import Workbook

from binhyen import factories as f
from binhyen.org.scoping import Role


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def enterprise(unit, tax_code, **fields):
    """f.enterprise with a chosen MST (the factory draws its own)."""
    from binhyen.enterprises.services import create_enterprise

    fields.setdefault("ward", f.area("26794"))
    fields.setdefault("investor_country", "KR" if fields.get("ownership", "fdi") == "fdi" else "")
    fields.setdefault("ownership", "fdi")
    fields.setdefault("workforce", 1200)
    return create_enterprise(f.superuser(), unit=unit, tax_code=tax_code, **fields)


@pytest.fixture
def world(db):
    gt = f.group_tree()
    tg_now = f.unit(gt["root"], "ldld_tinh", code="DT", name="Liên đoàn Lao động tỉnh Đồng Tháp")
    giay = enterprise(
        gt["ward_union"],
        name="Công ty TNHH Giày Phú Hưng",
        tax_code="0301234567",
        ownership="fdi",
        investor_country="TW",
        industry=None,
        workforce=4200,
        union=gt["cs"],
    )
    may = enterprise(
        gt["ward_union"],
        name="Công ty Cổ phần May Sài Gòn",
        tax_code="0309876543",
        ownership="tu_nhan",
        workforce=800,
    )
    dt = enterprise(
        tg_now, name="Công ty TNHH Thực phẩm Mỹ Tho", tax_code="1200000001", ownership="nha_nuoc"
    )
    users = {
        "editor": f.user(role=Role.EDITOR, unit=gt["hcm"]),
        "viewer": f.user(role=Role.VIEWER, unit=gt["hcm"]),
        "dt_editor": f.user(role=Role.EDITOR, unit=tg_now),
        "nobody": f.user(),
    }
    return {**gt, "dt": tg_now, "giay": giay, "may": may, "dt_enterprise": dt, "users": users}


@pytest.fixture
def client_as():
    def login(user):
        c = Client()
        c.force_login(user)
        return c

    return login


@pytest.fixture
def api_as(db):
    from binhyen.api.services import issue_token

    def make(user):
        _token, key = issue_token(user, name="test")
        return Client(headers={"Authorization": f"Bearer {key}"})

    return make


def xlsx(spec, rows):
    """A filled template: the spec's input headers, then `rows` (dicts keyed like the columns)."""
    wb = Workbook()
    ws = wb.active
    ws.title = spec.sheet_name
    columns = spec.input_columns
    ws.append([str(c.header) for c in columns])
    for row in rows:
        ws.append([row.get(c.key) for c in columns])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "tep.xlsx"
    return out
