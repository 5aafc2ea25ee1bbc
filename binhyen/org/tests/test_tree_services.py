"""The union tree's services: paths, moves, merges, closures and their dated events."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from binhyen import factories as f
from binhyen.org import services
from binhyen.org.models import Unit, UnitEvent, UnitEventKind
from binhyen.org.scoping import Role

D = datetime.date


def test_paths_and_depths(tree):
    assert tree["root"].depth == 1
    assert tree["cs1"].depth == 4
    assert tree["cs1"].path.startswith(tree["q9"].path)
    assert tree["cs1"].ancestor_ids == [
        tree["root"].pk,
        tree["hcm"].pk,
        tree["q9"].pk,
        tree["cs1"].pk,
    ]


def test_merge_moves_children_and_closes_source(tree):
    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    services.merge_units(admin, [tree["q9"]], tree["td"], D(2021, 1, 1))
    q9 = Unit.objects.get(pk=tree["q9"].pk)
    cs1 = Unit.objects.get(pk=tree["cs1"].pk)
    assert q9.valid_to == D(2020, 12, 31)
    assert q9.successor_id == tree["td"].pk
    assert cs1.parent_id == tree["td"].pk
    assert cs1.path.startswith(tree["td"].path)
    kinds = set(UnitEvent.objects.values_list("kind", flat=True))
    assert {UnitEventKind.MOVED, UnitEventKind.MERGED} <= kinds


def test_move_into_own_subtree_is_refused(tree):
    admin = f.user(role=Role.ADMIN, unit=tree["root"])
    with pytest.raises(ValidationError) as exc:
        services.move_unit(admin, tree["hcm"], tree["q9"], D(2022, 1, 1))
    assert "parent" in exc.value.message_dict
    assert Unit.objects.get(pk=tree["hcm"].pk).parent_id == tree["root"].pk


def test_admin_cannot_act_beside_their_subtree(tree):
    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    with pytest.raises(ValidationError):
        services.create_unit(
            admin,
            parent=tree["tg"],
            code="X1",
            name="X",
            kind=f.kind("ldld_huyen"),
            valid_from=D(2020, 1, 1),
        )
    assert not Unit.objects.filter(code="X1").exists()


def test_scoping_subtree(tree):
    viewer = f.user(role=Role.VIEWER, unit=tree["q9"])
    assert set(Unit.objects.visible_to(viewer)) == {tree["q9"], tree["cs1"]}
    assert not Unit.objects.editable_by(viewer).exists()


def test_check_tree_passes_then_reports_a_broken_path(tree, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("check-tree")
    assert "hợp lệ" in capsys.readouterr().out
    Unit.objects.filter(pk=tree["cs1"].pk).update(depth=7)
    with pytest.raises(CommandError) as exc:
        call_command("check-tree")
    assert "1 vi phạm" in str(exc.value)
    assert "HCM-Q9-CS1" in capsys.readouterr().out


def test_close_refuses_a_unit_with_open_children(tree):
    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    with pytest.raises(ValidationError) as exc:
        services.close_unit(admin, tree["q9"], D(2020, 12, 31))
    assert "trực thuộc" in exc.value.message_dict["unit"][0]
    assert Unit.objects.get(pk=tree["q9"].pk).valid_to is None


def test_close_date_before_opening_is_refused(tree):
    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    with pytest.raises(ValidationError) as exc:
        services.close_unit(admin, tree["cs1"], D(2000, 1, 1))
    assert "trước ngày thành lập" in exc.value.message_dict["date"][0]


def test_duplicate_code_is_refused(tree):
    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    with pytest.raises(ValidationError) as exc:
        services.create_unit(
            admin,
            parent=tree["q9"],
            code="HCM-Q9-CS1",
            name="Trùng mã",
            kind=f.kind("cd_co_so"),
            valid_from=D(2020, 1, 1),
        )
    assert "code" in exc.value.message_dict
    assert Unit.objects.filter(code="HCM-Q9-CS1").count() == 1


def test_history_records_who_changed_a_unit(tree):
    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    services.update_unit(admin, tree["cs1"], name="Công đoàn cơ sở mới")
    last = tree["cs1"].history.first()
    assert last.history_user == admin
    assert last.prev_record.name == "Công đoàn cơ sở Công ty Điện tử Sài Gòn"
    assert last.name == "Công đoàn cơ sở mới"


def test_kind_cannot_drop_below_its_children(tree):
    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    with pytest.raises(ValidationError) as exc:
        services.update_unit(admin, tree["q9"], kind=f.kind("cd_co_so"))
    assert "trực thuộc" in exc.value.message_dict["kind"][0]
    assert Unit.objects.get(pk=tree["q9"].pk).kind.code == "ldld_huyen"


def test_a_grassroots_union_has_no_units_under_it(tree):
    """Even with a kind ranked below it, nothing opens under a grassroots union, and a unit
    with units under it cannot become one."""
    from binhyen.org.models import UnitKind

    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    team = UnitKind.objects.create(code="to_cong_doan", name="Tổ công đoàn", rank=4)
    with pytest.raises(ValidationError) as exc:
        services.create_unit(
            admin,
            parent=tree["cs1"],
            code="CS1-TO1",
            name="Tổ công đoàn phân xưởng 1",
            kind=team,
            valid_from=datetime.date(2022, 1, 1),
        )
    assert exc.value.message_dict["parent"] == [
        "Công đoàn cơ sở Công ty Điện tử Sài Gòn là công đoàn cơ sở: không có đơn vị trực thuộc."
    ]
    assert not Unit.objects.filter(code="CS1-TO1").exists()
    nganh = f.kind("cd_nganh")
    zone = services.create_unit(
        admin,
        parent=tree["hcm"],
        code="HCM-N1",
        name="Công đoàn ngành Y tế",
        kind=nganh,
        valid_from=datetime.date(2022, 1, 1),
    )
    services.create_unit(
        admin,
        parent=zone,
        code="HCM-N1-CS1",
        name="Công đoàn Bệnh viện 1",
        kind=f.kind("cd_co_so"),
        valid_from=datetime.date(2022, 1, 1),
    )
    with pytest.raises(ValidationError) as exc:
        services.update_unit(admin, zone, kind=f.kind("nghiep_doan"))
    assert "không thể là công đoàn cơ sở" in " ".join(exc.value.message_dict["kind"])
