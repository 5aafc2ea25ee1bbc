"""Stock figures as of a date: groups, members, wards, boarding houses, workers, cameras."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from binhyen import factories as f
from binhyen.groups import services, stats
from binhyen.groups.models import CameraStateKind, FunderKind, MemberRole

D = datetime.date


@pytest.fixture
def timeline(db):
    gt = f.group_tree()
    root = f.superuser()
    linh_xuan, thu_duc = f.area("26794"), f.area("26800", "legacy_ward")  # Linh Trung → Linh Xuân
    other_ward = services.wards_for_unit(gt["cs"]).exclude(pk=linh_xuan.pk).first()
    a = f.group(gt["cs"], ward=linh_xuan, founded=D(2020, 1, 1))
    b = f.group(gt["ward_union"], ward=other_ward, founded=D(2021, 6, 1), closed=None)
    xe_om = f.group(gt["ward_union"], ward=thu_duc, kind="xe_om", founded=D(2019, 1, 1))
    f.member(a, role=MemberRole.LEADER, joined=D(2020, 1, 1))
    f.member(a, joined=D(2020, 1, 1), left=D(2022, 1, 1))
    f.member(a, joined=D(2022, 1, 1))
    f.member(b, joined=D(2021, 6, 1))
    f.member(b, joined=D(2021, 7, 1))
    f.member(xe_om, joined=D(2019, 1, 1))
    h1 = services.create_boarding_house(
        root,
        unit=gt["cs"],
        address="12 Đường số 8",
        ward=linh_xuan,
        rooms=20,
        resident_workers=45,
        group=a,
        coverage_start=D(2020, 3, 1),
    )
    services.create_boarding_house(
        root,
        unit=gt["ward_union"],
        address="5 Hẻm 3",
        ward=other_ward,
        rooms=8,
        resident_workers=17,
        group=b,
        coverage_start=D(2021, 6, 1),
    )
    services.close_group(root, b, D(2023, 1, 1))
    cam = services.create_camera(
        root,
        unit=gt["cs"],
        place="Cổng khu trọ",
        ward=linh_xuan,
        funder_kind=FunderKind.UNION,
        cost=12_000_000,
        installed=D(2021, 1, 1),
    )
    services.set_camera_state(root, cam, CameraStateKind.BROKEN, D(2022, 5, 1))
    services.set_camera_state(root, cam, CameraStateKind.WORKING, D(2022, 6, 1))
    return dict(gt=gt, a=a, b=b, xe_om=xe_om, h1=h1, cam=cam)


def test_counts_follow_joins_leaves_and_closings(timeline):
    hcm = timeline["gt"]["hcm"]
    s = stats.group_stats(hcm, D(2021, 12, 31))
    # The xe ôm group sits in Linh Trung, now part of Linh Xuân: 3 groups in 2 wards.
    assert (s["groups"], s["members"], s["wards"]) == (3, 5, 2)
    assert s["by_kind"]["nha_tro"] == {"groups": 2, "members": 4, "wards": 2}
    assert s["by_kind"]["xe_om"] == {"groups": 1, "members": 1, "wards": 1}
    assert s["by_kind"]["nong_cot"] == {"groups": 0, "members": 0, "wards": 0}
    assert (s["boarding_houses"], s["resident_workers"], s["cameras_working"]) == (2, 62, 1)

    # 1 Jan 2022: one member left and another joined the same day; the camera breaks in May.
    s = stats.group_stats(hcm, D(2022, 5, 15))
    assert (s["groups"], s["members"], s["cameras_working"]) == (3, 5, 0)

    # Group b closed on 1 Jan 2023: its members and its boarding house stop counting.
    s = stats.group_stats(hcm, D(2023, 12, 31))
    assert (s["groups"], s["members"], s["wards"]) == (2, 3, 1)
    assert (s["boarding_houses"], s["resident_workers"], s["cameras_working"]) == (1, 45, 1)

    s = stats.group_stats(hcm, D(2018, 12, 31))
    assert (s["groups"], s["members"], s["wards"], s["cameras_working"]) == (0, 0, 0, 0)


def test_single_indicators_agree_with_the_bundle(timeline):
    hcm, day = timeline["gt"]["hcm"], D(2021, 12, 31)
    assert stats.active_groups(hcm, day) == 3
    assert stats.active_groups(hcm, day, "nha_tro") == 2
    assert stats.active_members(hcm, day) == 5
    assert stats.wards_covered(hcm, day) == 2
    assert stats.boarding_houses_covered(hcm, day) == 2
    assert stats.resident_workers(hcm, day) == 62
    assert stats.cameras_working(hcm, day) == 1
    assert stats.headline(hcm, day) == {"groups": 3, "members": 5, "wards": 2}


def test_counts_are_per_subtree(timeline):
    cs = timeline["gt"]["cs"]
    s = stats.group_stats(cs, D(2021, 12, 31))
    assert (s["groups"], s["members"], s["boarding_houses"]) == (1, 2, 1)
    assert stats.group_stats(timeline["gt"]["tg"], D(2021, 12, 31))["groups"] == 0


def test_stats_take_a_bounded_number_of_queries(timeline, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        stats.group_stats(timeline["gt"]["hcm"], D(2021, 12, 31))


def test_soft_deleted_group_leaves_the_counts(timeline):
    services.delete_group(f.superuser(), timeline["xe_om"])
    assert stats.active_groups(timeline["gt"]["hcm"], D(2021, 12, 31)) == 2
    assert stats.active_members(timeline["gt"]["hcm"], D(2021, 12, 31)) == 4


def test_one_boarding_house_one_group_at_a_time(timeline):
    other = f.group(timeline["gt"]["cs"], founded=D(2020, 1, 1))
    with pytest.raises(ValidationError) as err:
        services.cover_house(f.superuser(), timeline["h1"], other, D(2023, 1, 1))
    assert timeline["a"].name in err.value.message_dict["start"][0]
    coverage = timeline["h1"].coverages.get()
    services.end_coverage(f.superuser(), coverage, D(2023, 1, 1))
    services.cover_house(f.superuser(), timeline["h1"], other, D(2023, 1, 1))
    assert stats.boarding_houses_covered(timeline["gt"]["cs"], D(2023, 6, 1)) == 1


def test_camera_takes_the_ward_centroid_when_no_position_is_given(timeline):
    cam, ward = timeline["cam"], f.area("26794")
    assert (cam.latitude, cam.longitude) == (ward.latitude, ward.longitude)
    assert cam.location_from_ward
    assert cam.state == CameraStateKind.WORKING


def test_camera_state_before_installation_is_refused(timeline):
    with pytest.raises(ValidationError) as err:
        services.set_camera_state(
            f.superuser(), timeline["cam"], CameraStateKind.REMOVED, D(2020, 1, 1)
        )
    assert "01/01/2021" in err.value.message_dict["since"][0]
