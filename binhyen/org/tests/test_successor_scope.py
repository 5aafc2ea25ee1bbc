"""A successor reads its closed predecessors' history, read-only (org/scoping.py): on a small
reform built here — Châu Thành merged into Mỹ Tho in 2021, Mỹ Tho closed on 30/06/2025 with its
unions moved to a ward union of Đồng Tháp, then Tiền Giang merged into Đồng Tháp — who reads
what, through how many steps of heirs, with how many queries, and that reading never becomes
writing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from binhyen import factories as f
from binhyen.activities.models import Activity
from binhyen.org import services
from binhyen.org.models import Unit
from binhyen.org.scoping import (
    ADMIN_ROLES,
    EDIT_ROLES,
    VIEW_ROLES,
    Role,
    figure_scope,
    holds_role_over,
    require_role_over,
    scope_of,
)

D = datetime.date
REFORM = D(2025, 7, 1)
EVE = D(2025, 6, 30)


@pytest.fixture
def reform(db):
    """The tree after the district level closed (Mỹ Tho's and, through the 2021 merger, Châu
    Thành's unions now under Phường Mỹ Tho of Đồng Tháp), before the provinces merge; call
    `merge_provinces()` for the rest of the reform."""
    root = f.root_unit()
    tg = f.unit(root, "ldld_tinh", code="TG", name="Liên đoàn Lao động tỉnh Tiền Giang")
    ct = f.unit(tg, "ldld_huyen", code="TG-CT", name="Liên đoàn Lao động huyện Châu Thành")
    mt = f.unit(tg, "ldld_huyen", code="TG-MT", name="Liên đoàn Lao động thành phố Mỹ Tho")
    vc = f.unit(tg, "cd_nganh", code="TG-VC", name="Công đoàn Viên chức tỉnh Tiền Giang")
    ct_cs = f.unit(ct, "cd_co_so", code="TG-CT-CS1", name="Công đoàn cơ sở Công ty Mía đường")
    mt_cs = f.unit(mt, "cd_co_so", code="TG-MT-CS1", name="Công đoàn cơ sở Công ty Thủy sản")
    gone = f.unit(mt, "cd_co_so", code="TG-MT-CS2", name="Công đoàn cơ sở Xí nghiệp Đông lạnh")
    dt = f.unit(root, "ldld_tinh", code="DT", name="Liên đoàn Lao động tỉnh Đồng Tháp")
    ward = f.unit(dt, "cd_xa", code="DT-MT", name="Công đoàn phường Mỹ Tho", valid_from=REFORM)
    cm = f.unit(root, "ldld_tinh", code="CM", name="Liên đoàn Lao động tỉnh Cà Mau")
    cm_d = f.unit(cm, "ldld_huyen", code="CM-NC", name="Liên đoàn Lao động huyện Năm Căn")
    su = f.superuser()
    acts = {
        "mt": f.activity(mt, date=D(2022, 3, 15), title="Hội nghị của LĐLĐ Mỹ Tho"),
        "gone": f.activity(gone, date=D(2022, 4, 2), title="Tuyên truyền ở Xí nghiệp Đông lạnh"),
        "ct": f.activity(ct, date=D(2020, 5, 5), title="Tuyên truyền của LĐLĐ Châu Thành"),
        "vc": f.activity(vc, date=D(2022, 5, 5), title="Tuyên truyền của CĐ Viên chức"),
    }
    services.merge_units(su, [ct], mt, D(2021, 1, 1))
    services.close_unit(su, gone, D(2023, 12, 31))
    for child in (ct_cs, mt_cs):
        services.move_unit(su, child, ward, REFORM)
    services.close_unit(su, mt, EVE)

    def merge_provinces():
        services.merge_units(su, [tg], dt, REFORM)

    units = dict(tg=tg, ct=ct, mt=mt, vc=vc, ct_cs=ct_cs, mt_cs=mt_cs, gone=gone)
    units.update(dt=dt, ward=ward, cm=cm, cm_d=cm_d)
    return {"units": units, "acts": acts, "merge_provinces": merge_provinces}


def fresh(unit):
    return Unit.objects.get(pk=unit.pk)


def seen(user, units):
    """The names of `units` (a dict) that `user` sees."""
    visible = set(Unit.objects.visible_to(user).values_list("pk", flat=True))
    return {name for name, unit in units.items() if unit.pk in visible}


def test_the_heirs_chain_reaches_two_steps_back(reform, django_assert_num_queries):
    """Before the provinces merge: Mỹ Tho's unions are in Đồng Tháp (one step), and Châu Thành's
    successor is Mỹ Tho (two steps); Tiền Giang is still open, so neither it nor its Công đoàn
    Viên chức is read."""
    units = reform["units"]
    admin = f.user(role=Role.ADMIN, unit=units["dt"])
    with django_assert_num_queries(3):  # the assignments, Mỹ Tho, then Châu Thành through it
        scope = scope_of(admin, VIEW_ROLES)
    dt, ct, mt = (fresh(units[k]) for k in ("dt", "ct", "mt"))
    assert scope.paths == [dt.path, ct.path, mt.path]  # their own unit first
    assert seen(admin, units) == {"ct", "mt", "gone", "ct_cs", "mt_cs", "dt", "ward"}


def test_a_merged_province_is_read_with_what_stayed_under_it(reform, django_assert_num_queries):
    """After Tiền Giang merged into Đồng Tháp: Tiền Giang and everything still under it (the
    closed district federations and what stayed under them) are read, in two queries."""
    reform["merge_provinces"]()
    units = reform["units"]
    admin = f.user(role=Role.ADMIN, unit=units["dt"])
    with django_assert_num_queries(3):  # the assignments, Tiền Giang and Mỹ Tho, Châu Thành
        scope = scope_of(admin, VIEW_ROLES)
    assert scope.paths == [fresh(units["dt"]).path, fresh(units["tg"]).path]
    assert seen(admin, units) == set(units) - {"cm", "cm_d"}
    assert set(Activity.objects.visible_to(admin).values_list("title", flat=True)) == {
        a.title for a in reform["acts"].values()
    }
    mt, ct = fresh(units["mt"]), fresh(units["ct"])
    with django_assert_num_queries(0):  # the same scope, cached on the person
        assert figure_scope(admin, mt).full
        assert holds_role_over(admin, VIEW_ROLES, ct)


def test_the_heir_must_be_inside_the_readers_scope(reform):
    """A reader of the ward union alone reads Mỹ Tho (its unions came to the ward) and Châu
    Thành through it, but not Tiền Giang, whose successor is the province above them."""
    reform["merge_provinces"]()
    units = reform["units"]
    viewer = f.user(role=Role.VIEWER, unit=units["ward"])
    assert seen(viewer, units) == {"ward", "ct_cs", "mt_cs", "mt", "gone", "ct"}


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR, Role.APPROVER, Role.ADMIN])
def test_reading_a_predecessor_never_becomes_writing(reform, role):
    reform["merge_provinces"]()
    units = {k: fresh(u) for k, u in reform["units"].items()}
    person = f.user(role=role, unit=units["dt"])
    closed = {"tg", "ct", "mt", "gone"}
    assert closed <= seen(person, units)
    for name in closed:
        unit = units[name]
        assert not holds_role_over(person, EDIT_ROLES, unit), name
        assert not holds_role_over(person, ADMIN_ROLES, unit), name
        with pytest.raises(ValidationError):
            require_role_over(person, unit, ADMIN_ROLES)
        with pytest.raises(ValidationError):
            require_role_over(person, unit, EDIT_ROLES)
    pks = [units[name].pk for name in closed]
    for named_set in (
        Unit.objects.administered_by(person),
        Unit.objects.recordable_by(person),
        Unit.objects.approvable_by(person),
        Unit.objects.editable_by(person),
    ):
        assert not named_set.filter(pk__in=pks).exists()
    theirs = [reform["acts"][k].pk for k in ("mt", "gone", "ct")]
    assert Activity.objects.visible_to(person).filter(pk__in=theirs).count() == 3
    assert not Activity.objects.editable_by(person).filter(pk__in=theirs).exists()
    assert not Activity.objects.approvable_by(person).filter(pk__in=theirs).exists()
    with pytest.raises(ValidationError):
        f.activity(units["mt"], date=D(2022, 6, 1), actor=person)
    with pytest.raises(ValidationError):
        services.assign_role(person, f.user(), units["mt"], Role.VIEWER)


def test_an_unrelated_province_reads_nothing_of_it(reform, django_assert_num_queries):
    reform["merge_provinces"]()
    units = reform["units"]
    admin, cm = f.user(role=Role.ADMIN, unit=units["cm"]), fresh(units["cm"])
    with django_assert_num_queries(2):  # the assignments, one step that finds nothing
        assert scope_of(admin, VIEW_ROLES).paths == [cm.path]
    assert seen(admin, units) == {"cm", "cm_d"}
    assert not Activity.objects.visible_to(admin).exists()


def test_a_superuser_needs_no_query(reform, django_assert_num_queries):
    root = f.superuser()
    with django_assert_num_queries(0):
        assert scope_of(root, VIEW_ROLES).everything


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_heirs_pages_read_the_predecessor(reform):
    """The list and the dashboard of closed Mỹ Tho, as its heir reads them: what they cost
    anyone (a superuser too), plus the heir's scope: the assignments and two steps of heirs
    (Tiền Giang and Mỹ Tho, then Châu Thành merged into Mỹ Tho in 2021)."""
    reform["merge_provinces"]()
    units = reform["units"]
    heir = login(f.user(role=Role.ADMIN, unit=units["dt"]))
    anyone = login(f.superuser())
    for url, query in (("/hoat-dong/", {"unit": "TG-MT"}), ("/tong-hop/", {"unit": "TG-MT"})):
        with CaptureQueriesContext(connection) as for_anyone:
            assert anyone.get(url, query).status_code == 200
        with CaptureQueriesContext(connection) as for_heir:
            page = heir.get(url, query)
        assert page.status_code == 200 and len(for_heir) <= len(for_anyone) + 3, url
    page = heir.get("/hoat-dong/", {"unit": "TG-MT"}).content.decode()
    assert "Hội nghị của LĐLĐ Mỹ Tho" in page and "Xí nghiệp Đông lạnh" in page
    assert "Tuyên truyền của CĐ Viên chức" not in page  # never Mỹ Tho's
    assert "Không tìm thấy đơn vị" not in page
    assert heir.get("/don-vi/TG-MT/").status_code == 200
    assert heir.get("/don-vi/TG-MT/sua/").status_code in (403, 404)
    # without a unit the dashboard starts from Đồng Tháp, not from closed Tiền Giang (whose
    # path sorts first)
    default = heir.get("/tong-hop/", {"period": "2022"}).content.decode()
    assert 'id="unit-code" name="unit" value="DT"' in default


@pytest.mark.parametrize("code", ["TG-MT", "KHONG-CO"])
def test_an_unseen_or_unknown_unit_on_the_activity_list_is_an_error(reform, code):
    """Never a silent fallback to the whole scope: the error names the unit, nothing is listed
    and the export refuses too."""
    reform["merge_provinces"]()
    units = reform["units"]
    f.activity(units["cm_d"], date=D(2022, 3, 1), title="Tuyên truyền ở Năm Căn")
    client = login(f.user(role=Role.ADMIN, unit=units["cm"]))
    page = client.get("/hoat-dong/", {"unit": code}).content.decode()
    assert f"Không tìm thấy đơn vị “{code}” trong phạm vi của bạn." in page
    assert "Tuyên truyền ở Năm Căn" not in page and 'data-total="count">0<' in page
    assert "Hội nghị của LĐLĐ Mỹ Tho" not in page
    export = client.get("/hoat-dong/xuat-excel/", {"unit": code})
    assert export.status_code == 302  # back to the list, with the message
