"""Emulation and awards as officers meet them: a movement with a title and its criteria, a
grassroots union registering, self-assessing from its own figures, the province recognising it
(and who may not), award proposals with their eligibility rules, decisions and their numbers,
and the indicators counted against the records."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from binhyen import factories as f
from binhyen.core.periods import parse_period
from binhyen.emulation import services
from binhyen.emulation.models import (
    Award,
    AwardDecision,
    AwardForm,
    AwardProposal,
    CriterionKind,
    HolderKind,
    RecipientKind,
    Registration,
    RegistrationState,
)
from binhyen.org import services as org_services
from binhyen.org.history import NOW, WAS
from binhyen.org.scoping import Role
from binhyen.reporting.rollup import rollup

YEAR = 2022
SESSIONS = "activity.sessions[kind=tuyen_truyen]"


def errors_of(call):
    with pytest.raises(ValidationError) as exc:
        call()
    return exc.value.message_dict


@pytest.fixture
def world(db):
    gt = f.group_tree()
    other = f.unit(gt["root"], "ldld_tinh", code="G-DN", name="Liên đoàn Lao động tỉnh Đồng Nai")
    people = {
        "admin": f.user("hcm-admin", Role.ADMIN, gt["hcm"]),
        "approver": f.user("hcm-approver", Role.APPROVER, gt["hcm"]),
        "ward_approver": f.user("ward-approver", Role.APPROVER, gt["ward_union"]),
        "cs_editor": f.user("cs-editor", Role.EDITOR, gt["cs"]),
        "cs_approver": f.user("cs-approver", Role.APPROVER, gt["cs"]),
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
        code="dn-an-toan-antt",
        name="Danh hiệu doanh nghiệp an toàn về ANTT",
        holder=HolderKind.GRASSROOTS,
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
    stoppages = services.add_criterion(
        people["admin"],
        title,
        label="Không có ngừng việc tập thể trong năm",
        kind=CriterionKind.COMPUTED,
        indicator="incidents.count[kind=ngung_viec]",
        comparison="le",
        threshold=0,
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
        movement=movement,
        title=title,
        sessions=sessions,
        stoppages=stoppages,
        plan=plan,
        **people,
    )


def registered(w):
    return services.register(w["cs_editor"], w["cs"], w["title"], YEAR)


def assessed(w):
    reg = registered(w)
    return services.self_assess(
        w["cs_editor"], reg, attested={w["plan"].pk: {"met": True, "note": "Đã duyệt 02/2022"}}
    )


def submitted(w):
    return services.submit(w["cs_editor"], assessed(w))


# ---------------------------------------------------------------- movements and criteria


def test_a_criterion_names_a_known_indicator(world):
    errors = errors_of(
        lambda: services.add_criterion(
            world["admin"],
            world["title"],
            label="Sai",
            kind=CriterionKind.COMPUTED,
            indicator="activity.khong_co",
            comparison="ge",
            threshold=1,
        )
    )
    assert "activity.khong_co" in errors["indicator"][0]


def test_only_the_issuers_admins_create_titles(world):
    errors = errors_of(
        lambda: services.create_title(
            world["approver"], world["movement"], code="x", name="X", holder=HolderKind.GRASSROOTS
        )
    )
    assert "movement" in errors


# ---------------------------------------------------------------- registration


def test_registering_twice_is_refused_and_nothing_saved(world):
    registered(world)
    errors = errors_of(lambda: registered(world))
    assert "đã đăng ký" in errors["title"][0]
    assert Registration.objects.count() == 1


def test_the_holder_kind_must_fit_the_unit(world):
    errors = errors_of(
        lambda: services.register(world["ward_editor"], world["ward_union"], world["title"], YEAR)
    )
    assert "không phải công đoàn cơ sở" in errors["title"][0]
    personal = services.create_title(
        world["admin"],
        world["movement"],
        code="ca-nhan-tieu-bieu",
        name="Cá nhân tiêu biểu",
        holder=HolderKind.INDIVIDUAL,
    )
    errors = errors_of(lambda: services.register(world["cs_editor"], world["cs"], personal, YEAR))
    assert "cá nhân" in errors["title"][0]
    assert not Registration.objects.exists()


def test_a_year_outside_the_movement_is_refused(world):
    errors = errors_of(
        lambda: services.register(world["cs_editor"], world["cs"], world["title"], 2017)
    )
    assert "year" in errors


# ---------------------------------------------------------------- self-assessment


@pytest.mark.parametrize("basis", [WAS, NOW])
def test_a_computed_criterion_is_the_registrys_figure(world, basis):
    reg = assessed(world)
    rows = {a.criterion_id: a for a in reg.assessments.all()}
    figure = rollup(world["cs"], parse_period(str(YEAR)), [SESSIONS], by="none", basis=basis)
    assert rows[world["sessions"].pk].value == figure["total"][SESSIONS] == 5
    assert rows[world["sessions"].pk].met
    assert rows[world["stoppages"].pk].value == 0
    assert services.live_value(rows[world["sessions"].pk]) == 5
    assert reg.state == RegistrationState.ASSESSED and reg.passed and reg.score == 3


def test_a_stoppage_fails_the_computed_criterion(world):
    firm = f.enterprise(world["cs"], union=world["cs"])
    f.incident(world["cs"], "ngung_viec", started_at=datetime.date(YEAR, 5, 4), enterprise=firm)
    reg = assessed(world)
    row = reg.assessments.get(criterion=world["stoppages"])
    assert row.value == 1 and not row.met
    assert reg.passed is False


def test_an_attested_claim_needs_evidence(world):
    reg = registered(world)
    errors = errors_of(
        lambda: services.self_assess(
            world["cs_editor"], reg, attested={world["plan"].pk: {"met": True}}
        )
    )
    assert "minh chứng" in errors[f"criterion_{world['plan'].pk}"][0]
    assert not reg.assessments.exists()


def test_submitting_needs_a_self_assessment(world):
    errors = errors_of(lambda: services.submit(world["cs_editor"], registered(world)))
    assert "tự chấm" in errors["state"][0]


# ---------------------------------------------------------------- review up the tree


def test_only_the_recognising_levels_approvers_recognise(world):
    reg = submitted(world)
    checks = {world["plan"].pk: True}
    for who in ("cs_editor", "cs_approver", "ward_approver", "outsider"):
        errors_of(lambda who=who: services.recognise(world[who], reg, checks=checks))
        assert Registration.objects.get(pk=reg.pk).state == RegistrationState.SUBMITTED
    assert services.recognising_unit(reg) == world["hcm"]
    done = services.recognise(world["approver"], reg, checks=checks)
    assert done.state == RegistrationState.RECOGNISED and done.decided_by == world["approver"]


def test_return_with_a_reason_then_resubmit(world):
    reg = submitted(world)
    errors = errors_of(lambda: services.return_with_reason(world["approver"], reg, reason="  "))
    assert "lý do" in errors["return_reason"][0]
    back = services.return_with_reason(world["approver"], reg, reason="Bổ sung phương án PCCC")
    assert back.state == RegistrationState.RETURNED and back.return_reason
    again = services.submit(world["cs_editor"], back)
    assert again.state == RegistrationState.SUBMITTED


def test_a_failed_attested_check_cannot_be_recognised(world):
    reg = submitted(world)
    errors = errors_of(
        lambda: services.recognise(world["approver"], reg, checks={world["plan"].pk: False})
    )
    assert "chưa đạt" in errors["state"][0]
    refused = services.refuse(world["approver"], reg, reason="Chưa có phương án PCCC")
    assert refused.state == RegistrationState.REFUSED


def test_locked_once_recognised(world):
    reg = services.recognise(world["approver"], submitted(world), checks={world["plan"].pk: True})
    for call in (
        lambda: services.self_assess(world["cs_editor"], reg),
        lambda: services.submit(world["cs_editor"], reg),
        lambda: services.return_with_reason(world["approver"], reg, reason="Xem lại"),
    ):
        assert "không thay đổi được" in errors_of(call)["state"][0]


# ---------------------------------------------------------------- awards


def propose(w, **kw):
    kw.setdefault("unit", w["hcm"])
    kw.setdefault("recipient_kind", RecipientKind.UNIT)
    kw.setdefault("recipient_unit", w["cs"])
    kw.setdefault("form", "bang_khen_ldld")
    kw.setdefault("year", YEAR)
    kw.setdefault("movement", w["movement"])
    kw.setdefault("achievement", "Tổ chức 5 buổi tuyên truyền, không để xảy ra vụ việc.")
    return services.propose_award(kw.pop("actor", w["admin"]), **kw)


def decide(w, proposals=(), number=12, date=datetime.date(2023, 1, 10), issuer=None):
    return services.issue_decision(
        w["approver"],
        issuer=issuer or w["hcm"],
        number=number,
        date=date,
        signer="Nguyễn Văn A",
        summary="Về việc khen thưởng phong trào bảo vệ ANTQ năm 2022",
        proposals=proposals,
    )


def test_the_award_forms_are_reference_data(db):
    assert AwardForm.objects.filter(code="bang_khen_tld").exists()
    assert AwardForm.objects.filter(code="giay_khen").exists()


def test_no_second_award_for_the_same_recipient_form_movement_and_year(world):
    decide(world, [propose(world)])
    assert Award.objects.count() == 1
    errors = errors_of(lambda: propose(world))
    assert "đã được tặng" in errors["form"][0]
    assert AwardProposal.objects.count() == 1
    propose(world, form="giay_khen")  # another form is another award


def test_proposing_outside_ones_scope_is_refused(world):
    errors = errors_of(
        lambda: propose(
            world, actor=world["cs_editor"], unit=world["cs"], recipient_unit=world["other"]
        )
    )
    assert "recipient_unit" in errors
    errors = errors_of(lambda: propose(world, actor=world["cs_editor"]))
    assert "unit" in errors
    assert not AwardProposal.objects.exists()


def test_an_unlawful_stoppage_is_flagged_and_needs_a_reason(world):
    firm = f.enterprise(world["cs"], union=world["cs"])
    f.incident(world["cs"], "ngung_viec", started_at=datetime.date(YEAR, 5, 4), enterprise=firm)
    errors = errors_of(lambda: propose(world))
    assert "trái luật" in errors["override_reason"][0]
    assert not AwardProposal.objects.exists()
    p = propose(world, override_reason="Đơn vị đã phối hợp giải quyết trong ngày")
    assert p.flags[0]["code"] == services.UNLAWFUL_STOPPAGE
    # a person is not flagged for their unit's stoppage
    person = propose(world, recipient_kind=RecipientKind.PERSON, person_name="Trần Thị Hoa")
    assert person.flags == []


def test_a_decision_without_a_number_is_refused(world):
    p = propose(world)
    for number in (None, "", "abc", 0):
        assert "number" in errors_of(lambda number=number: decide(world, [p], number=number))
    assert not AwardDecision.objects.exists() and not Award.objects.exists()


def test_decision_numbers_are_unique_per_issuer_and_year(world):
    decide(world, number=5)
    errors = errors_of(lambda: decide(world, number=5, date=datetime.date(2023, 6, 1)))
    assert "số tiếp theo còn trống là 6" in errors["number"][0]
    assert services.next_number(world["hcm"], 2023) == 6
    decide(world, number=5, date=datetime.date(2024, 1, 5))  # a new year starts again
    other = f.user("dn-admin", Role.ADMIN, world["other"])
    services.issue_decision(
        other,
        issuer=world["other"],
        number=5,
        date=datetime.date(2023, 1, 10),
        signer="Lê Văn B",
        summary="Khen thưởng",
    )
    assert AwardDecision.objects.filter(number=5).count() == 3


def test_a_decision_is_signed_by_the_issuers_approvers(world):
    errors = errors_of(
        lambda: services.issue_decision(
            world["cs_editor"],
            issuer=world["hcm"],
            number=1,
            date=datetime.date(2023, 1, 10),
            signer="X",
            summary="Y",
        )
    )
    assert "issuer" in errors


# ---------------------------------------------------------------- indicators


def test_the_indicators_equal_the_records(world):
    reg = services.recognise(world["approver"], submitted(world), checks={world["plan"].pk: True})
    services.register(world["cs_editor"], world["cs"], world["title"], YEAR + 1)
    decide(world, [propose(world), propose(world, form="giay_khen")])
    year = parse_period(str(YEAR))
    specs = [
        "emulation.registered",
        f"emulation.registered[title={world['title'].code}]",
        "emulation.recognised",
        "awards.count",
        "awards.count[form=giay_khen]",
    ]
    for basis in (WAS, NOW):
        total = rollup(world["hcm"], year, specs, by="none", basis=basis)["total"]
        assert total["emulation.registered"] == Registration.objects.filter(year=YEAR).count() == 1
        assert total[specs[1]] == 1
        assert total["emulation.recognised"] == 1 == int(reg.state == RegistrationState.RECOGNISED)
        # the awards were decided in 2023
        assert total["awards.count"] == 0
    awards = rollup(world["hcm"], parse_period("2023"), specs, by="child", basis=WAS)
    assert awards["total"]["awards.count"] == Award.objects.count() == 2
    assert awards["total"]["awards.count[form=giay_khen]"] == 1
    assert awards["total"]["emulation.registered"] == 1
    row = next(r for r in awards["rows"] if r["unit"]["code"] == world["ward_union"].code)
    assert row["values"]["awards.count"] == 2
    by_month = rollup(world["hcm"], parse_period("2023"), ["awards.count"], by="month")
    assert [r["values"]["awards.count"] for r in by_month["rows"]][0] == 2
    assert (
        rollup(world["hcm"], parse_period("2022Q2"), specs[:1], by="none")["total"][
            "emulation.registered"
        ]
        == 0
    )


def test_the_indicators_follow_the_tree_on_both_bases(world):
    """A unit registered and awarded in 2022 under one ward union, moved to another in 2023:
    as was, 2022 stays with the old parent; as is, it goes with the unit."""
    services.register(world["cs_editor"], world["cs"], world["title"], YEAR)
    decide(world, [propose(world)], date=datetime.date(YEAR, 12, 20))
    new_home = f.unit(world["hcm"], "cd_xa", code="G-HCM-TT", name="Công đoàn phường Tân Thuận")
    org_services.move_unit(f.superuser(), world["cs"], new_home, datetime.date(2023, 3, 1))
    specs = ["emulation.registered", "awards.count"]

    def by_child(basis):
        result = rollup(world["hcm"], parse_period(str(YEAR)), specs, by="child", basis=basis)
        rows = {r["unit"]["code"]: r["values"] for r in result["rows"]}
        return rows, result["total"]

    was, total = by_child(WAS)
    assert was[world["ward_union"].code] == {"emulation.registered": 1, "awards.count": 1}
    assert total == {"emulation.registered": 1, "awards.count": 1}
    now, total = by_child(NOW)
    assert now[new_home.code] == {"emulation.registered": 1, "awards.count": 1}
    assert now[world["ward_union"].code] == {"emulation.registered": 0, "awards.count": 0}
    assert total == {"emulation.registered": 1, "awards.count": 1}
