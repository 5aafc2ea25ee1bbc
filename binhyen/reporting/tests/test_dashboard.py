"""The dashboard: headline with change, drill-down table, SVG trend, Excel with the same figures,
a bounded number of queries whatever the data size."""

import io
import re

import pytest
from openpyxl import load_workbook

from binhyen import factories as f
from binhyen.org.scoping import Role
from binhyen.reporting.tests.helpers import record


@pytest.fixture
def viewer(tree, client):
    user = f.user(role=Role.VIEWER, unit=tree["hcm"])
    client.force_login(user)
    return user


def _activities(tree, n):
    for i in range(n):
        record(
            tree["cs1" if i % 2 else "cs2"],
            f"2022-{i % 12 + 1:02d}-10",
            sessions=2,
            attendances=1000,
            title=f"Buổi {i}",
        )
    record(tree["cs1"], "2021-05-05", sessions=3, attendances=30, title="Năm trước")


def test_dashboard_shows_the_users_unit_by_default(tree, viewer, client):
    _activities(tree, 4)
    page = client.get("/tong-hop/", {"period": "2022"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Liên đoàn Lao động Thành phố Hồ Chí Minh" in html
    assert "4.000" in html  # attendances, Vietnamese thousands separator
    assert "+5 so với kỳ trước" in html  # 8 sessions in 2022 against 3 in 2021
    assert "Năm 2022 · so với năm 2021" in html  # the label lowered inside the sentence
    assert '<svg viewBox="0 0 720 220"' in html
    # coordinates keep a decimal dot although the page's numbers use the Vietnamese comma
    assert re.search(r'<rect x="\d+\.\d" y="\d+\.\d" width="\d+\.\d" height="\d+\.\d"', html)
    assert 'href="?unit=HCM-Q9&amp;period=2022&amp;basis=was"' in html  # drill down
    assert 'href="/mo-hinh/ban-do/?unit=HCM&amp;ngay=31/12/2022"' in html  # the ward map, same day


def test_drill_down_keeps_the_breadcrumb_inside_the_scope(tree, viewer, client):
    html = client.get("/tong-hop/", {"unit": "HCM-Q9", "period": "2022"}).content.decode()
    assert 'href="?unit=HCM&amp;period=2022&amp;basis=was"' in html
    assert "Tổng Liên đoàn" not in html  # above the viewer's scope
    assert client.get("/tong-hop/", {"unit": "TG"}).status_code == 404


def test_bad_period_is_explained_not_an_error_page(tree, viewer, client):
    page = client.get("/tong-hop/", {"period": "2022Q7"})
    assert page.status_code == 200
    assert "Kỳ báo cáo “2022Q7” không hợp lệ" in page.content.decode()


@pytest.mark.parametrize("n", [2, 30])
def test_dashboard_query_count_does_not_grow_with_data(
    tree, viewer, client, n, django_assert_max_num_queries
):
    _activities(tree, n)
    with django_assert_max_num_queries(15):
        assert client.get("/tong-hop/", {"period": "2022"}).status_code == 200


def test_excel_export_has_the_same_figures(tree, viewer, client, export_file):
    _activities(tree, 4)
    job, data = export_file(client, "/tong-hop/xuat-excel/", {"unit": "HCM", "period": "2022"})
    assert job.result_name == "tong-hop-HCM-2022.xlsx"
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("Liên đoàn Lao động Thành phố Hồ Chí Minh",) + (None,) * (len(rows[0]) - 1)
    assert rows[2][0] == "Số liệu tính theo cơ cấu tại thời điểm phát sinh."
    header = rows[4]
    assert header[:4] == ("Mã đơn vị", "Đơn vị", "Số hoạt động (hoạt động)", "Số cuộc, buổi (cuộc)")
    assert header[-1] == "Tỷ lệ công đoàn cơ sở có tổ chức tuyên truyền (%)"
    body = {r[0]: r for r in rows[5:-1]}
    assert body["HCM-Q9"][2:5] == (2, 4, 2000)
    assert body["HCM-TD"][2:5] == (2, 4, 2000)
    assert rows[-1][1:5] == ("Tổng cộng", 4, 8, 4000)
