"""The demo's emulation and awards: HCMC's ANTQ movement with computed and attested criteria,
registrations recognised and refused on the demo's own figures (a union of the zones fails on
its stoppage), and a numbered decision awarding Bằng khen; loaded once."""

from binhyen.emulation import demo
from binhyen.emulation.models import (
    Award,
    AwardDecision,
    AwardProposal,
    Movement,
    RecipientKind,
    Registration,
    RegistrationState,
    SelfAssessment,
)
from binhyen.org import demo as org_demo


def test_the_movement_its_registrations_and_its_awards(full_demo):
    assert full_demo["emulation"]["registrations"] >= 6
    movement = Movement.objects.get(code="antq")
    assert movement.issuer.code == org_demo.HCM
    assert movement.name == "Toàn dân bảo vệ an ninh Tổ quốc"
    title = movement.titles.get()
    assert title.criteria.count() == 3

    regs = Registration.objects.filter(title=title, year=2024)
    states = set(regs.values_list("state", flat=True))
    assert RegistrationState.RECOGNISED in states
    assert states & {RegistrationState.REFUSED, RegistrationState.RETURNED}
    assert 6 <= regs.count() <= 10
    assert all(r.unit.path.startswith(movement.issuer.path) for r in regs)

    # a refused union fails exactly on the stoppage criterion, the figure the registry gives
    refused = regs.filter(state=RegistrationState.REFUSED).first()
    assert refused is not None and "ngừng việc" in refused.decision_note
    failed = SelfAssessment.objects.filter(registration=refused, met=False)
    assert [a.criterion.indicator for a in failed] == ["incidents.count[kind=ngung_viec]"]
    assert failed.get().value >= 1
    for reg in regs.filter(state=RegistrationState.RECOGNISED):
        assert reg.passed and reg.decided_by.username == "demo-tinh"
        assert all(a.met for a in reg.assessments.all())

    decision = (
        AwardDecision.objects.filter(issuer__code=org_demo.HCM, awards__movement=movement)
        .distinct()
        .get()
    )
    assert decision.awards.count() == 4
    assert decision.number >= 1 and decision.year == 2025
    people = decision.awards.filter(recipient_kind=RecipientKind.PERSON)
    assert people.get().person_position == "Chủ tịch công đoàn cơ sở"
    recognised = set(regs.filter(state=RegistrationState.RECOGNISED).values_list("unit", flat=True))
    units = decision.awards.filter(recipient_kind=RecipientKind.UNIT)
    assert units.count() == 3
    assert set(units.values_list("recipient_unit", flat=True)) <= recognised
    assert all(a.form.code == "bang_khen_ldld" and a.year == 2024 for a in decision.awards.all())


def test_a_second_load_adds_nothing(full_demo):
    models = (Movement, Registration, SelfAssessment, AwardProposal, AwardDecision, Award)
    before = [m.objects.count() for m in models]
    assert demo.load()["registrations"] == 0
    assert [m.objects.count() for m in models] == before
