"""The award pages as officers meet them: proposals (list, form, page), decisions (form with the
register's next number, page, DOCX), the awards list with its accent-free search; out of scope
is a 404, refusals land on the field, nothing half-saved, and each page stays within 15
queries."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document

from binhyen import factories as f
from binhyen.emulation import services
from binhyen.emulation.models import (
    Award,
    AwardDecision,
    AwardForm,
    AwardProposal,
    RecipientKind,
)
from binhyen.org.scoping import Role

YEAR = 2024


@pytest.fixture
def world(db):
    gt = f.group_tree()
    other = f.unit(gt["root"], "ldld_tinh", code="G-DN", name="Liên đoàn Lao động tỉnh Đồng Nai")
    people = {
        "admin": f.user("hcm-admin", Role.ADMIN, gt["hcm"]),
        "approver": f.user("hcm-approver", Role.APPROVER, gt["hcm"]),
        "cs_editor": f.user("cs-editor", Role.EDITOR, gt["cs"]),
        "outsider": f.user("dn-approver", Role.APPROVER, other),
    }
    movement = services.create_movement(
        people["admin"],
        issuer=gt["hcm"],
        code="antq",
        name="Toàn dân bảo vệ an ninh Tổ quốc",
        start=datetime.date(2018, 1, 1),
    )
    return dict(gt, other=other, movement=movement, **people)


def propose(w, **kw):
    kw.setdefault("unit", w["hcm"])
    kw.setdefault("recipient_kind", RecipientKind.UNIT)
    kw.setdefault("recipient_unit", w["cs"])
    kw.setdefault("form", "bang_khen_ldld")
    kw.setdefault("year", YEAR)
    kw.setdefault("movement", w["movement"])
    kw.setdefault("achievement", "Tổ chức 5 buổi tuyên truyền, không để xảy ra vụ việc.")
    return services.propose_award(kw.pop("actor", w["admin"]), **kw)


def decide(w, proposals, number=3):
    return services.issue_decision(
        w["approver"],
        issuer=w["hcm"],
        number=number,
        symbol="QĐ-LĐLĐ",
        date=datetime.date(2025, 1, 10),
        signer="Nguyễn Văn An",
        summary="Về việc khen thưởng phong trào bảo vệ ANTQ năm 2024",
        proposals=proposals,
    )


def login(client, user):
    client.force_login(user)
    return client


def page(client, name, *args, **params):
    return client.get(reverse(f"awards:{name}", args=args), params)


def test_proposal_pages_for_the_right_people(world, client, django_assert_max_num_queries):
    for i in range(3):
        propose(world, recipient_kind=RecipientKind.PERSON, person_name=f"Người {i}")
    flagged = f.enterprise(world["cs"], union=world["cs"])
    f.incident(world["cs"], "ngung_viec", started_at=datetime.date(YEAR, 5, 4), enterprise=flagged)
    p = propose(world, override_reason="Đã phối hợp giải quyết trong ngày")
    login(client, world["admin"])
    with django_assert_max_num_queries(15):
        r = page(client, "proposals")
    assert r.status_code == 200
    assert "Người 2" in r.text and "Có lưu ý" in r.text
    with django_assert_max_num_queries(15):
        r = page(client, "proposals", luu_y="1", nam=str(YEAR), form="bang_khen_ldld")
    assert "Công ty Giày Linh Xuân" in r.text and "Người 2" not in r.text
    with django_assert_max_num_queries(15):
        r = page(client, "proposal", p.pk)
    assert "trái luật" in r.text and "Đã phối hợp giải quyết" in r.text
    login(client, world["outsider"])
    assert page(client, "proposal", p.pk).status_code == 404
    assert "Người 2" not in page(client, "proposals").text


def test_propose_form_saves_and_flags(world, client, django_assert_max_num_queries):
    login(client, world["cs_editor"])
    with django_assert_max_num_queries(15):
        assert page(client, "propose").status_code == 200
    data = {
        "unit": world["cs"].pk,
        "recipient_kind": RecipientKind.PERSON,
        "recipient_unit": world["cs"].pk,
        "person_name": "Lê Văn Bình",
        "person_position": "Tổ trưởng công đoàn",
        "form": world_form("giay_khen"),
        "year": YEAR,
        "movement": world["movement"].pk,
        "achievement": "Vận động 40 công nhân tham gia tổ tự quản.",
    }
    r = client.post(reverse("awards:propose"), data)
    assert r.status_code == 302
    proposal = AwardProposal.objects.get()
    assert proposal.person_name == "Lê Văn Bình" and proposal.proposed_by == world["cs_editor"]
    # a collective with an unlawful stoppage: the flag's message on the reason field, unsaved
    firm = f.enterprise(world["cs"], union=world["cs"])
    f.incident(world["cs"], "ngung_viec", started_at=datetime.date(YEAR, 5, 4), enterprise=firm)
    data.update(
        recipient_kind=RecipientKind.UNIT, person_name="", form=world_form("bang_khen_ldld")
    )
    r = client.post(reverse("awards:propose"), data)
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert "trái luật" in errors["override_reason"][0]
    assert "Hãy ghi lý do" in r.text
    assert AwardProposal.objects.count() == 1
    data["override_reason"] = "Đã đối thoại, người lao động trở lại làm việc trong ngày."
    assert client.post(reverse("awards:propose"), data).status_code == 302
    assert AwardProposal.objects.exclude(flags=[]).count() == 1
    # an enterprise the reader sees is a collective
    data.update(recipient_kind=RecipientKind.ENTERPRISE, enterprise=firm.pk, override_reason="x")
    data["form"] = world_form("giay_khen")
    assert client.post(reverse("awards:propose"), data).status_code == 302
    assert AwardProposal.objects.filter(enterprise=firm).exists()


def world_form(code):
    return AwardForm.objects.get(code=code).pk


def test_proposing_outside_ones_scope_is_refused_on_the_field(world, client):
    login(client, world["admin"])
    data = {
        "unit": world["ward_union"].pk,
        "recipient_kind": RecipientKind.UNIT,
        "recipient_unit": world["hcm"].pk,  # seen, but above the proposing unit
        "form": world_form("giay_khen"),
        "year": YEAR,
        "achievement": "Thành tích",
    }
    r = client.post(reverse("awards:propose"), data)
    assert (
        "chỉ đề nghị khen thưởng trong đơn vị mình" in r.context["form"].errors["recipient_unit"][0]
    )
    login(client, world["cs_editor"])
    data.update(unit=world["cs"].pk, recipient_unit=world["other"].pk)
    r = client.post(reverse("awards:propose"), data)
    assert "phạm vi" in r.context["form"].errors["recipient_unit"][0]
    data.update(unit=world["hcm"].pk, recipient_unit=world["cs"].pk)
    r = client.post(reverse("awards:propose"), data)
    assert "unit" in r.context["form"].errors
    assert not AwardProposal.objects.exists()


def test_a_duplicate_award_is_refused(world, client):
    decide(world, [propose(world)])
    login(client, world["admin"])
    data = {
        "unit": world["hcm"].pk,
        "recipient_kind": RecipientKind.UNIT,
        "recipient_unit": world["cs"].pk,
        "form": world_form("bang_khen_ldld"),
        "year": YEAR,
        "movement": world["movement"].pk,
        "achievement": "Lần nữa",
    }
    r = client.post(reverse("awards:propose"), data)
    assert "đã được tặng" in r.context["form"].errors["form"][0]
    assert AwardProposal.objects.count() == 1


def test_decision_form_prefills_the_number_and_issues(world, client, django_assert_max_num_queries):
    decide(world, [], number=7)
    p1, p2 = propose(world), propose(world, form="giay_khen")
    login(client, world["approver"])
    with django_assert_max_num_queries(15):
        r = page(client, "decide")
    form = r.context["form"]
    assert form.initial["number"] == services.next_number(world["hcm"], datetime.date.today().year)
    assert "Công ty Giày Linh Xuân" in r.text
    data = {
        "issuer": world["hcm"].pk,
        "number": "",
        "symbol": "QĐ-LĐLĐ",
        "date": "10/01/2025",
        "summary": "Về việc khen thưởng năm 2024",
        "signer": "Nguyễn Văn An",
        "signer_title": "Chủ tịch",
        "proposals": [p1.pk, p2.pk],
    }
    r = client.post(reverse("awards:decide"), data)
    assert r.status_code == 200
    assert r.context["form"].errors["number"] == ["Hãy nhập số quyết định."]
    assert AwardDecision.objects.count() == 1 and not Award.objects.exists()
    data["number"] = "7"
    r = client.post(reverse("awards:decide"), data)
    assert "số tiếp theo còn trống là 8" in r.context["form"].errors["number"][0]
    data["number"] = "8"
    r = client.post(reverse("awards:decide"), data)
    assert r.status_code == 302
    decision = AwardDecision.objects.get(number=8)
    assert decision.awards.count() == 2
    with django_assert_max_num_queries(15):
        r = client.get(r["Location"])
    assert "Tải quyết định (DOCX)" in r.text and "Giấy khen" in r.text
    # the docx names the number and the annex
    r = page(client, "docx", decision.pk)
    doc = Document(io.BytesIO(r.content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "Số: 8/QĐ-LĐLĐ" in cells and "Công đoàn cơ sở Công ty Giày Linh Xuân" in cells
    assert any(p.text.startswith("Điều 1.") for p in doc.paragraphs)
    # an editor cannot issue: the issuer is not theirs
    login(client, world["cs_editor"])
    data["number"] = "9"
    r = client.post(reverse("awards:decide"), data)
    assert "issuer" in r.context["form"].errors


def test_decision_pages_out_of_scope_are_404(world, client, django_assert_max_num_queries):
    decision = decide(world, [propose(world)])
    login(client, world["outsider"])
    assert page(client, "decision", decision.pk).status_code == 404
    assert page(client, "docx", decision.pk).status_code == 404
    assert "QĐ-LĐLĐ" not in page(client, "decisions").text
    login(client, world["admin"])
    with django_assert_max_num_queries(15):
        r = page(client, "decisions", nam="2025")
    assert "3/QĐ-LĐLĐ" in r.text


def test_awards_list_searches_without_accents(world, client, django_assert_max_num_queries):
    decide(
        world,
        [
            propose(world),
            propose(world, recipient_kind=RecipientKind.PERSON, person_name="Trần Thị Hoa"),
            propose(world, recipient_kind=RecipientKind.PERSON, person_name="Lê Văn Đức"),
        ],
    )
    login(client, world["admin"])
    with django_assert_max_num_queries(15):
        r = page(client, "list")
    assert r.status_code == 200 and "Trần Thị Hoa" in r.text and "Lê Văn Đức" in r.text
    with django_assert_max_num_queries(15):
        r = page(client, "list", q="tran thi hoa", nam=str(YEAR), form="bang_khen_ldld")
    assert "Trần Thị Hoa" in r.text and "Lê Văn Đức" not in r.text
    r = page(client, "list", q="giay linh xuan", movement="antq")
    assert "Công ty Giày Linh Xuân" in r.text and "Trần Thị Hoa" not in r.text
    r = page(client, "list", form="khong-co")
    assert "không có" in r.text and "Trần Thị Hoa" not in r.text
    login(client, world["outsider"])
    assert "Trần Thị Hoa" not in page(client, "list").text
