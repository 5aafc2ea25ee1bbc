"""Excel: templates, imports all-or-nothing with row/column errors, exports that keep personal data in."""

import datetime
import io

from openpyxl import Workbook, load_workbook

from binhyen import factories as f
from binhyen.groups import excel
from binhyen.groups.models import BoardingHouse, Group, GroupMember
from binhyen.org.scoping import Role

D = datetime.date


def xlsx(spec, rows):
    """A filled template: the spec's headers, then `rows` (dicts keyed like the columns)."""
    wb = Workbook()
    ws = wb.active
    ws.title = spec.sheet_name
    columns = spec.input_columns
    ws.append([str(c.header) for c in columns])
    for row in rows:
        ws.append([row.get(c.key) for c in columns])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "tep.xlsx"
    return out


def messages(result):
    return [str(e) for e in result.errors]


def test_template_has_the_columns_and_the_units_sheet(world, client):
    client.force_login(f.user(role=Role.EDITOR, unit=world["hcm"]))
    response = client.get("/mo-hinh/nhap-excel/mau/thanh-vien/")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    headers = [c.value for c in next(wb["Dữ liệu"].iter_rows(max_row=1))]
    assert headers[:4] == ["Mã tổ", "Họ và tên", "Vai trò", "Số điện thoại"]
    codes = [r[0] for r in wb["Tổ"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["NT-A"]  # the only editable group that has a code


def test_import_groups_maps_wards_given_by_name_or_old_code(world):
    editor = f.user(role=Role.EDITOR, unit=world["hcm"])
    upload = xlsx(
        excel.group_spec(),
        [
            {
                "unit": "G-HCM-LT-CS1",
                "kind": "nha_tro",
                "code": "NT-B",
                "name": "Tổ trọ Linh Xuân 2",
                "ward": "Phường Linh Xuân",
                "founded": D(2022, 3, 1),
            },
            {
                "unit": "G-HCM-LT",
                "kind": "Tổ dư luận xã hội",
                "name": "Tổ dư luận Linh Trung",
                "ward": "26800",
                "founded": D(2021, 1, 15),
            },
        ],
    )
    result = excel.import_spreadsheet(editor, excel.GROUPS, upload)
    assert result.ok, messages(result)
    assert result.created == 2
    assert Group.objects.get(code="NT-B").ward.name == "Phường Linh Xuân"
    old = Group.objects.get(name="Tổ dư luận Linh Trung")
    assert (old.ward.name, old.legacy_ward.name, old.kind.code) == (
        "Phường Linh Xuân",
        "Phường Linh Trung",
        "du_luan_xa_hoi",
    )


def test_one_bad_row_and_nothing_is_imported(world):
    editor = f.user(role=Role.EDITOR, unit=world["hcm"])
    before = Group.all_objects.count()
    upload = xlsx(
        excel.group_spec(),
        [
            {
                "unit": "G-HCM-LT-CS1",
                "kind": "nha_tro",
                "name": "Tổ tốt",
                "ward": "26794",
                "founded": D(2022, 3, 1),
            },
            {
                "unit": "G-HCM-LT-CS1",
                "kind": "nha_tro",
                "name": "Tổ lạc tỉnh",
                "ward": "00004",
                "founded": D(2022, 3, 1),
            },
            {
                "unit": "G-TG-MT",
                "kind": "nha_tro",
                "name": "Tổ ngoài phạm vi",
                "ward": "28261",
                "founded": D(2022, 3, 1),
            },
            {
                "unit": "G-HCM-LT-CS1",
                "kind": "nha_tro",
                "name": "Tổ ngày sai",
                "ward": "26794",
                "founded": D(2022, 3, 1),
                "closed": D(2021, 1, 1),
            },
        ],
    )
    result = excel.import_spreadsheet(editor, excel.GROUPS, upload)
    assert not result.ok
    found = messages(result)
    assert any(
        m.startswith("Dòng 3, cột 'Phường, xã'") and "không thuộc Thành phố Hồ Chí Minh" in m
        for m in found
    )
    assert any(m.startswith("Dòng 4, cột 'Mã đơn vị quản lý'") for m in found)
    assert any(m.startswith("Dòng 5, cột 'Ngày ngừng hoạt động'") for m in found)
    assert Group.all_objects.count() == before


def test_import_members_checks_leaders_and_dates_across_rows(world):
    editor = f.user(role=Role.EDITOR, unit=world["cs"])
    upload = xlsx(
        excel.member_spec(),
        [
            {
                "group": "NT-A",
                "full_name": "Võ Thị Hằng",
                "phone": "0909 123 456",
                "joined": D(2023, 1, 1),
            },
            {
                "group": "NT-A",
                "full_name": "Đặng Văn Long",
                "role": "Tổ trưởng",
                "joined": D(2023, 2, 1),
            },
            {
                "group": "NT-A",
                "full_name": "Bùi Thị Mai",
                "joined": D(2023, 5, 1),
                "left": D(2023, 4, 1),
            },
            {"group": "NT-A", "full_name": "Ngô Văn Tài", "phone": "123", "joined": D(2023, 5, 1)},
        ],
    )
    before = GroupMember.objects.count()
    result = excel.import_spreadsheet(editor, excel.MEMBERS, upload)
    found = messages(result)
    assert any(m.startswith("Dòng 3, cột 'Vai trò'") and "Trần Thị Lan" in m for m in found)
    assert "Dòng 4, cột 'Ngày rời tổ': Ngày rời tổ không được trước ngày vào tổ." in found
    assert any(m.startswith("Dòng 5, cột 'Số điện thoại'") for m in found)
    assert not any("123" in m.split(":", 1)[1] for m in found if "Số điện thoại" in m)
    assert GroupMember.objects.count() == before


def test_import_members_and_houses(world):
    editor = f.user(role=Role.EDITOR, unit=world["cs"])
    members = xlsx(
        excel.member_spec(),
        [
            {
                "group": "NT-A",
                "full_name": "Võ Thị Hằng",
                "role": "thanh_vien",
                "phone": "0909123456",
                "id_number": "079301000111",
                "workplace": "Công ty Giày Linh Xuân",
                "workplace_unit": "G-HCM-LT-CS1",
                "joined": D(2023, 1, 1),
            },
        ],
    )
    result = excel.import_spreadsheet(editor, excel.MEMBERS, members)
    assert result.ok, messages(result)
    hang = GroupMember.objects.get(full_name="Võ Thị Hằng")
    assert (hang.phone, hang.workplace_unit.code) == ("0909123456", "G-HCM-LT-CS1")
    houses = xlsx(
        excel.house_spec(),
        [
            {
                "group": "NT-A",
                "name": "Nhà trọ Bảy Hiền",
                "address": "45 Đường số 9",
                "rooms": 12,
                "resident_workers": 30,
                "cooperative": "Có",
                "coverage_start": D(2023, 6, 1),
            },
        ],
    )
    result = excel.import_spreadsheet(editor, excel.HOUSES, houses)
    assert result.ok, messages(result)
    house = BoardingHouse.objects.get(name="Nhà trọ Bảy Hiền")
    assert house.cooperative and house.ward.name == "Phường Linh Xuân"
    assert house.coverages.get().group == world["a"]


def test_import_page_lists_errors_by_row_and_column(
    world, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(f.user(role=Role.EDITOR, unit=world["cs"]))
    upload = xlsx(
        excel.member_spec(), [{"group": "NT-A", "full_name": "", "joined": D(2023, 1, 1)}]
    )
    with django_capture_on_commit_callbacks(execute=True):  # the import is a background job
        response = client.post("/mo-hinh/nhap-excel/", {"sheet": "thanh-vien", "file": upload})
    html = client.get(response["Location"]).content.decode()
    assert "Chưa nhập dòng nào" in html
    assert "Dòng 2, cột &#x27;Họ và tên&#x27;: bắt buộc nhập." in html


def _sheet_values(content):
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return [list(r) for r in wb["Dữ liệu"].iter_rows(values_only=True)]


def test_member_export_keeps_personal_data_out_unless_asked_and_allowed(world, client):
    url = f"/mo-hinh/{world['a'].pk}/xuat-thanh-vien/"
    viewer = f.user(role=Role.VIEWER, unit=world["hcm"])
    editor = f.user(role=Role.EDITOR, unit=world["cs"])
    client.force_login(viewer)
    asked_no_right = _sheet_values(client.get(url, {"ca_nhan": "1"}).content)
    client.force_login(editor)
    right_not_asked = _sheet_values(client.get(url).content)
    asked_and_right = _sheet_values(client.get(url, {"ca_nhan": "1"}).content)
    for rows in (asked_no_right, right_not_asked):
        assert "Số điện thoại" not in rows[0] and "Số CCCD" not in rows[0]
        assert "0912345612" not in str(rows) and "09******12" not in str(rows)
        assert ["NT-A", "Trần Thị Lan"] == rows[1][:2] or ["NT-A", "Lê Văn Hùng"] == rows[1][:2]
    assert "Số điện thoại" in asked_and_right[0]
    assert "0912345612" in str(asked_and_right) and "079201012345" in str(asked_and_right)


def test_group_list_export_follows_the_filters(world, client):
    client.force_login(f.superuser())
    rows = _sheet_values(
        client.get("/mo-hinh/xuat-excel/", {"kind": "nha_tro", "unit": "G-HCM"}).content
    )
    names = sorted(r[3] for r in rows[1:])
    assert names == ["Tổ tự quản khu trọ Linh Trung", "Tổ tự quản khu trọ Linh Xuân"]


def test_import_command_reports_errors_and_imports(world, tmp_path):
    import pytest
    from django.core.management import CommandError, call_command

    editor = f.user(username="bien-tap", role=Role.EDITOR, unit=world["cs"])
    bad = tmp_path / "sai.xlsx"
    bad.write_bytes(
        xlsx(
            excel.member_spec(),
            [
                {
                    "group": "NT-A",
                    "full_name": "Lý Văn Tú",
                    "joined": D(2023, 5, 1),
                    "left": D(2023, 1, 1),
                }
            ],
        ).getvalue()
    )
    with pytest.raises(CommandError, match="Không nhập dòng nào: 1 lỗi trong 1 dòng"):
        call_command("import-groups", str(bad), "--sheet", "thanh-vien", "--user", editor.username)
    good = tmp_path / "dung.xlsx"
    good.write_bytes(
        xlsx(
            excel.member_spec(),
            [{"group": "NT-A", "full_name": "Lý Văn Tú", "joined": D(2023, 5, 1)}],
        ).getvalue()
    )
    out = io.StringIO()
    call_command(
        "import-groups", str(good), "--sheet", "thanh-vien", "--user", editor.username, stdout=out
    )
    assert "Đã nhập: 1 dòng thành viên." in out.getvalue()
    assert GroupMember.objects.filter(full_name="Lý Văn Tú").count() == 1


def test_an_import_keeps_the_stock_cube_equal_to_the_records(world):
    from binhyen.groups import cube as stock_facts
    from binhyen.groups.models import StockFact

    editor = f.user(role=Role.EDITOR, unit=world["cs"])
    rows = [
        {
            "group": "NT-A",
            "full_name": f"Lê Văn Số {i}",
            "role": "thanh_vien",
            "joined": D(2023, 1, 1 + i),
        }
        for i in range(5)
    ]
    before = StockFact.objects.count()
    result = excel.import_spreadsheet(editor, excel.MEMBERS, xlsx(excel.member_spec(), rows))
    assert result.ok, messages(result)
    assert StockFact.objects.count() > before
    assert stock_facts.verify() == []
    hcm = world["hcm"]
    assert stock_facts.figure(hcm.pk, "members", D(2023, 1, 31), by_child=False) == {
        (): GroupMember.objects.filter(group__unit__path__startswith=hcm.path)
        .active_on(D(2023, 1, 31))
        .count()
    }
