"""Who sees and who edits groups: the managing unit's subtree, and the ward's police liaison."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from binhyen import factories as f
from binhyen.groups import services
from binhyen.groups.models import Group, GroupMember
from binhyen.org.scoping import Role


@pytest.fixture
def gt(db):
    gt = f.group_tree()
    gt["g_cs"] = f.group(gt["cs"], ward=f.area("26794"), name="Tổ nhà trọ Linh Xuân")
    gt["g_mt"] = f.group(
        gt["mt"],
        ward=f.area("28261", "legacy_ward"),
        name="Tổ nhà trọ Mỹ Tho",
        founded=datetime.date(2019, 1, 1),
    )
    return gt


def names(qs):
    return sorted(qs.values_list("name", flat=True))


def test_viewers_see_their_subtree_only(gt):
    hcm_viewer = f.user(role=Role.VIEWER, unit=gt["hcm"])
    mt_viewer = f.user(role=Role.VIEWER, unit=gt["mt"])
    assert names(Group.objects.visible_to(hcm_viewer)) == ["Tổ nhà trọ Linh Xuân"]
    assert names(Group.objects.visible_to(mt_viewer)) == ["Tổ nhà trọ Mỹ Tho"]
    assert not Group.objects.visible_to(f.user()).exists()


def test_police_liaison_sees_the_groups_of_their_ward(gt):
    police = f.user(role=Role.POLICE, unit=None, wards=[f.area("26794")])
    assert names(Group.objects.visible_to(police)) == ["Tổ nhà trọ Linh Xuân"]
    assert not Group.objects.editable_by(police).exists()


def test_a_viewer_cannot_register_or_change_a_group(gt):
    viewer = f.user(role=Role.VIEWER, unit=gt["hcm"])
    with pytest.raises(ValidationError) as err:
        services.create_group(
            viewer,
            unit=gt["cs"],
            kind="nha_tro",
            name="Tổ mới",
            ward=f.area("26794"),
            founded=datetime.date(2024, 1, 1),
        )
    assert "unit" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.add_member(
            viewer, gt["g_cs"], full_name="Người Lạ", joined=datetime.date(2024, 1, 1)
        )
    assert Group.objects.count() == 2
    assert not GroupMember.objects.exists()


def test_an_editor_of_one_province_cannot_touch_another(gt):
    editor = f.user(role=Role.EDITOR, unit=gt["ward_union"])
    f.member(gt["g_cs"])
    services.add_member(
        editor, gt["g_cs"], full_name="Phạm Thị Hoa", joined=datetime.date(2024, 1, 1)
    )
    with pytest.raises(ValidationError):
        services.update_group(editor, gt["g_mt"], name="Đổi tên")
    assert Group.objects.get(pk=gt["g_mt"].pk).name == "Tổ nhà trọ Mỹ Tho"


def test_soft_deleted_group_disappears_but_keeps_its_row(gt):
    services.delete_group(f.superuser(), gt["g_cs"])
    assert names(Group.objects.visible_to(f.superuser())) == ["Tổ nhà trọ Mỹ Tho"]
    assert Group.all_objects.filter(pk=gt["g_cs"].pk, deleted_at__isnull=False).exists()
