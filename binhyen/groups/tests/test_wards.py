"""A group's ward: a 2025 ward of the managing unit's province; legacy wards are mapped."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from binhyen import factories as f
from binhyen.groups import services
from binhyen.groups.models import Group


@pytest.fixture
def gt(db):
    return f.group_tree()


def test_legacy_ward_is_mapped_to_its_2025_successor(gt):
    group = f.group(gt["ward_union"], ward=f.area("26800", "legacy_ward"))  # Phường Linh Trung
    assert group.ward.name == "Phường Linh Xuân"
    assert group.ward.level == "ward"
    assert group.legacy_ward.name == "Phường Linh Trung"


def test_legacy_province_unit_takes_wards_of_its_successor_province(gt):
    # LĐLĐ Mỹ Tho's province is the pre-2025 Tiền Giang; Phường 1 (Mỹ Tho) is now Phường Mỹ Tho.
    group = f.group(
        gt["mt"], ward=f.area("28261", "legacy_ward"), founded=datetime.date(2019, 5, 1)
    )
    assert group.ward.name == "Phường Mỹ Tho"
    assert group.ward.province.code == "82"


def test_ward_of_another_province_is_refused_and_nothing_saved(gt):
    with pytest.raises(ValidationError) as err:
        f.group(gt["cs"], ward=f.area("00004"))  # Phường Ba Đình, Hà Nội
    assert "không thuộc Thành phố Hồ Chí Minh" in err.value.message_dict["ward"][0]
    assert not Group.all_objects.exists()


def test_missing_ward_is_refused(gt):
    with pytest.raises(ValidationError) as err:
        services.create_group(
            f.superuser(),
            unit=gt["cs"],
            kind="nha_tro",
            name="Tổ A",
            ward=None,
            founded=datetime.date(2020, 1, 1),
        )
    assert err.value.message_dict["ward"] == ["Hãy chọn phường, xã."]


def test_a_district_is_not_a_ward(gt):
    with pytest.raises(ValidationError) as err:
        f.group(gt["cs"], ward=f.area("79", "province"))
    assert "không phải là phường, xã" in err.value.message_dict["ward"][0]


def test_ward_list_offered_is_the_units_province(gt):
    wards = services.wards_for_unit(gt["cs"])
    assert wards.count() == 168
    assert set(wards.values_list("province__code", flat=True)) == {"79"}
    assert services.wards_for_unit(gt["mt"]).filter(name="Phường Mỹ Tho").exists()


def test_moving_a_group_to_a_ward_elsewhere_is_refused(gt):
    group = f.group(gt["cs"])
    with pytest.raises(ValidationError) as err:
        services.update_group(f.superuser(), group, ward=f.area("00004"))
    assert "ward" in err.value.message_dict
    group.refresh_from_db()
    assert group.ward.province.code == "79"


def test_group_code_is_unique(gt):
    f.group(gt["cs"], code="nt-79-0001")
    with pytest.raises(ValidationError) as err:
        f.group(gt["cs"], code="NT-79-0001")
    assert err.value.message_dict["code"] == ["Mã tổ này đã được dùng."]
