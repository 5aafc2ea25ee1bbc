"""The groups pages as a person sees them: list with figures, group page, forms, map, history."""

import datetime

from binhyen import factories as f
from binhyen.groups.models import Group, GroupMember
from binhyen.org.scoping import Role

D = datetime.date


def page(client, user, url, data=None):
    client.force_login(user)
    return client.get(url, data or {})


def test_list_shows_groups_and_the_headline(world, client):
    response = page(client, f.superuser(), "/mo-hinh/", {"unit": "G-HCM", "ngay": "30/06/2021"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tổ tự quản khu trọ Linh Xuân" in html
    assert "Tổ tự quản khu trọ Mỹ Tho" not in html
    assert (
        "<strong>3</strong> tổ với <strong>4</strong> thành viên, hoạt động tại <strong>2</strong> phường, xã"
        in html
    )
    assert "30/06/2021" in html


def test_list_search_ignores_accents_and_filters_by_kind(world, client):
    html = page(client, f.superuser(), "/mo-hinh/", {"q": "to tu quan linh"}).content.decode()
    assert "Tổ tự quản khu trọ Linh Xuân" in html and "Tổ tự quản khu trọ Linh Trung" in html
    assert "Tổ dư luận xã hội Tân Thuận" not in html
    html = page(client, f.superuser(), "/mo-hinh/", {"kind": "du_luan_xa_hoi"}).content.decode()
    assert "Tổ dư luận xã hội Tân Thuận" in html and "Linh Xuân</a>" not in html


def test_an_unknown_unit_gives_its_error_and_no_figures_of_the_whole_scope(world, client):
    html = page(client, f.superuser(), "/mo-hinh/", {"unit": "KHONG-CO"}).content.decode()
    assert "Không tìm thấy đơn vị" in html and "KHONG-CO" in html
    assert "stats-panel" not in html and "tổ với" not in html


def test_list_with_a_bad_date_says_so(world, client):
    html = page(client, f.superuser(), "/mo-hinh/", {"ngay": "31/02/2023"}).content.decode()
    assert "không đúng dạng dd/mm/yyyy" in html


def test_viewer_sees_masked_phones_editor_sees_them(world, client):
    url = f"/mo-hinh/{world['a'].pk}/"
    viewer = page(client, f.user(role=Role.VIEWER, unit=world["hcm"]), url).content.decode()
    assert "09******12" in viewer and "0912345612" not in viewer
    assert "07********45" in viewer and "079201012345" not in viewer
    assert "09******66" in viewer  # the landlord
    editor = page(client, f.user(role=Role.EDITOR, unit=world["cs"]), url).content.decode()
    assert "0912345612" in editor and "079201012345" in editor and "0933445566" in editor


def test_group_page_roster_over_time(world, client):
    url = f"/mo-hinh/{world['a'].pk}/"
    now = page(client, f.superuser(), url).content.decode()
    assert "Trần Thị Lan" in now and "Phạm Thị Hoa" not in now
    then = page(client, f.superuser(), url, {"ngay": "01/06/2021"}).content.decode()
    assert "Phạm Thị Hoa" in then
    everyone = page(client, f.superuser(), url, {"tat_ca": "1"}).content.decode()
    assert "Phạm Thị Hoa" in everyone and "01/05/2022" in everyone
    assert "Nhà trọ Cô Ba" in now and "Cổng khu trọ số 8" in now


def test_out_of_scope_group_is_404(world, client):
    mt_viewer = f.user(role=Role.VIEWER, unit=world["mt"])
    assert page(client, mt_viewer, f"/mo-hinh/{world['a'].pk}/").status_code == 404
    viewer = f.user(role=Role.VIEWER, unit=world["hcm"])
    assert page(client, viewer, f"/mo-hinh/{world['a'].pk}/sua/").status_code == 404
    member = world["lan"]
    assert page(client, viewer, f"/mo-hinh/thanh-vien/{member.pk}/sua/").status_code == 404


def test_register_group_outside_the_province_shows_the_error(world, client):
    editor = f.user(role=Role.EDITOR, unit=world["hcm"])
    client.force_login(editor)
    before = Group.all_objects.count()
    response = client.post(
        "/mo-hinh/dang-ky/",
        {
            "unit": world["cs"].pk,
            "kind": Group.objects.first().kind_id,
            "name": "Tổ lạc tỉnh",
            "ward": f.area("00004").pk,
            "founded": "01/03/2024",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Chưa lưu được" in html and "không thuộc Thành phố Hồ Chí Minh" in html
    assert Group.all_objects.count() == before


def test_register_group_with_a_legacy_ward(world, client):
    client.force_login(f.user(role=Role.EDITOR, unit=world["hcm"]))
    response = client.post(
        "/mo-hinh/dang-ky/",
        {
            "unit": world["cs"].pk,
            "kind": Group.objects.first().kind_id,
            "name": "Tổ mới Linh Trung",
            "ward": f.area("26800", "legacy_ward").pk,
            "founded": "01/03/2024",
        },
    )
    group = Group.objects.get(name="Tổ mới Linh Trung")
    assert response.status_code == 302 and response["Location"] == f"/mo-hinh/{group.pk}/"
    assert group.ward.name == "Phường Linh Xuân"


def test_member_form_errors_and_nothing_saved(world, client):
    client.force_login(f.user(role=Role.EDITOR, unit=world["cs"]))
    url = f"/mo-hinh/{world['a'].pk}/them-thanh-vien/"
    html = client.post(
        url,
        {
            "full_name": "Võ Văn Kiệt",
            "role": "thanh_vien",
            "joined": "01/05/2024",
            "left": "01/04/2024",
        },
    ).content.decode()
    assert "Ngày rời tổ không được trước ngày vào tổ." in html
    html = client.post(
        url, {"full_name": "Võ Văn Kiệt", "role": "to_truong", "joined": "01/05/2024"}
    ).content.decode()
    assert "Trần Thị Lan" in html and "một tổ trưởng" in html
    html = client.post(
        url,
        {
            "full_name": "Võ Văn Kiệt",
            "role": "thanh_vien",
            "joined": "01/05/2024",
            "phone": "12345",
        },
    ).content.decode()
    assert "10 chữ số" in html
    assert not GroupMember.objects.filter(full_name="Võ Văn Kiệt").exists()
    response = client.post(
        url,
        {
            "full_name": "Võ Văn Kiệt",
            "role": "thanh_vien",
            "joined": "01/05/2024",
            "phone": "0903 111 222",
        },
    )
    assert response.status_code == 302
    assert GroupMember.objects.get(full_name="Võ Văn Kiệt").phone == "0903111222"


def test_member_leaves_through_the_edit_form(world, client):
    client.force_login(f.user(role=Role.EDITOR, unit=world["cs"]))
    lan = world["lan"]
    response = client.post(
        f"/mo-hinh/thanh-vien/{lan.pk}/sua/",
        {
            "full_name": lan.full_name,
            "role": lan.role,
            "phone": lan.phone,
            "id_number": lan.id_number,
            "joined": "01/01/2020",
            "left": "15/03/2024",
        },
    )
    assert response.status_code == 302
    lan.refresh_from_db()
    assert lan.left == D(2024, 3, 15)


def test_history_masks_personal_data_for_viewers(world, client):
    url = f"/mo-hinh/{world['a'].pk}/lich-su/"
    viewer = page(client, f.user(role=Role.VIEWER, unit=world["hcm"]), url).content.decode()
    assert "Thành viên Trần Thị Lan" in viewer
    assert "0912345612" not in viewer and "09******12" in viewer
    editor = page(client, f.user(role=Role.EDITOR, unit=world["cs"]), url).content.decode()
    assert "0912345612" in editor


def test_map_draws_wards_and_cameras(world, client):
    html = page(client, f.superuser(), "/mo-hinh/ban-do/", {"unit": "G-HCM"}).content.decode()
    assert "<svg" in html and 'class="has-groups"' in html and 'class="working"' in html
    assert "Phường Linh Xuân: 1 tổ" in html
    assert "https://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_map_for_a_police_liaison_without_units_says_what_to_do(world, client):
    police = f.user(role=Role.POLICE, unit=None, wards=[f.area("26794")])
    response = page(client, police, "/mo-hinh/ban-do/")
    assert response.status_code == 200
    assert "Hãy chọn một đơn vị" in response.content.decode()


def test_pages_query_counts_are_bounded(world, client, django_assert_max_num_queries):
    client.force_login(f.user(role=Role.VIEWER, unit=world["hcm"]))
    for url in (
        "/mo-hinh/",
        f"/mo-hinh/{world['a'].pk}/",
        "/mo-hinh/ban-do/",
        "/mo-hinh/nha-tro/",
        "/mo-hinh/camera/",
        f"/mo-hinh/{world['a'].pk}/lich-su/",
    ):
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200


def test_ward_select_follows_the_chosen_unit(world, client):
    client.force_login(f.superuser())
    hcm = client.get("/mo-hinh/phuong-xa/", {"unit": world["cs"].pk}).content.decode()
    assert "Phường Linh Xuân" in hcm and "Phường Mỹ Tho" not in hcm
    assert "Phường Linh Trung — Thành phố Thủ Đức → Phường Linh Xuân" in hcm  # an old ward, mapped
    dong_thap = client.get("/mo-hinh/phuong-xa/", {"unit": world["mt"].pk}).content.decode()
    assert "Phường Mỹ Tho" in dong_thap and "Phường Linh Xuân" not in dong_thap


def test_admin_lists_groups_without_personal_data(world, client):
    root = f.superuser()
    root.is_staff = True
    root.save()
    client.force_login(root)
    assert client.get("/admin/groups/group/").status_code == 200
    detail = client.get(f"/admin/groups/groupmember/{world['lan'].pk}/change/").content.decode()
    assert "Trần Thị Lan" in detail and "0912345612" not in detail


def test_police_liaison_sees_their_wards_groups_masked(world, client):
    police = f.user(role=Role.POLICE, unit=None, wards=[f.area("26794")])
    listing = page(client, police, "/mo-hinh/").content.decode()
    assert (
        "Tổ tự quản khu trọ Linh Xuân" in listing and "Tổ dư luận xã hội Tân Thuận" not in listing
    )
    assert "Đăng ký tổ, mô hình" not in listing
    detail = page(client, police, f"/mo-hinh/{world['a'].pk}/").content.decode()
    assert "09******12" in detail and "0912345612" not in detail
    assert "Thêm thành viên" not in detail


def test_group_page_lists_the_groups_activities_the_reader_may_see(world, client):
    f.activity(
        world["cs"],
        title="Tuần tra khu trọ đêm 15/3",
        kind="tuyen_truyen",
        group=world["a"],
        attendances=12,
    )
    f.activity(world["cs"], title="Hoạt động không của tổ")
    html = page(
        client, f.user(role=Role.VIEWER, unit=world["hcm"]), f"/mo-hinh/{world['a'].pk}/"
    ).content.decode()
    assert "Tuần tra khu trọ đêm 15/3" in html and "12 lượt người" in html
    assert "Hoạt động không của tổ" not in html
