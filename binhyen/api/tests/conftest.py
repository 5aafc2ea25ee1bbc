"""Fixtures for API tests: a client that calls as a given user with a fresh Bearer token."""

import pytest
from django.test import Client

from binhyen.api.services import issue_token


@pytest.fixture
def api_as(db):
    def make(user):
        _token, key = issue_token(user, name="test")
        return Client(headers={"Authorization": f"Bearer {key}"})

    return make


def area(level, code, name, **fields):
    """The area as loaded by `binhyen load-areas`, or a stand-in with the same code and name
    when the test database has no geography."""
    from binhyen.org.models import Area

    obj, _created = Area.objects.get_or_create(
        level=level, code=code, defaults={"name": name, **fields}
    )
    return obj


@pytest.fixture
def areas(db):
    """A few real areas of Hồ Chí Minh City, current and legacy (codes 26740 exist in both)."""
    import datetime

    from binhyen.org.models import AreaLevel as L

    old_end = datetime.date(2025, 6, 30)
    hcm = area(L.PROVINCE, "79", "Thành phố Hồ Chí Minh")
    sai_gon = area(L.WARD, "26740", "Phường Sài Gòn", province=hcm, parent=hcm)
    tan_dinh = area(L.WARD, "26737", "Phường Tân Định", province=hcm, parent=hcm)
    old_hcm = area(
        L.LEGACY_PROVINCE, "79", "Thành phố Hồ Chí Minh", valid_to=old_end, successor=hcm
    )
    quan_1 = area(
        L.LEGACY_DISTRICT,
        "760",
        "Quận 1",
        province=old_hcm,
        parent=old_hcm,
        valid_to=old_end,
        successor=hcm,
    )
    ben_nghe = area(
        L.LEGACY_WARD,
        "26740",
        "Phường Bến Nghé",
        province=old_hcm,
        parent=quan_1,
        valid_to=old_end,
        successor=sai_gon,
    )
    return dict(
        hcm=hcm,
        sai_gon=sai_gon,
        tan_dinh=tan_dinh,
        old_hcm=old_hcm,
        quan_1=quan_1,
        ben_nghe=ben_nghe,
    )
