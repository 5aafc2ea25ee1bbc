"""The dashboard's incidents section: headline figures against the previous period, the table
by child, the filter by incident kind, a police liaison's ward, and the page's query count."""

import datetime

import pytest
from django.utils import timezone

from binhyen import factories as f
from binhyen.org.scoping import Role


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


@pytest.fixture
def world(db):
    gt = f.group_tree()
    lx, tt = f.area("26794"), f.area("27478")
    tt_union = f.unit(
        gt["hcm"], "cd_xa", code="G-HCM-TT", name="Công đoàn phường Tân Thuận", ward=tt
    )
    firm = f.enterprise(gt["cs"], ward=lx, workforce=3000)
    return dict(gt, lx=lx, tt=tt, tt_union=tt_union, firm=firm)


def _cases(w, n):
    for i in range(n):
        f.incident(
            w["cs"],
            "ngung_viec",
            started_at=at(datetime.date(2024, 1 + i % 12, 1 + i // 12)),
            enterprise=w["firm"],
            stoppage={"workers_involved": 100, "worker_days": 150},
        )
    f.incident(w["tt_union"], "ma_tuy", started_at=at(datetime.date(2024, 5, 5)), ward=w["tt"])
    f.incident(w["tt_union"], "ma_tuy", started_at=at(datetime.date(2023, 5, 5)), ward=w["tt"])


def test_the_section_shows_incidents_by_child_with_their_change(world, client):
    _cases(world, 3)
    client.force_login(f.user(role=Role.VIEWER, unit=world["hcm"]))
    html = client.get("/tong-hop/", {"unit": "G-HCM", "period": "2024"}).content.decode()
    assert "Vụ việc, tin báo" in html
    assert "+3 so với kỳ trước" in html  # 4 incidents in 2024 against 1 in 2023
    assert "Số người tham gia ngừng việc tập thể" in html
    assert '<td class="text-end">300</td>' in html  # 3 stoppages × 100 workers
    assert '<td class="text-end">100%</td>' in html  # all at an FDI enterprise without a union
    assert '<option value="ngung_viec">Ngừng việc tập thể</option>' in html


def test_the_kind_filter(world, client):
    _cases(world, 3)
    client.force_login(f.user(role=Role.VIEWER, unit=world["hcm"]))
    html = client.get(
        "/tong-hop/", {"unit": "G-HCM", "period": "2024", "loai": "ma_tuy"}
    ).content.decode()
    assert '<option value="ma_tuy" selected>Ma túy</option>' in html
    assert "Số vụ việc (Ma túy)" in html
    assert "Số người tham gia ngừng việc tập thể" not in html  # stoppage figures only for them
    assert "Công đoàn phường Tân Thuận" in html and "&amp;loai=ma_tuy#vu-viec" in html
    bad = client.get("/tong-hop/", {"unit": "G-HCM", "period": "2024", "loai": "dong_dat"})
    assert bad.status_code == 200
    assert "Không có loại vụ việc “dong_dat”; đang xem mọi loại." in bad.content.decode()


def test_a_police_liaison_sees_the_incidents_of_their_ward(world, client):
    _cases(world, 2)  # two stoppages in Linh Xuân
    f.incident(world["cs"], "toi_pham", started_at=at(datetime.date(2024, 6, 1)), ward=world["tt"])
    client.force_login(f.user("police", Role.POLICE, world["hcm"], wards=[world["lx"]]))
    html = client.get("/tong-hop/", {"unit": "G-HCM-LT", "period": "2024"}).content.decode()
    section = html.split('id="incidents-title"', 1)[1]
    assert "Công đoàn cơ sở Công ty Giày Linh Xuân" in section
    # the crime in Tân Thuận is out of the liaison's ward: 2 cases, not 3
    total = section.split("Tổng cộng", 1)[1]
    assert total.startswith('</th><td class="text-end">2</td>')


@pytest.mark.parametrize("n", [1, 25])
def test_the_page_keeps_its_query_count(world, client, n, django_assert_max_num_queries):
    _cases(world, n)
    client.force_login(f.user(role=Role.VIEWER, unit=world["hcm"]))
    client.get("/tong-hop/", {"unit": "G-HCM", "period": "2024"})  # caches (reference codes)
    with django_assert_max_num_queries(15):
        page = client.get("/tong-hop/", {"unit": "G-HCM", "period": "2024", "loai": "ngung_viec"})
    assert page.status_code == 200


def test_the_dashboards_excel_has_the_incidents_sheet_with_the_pages_figures(
    world, client, export_file
):
    import io

    from openpyxl import load_workbook

    from binhyen.core.periods import parse_period
    from binhyen.reporting.rollup import rollup

    _cases(world, 3)
    client.force_login(f.superuser())
    _job, data = export_file(
        client, "/tong-hop/xuat-excel/", {"unit": "G-HCM", "period": "2024", "basis": "was"}
    )
    sheet = load_workbook(io.BytesIO(data))["Vụ việc, tin báo"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if r and r[0] == "Mã đơn vị")
    column = next(i for i, h in enumerate(header) if h and h.startswith("Số vụ việc ("))
    workers = next(i for i, h in enumerate(header) if h and h.startswith("Số người tham gia"))
    by_code = {r[0]: r for r in rows if r and r[0] in ("G-HCM-LT", "G-HCM-TT")}
    total = next(r for r in rows if r and r[1] == "Tổng cộng")
    expected = rollup(
        world["hcm"],
        parse_period("2024"),
        ["incidents.count", "incidents.stoppage_workers"],
        basis="was",
    )
    assert total[column] == expected["total"]["incidents.count"] == 4
    assert total[workers] == expected["total"]["incidents.stoppage_workers"] == 300
    assert by_code["G-HCM-LT"][column] == 3 and by_code["G-HCM-TT"][column] == 1


def test_the_dashboards_excel_writes_unit_names_as_text_never_formulas(world, client, export_file):
    import io

    from openpyxl import load_workbook

    f.unit(world["hcm"], "cd_xa", code="G-HCM-EQ", name='=HYPERLINK("http://x";"Bấm")')
    client.force_login(f.superuser())
    _job, data = export_file(
        client, "/tong-hop/xuat-excel/", {"unit": "G-HCM", "period": "2024", "basis": "now"}
    )
    for sheet in load_workbook(io.BytesIO(data)):
        cells = [
            c for row in sheet.iter_rows() for c in row if c.value and str(c.value).startswith("=")
        ]
        assert cells and all(c.data_type == "s" for c in cells), sheet.title
