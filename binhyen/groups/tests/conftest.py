"""Fixtures of the groups tests: an API client per user, and a small world of groups."""

import datetime

import pytest
from django.test import Client

from binhyen import factories as f
from binhyen.groups import services
from binhyen.groups.models import FunderKind, MemberRole

D = datetime.date


@pytest.fixture
def api_as(db):
    from binhyen.api.services import issue_token

    def make(user):
        _token, key = issue_token(user, name="test")
        return Client(headers={"Authorization": f"Bearer {key}"})

    return make


@pytest.fixture
def world(db):
    """HCMC with two groups in Phường Linh Xuân and one in Phường Tân Thuận, Mỹ Tho with one;
    members with phones, a boarding house and a camera."""
    gt = f.group_tree()
    root = f.superuser()
    linh_xuan, tan_thuan = f.area("26794"), f.area("27478")
    a = f.group(
        gt["cs"],
        ward=linh_xuan,
        name="Tổ tự quản khu trọ Linh Xuân",
        code="NT-A",
        founded=D(2020, 1, 1),
    )
    b = f.group(
        gt["ward_union"],
        ward=tan_thuan,
        name="Tổ dư luận xã hội Tân Thuận",
        kind="du_luan_xa_hoi",
        founded=D(2021, 1, 1),
    )
    old = f.group(
        gt["cs"],
        ward=f.area("26800", "legacy_ward"),
        name="Tổ tự quản khu trọ Linh Trung",
        founded=D(2018, 1, 1),
    )
    services.close_group(root, old, D(2022, 1, 1))
    g_mt = f.group(
        gt["mt"],
        ward=f.area("28261", "legacy_ward"),
        name="Tổ tự quản khu trọ Mỹ Tho",
        founded=D(2019, 1, 1),
    )
    lan = f.member(
        a,
        full_name="Trần Thị Lan",
        role=MemberRole.LEADER,
        phone="0912345612",
        id_number="079201012345",
    )
    f.member(a, full_name="Lê Văn Hùng", phone="0987654321", joined=D(2021, 1, 1))
    f.member(a, full_name="Phạm Thị Hoa", joined=D(2020, 5, 1), left=D(2022, 5, 1))
    f.member(b, full_name="Đỗ Văn Nam", phone="0901112233")
    house = services.create_boarding_house(
        root,
        unit=gt["cs"],
        name="Nhà trọ Cô Ba",
        address="12 Đường số 8",
        ward=linh_xuan,
        landlord_name="Nguyễn Thị Ba",
        landlord_phone="0933445566",
        rooms=20,
        resident_workers=45,
        cooperative=True,
        group=a,
        coverage_start=D(2020, 3, 1),
    )
    camera = services.create_camera(
        root,
        unit=gt["cs"],
        group=a,
        place="Cổng khu trọ số 8",
        ward=linh_xuan,
        funder_kind=FunderKind.UNION,
        cost=12_000_000,
        installed=D(2021, 1, 1),
    )
    return dict(gt, a=a, b=b, old=old, g_mt=g_mt, lan=lan, house=house, camera=camera)
