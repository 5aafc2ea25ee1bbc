"""The union-tree pages as each role sees them, and the admin actions done through them."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import User

from binhyen import factories as f
from binhyen.org.models import Assignment, Unit, UnitEvent
from binhyen.org.scoping import Role

D = datetime.date
pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


def page(code, action=""):
    return f"/don-vi/{code}/{action + '/' if action else ''}"


# --- who sees what ---------------------------------------------------------------------------


def test_pages_need_login(client, tree):
    for url in ["/don-vi/", page("HCM"), page("HCM", "lich-su")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/tai-khoan/login/")


ROLE_CASES = [Role.VIEWER, Role.EDITOR, Role.APPROVER, Role.ADMIN]
HOLDER_UNITS = ["hcm", "q9", "cs1", "tg"]


def test_unit_page_permission_matrix(client, tree):
    """Every role held at every level × every unit of the tree: the unit page is 200 inside the
    holder's subtree and 404 (never 403) everywhere else, and nothing outside is named."""
    tried = 0
    for role, holder in itertools.product(ROLE_CASES, HOLDER_UNITS):
        user = f.user(role=role, unit=tree[holder])
        as_user(client, user)
        for name, target in tree.items():
            response = client.get(page(target.code))
            inside = target.path.startswith(tree[holder].path)
            assert response.status_code == (200 if inside else 404), (role, holder, name)
            if inside:
                for other in tree.values():
                    if not other.path.startswith(tree[holder].path):
                        assert other.name not in response.content.decode(), (
                            role,
                            holder,
                            name,
                            other.name,
                        )
            tried += 1
    print(f"unit page permission matrix: {tried} cases, 0 leaks")
    assert tried == len(ROLE_CASES) * len(HOLDER_UNITS) * len(tree)


def test_superuser_sees_the_root_on_home(client, tree):
    response = as_user(client, f.superuser()).get("/")
    assert "Tổng Liên đoàn Lao động Việt Nam" in response.content.decode()


def test_home_shows_the_top_units_of_the_scope(client, tree):
    user = f.user(role=Role.VIEWER, unit=tree["q9"])
    f.services.assign_role(f.superuser(), user, tree["mt"], Role.EDITOR)
    body = as_user(client, user).get("/").content.decode()
    assert "Liên đoàn Lao động Quận 9" in body
    assert "Liên đoàn Lao động thành phố Mỹ Tho" in body
    assert "1 đơn vị trực thuộc · 1 công đoàn cơ sở" in body
    assert "Thành phố Hồ Chí Minh" not in body
    assert "Tiền Giang" not in body


def test_user_without_assignment_gets_an_empty_state(client, tree):
    body = as_user(client, f.user()).get("/").content.decode()
    assert "Bạn chưa được phân công phụ trách đơn vị nào." in body
    assert as_user(client, f.user()).get(page("HCM")).status_code == 404


def test_police_liaison_sees_the_units_in_their_wards(client, tree):
    hcm_province = f.area("79", "province")
    ward, other_ward = list(f.services.wards_of_province(hcm_province)[:2])
    in_ward = f.unit(
        tree["q9"],
        "cd_co_so",
        code="CS-WARD",
        name="Công đoàn cơ sở Công ty Giày Bình An",
        province=hcm_province,
        ward=ward,
    )
    f.unit(
        tree["q9"],
        "cd_co_so",
        code="CS-ELSE",
        name="Công đoàn cơ sở Công ty Dệt Phước Long",
        province=hcm_province,
        ward=other_ward,
    )
    police = f.user(role=Role.POLICE, unit=tree["hcm"], wards=[ward])
    as_user(client, police)
    body = client.get("/").content.decode()
    assert "Công ty Giày Bình An" in body
    assert "Công ty Dệt Phước Long" not in body
    assert client.get(page(in_ward.code)).status_code == 200
    assert client.get(page("CS-ELSE")).status_code == 404
    assert client.get(page("HCM-Q9")).status_code == 404


# --- search ------------------------------------------------------------------------------------


def test_search_ignores_diacritics(client, tree):
    response = as_user(client, f.superuser()).get("/don-vi/", {"q": "lien doan quan 9"})
    body = response.content.decode()
    assert '<a href="/don-vi/HCM-Q9/">Liên đoàn Lao động Quận 9</a>' in body
    assert [u.code for u in response.context["object_list"]] == ["HCM-Q9"]


def test_search_stays_inside_the_scope(client, tree):
    viewer = f.user(role=Role.VIEWER, unit=tree["q9"])
    body = as_user(client, viewer).get("/don-vi/", {"q": "lien doan"}).content.decode()
    assert "Liên đoàn Lao động Quận 9" in body
    assert "Thủ Đức" not in body
    assert "Mỹ Tho" not in body
    # the result's parent is named only when the reader may see it
    assert "Thành phố Hồ Chí Minh" not in body


def test_search_filters_kind_and_status(client, tree):
    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    f.services.merge_units(admin, [tree["q9"]], tree["td"], D(2021, 1, 1))
    as_user(client, f.superuser())
    body = client.get("/don-vi/", {"kind": "cd_co_so"}).content.decode()
    assert "Công ty Điện tử Sài Gòn" in body and 'href="/don-vi/HCM-Q9/"' not in body
    closed = client.get("/don-vi/", {"status": "closed"}).content.decode()
    assert 'href="/don-vi/HCM-Q9/"' in closed and 'href="/don-vi/HCM-TD/"' not in closed
    assert "Đã kết thúc ngày 31/12/2020" in closed
    opened = client.get("/don-vi/", {"status": "open", "q": "quan 9"}).content.decode()
    assert "Không tìm thấy đơn vị nào phù hợp." in opened


def test_search_answers_htmx_with_the_results_alone(client, tree):
    response = as_user(client, f.superuser()).get(
        "/don-vi/", {"q": "my tho"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Liên đoàn Lao động thành phố Mỹ Tho" in body
    assert [t.name for t in response.templates][0] == "org/_unit_results.html"


def test_search_is_paginated_in_vietnamese(client, tree):
    for n in range(55):
        f.unit(
            tree["cs1"].parent,
            "cd_co_so",
            code=f"PG{n:03d}",
            name=f"Công đoàn cơ sở Phân trang {n}",
        )
    response = as_user(client, f.superuser()).get("/don-vi/", {"q": "phan trang"})
    body = response.content.decode()
    assert len(response.context["object_list"]) == 50
    assert "Trang 1/2 · 55 mục" in body and "Trang sau" in body
    assert len(client.get("/don-vi/", {"q": "phan trang", "page": 2}).context["object_list"]) == 5


# --- the unit page -----------------------------------------------------------------------------


def test_breadcrumb_starts_at_the_top_of_the_scope(client, tree):
    viewer = f.user(role=Role.VIEWER, unit=tree["q9"])
    body = as_user(client, viewer).get(page("HCM-Q9-CS1")).content.decode()
    crumbs = body[body.index('class="breadcrumb"') : body.index("</ol>")]
    assert "Liên đoàn Lao động Quận 9" in crumbs
    assert "Hồ Chí Minh" not in crumbs and "Tổng Liên đoàn" not in crumbs
    full = as_user(client, f.superuser()).get(page("HCM-Q9-CS1")).content.decode()
    crumbs = full[full.index('class="breadcrumb"') : full.index("</ol>")]
    assert crumbs.index("Tổng Liên đoàn") < crumbs.index("Hồ Chí Minh") < crumbs.index("Quận 9")


def test_unit_page_shows_facts_children_counts_and_events(client, tree):
    f.unit(
        tree["q9"],
        "cd_co_so",
        code="HCM-Q9-CS2",
        name="Công đoàn cơ sở Công ty Samsung Vina",
        enterprise_name="Công ty TNHH Samsung Vina",
        ownership="fdi",
        workforce=3807,
        members=3500,
    )
    f.unit(
        tree["q9"],
        "cd_co_so",
        code="HCM-Q9-OLD",
        name="Công đoàn cơ sở đã giải thể",
        valid_to=D(2019, 6, 30),
    )
    as_user(client, f.superuser())
    response = client.get(page("HCM"))
    rows = {u.code: (u.n_children, u.n_grassroots) for u in response.context["children"]}
    assert rows == {"HCM-Q9": (2, 2), "HCM-TD": (1, 1)}  # the closed one is not counted
    q9_children = [u.code for u in client.get(page("HCM-Q9")).context["children"]]
    assert q9_children[-1] == "HCM-Q9-OLD"  # closed units come after the open ones
    body = client.get(page("HCM-Q9-CS2")).content.decode()
    assert "3.807" in body and "3.500" in body
    assert (
        "Thêm đơn vị trực thuộc" not in body and "Đơn vị trực thuộc" not in body
    )  # grassroots: bottom
    assert "Có vốn đầu tư nước ngoài (FDI)" in body
    assert "01/01/2015" in body and "Thành lập" in body


def test_closed_unit_is_marked_with_its_last_day_and_successor(client, tree):
    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    f.services.merge_units(admin, [tree["q9"]], tree["td"], D(2021, 1, 1))
    as_user(client, admin)
    body = client.get(page("HCM-Q9")).content.decode()
    assert "Đã kết thúc ngày 31/12/2020" in body
    assert "Sáp nhập" in body and "vào Liên đoàn Lao động Thành phố Thủ Đức" in body
    assert 'href="/don-vi/HCM-TD/"' in body
    successor = client.get(page("HCM-TD")).content.decode()
    assert "Tiếp nhận từ" in successor and "Liên đoàn Lao động Quận 9" in successor


def test_successor_outside_the_scope_is_not_named(client, tree):
    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    f.services.merge_units(admin, [tree["q9"]], tree["td"], D(2021, 1, 1))
    viewer = f.user(role=Role.VIEWER, unit=tree["q9"])
    body = as_user(client, viewer).get(page("HCM-Q9")).content.decode()
    assert "Thủ Đức" not in body
    assert "(ngoài phạm vi của bạn)" in body


def test_people_are_shown_to_admins_only(client, tree):
    f.user(
        username="can-bo-q9",
        role=Role.EDITOR,
        unit=tree["q9"],
        last_name="Lê Văn",
        first_name="Bình",
    )
    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    viewer = f.user(role=Role.VIEWER, unit=tree["hcm"])
    people = as_user(client, admin).get(page("HCM-Q9")).content.decode()
    assert "Lê Văn Bình" in people and "can-bo-q9" in people and "Nhập liệu" in people
    body = as_user(client, viewer).get(page("HCM-Q9")).content.decode()
    assert "can-bo-q9" not in body
    assert "Thêm đơn vị trực thuộc" not in body and "Sửa" not in body


@pytest.fixture
def big_tree(tree):
    """More than 100 units, so an N+1 query shows up in the counts."""
    for n in range(110):
        parent = tree["q9"] if n % 2 else tree["td"]
        f.unit(parent, "cd_co_so", code=f"BIG{n:03d}", name=f"Công đoàn cơ sở số {n}")
    admin = f.user(role=Role.ADMIN, unit=tree["hcm"])
    for n in range(30):
        f.user(role=Role.EDITOR, unit=tree["q9"], username=f"nguoi{n}")
    police = f.user(
        role=Role.POLICE,
        unit=tree["hcm"],
        wards=list(f.services.wards_of_province(f.area("79", "province"))[:3]),
    )
    return dict(tree, admin=admin, police=police)


LIST_PAGES = [
    "/",
    "/don-vi/",
    "/don-vi/?q=cong+doan&status=open",
    page("HCM"),
    page("HCM-Q9"),
    page("HCM-Q9", "lich-su"),
    page("BIG001"),
    page("HCM-Q9", "chuyen"),
    page("HCM-Q9", "phan-cong"),
    "/nguoi-dung/nguoi1/lich-su/",
]


def test_pages_stay_within_15_queries(client, big_tree, django_assert_max_num_queries):
    for who in ("admin", "police", "superuser"):
        as_user(client, f.superuser() if who == "superuser" else big_tree[who])
        for url in LIST_PAGES:
            with django_assert_max_num_queries(15):
                response = client.get(url)
            # the police liaison's wards hold none of these units: their pages are 404
            unit_page = url not in ("/", "/don-vi/") and "?" not in url
            assert response.status_code == (404 if who == "police" and unit_page else 200), (
                who,
                url,
            )


# --- admin actions -----------------------------------------------------------------------------


@pytest.fixture
def admin(client, tree):
    user = f.user(username="quan-tri-tp", role=Role.ADMIN, unit=tree["hcm"])
    as_user(client, user)
    return user


def unit_form(**overrides):
    data = {
        "code": "HCM-Q9-CS9",
        "name": "Công đoàn cơ sở Công ty Nidec",
        "short_name": "",
        "kind": f.kind("cd_co_so").pk,
        "province": "",
        "ward": "",
        "valid_from": "15/03/2019",
        "enterprise_name": "Công ty TNHH Nidec Việt Nam",
        "ownership": "fdi",
        "workforce": "2400",
        "members": "2100",
    }
    data.update(overrides)
    return data


def test_admin_creates_a_child_unit(client, admin, tree):
    province = f.area("79", "province")
    ward = f.services.wards_of_province(province).first()
    response = client.post(page("HCM-Q9", "them"), unit_form(province=province.pk, ward=ward.pk))
    assert response.status_code == 302 and response["Location"] == "/don-vi/HCM-Q9-CS9/"
    unit = Unit.objects.get(code="HCM-Q9-CS9")
    assert unit.parent_id == tree["q9"].pk and unit.valid_from == D(2019, 3, 15)
    assert unit.ward == ward and unit.workforce == 2400
    assert unit.history.first().history_user == admin


def test_create_with_a_duplicate_code_is_refused_next_to_the_field(client, admin, tree):
    before = Unit.objects.count()
    response = client.post(page("HCM-Q9", "them"), unit_form(code="HCM-TD"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "code" in errors and "đã tồn tại" in errors["code"][0]
    body = response.content.decode()
    assert body.index('name="code"') < body.index(errors["code"][0]) < body.index('name="name"')
    assert Unit.objects.count() == before


def test_create_with_bad_date_and_foreign_ward_is_refused(client, admin, tree):
    province = f.area("79", "province")
    elsewhere = f.services.wards_of_province(f.area("01", "province")).first()
    response = client.post(
        page("HCM-Q9", "them"),
        unit_form(valid_from="2019-31-12", province=province.pk, ward=elsewhere.pk),
    )
    errors = response.context["form"].errors
    assert errors["valid_from"] == ["Hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 31/12/2020."]
    assert errors["ward"] == ["Phường/xã này không thuộc tỉnh/thành phố đã chọn."]
    assert not Unit.objects.filter(code="HCM-Q9-CS9").exists()


def test_members_above_workforce_is_refused(client, admin, tree):
    response = client.post(page("HCM-Q9", "them"), unit_form(members="5000"))
    assert response.context["form"].errors["members"] == [
        "Số đoàn viên không được lớn hơn số lao động."
    ]
    assert not Unit.objects.filter(code="HCM-Q9-CS9").exists()


def test_ward_select_follows_the_province(client, admin):
    province = f.area("79", "province")
    response = client.get("/don-vi/phuong-xa/", {"province": province.pk})
    body = response.content.decode()
    assert body.count("<option") == f.services.wards_of_province(province).count() + 1
    assert "Phường Thủ Dầu Một" in body
    assert client.get("/don-vi/phuong-xa/", {"province": ""}).content.decode().count("<option") == 1


def test_admin_edits_a_unit(client, admin, tree):
    data = unit_form(
        code="HCM-Q9",
        name="LĐLĐ Quận 9 (đổi tên)",
        kind=f.kind("ldld_huyen").pk,
        valid_from="01/01/2015",
        enterprise_name="",
        ownership="",
        workforce="",
        members="",
    )
    response = client.post(page("HCM-Q9", "sua"), data)
    assert response.status_code == 302
    assert Unit.objects.get(pk=tree["q9"].pk).name == "LĐLĐ Quận 9 (đổi tên)"


def test_edit_form_shows_dates_as_dd_mm_yyyy(client, admin):
    body = client.get(page("HCM-Q9", "sua")).content.decode()
    assert 'value="01/01/2015"' in body


def test_admin_moves_a_unit(client, admin, tree):
    response = client.post(
        page("HCM-Q9-CS1", "chuyen"), {"parent": tree["td"].pk, "date": "01/01/2021"}
    )
    assert response.status_code == 302
    moved = Unit.objects.get(pk=tree["cs1"].pk)
    assert moved.parent_id == tree["td"].pk and moved.path.startswith(tree["td"].path)
    assert UnitEvent.objects.filter(unit=moved, kind="moved", date=D(2021, 1, 1)).exists()


def test_move_that_makes_a_cycle_is_refused(client, tree):
    top = f.user(role=Role.ADMIN, unit=tree["root"])
    as_user(client, top)
    response = client.post(page("HCM", "chuyen"), {"parent": tree["q9"].pk, "date": "01/01/2021"})
    assert response.context["form"].errors["parent"] == [
        "Không thể chuyển đơn vị vào chính nó hoặc đơn vị cấp dưới của nó."
    ]
    assert Unit.objects.get(pk=tree["hcm"].pk).parent_id == tree["root"].pk


@pytest.mark.parametrize("parent", ["unknown", "outside"])
def test_move_to_an_unknown_or_foreign_parent_is_refused(client, admin, tree, parent):
    pk = 99999999 if parent == "unknown" else tree["tg"].pk
    response = client.post(page("HCM-Q9-CS1", "chuyen"), {"parent": pk, "date": "01/01/2021"})
    assert response.context["form"].errors["parent"] == [
        "Đơn vị không tồn tại hoặc nằm ngoài phạm vi bạn được quản trị."
    ]
    assert Unit.objects.get(pk=tree["cs1"].pk).parent_id == tree["q9"].pk


def test_move_offers_only_possible_parents(client, admin, tree):
    options = client.get(page("HCM-Q9-CS1", "chuyen")).content.decode()
    assert "Liên đoàn Lao động Thành phố Thủ Đức" in options
    assert "Công ty May Thủ Đức" not in options  # grassroots cannot be a parent
    assert "Tiền Giang" not in options


def test_admin_closes_a_unit_with_a_successor(client, admin, tree):
    f.services.move_unit(admin, tree["cs1"], tree["td"], D(2020, 6, 1))
    response = client.post(
        page("HCM-Q9", "ket-thuc"), {"date": "31/12/2020", "successor": tree["td"].pk}
    )
    assert response.status_code == 302
    q9 = Unit.objects.get(pk=tree["q9"].pk)
    assert q9.valid_to == D(2020, 12, 31) and q9.successor_id == tree["td"].pk


def test_close_date_before_open_date_is_refused(client, admin, tree):
    response = client.post(page("HCM-Q9-CS1", "ket-thuc"), {"date": "31/12/2010"})
    assert response.context["form"].errors["date"] == [
        "Ngày kết thúc không được trước ngày thành lập đơn vị."
    ]
    assert Unit.objects.get(pk=tree["cs1"].pk).valid_to is None


def test_close_with_open_children_explains_why(client, admin, tree):
    response = client.post(page("HCM-Q9", "ket-thuc"), {"date": "31/12/2020"})
    body = response.content.decode()
    assert "Còn 1 đơn vị trực thuộc đang hoạt động" in body
    assert Unit.objects.get(pk=tree["q9"].pk).valid_to is None


def test_admin_merges_units(client, admin, tree):
    response = client.post(
        page("HCM-Q9", "sap-nhap"), {"target": tree["td"].pk, "date": "01/01/2021"}
    )
    assert response.status_code == 302
    q9 = Unit.objects.get(pk=tree["q9"].pk)
    assert q9.valid_to == D(2020, 12, 31) and q9.successor_id == tree["td"].pk
    assert Unit.objects.get(pk=tree["cs1"].pk).parent_id == tree["td"].pk


def test_restructuring_needs_the_parent_in_scope(client, tree):
    admin_q9 = f.user(role=Role.ADMIN, unit=tree["q9"])
    as_user(client, admin_q9)
    assert client.get(page("HCM-Q9", "sua")).status_code == 200
    for action in ("chuyen", "ket-thuc", "sap-nhap"):
        assert client.get(page("HCM-Q9", action)).status_code == 404
    assert client.get(page("HCM-Q9-CS1", "ket-thuc")).status_code == 200


def test_non_admins_get_404_on_every_action(client, tree):
    editor = f.user(role=Role.EDITOR, unit=tree["hcm"])
    as_user(client, editor)
    for action in ("them", "sua", "chuyen", "ket-thuc", "sap-nhap", "phan-cong", "nguoi-dung-moi"):
        assert client.get(page("HCM-Q9", action)).status_code == 404
        assert client.post(page("HCM-Q9", action), {}).status_code == 404


def test_admin_assigns_a_role_to_an_existing_user(client, admin, tree):
    officer = f.user(username="can-bo-moi")
    response = client.post(
        page("HCM-Q9", "phan-cong"), {"username": "can-bo-moi", "role": "editor"}
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(
        user=officer, unit=tree["q9"], role="editor", active=True
    ).exists()
    again = client.post(page("HCM-Q9", "phan-cong"), {"username": "can-bo-moi", "role": "editor"})
    assert again.context["form"].errors["role"] == [
        "Người dùng này đã có vai trò đó tại đơn vị này."
    ]
    missing = client.post(page("HCM-Q9", "phan-cong"), {"username": "khong-co", "role": "editor"})
    assert missing.context["form"].errors["username"] == [
        "Không có người dùng nào có tên đăng nhập này."
    ]


def test_police_role_needs_wards(client, admin, tree):
    officer = f.user(username="cong-an")
    response = client.post(page("HCM", "phan-cong"), {"username": "cong-an", "role": "police"})
    assert response.context["form"].errors["wards"] == [
        "Hãy chọn ít nhất một phường/xã cho công an phụ trách."
    ]
    assert not Assignment.objects.filter(user=officer).exists()


def test_admin_creates_a_user_with_a_role(client, admin, tree):
    response = client.post(
        page("HCM-Q9", "nguoi-dung-moi"),
        {
            "username": "nguyen-van-a",
            "full_name": "Nguyễn Văn A",
            "email": "a@example.vn",
            "password": "Ba-chuc-Sau-2020",
            "role": "viewer",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="nguyen-van-a")
    assert user.check_password("Ba-chuc-Sau-2020")
    assert (user.last_name, user.first_name) == ("Nguyễn Văn", "A")
    assert Assignment.objects.filter(user=user, unit=tree["q9"], role="viewer").exists()


def test_new_user_with_taken_name_or_weak_password_saves_nothing(client, admin, tree):
    taken = client.post(
        page("HCM-Q9", "nguoi-dung-moi"), {"username": "quan-tri-tp", "role": "viewer"}
    )
    assert taken.context["form"].errors["username"] == ["Tên đăng nhập này đã được dùng."]
    weak = client.post(
        page("HCM-Q9", "nguoi-dung-moi"), {"username": "b", "password": "123", "role": "viewer"}
    )
    assert weak.context["form"].errors["password"]
    assert not User.objects.filter(username="b").exists()


def test_admin_revokes_an_assignment(client, admin, tree):
    officer = f.user(role=Role.EDITOR, unit=tree["q9"])
    assignment = Assignment.objects.get(user=officer)
    assert client.get(f"/phan-cong/{assignment.pk}/thu-hoi/").status_code == 405
    response = client.post(f"/phan-cong/{assignment.pk}/thu-hoi/")
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.active is False
    outside = f.user(role=Role.EDITOR, unit=tree["tg"])
    foreign = Assignment.objects.get(user=outside)
    assert client.post(f"/phan-cong/{foreign.pk}/thu-hoi/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.active is True


# --- the Django admin (superusers) --------------------------------------------------------------


def test_superuser_has_the_django_admin(client, tree):
    root = f.superuser()
    root.is_staff = True
    root.save()
    as_user(client, root)
    q9 = tree["q9"]
    for url in [
        "/admin/org/unit/",
        f"/admin/org/unit/{q9.pk}/change/",
        f"/admin/org/unit/{q9.pk}/history/",
        "/admin/org/unitkind/",
        "/admin/org/area/?q=thu+duc",
        "/admin/org/unitevent/",
        "/admin/org/assignment/",
        "/admin/org/assignment/add/",
    ]:
        assert client.get(url).status_code == 200, url
    assert (
        client.get("/admin/org/unit/add/").status_code == 403
    )  # units are created through the pages
    data = {
        "code": "HCM-Q9",
        "name": "LĐLĐ Quận 9 (sửa trong trang quản trị)",
        "short_name": "",
        "kind": q9.kind_id,
        "province": "",
        "ward": "",
        "valid_from": "2015-01-01",
        "enterprise_name": "",
        "ownership": "",
        "workforce": "",
        "members": "",
    }
    response = client.post(f"/admin/org/unit/{q9.pk}/change/", data)
    assert response.status_code == 302
    q9 = Unit.objects.get(pk=q9.pk)
    assert q9.name == "LĐLĐ Quận 9 (sửa trong trang quản trị)"
    assert q9.history.first().history_user == root


def test_the_public_at_the_root_address_gets_the_portal(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/cong-thong-tin/"
