"""Geography: the 2025 provinces and wards, the legacy tree and where each part of it went."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.db.models import F
from vietnam_provinces import NESTED_DIVISIONS_JSON_PATH

from binhyen.org.geography import load_areas, map_legacy_ward, provinces, wards_of
from binhyen.org.models import Area, AreaLevel

pytestmark = pytest.mark.django_db

L = AreaLevel


def area(level, code):
    return Area.objects.get(level=level, code=code)


def test_counts_per_level():
    assert Area.objects.filter(level=L.PROVINCE).count() == 34
    assert Area.objects.filter(level=L.WARD).count() == 3321
    assert Area.objects.filter(level=L.LEGACY_PROVINCE).count() == 63
    assert Area.objects.filter(level=L.LEGACY_DISTRICT).count() == 696
    assert Area.objects.filter(level=L.LEGACY_WARD).count() == 10035


def test_current_areas_match_vietnam_provinces_package():
    with open(NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as fh:
        nested = json.load(fh)
    ward_codes = {f"{w['code']:05d}" for p in nested for w in p["wards"]}
    assert set(Area.objects.filter(level=L.WARD).values_list("code", flat=True)) == ward_codes
    assert set(provinces().values_list("code", flat=True)) == {f"{p['code']:02d}" for p in nested}


def test_codes_keep_leading_zeros_and_names_keep_diacritics():
    assert area(L.PROVINCE, "01").name == "Thành phố Hà Nội"
    assert area(L.PROVINCE, "79").name == "Thành phố Hồ Chí Minh"
    assert area(L.WARD, "26740").name == "Phường Sài Gòn"
    assert area(L.LEGACY_WARD, "00001").name == "Phường Phúc Xá"
    assert area(L.LEGACY_DISTRICT, "001").name == "Quận Ba Đình"


def test_current_wards_hang_under_their_province():
    saigon = area(L.WARD, "26740")
    hcm = area(L.PROVINCE, "79")
    assert (saigon.parent, saigon.province, saigon.valid_to) == (hcm, hcm, None)
    assert not Area.objects.filter(level=L.WARD, parent__isnull=True).exists()
    assert not Area.objects.filter(level=L.WARD).exclude(parent=F("province")).exists()


def test_legacy_tree_ends_the_day_before_the_reform():
    my_tho = area(L.LEGACY_DISTRICT, "815")
    tien_giang = area(L.LEGACY_PROVINCE, "82")
    phuong_1 = Area.objects.get(level=L.LEGACY_WARD, parent=my_tho, name="Phường 1")
    assert my_tho.name == "Thành phố Mỹ Tho"
    assert (my_tho.parent, my_tho.province) == (tien_giang, tien_giang)
    assert (phuong_1.province, phuong_1.valid_to) == (tien_giang, datetime.date(2025, 6, 30))
    legacy = Area.objects.filter(level__startswith="legacy_")
    assert not legacy.exclude(valid_to=datetime.date(2025, 6, 30)).exists()
    assert not Area.objects.current().filter(valid_to__isnull=False).exists()


def test_every_legacy_area_has_a_current_successor():
    legacy = Area.objects.filter(level__startswith="legacy_")
    assert not legacy.filter(successor__isnull=True).exists()
    assert not legacy.exclude(successor__level__in=[L.PROVINCE, L.WARD]).exists()
    assert not Area.objects.filter(level=L.LEGACY_WARD).exclude(successor__level=L.WARD).exists()


def test_merged_provinces():
    dong_thap = area(L.PROVINCE, "82")
    assert dong_thap.name == "Tỉnh Đồng Tháp"
    assert area(L.LEGACY_PROVINCE, "82").successor == dong_thap  # Tiền Giang
    assert area(L.LEGACY_PROVINCE, "87").successor == dong_thap  # Đồng Tháp before 2025
    hcm = area(L.PROVINCE, "79")
    assert area(L.LEGACY_PROVINCE, "74").name == "Tỉnh Bình Dương"
    assert area(L.LEGACY_PROVINCE, "74").successor == hcm
    assert area(L.LEGACY_PROVINCE, "77").name == "Tỉnh Bà Rịa - Vũng Tàu"
    assert area(L.LEGACY_PROVINCE, "77").successor == hcm
    assert area(L.LEGACY_PROVINCE, "79").successor == hcm


def test_districts_succeed_to_their_single_ward_or_their_province():
    assert area(L.LEGACY_DISTRICT, "815").successor == area(L.PROVINCE, "82")  # Mỹ Tho, split
    con_dao = area(L.LEGACY_DISTRICT, "755")  # an island district without wards
    assert con_dao.successor.name == "Đặc khu Côn Đảo"
    assert con_dao.successor.province == area(L.PROVINCE, "79")


def test_map_legacy_ward():
    ben_nghe = area(L.LEGACY_WARD, "26740")
    assert ben_nghe.name == "Phường Bến Nghé"
    assert map_legacy_ward(ben_nghe) == area(L.WARD, "26740")
    my_tho_1 = Area.objects.get(level=L.LEGACY_WARD, parent__code="815", name="Phường 1")
    assert map_legacy_ward(my_tho_1).name == "Phường Mỹ Tho"
    assert map_legacy_ward(my_tho_1).province.code == "82"
    saigon = area(L.WARD, "26740")
    assert map_legacy_ward(saigon) is saigon
    with pytest.raises(ValueError):
        map_legacy_ward(area(L.PROVINCE, "79"))


def test_centroids_for_every_province_and_ward():
    current = Area.objects.current()
    assert not current.filter(latitude__isnull=True).exists()
    saigon = area(L.WARD, "26740")
    assert 10.7 < saigon.latitude < 10.9 and 106.6 < saigon.longitude < 106.8


def test_accent_insensitive_search():
    assert list(Area.objects.search("phuong sai gon").values_list("name", flat=True)) == [
        "Phường Sài Gòn"
    ]
    assert Area.objects.search("Phường Sài Gòn").get() == area(L.WARD, "26740")
    assert Area.objects.search("26740").filter(level=L.WARD).get().name == "Phường Sài Gòn"
    provinces_named = Area.objects.filter(level__in=[L.PROVINCE, L.LEGACY_PROVINCE]).search(
        "dong thap"
    )
    assert set(provinces_named.values_list("level", "code")) == {
        (L.PROVINCE, "82"),
        (L.LEGACY_PROVINCE, "87"),
    }


def test_bulk_loaded_search_text_equals_what_save_computes():
    saigon = area(L.WARD, "26740")
    stored = saigon.search_text
    saigon.save()
    saigon.refresh_from_db()
    assert saigon.search_text == stored == "phuong sai gon 26740"


def test_helpers_list_provinces_and_wards():
    assert provinces().count() == 34
    assert provinces().first().code == "01"
    hcm_wards = wards_of(area(L.PROVINCE, "79"))
    assert hcm_wards.count() == wards_of("79").count() == 168
    assert "Phường Sài Gòn" in set(hcm_wards.values_list("name", flat=True))
    tien_giang_wards = wards_of(area(L.LEGACY_PROVINCE, "82"))
    assert set(tien_giang_wards.values_list("level", flat=True)) == {L.LEGACY_WARD}
    assert tien_giang_wards.filter(parent__code="815").count() == 14


def test_second_load_changes_nothing(django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        counts = load_areas()
    assert counts[L.WARD] == {"total": 3321, "created": 0, "updated": 0, "stale": 0}
    assert all(c["created"] == c["updated"] == 0 for c in counts.values())


def test_load_repairs_what_differs_and_only_that():
    Area.objects.filter(level=L.WARD, code="26740").update(name="Sai", latitude=None)
    Area.objects.filter(level=L.LEGACY_WARD, code="00001").update(successor=None)
    counts = load_areas()
    assert counts[L.WARD]["updated"] == 1
    assert counts[L.LEGACY_WARD]["updated"] == 1
    assert sum(c["created"] + c["updated"] for c in counts.values()) == 2
    saigon = area(L.WARD, "26740")
    assert (saigon.name, saigon.search_text) == ("Phường Sài Gòn", "phuong sai gon 26740")
    assert saigon.latitude is not None
    assert area(L.LEGACY_WARD, "00001").successor.level == L.WARD


def test_load_creates_missing_areas_and_keeps_unknown_ones():
    Area.objects.filter(level=L.LEGACY_WARD, code="00001").delete()
    Area.objects.create(level=L.LEGACY_WARD, code="99999", name="Xã Không Có")
    counts = load_areas()
    assert counts[L.LEGACY_WARD] == {"total": 10035, "created": 1, "updated": 0, "stale": 1}
    assert area(L.LEGACY_WARD, "00001").name == "Phường Phúc Xá"
    assert area(L.LEGACY_WARD, "99999").name == "Xã Không Có"


def test_command_prints_counts_in_vietnamese(capsys):
    call_command("load-areas")
    out = capsys.readouterr().out
    assert "Phường/xã/đặc khu: 3.321 (tạo mới 0, cập nhật 0)" in out
    assert "Phường/xã (trước 01/07/2025): 10.035" in out
    assert "không có thay đổi" in out
