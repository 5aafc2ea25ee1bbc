"""The emulation pages as officers meet them: the movements and a movement's titles, a unit
registering through its page and seeing its children's coverage, self-assessing beside the
live figures and submitting, the province recognising it from its queue (and an editor who
may not), and every page a 404 outside the reader's scope, within 15 queries."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from binhyen import factories as f
from binhyen.emulation import services
from binhyen.emulation.models import CriterionKind, HolderKind, Registration, RegistrationState
from binhyen.org.scoping import Role

YEAR = 2022
SESSIONS = "activity.sessions[kind=tuyen_truyen]"


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    gt = f.group_tree()
    other = f.unit(gt["root"], "ldld_tinh", code="G-DN", name="Liên đoàn Lao động tỉnh Đồng Nai")
    cs2 = f.unit(gt["ward_union"], "cd_co_so", code="G-HCM-LT-CS2", name="Công đoàn cơ sở Dệt B")
    people = {
        "admin": f.user("hcm-admin", Role.ADMIN, gt["hcm"]),
        "approver": f.user("hcm-approver", Role.APPROVER, gt["hcm"]),
        "hcm_editor": f.user("hcm-editor", Role.EDITOR, gt["hcm"]),
        "cs_editor": f.user("cs-editor", Role.EDITOR, gt["cs"]),
        "ward_editor": f.user("ward-editor", Role.EDITOR, gt["ward_union"]),
        "outsider": f.user("dn-approver", Role.APPROVER, other),
    }
    movement = services.create_movement(
        people["admin"],
        issuer=gt["hcm"],
        code="antq",
        name="Toàn dân bảo vệ an ninh Tổ quốc",
        start=datetime.date(2018, 1, 1),
        end=datetime.date(2025, 12, 31),
    )
    title = services.create_title(
        people["admin"],
        movement,
        code="cs-an-toan",
        name="Cơ sở an toàn về an ninh, trật tự",
        holder=HolderKind.GRASSROOTS,
    )
    upper = services.create_title(
        people["admin"], movement, code="cd-cap-tren", name="Công đoàn vững mạnh", holder="cap_tren"
    )
    sessions = services.add_criterion(
        people["admin"],
        title,
        label="Ít nhất 4 buổi tuyên truyền trong năm",
        kind=CriterionKind.COMPUTED,
        indicator=SESSIONS,
        comparison="ge",
        threshold=4,
    )
    plan = services.add_criterion(
        people["admin"],
        title,
        label="Có phương án phòng cháy chữa cháy",
        kind=CriterionKind.ATTESTED,
        evidence="Phương án PCCC được duyệt",
    )
    f.activity(gt["cs"], date=datetime.date(YEAR, 3, 15), sessions=3)
    f.activity(gt["cs"], date=datetime.date(YEAR, 9, 1), sessions=2)
    return dict(
        gt,
        other=other,
        cs2=cs2,
        movement=movement,
        title=title,
        upper=upper,
        sessions=sessions,
        plan=plan,
        **people,
    )


def as_(user):
    c = Client()
    c.force_login(user)
    return c


def regs_url(unit, year=YEAR):
    return f"{reverse('emulation:registrations')}?unit={unit.code}&year={year}"


def submitted(w):
    reg = services.register(w["cs_editor"], w["cs"], w["title"], YEAR)
    reg = services.self_assess(
        w["cs_editor"], reg, attested={w["plan"].pk: {"met": True, "note": "Đã duyệt"}}
    )
    return services.submit(w["cs_editor"], reg)


# ---------------------------------------------------------------- movements


def test_movements_list_shows_the_movements_issued_above_and_inside(
    world, django_assert_max_num_queries
):
    for who in ("admin", "cs_editor"):
        c = as_(world[who])
        with django_assert_max_num_queries(15):
            page = c.get(reverse("emulation:movements"), {"year": YEAR})
        assert page.status_code == 200
        assert "Toàn dân bảo vệ an ninh Tổ quốc" in page.content.decode()
    assert (
        "Phát động phong trào"
        in as_(world["admin"]).get(reverse("emulation:movements")).content.decode()
    )
    other_year = as_(world["admin"]).get(reverse("emulation:movements"), {"year": 2017})
    assert "Toàn dân bảo vệ" not in other_year.content.decode()
    assert (
        "Toàn dân bảo vệ"
        not in as_(world["outsider"]).get(reverse("emulation:movements")).content.decode()
    )


def test_movement_page_shows_titles_criteria_and_the_indicator_label(
    world, django_assert_max_num_queries
):
    url = reverse("emulation:movement", args=[world["movement"].pk])
    c = as_(world["cs_editor"])
    with django_assert_max_num_queries(15):
        page = c.get(url)
    html = page.content.decode()
    assert "Cơ sở an toàn về an ninh, trật tự" in html
    assert "Ít nhất 4 buổi tuyên truyền trong năm" in html
    assert "Phương án PCCC được duyệt" in html
    assert "Thêm danh hiệu" not in html
    assert "Thêm danh hiệu" in as_(world["admin"]).get(url).content.decode()
    assert as_(world["outsider"]).get(url).status_code == 404


def test_an_admin_creates_a_movement_title_and_criterion_through_the_pages(world):
    c = as_(world["admin"])
    page = c.post(
        reverse("emulation:movement_create"),
        {
            "issuer": world["hcm"].pk,
            "code": "5k3p",
            "name": "5 không, 3 phòng",
            "start": "01/01/2024",
            "end": "31/12/2026",
        },
    )
    assert page.status_code == 302
    movement = world["movement"].__class__.objects.get(code="5k3p")
    page = c.post(
        reverse("emulation:title_create", args=[movement.pk]),
        {
            "code": "5k3p-cs",
            "name": "Đơn vị 5 không",
            "holder": "co_so",
            "recognising_rank": 1,
            "rule": "tat_ca",
        },
    )
    assert page.status_code == 302
    title = movement.titles.get()
    url = reverse("emulation:criterion_create", args=[title.pk])
    page = c.post(
        url,
        {
            "label": "Sai chỉ tiêu",
            "kind": "tu_dong",
            "indicator": "activity.khong_co",
            "comparison": "ge",
            "threshold": "1",
            "score": "1",
        },
    )
    assert page.status_code == 200
    assert "activity.khong_co" in page.content.decode()
    assert not title.criteria.exists()
    page = c.post(
        url,
        {
            "label": "Ít nhất 2 buổi",
            "kind": "tu_dong",
            "indicator": SESSIONS,
            "comparison": "ge",
            "threshold": "2",
            "score": "1",
        },
    )
    assert page.status_code == 302
    html = c.get(reverse("emulation:movement", args=[movement.pk])).content.decode()
    assert "Ít nhất 2 buổi" in html


def test_an_editor_may_not_create_titles(world):
    url = reverse("emulation:title_create", args=[world["movement"].pk])
    assert as_(world["hcm_editor"]).get(url).status_code == 404
    assert as_(world["cs_editor"]).post(url, {"code": "x", "name": "x"}).status_code == 404


# ---------------------------------------------------------------- registrations


def test_a_grassroots_union_registers_through_its_page(world, django_assert_max_num_queries):
    c = as_(world["cs_editor"])
    with django_assert_max_num_queries(15):
        page = c.get(regs_url(world["cs"]))
    html = page.content.decode()
    assert "Cơ sở an toàn về an ninh, trật tự" in html
    assert "Công đoàn vững mạnh" not in html  # an upper union's title does not fit
    page = c.post(regs_url(world["cs"]), {"title": world["title"].pk})
    assert page.status_code == 302
    reg = Registration.objects.get()
    assert (reg.unit, reg.title, reg.year) == (world["cs"], world["title"], YEAR)
    again = c.post(regs_url(world["cs"]), {"title": world["title"].pk})
    assert again.status_code == 400
    assert "đã đăng ký danh hiệu" in again.content.decode()
    assert Registration.objects.count() == 1


def test_the_upper_unit_sees_its_childrens_coverage(world, django_assert_max_num_queries):
    services.register(world["cs_editor"], world["cs"], world["title"], YEAR)
    c = as_(world["ward_editor"])
    with django_assert_max_num_queries(15):
        page = c.get(regs_url(world["ward_union"]))
    html = page.content.decode()
    assert "1/2" in html and "50%" in html
    assert "Công đoàn cơ sở Dệt B" in html and "Chưa đăng ký" in html


def test_registrations_of_a_unit_out_of_scope_are_a_404(world):
    assert as_(world["outsider"]).get(regs_url(world["cs"])).status_code == 404
    assert as_(world["cs_editor"]).get(regs_url(world["ward_union"])).status_code == 404


# ---------------------------------------------------------------- a registration


def test_self_assess_and_submit_through_the_page(world, django_assert_max_num_queries):
    reg = services.register(world["cs_editor"], world["cs"], world["title"], YEAR)
    c = as_(world["cs_editor"])
    url = reverse("emulation:registration", args=[reg.pk])
    with django_assert_max_num_queries(15):
        page = c.get(url)
    html = page.content.decode()
    assert "Ít nhất 4 buổi tuyên truyền trong năm" in html
    assert "Tự chấm" in html
    # met without file or note: refused on the criterion, nothing saved
    page = c.post(reverse("emulation:assess", args=[reg.pk]), {f"met_{world['plan'].pk}": "on"})
    assert page.status_code == 400
    assert "hãy gửi tệp minh chứng hoặc giải trình" in page.content.decode()
    reg.refresh_from_db()
    assert reg.state == RegistrationState.REGISTERED
    evidence = SimpleUploadedFile("pa.pdf", b"%PDF-1.4 phuong an", "application/pdf")
    page = c.post(
        reverse("emulation:assess", args=[reg.pk]),
        {f"met_{world['plan'].pk}": "on", f"evidence_{world['plan'].pk}": evidence},
    )
    assert page.status_code == 302
    reg.refresh_from_db()
    assert reg.state == RegistrationState.ASSESSED and reg.passed
    html = c.get(url).content.decode()
    assert "5" in html and "đạt" in html
    assert "Gửi lên cấp xét công nhận" in html
    assert c.post(reverse("emulation:submit", args=[reg.pk])).status_code == 302
    reg.refresh_from_db()
    assert reg.state == RegistrationState.SUBMITTED
    history = c.get(reverse("emulation:history", args=[reg.pk]))
    assert "Đã gửi" in history.content.decode()


def test_the_province_recognises_from_its_queue(world, django_assert_max_num_queries):
    reg = submitted(world)
    c = as_(world["approver"])
    with django_assert_max_num_queries(15):
        queue = c.get(reverse("emulation:queue"))
    assert "Cơ sở an toàn về an ninh, trật tự" in queue.content.decode()
    with django_assert_max_num_queries(15):
        page = c.get(reverse("emulation:registration", args=[reg.pk]))
    assert "Xét công nhận" in page.content.decode()
    page = c.post(
        reverse("emulation:review", args=[reg.pk]),
        {"decision": "cong_nhan", f"check_{world['plan'].pk}": "on", "note": "Đạt"},
    )
    assert page.status_code == 302
    reg.refresh_from_db()
    assert reg.state == RegistrationState.RECOGNISED
    assert (
        "Đã công nhận" in c.get(reverse("emulation:registration", args=[reg.pk])).content.decode()
    )
    assert "Cơ sở an toàn" not in c.get(reverse("emulation:queue")).content.decode()


def test_a_return_needs_a_reason(world):
    reg = submitted(world)
    page = as_(world["approver"]).post(
        reverse("emulation:review", args=[reg.pk]), {"decision": "tra_lai", "note": ""}
    )
    assert page.status_code == 400
    assert "Hãy ghi lý do trả lại." in page.content.decode()
    reg.refresh_from_db()
    assert reg.state == RegistrationState.SUBMITTED


def test_an_editor_cannot_review(world):
    reg = submitted(world)
    for who in ("hcm_editor", "cs_editor"):
        c = as_(world[who])
        assert (
            "Xét công nhận"
            not in c.get(reverse("emulation:registration", args=[reg.pk])).content.decode()
        )
        page = c.post(reverse("emulation:review", args=[reg.pk]), {"decision": "cong_nhan"})
        assert page.status_code == 404
        assert "Cơ sở an toàn" not in c.get(reverse("emulation:queue")).content.decode()
    reg.refresh_from_db()
    assert reg.state == RegistrationState.SUBMITTED


def test_a_registration_out_of_scope_is_a_404(world):
    reg = submitted(world)
    c = as_(world["outsider"])
    for name in ("registration", "history"):
        assert c.get(reverse(f"emulation:{name}", args=[reg.pk])).status_code == 404
    assert c.post(reverse("emulation:submit", args=[reg.pk])).status_code == 404
