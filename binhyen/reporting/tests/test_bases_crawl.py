"""One question, one figure: on the demo, for a sample of (unit, period, indicator, basis),
the dashboard's Excel table, the figure-source page, the activity list's totals, the API and
the reports give the same number — as demo-admin, demo-tinh and demo-mytho (who reads LĐLĐ TP
Mỹ Tho's history through Đồng Tháp, its successor, and cannot change it)."""

import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from binhyen.core.periods import parse_period
from binhyen.org.models import Unit
from binhyen.reporting.rollup import rollup
from binhyen.reports import services as report_services
from binhyen.reports.models import Submission

pytestmark = pytest.mark.django_db

SESSIONS_TT = "activity.sessions[kind=tuyen_truyen]"
ATTENDANCES_TT = "activity.attendances[kind=tuyen_truyen]"
# (reader, unit, period): a closed district before its merge, a district across the 2025
# reform, a province across it, and Mỹ Tho's year of the seed article
SAMPLE = [
    ("demo-admin", "LDLD-HCM-Q9", "2019"),
    ("demo-tinh", "LDLD-HCM", "2025"),
    ("demo-tinh", "LDLD-HCM", "2024"),
    ("demo-admin", "LDLD-DT", "2025"),
    ("demo-mytho", "LDLD-TG-MT", "2021-08-16..2022-08-15"),
    ("demo-mytho", "LDLD-DT", "2025"),
]


def client_for(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def figure_page(client, code, period, key, basis):
    response = client.get(
        "/tong-hop/nguon-so-lieu/",
        {"unit": code, "period": period, "indicator": key, "basis": basis},
    )
    assert response.status_code == 200, (code, period, key, basis)
    html = response.content.decode()
    assert f'data-basis="{basis}"' in html or "kết thúc hoạt động" in html
    return int(re.search(r'id="figure-total">([^<]*)<', html).group(1).replace(".", ""))


def api_total(client, code, period, key, basis):
    response = client.get(
        "/api/v1/rollup",
        {"unit": code, "period": period, "indicators": key, "by": "none", "basis": basis},
    )
    assert response.status_code == 200, response.content
    return response.json()["total"][key]


def excel_totals(export_file, client, code, period, basis):
    _job, data = export_file(
        client, "/tong-hop/xuat-excel/", {"unit": code, "period": period, "basis": basis}
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "Mã đơn vị")
    return dict(zip(header, rows[-1], strict=True))


def list_totals(client, code, period, basis):
    p = parse_period(period)
    response = client.get(
        "/hoat-dong/",
        {
            "unit": code,
            "start": p.start.strftime("%d/%m/%Y"),
            "end": p.end.strftime("%d/%m/%Y"),
            "kind": "tuyen_truyen",
            "basis": basis,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    return {
        name: int(re.search(rf'data-total="{name}">([^<]*)<', html).group(1).replace(".", ""))
        for name in ("sessions", "attendances")
    }


@pytest.mark.parametrize("basis", ["was", "now"])
def test_every_page_gives_one_figure_per_basis(full_demo, basis, export_file):
    for username, code, period in SAMPLE:
        client = client_for(username)
        unit = Unit.objects.get(code=code)
        engine = rollup(
            unit,
            parse_period(period),
            [SESSIONS_TT, ATTENDANCES_TT, "activity.sessions"],
            by="none",
            basis=basis,
        )
        asked = (username, code, period, basis)
        for key in (SESSIONS_TT, ATTENDANCES_TT, "activity.sessions"):
            value = engine["total"][key]
            assert figure_page(client, code, period, key, basis) == value, (*asked, key)
            assert api_total(client, code, period, key, basis) == value, (*asked, key)
        sheet = excel_totals(export_file, client, code, period, basis)
        assert sheet["Số cuộc, buổi (cuộc)"] == engine["total"]["activity.sessions"], asked
        assert list_totals(client, code, period, basis) == {
            "sessions": engine["total"][SESSIONS_TT],
            "attendances": engine["total"][ATTENDANCES_TT],
        }, asked


def test_my_tho_read_by_its_successor(full_demo):
    """The seed's figures: 16 + 648 outreach sessions and 1.116 + 17.879 attendances over
    16/08/2021–15/08/2022, read by Đồng Tháp's admin; nothing of it can be changed."""
    client = client_for("demo-mytho")
    period = "2021-08-16..2022-08-15"
    assert figure_page(client, "LDLD-TG-MT", period, SESSIONS_TT, "was") == 664
    assert figure_page(client, "LDLD-TG-MT", period, ATTENDANCES_TT, "was") == 18995
    page = client.get("/tong-hop/", {"unit": "LDLD-TG-MT", "period": period})
    assert page.status_code == 200
    assert (
        "Đơn vị đã kết thúc hoạt động nên số liệu luôn tính theo cơ cấu lúc đó."
        in page.content.decode()
    )
    assert list_totals(client, "LDLD-TG-MT", period, "was") == {
        "sessions": 664,
        "attendances": 18995,
    }
    # read-only: no recording for the closed unit, no change of its activities
    mt = Unit.objects.get(code="LDLD-TG-MT")
    from binhyen.activities.models import Activity

    user = get_user_model().objects.get(username="demo-mytho")
    own = Activity.objects.filter(unit=mt).first()
    if own is not None:
        assert not Activity.objects.editable_by(user).filter(pk=own.pk).exists()
    assert not Unit.objects.recordable_by(user).filter(pk=mt.pk).exists()


def test_reports_agree_with_the_pages(full_demo):
    """A report's live figures are the figures of its basis (as it was) on every page."""
    client = client_for("demo-admin")
    checked = 0
    for s in Submission.objects.select_related("unit", "request").order_by("pk")[:4]:
        live = report_services.live_totals(s)
        key = next(k for k in live if k.startswith("activity."))
        assert api_total(client, s.unit.code, s.request.period_code, key, "was") == live[key]
        assert figure_page(client, s.unit.code, s.request.period_code, key, "was") == live[key]
        checked += 1
    assert checked
