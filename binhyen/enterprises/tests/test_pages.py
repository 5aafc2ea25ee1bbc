"""The enterprise pages: list with accent-free search, filters and totals, the page, the
forms through the service (MST rules), delete, the picker's search, all scoped."""

import pytest

from binhyen import factories as f
from binhyen.enterprises.models import Enterprise

URL = "/doanh-nghiep/"


def test_list_searches_without_accents_by_name_and_tax_code(
    world, client_as, django_assert_max_num_queries
):
    c = client_as(world["users"]["editor"])
    with django_assert_max_num_queries(15):
        page = c.get(URL, {"q": "giay phu hung"}).content.decode()
    assert "Công ty TNHH Giày Phú Hưng" in page and "May Sài Gòn" not in page
    page = c.get(URL, {"q": "0309876543"}).content.decode()
    assert "Công ty Cổ phần May Sài Gòn" in page and "Giày Phú Hưng" not in page


def test_list_filters_totals_and_scope(world, client_as, django_assert_max_num_queries):
    c = client_as(world["users"]["editor"])
    with django_assert_max_num_queries(15):
        page = c.get(URL).content.decode()
    assert "2 doanh nghiệp · 5.000 lao động · 1 doanh nghiệp FDI · 1 chưa có công đoàn" in page
    assert "Thực phẩm Mỹ Tho" not in page  # another province's
    page = c.get(URL, {"cong_doan": "khong"}).content.decode()
    assert "May Sài Gòn" in page and "Giày Phú Hưng" not in page
    page = c.get(URL, {"so_huu": "fdi"}).content.decode()
    assert "Giày Phú Hưng" in page and "May Sài Gòn" not in page
    page = c.get(URL, {"q": "khong co dau"}).content.decode()
    assert "Không có doanh nghiệp nào." in page


def test_list_with_many_rows_stays_within_queries(world, client_as, django_assert_max_num_queries):
    for _i in range(30):
        f.enterprise(world["ward_union"], union=world["cs"])
    c = client_as(world["users"]["viewer"])
    with django_assert_max_num_queries(15):
        assert c.get(URL).status_code == 200


def test_detail_links_to_its_incidents_and_is_scoped(
    world, client_as, django_assert_max_num_queries
):
    giay = world["giay"]
    c = client_as(world["users"]["viewer"])
    with django_assert_max_num_queries(15):
        page = c.get(f"{URL}{giay.pk}/").content.decode()
    assert "Công đoàn cơ sở Công ty Giày Linh Xuân" in page
    assert f"?enterprise={giay.pk}" in page
    assert "/sua/" not in page  # a viewer does not edit
    assert client_as(world["users"]["dt_editor"]).get(f"{URL}{giay.pk}/").status_code == 404
    assert client_as(world["users"]["viewer"]).get(f"{URL}{giay.pk}/sua/").status_code == 404


def form(world, **over):
    data = {
        "unit": world["ward_union"].pk,
        "name": "Công ty TNHH Điện tử Linh Trung",
        "tax_code": "0312345678",
        "ownership": 3,
        "investor_country": "JP",
        "ward": f.area("26794").pk,
        "workforce": "1500",
        "union_code": "",
    }
    from binhyen.enterprises.models import Ownership

    data["ownership"] = Ownership.objects.get(code="fdi").pk
    data.update(over)
    return data


def test_create_through_the_form(world, client_as):
    c = client_as(world["users"]["editor"])
    assert c.get(f"{URL}them/").status_code == 200
    response = c.post(f"{URL}them/", form(world, union_code="g-hcm-lt-cs1"))
    assert response.status_code == 302
    made = Enterprise.objects.get(tax_code="0312345678")
    assert made.union == world["cs"] and response["Location"] == f"{URL}{made.pk}/"


@pytest.mark.parametrize(
    "tax_code, message",
    [
        ("12345", "Mã số thuế gồm 10 chữ số, hoặc 13 chữ số với chi nhánh"),
        ("03012345678", "Mã số thuế gồm 10 chữ số, hoặc 13 chữ số với chi nhánh"),
        ("0301234567", "Mã số thuế này đã có: doanh nghiệp “Công ty TNHH Giày Phú Hưng”."),
    ],
)
def test_bad_tax_codes_are_named_and_nothing_saved(world, client_as, tax_code, message):
    c = client_as(world["users"]["editor"])
    before = Enterprise.objects.count()
    page = c.post(f"{URL}them/", form(world, tax_code=tax_code)).content.decode()
    assert message in page
    assert Enterprise.objects.count() == before


def test_thirteen_digits_are_a_branch(world, client_as):
    c = client_as(world["users"]["editor"])
    assert c.post(f"{URL}them/", form(world, tax_code="0301234567001")).status_code == 302
    assert Enterprise.objects.filter(tax_code="0301234567-001").exists()


def test_fdi_needs_its_country(world, client_as):
    page = (
        client_as(world["users"]["editor"])
        .post(f"{URL}them/", form(world, investor_country=""))
        .content.decode()
    )
    assert "hãy chọn quốc gia nhà đầu tư" in page


def test_edit_and_delete(world, client_as):
    may = world["may"]
    c = client_as(world["users"]["editor"])
    page = c.get(f"{URL}{may.pk}/sua/").content.decode()
    assert "0309876543" in page
    data = form(world, tax_code="0309876543", name="Công ty May Sài Gòn mới", investor_country="")
    from binhyen.enterprises.models import Ownership

    data["ownership"] = Ownership.objects.get(code="tu_nhan").pk
    assert c.post(f"{URL}{may.pk}/sua/", data).status_code == 302
    may.refresh_from_db()
    assert may.name == "Công ty May Sài Gòn mới"
    assert c.post(f"{URL}{may.pk}/xoa/").status_code == 302
    assert not Enterprise.objects.filter(pk=may.pk).exists()
    assert Enterprise.all_objects.filter(pk=may.pk, deleted_at__isnull=False).exists()


def test_picker_search_gives_options_of_what_the_reader_sees(world, client_as):
    c = client_as(world["users"]["editor"])
    html = c.get(f"{URL}tim/", {"q": "giay"}).content.decode()
    assert f'<option value="{world["giay"].pk}"' in html and "0301234567" in html
    data = c.get(f"{URL}tim/", {"q": "my tho", "format": "json"}).json()
    assert data == {"results": []}  # another province's enterprise is not offered
    data = (
        client_as(world["users"]["dt_editor"])
        .get(f"{URL}tim/", {"q": "my tho", "format": "json"})
        .json()
    )
    assert [r["name"] for r in data["results"]] == ["Công ty TNHH Thực phẩm Mỹ Tho"]


def test_nobody_sees_nothing(world, client_as):
    c = client_as(world["users"]["nobody"])
    assert "Không có doanh nghiệp nào." in c.get(URL).content.decode()
    assert c.get(f"{URL}them/").status_code == 404


def test_history_shows_who_changed_the_enterprise(world, client_as, django_assert_max_num_queries):
    from binhyen.enterprises.services import update_enterprise

    may = world["may"]
    update_enterprise(world["users"]["editor"], may, workforce=4321)
    reader = client_as(world["users"]["viewer"])
    with django_assert_max_num_queries(15):
        html = reader.get(f"{URL}{may.pk}/lich-su/").content.decode()
    assert "4.321" in html and "Lịch sử thay đổi" in html
    assert f"{URL}{may.pk}/lich-su/" in reader.get(f"{URL}{may.pk}/").content.decode()
