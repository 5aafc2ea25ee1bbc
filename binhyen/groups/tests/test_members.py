"""The roster: joins and leaves on dates, one tổ trưởng at a time, well-formed phones."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from binhyen import factories as f
from binhyen.groups import services
from binhyen.groups.models import GroupMember, MemberRole

D = datetime.date


@pytest.fixture
def group(db):
    return f.group(f.group_tree()["cs"], founded=D(2020, 1, 1))


def test_leaving_before_joining_is_refused_and_nothing_saved(group):
    with pytest.raises(ValidationError) as err:
        f.member(group, joined=D(2021, 5, 1), left=D(2021, 4, 30))
    assert err.value.message_dict["left"] == ["Ngày rời tổ không được trước ngày vào tổ."]
    assert not GroupMember.objects.exists()


def test_two_leaders_at_once_are_refused(group):
    f.member(group, full_name="Trần Thị Lan", role=MemberRole.LEADER, joined=D(2020, 1, 1))
    with pytest.raises(ValidationError) as err:
        f.member(group, full_name="Lê Văn Hùng", role=MemberRole.LEADER, joined=D(2022, 3, 1))
    assert "Trần Thị Lan" in err.value.message_dict["role"][0]
    assert "một tổ trưởng" in err.value.message_dict["role"][0]
    assert GroupMember.objects.count() == 1


def test_leader_handover_on_the_same_day_is_fine(group):
    lan = f.member(group, full_name="Trần Thị Lan", role=MemberRole.LEADER, joined=D(2020, 1, 1))
    services.member_leaves(f.superuser(), lan, D(2022, 3, 1))
    f.member(group, full_name="Lê Văn Hùng", role=MemberRole.LEADER, joined=D(2022, 3, 1))
    assert GroupMember.objects.filter(role=MemberRole.LEADER).count() == 2


def test_earlier_leader_overlapping_a_later_one_is_refused(group):
    f.member(group, full_name="Lê Văn Hùng", role=MemberRole.LEADER, joined=D(2022, 3, 1))
    with pytest.raises(ValidationError):
        f.member(
            group,
            full_name="Trần Thị Lan",
            role=MemberRole.LEADER,
            joined=D(2020, 1, 1),
            left=D(2022, 3, 2),
        )
    f.member(
        group,
        full_name="Trần Thị Lan",
        role=MemberRole.LEADER,
        joined=D(2020, 1, 1),
        left=D(2022, 3, 1),
    )


def test_promoting_a_member_while_a_leader_is_in_office_is_refused(group):
    f.member(group, full_name="Trần Thị Lan", role=MemberRole.LEADER)
    hung = f.member(group, full_name="Lê Văn Hùng")
    with pytest.raises(ValidationError):
        services.update_member(f.superuser(), hung, role=MemberRole.LEADER)
    hung.refresh_from_db()
    assert hung.role == MemberRole.MEMBER


def test_phone_is_normalised_and_checked(group):
    m = f.member(group, phone="+84 912.345.612", id_number="079 201 012 345")
    assert (m.phone, m.id_number) == ("0912345612", "079201012345")
    with pytest.raises(ValidationError) as err:
        f.member(group, phone="012345")
    assert "10 chữ số" in err.value.message_dict["phone"][0]
    with pytest.raises(ValidationError) as err:
        f.member(group, id_number="12345")
    assert err.value.message_dict["id_number"] == ["Số CCCD gồm đúng 12 chữ số."]
    assert GroupMember.objects.count() == 1


def test_messages_never_echo_personal_data(group):
    with pytest.raises(ValidationError) as err:
        f.member(group, phone="0112345678")
    assert "0112345678" not in str(err.value)


def test_joining_before_the_group_exists_is_refused(group):
    with pytest.raises(ValidationError) as err:
        f.member(group, joined=D(2019, 12, 31))
    assert "01/01/2020" in err.value.message_dict["joined"][0]


def test_workplace_unit_must_be_grassroots(group):
    gt_hcm = group.unit.parent.parent
    with pytest.raises(ValidationError) as err:
        f.member(group, workplace_unit=gt_hcm)
    assert "workplace_unit" in err.value.message_dict
    m = f.member(group, workplace="Công ty Giày Linh Xuân", workplace_unit=group.unit)
    assert m.workplace_unit == group.unit


def test_closing_a_group_ends_its_roster(group):
    m = f.member(group)
    gone = f.member(group, joined=D(2020, 2, 1), left=D(2021, 1, 1))
    services.close_group(f.superuser(), group, D(2023, 6, 30))
    m.refresh_from_db()
    gone.refresh_from_db()
    assert m.left == D(2023, 6, 30)
    assert gone.left == D(2021, 1, 1)


def test_member_history_records_who_changed_it(group):
    m = f.member(group)
    services.member_leaves(f.superuser(), m, D(2024, 1, 1))
    latest = m.history.first()
    assert latest.left == D(2024, 1, 1)
    assert latest.history_user == f.superuser()
