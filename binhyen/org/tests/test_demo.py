"""The demo: `binhyen load-demo` builds a realistic tree once, and each demo account sees its scope."""

import datetime

import pytest
from django.contrib.auth.models import User

from binhyen.org import demo
from binhyen.org.integrity import tree_problems
from binhyen.org.models import Assignment, Unit, UnitEvent, UnitEventKind, path_segment

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # Six PBKDF2 hashes would take most of the test's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def loaded(full_demo):
    """The whole demo, loaded once for every test that reads it (conftest.py)."""
    return full_demo


def unit(code):
    return Unit.objects.get(code=code)


def counts():
    return {
        "units": Unit.objects.count(),
        "unit history": Unit.history.count(),
        "events": UnitEvent.objects.count(),
        "assignments": Assignment.objects.count(),
        "users": User.objects.count(),
        "passwords": sorted(User.objects.values_list("password", flat=True)),
        "tree": sorted(Unit.objects.values_list("code", "path", "valid_to", "ward_id")),
    }


def test_second_run_changes_nothing(loaded):
    first = loaded["org"]  # what the shared load created
    before = counts()
    second = demo.load()
    assert first["created"] >= 150 and first["events"] > 50
    assert second == {"created": 0, "updated": 0, "events": 0}
    assert counts() == before


def test_rerun_resets_the_demo_passwords(loaded):
    user = User.objects.get(username="demo-tinh")
    user.set_password("doi-mat-khau-khac-9")
    user.save()
    demo.load(password="mat-khau-moi-2025")
    for username in ("demo-admin", "demo-tinh", "demo-congan"):
        assert User.objects.get(username=username).check_password("mat-khau-moi-2025")


def test_every_path_extends_its_parents_path(loaded):
    for u in Unit.objects.select_related("parent"):
        if u.parent is None:
            assert (u.path, u.depth) == (path_segment(u.pk), 1)
        else:
            assert u.path == u.parent.path + path_segment(u.pk)
            assert u.depth == u.parent.depth + 1
    assert list(tree_problems()) == []


def test_hcmc_has_sixty_grassroots_unions_fdi_and_a_guild(loaded):
    under_hcm = demo.grassroots(demo.HCM)
    assert under_hcm.count() >= 60
    assert under_hcm.filter(ownership="fdi", parent__code=demo.KCN).count() >= 5
    assert under_hcm.filter(kind__code="nghiep_doan", name__icontains="xe ôm").exists()
    for u in under_hcm.filter(ownership="fdi"):
        assert u.members <= u.workforce
    mid = Unit.objects.filter(parent__code=demo.HCM, kind__rank=2).exclude(kind__code="cd_xa")
    assert mid.count() >= 5


def test_quan_9_merged_into_thu_duc_on_1_january_2021(loaded):
    q9, thu_duc = unit(demo.Q9), unit(demo.THU_DUC)
    assert q9.valid_to == D(2020, 12, 31)
    assert q9.successor == thu_duc
    assert q9.events.filter(kind=UnitEventKind.MERGED, successor=thu_duc).exists()
    moved = UnitEvent.objects.filter(
        kind=UnitEventKind.MOVED, old_parent=q9, new_parent=thu_duc, date=D(2021, 1, 1)
    )
    assert moved.count() == 7  # its eighth union closed in 2019 and stays under Quận 9
    in_2022 = set(demo.grassroots(demo.THU_DUC, on=D(2022, 6, 1)).values_list("code", flat=True))
    assert {e.unit.code for e in moved} <= in_2022
    assert not demo.grassroots(demo.Q9, on=D(2022, 6, 1)).exists()
    assert demo.grassroots(demo.Q9, on=D(2019, 1, 1)).count() == 8


def test_2025_reform_keeps_the_old_tree(loaded):
    thu_duc = unit(demo.THU_DUC)
    assert thu_duc.valid_to == D(2025, 6, 30)
    assert not thu_duc.children.filter(valid_to__isnull=True).exists()
    ward_union = unit(demo.ward_union_code("79", "26824"))
    assert ward_union.name == "Công đoàn phường Thủ Đức"
    assert (ward_union.kind.code, ward_union.valid_from, ward_union.ward.name) == (
        "cd_xa",
        D(2025, 7, 1),
        "Phường Thủ Đức",
    )
    assert unit(demo.COSO).parent == ward_union
    # Closed before the reform: legacy areas; open today: 2025 areas.
    assert unit(demo.Q9).province.level == "legacy_province"
    assert unit(demo.COSO).ward.level == "ward"
    assert Unit.objects.filter(valid_to__isnull=True, ward__level="legacy_ward").count() == 0


def test_tien_giang_merged_into_dong_thap_with_my_tho_history(loaded):
    tien_giang, dong_thap = unit(demo.TIEN_GIANG), unit(demo.DONG_THAP)
    assert tien_giang.valid_to == D(2025, 6, 30)
    assert tien_giang.successor == dong_thap
    assert (dong_thap.valid_from, dong_thap.province.code, dong_thap.province.level) == (
        D(2025, 7, 1),
        "82",
        "province",
    )
    assert unit(demo.VIEN_CHUC_TG).parent == dong_thap
    my_tho_2022 = demo.grassroots(demo.MY_THO, on=D(2022, 1, 1))
    assert my_tho_2022.count() >= 20
    assert {u.parent.parent_id for u in my_tho_2022} == {dong_thap.pk}
    assert unit(demo.ward_union_code("82", "28261")).name == "Công đoàn phường Mỹ Tho"


def visible(username):
    return Unit.objects.visible_to(User.objects.get(username=username))


def test_each_demo_account_sees_exactly_its_scope(loaded):
    assert visible("demo-admin").count() == Unit.objects.count()
    hcm = unit(demo.HCM)
    assert set(visible("demo-tinh")) == set(Unit.objects.descendants_of(hcm))
    assert not visible("demo-tinh").filter(code=demo.MY_THO).exists()
    assert set(visible("demo-huyen")) == set(Unit.objects.descendants_of(unit(demo.KCN)))
    assert visible("demo-huyen").filter(kind__is_grassroots=True).count() >= 10
    assert list(visible("demo-coso").values_list("code", flat=True)) == [demo.COSO]
    # Đồng Tháp's admin also reads, read-only, the federations it succeeded (Tiền Giang and
    # the district federations under it, closed in 2025)
    assert set(visible("demo-mytho")) == set(
        Unit.objects.descendants_of(unit(demo.DONG_THAP))
    ) | set(Unit.objects.descendants_of(unit(demo.TIEN_GIANG)))
    assert visible("demo-mytho").filter(kind__is_grassroots=True).count() >= 20

    police = visible("demo-congan")
    wards = set(
        User.objects.get(username="demo-congan")
        .assignments.get()
        .wards.values_list("name", flat=True)
    )
    assert wards == set(demo.POLICE_WARDS)
    assert police.filter(kind__is_grassroots=True).count() >= 2
    assert {u.ward.name for u in police} == wards
    assert (
        police.count()
        == Unit.objects.filter(ward__name__in=wards, ward__province__code="79").count()
    )


def test_demo_huyen_edits_and_approves(loaded):
    user = User.objects.get(username="demo-huyen")
    assert set(user.assignments.values_list("role", flat=True)) == {"editor", "approver"}
    assert User.objects.get(username="demo-admin").is_superuser
