"""Every write to emulation and awards: one function per thing a person does, actor first,
atomic, with Vietnamese messages naming the field and the actor as the audit trail's author.

Who may do what:
- create a movement, its titles and their criteria: admins over the issuing unit;
- register a unit for a title, self-assess, submit: editors (and admins) over the unit, for a
  title of a movement issued above it (the unit lies in the issuer's subtree), in a year of the
  movement, when the title's holder kind fits the unit (`fits`);
- return with a reason, recognise, refuse: approvers (and admins) over the recognising unit —
  the nearest ancestor of the registering unit whose kind's rank is at or above the title's
  recognising level (`recognising_unit`; a tree without district federations passes to the
  province) — never the unit's own people;
- propose an award: editors over the proposing unit, for a recipient inside its subtree;
- issue a decision: approvers over the issuing unit, for proposals made inside its subtree.

The year's figures of a computed criterion come from the indicator registry through
`binhyen.reporting.rollup.rollup` for the registering unit's subtree over the year, on the
as-was basis (`computed_value`): the same number a report shows. Self-assessment stores it as
a snapshot (`SelfAssessment.value`); `live_value` reads it again.

A registration once recognised or refused is final (`Registration.locked`): every service
refuses to change it.

Eligibility of an award proposal (`eligibility`): a second award for the same recipient,
form, movement and year is refused; a collective whose subtree (or, for an enterprise, the
enterprise itself) had an unlawful collective work stoppage in the year (`Stoppage.lawful`
False) is flagged — the flag is stored, and the proposal goes ahead only with the proposer's
reason (`override_reason`).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.core import records
from binhyen.core.markup import plain_text
from binhyen.core.periods import parse_period, today
from binhyen.core.text import clean_text
from binhyen.documents.models import Document
from binhyen.enterprises.models import Enterprise
from binhyen.figures import registry
from binhyen.incidents.models import Stoppage
from binhyen.org.history import WAS
from binhyen.org.models import PATH_STEP, Unit
from binhyen.org.scoping import (
    ADMIN_ROLES,
    APPROVE_ROLES,
    EDIT_ROLES,
    holds_role_over,
    require_role_over,
)
from binhyen.reporting.rollup import rollup

from .models import (
    FINAL,
    GRASSROOTS_HOLDERS,
    TRANSITIONS,
    Award,
    AwardDecision,
    AwardForm,
    AwardProposal,
    Criterion,
    CriterionKind,
    HolderKind,
    Movement,
    PassRule,
    ProposalState,
    RecipientKind,
    Registration,
    RegistrationState,
    SelfAssessment,
    Title,
)

UNLAWFUL_STOPPAGE = "ngung_viec_trai_luat"


def _text(value, multiline=False):
    return (
        clean_text(
            plain_text(value if value is None or isinstance(value, str) else str(value)), multiline
        )
        or ""
    )


def _refuse(field, message):
    raise ValidationError({field: message})


def _year(value, field="year"):
    try:
        year = int(value)
    except (TypeError, ValueError):
        _refuse(field, _("Năm không hợp lệ."))
    if not 1929 <= year <= today().year + 1:
        _refuse(field, _("Năm phải từ 1929 đến năm sau năm nay."))
    return year


def _decimal(value, field, label):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except ArithmeticError:
        _refuse(field, _("%(field)s phải là một số.") % {"field": label})


# ---------------------------------------------------------------- movements, titles, criteria


@transaction.atomic
def create_movement(actor, *, issuer, code, name, start, end=None, document=None, description=""):
    require_role_over(
        actor, issuer, ADMIN_ROLES, field="issuer", missing=_("Hãy chọn đơn vị phát động.")
    )
    if document is not None and not (
        Document.objects.visible_to(actor).filter(pk=getattr(document, "pk", document)).exists()
    ):
        _refuse("document", _("Không tìm thấy văn bản trong phạm vi bạn xem được."))
    fields = {"code": _text(code), "name": _text(name), "start": start}
    records.require(
        fields,
        {"code": _("mã phong trào"), "name": _("tên phong trào"), "start": _("ngày bắt đầu")},
    )
    movement = Movement(
        issuer=issuer,
        code=fields["code"],
        name=fields["name"],
        start=start,
        end=end,
        document_id=getattr(document, "pk", document),
        description=_text(description, multiline=True),
    )
    records.full_clean(movement)
    return records.save(movement, actor)


@transaction.atomic
def create_title(
    actor,
    movement,
    *,
    code,
    name,
    holder,
    recognising_rank=1,
    rule=PassRule.ALL,
    pass_count=None,
    pass_score=None,
    order=0,
):
    require_role_over(actor, movement.issuer, ADMIN_ROLES, field="movement")
    fields = {"code": _text(code), "name": _text(name), "holder": holder}
    records.require(
        fields, {"code": _("mã danh hiệu"), "name": _("tên danh hiệu"), "holder": _("đối tượng")}
    )
    title = Title(
        movement=movement,
        code=fields["code"],
        name=fields["name"],
        holder=holder,
        recognising_rank=recognising_rank,
        rule=rule,
        pass_count=pass_count,
        pass_score=_decimal(pass_score, "pass_score", _("Tổng điểm tối thiểu")),
        order=order,
    )
    records.full_clean(title)
    return records.save(title, actor)


def _check_indicator(spec):
    """The spec as the registry names it (`Request.key`), or a message on `indicator`."""
    try:
        return registry.parse(spec).key
    except ValidationError as exc:
        messages = exc.message_dict.get("indicators") or exc.messages
        raise ValidationError({"indicator": messages}) from None


@transaction.atomic
def add_criterion(
    actor,
    title,
    *,
    label,
    kind,
    indicator="",
    comparison="",
    threshold=None,
    evidence="",
    score=1,
    order=0,
):
    require_role_over(actor, title.movement.issuer, ADMIN_ROLES, field="title")
    records.require(
        {"label": _text(label), "kind": kind}, {"label": _("tiêu chí"), "kind": _("cách đánh giá")}
    )
    criterion = Criterion(
        title=title,
        label=_text(label),
        kind=kind,
        evidence=_text(evidence),
        score=_decimal(score, "score", _("Điểm")) or Decimal(0),
        order=order,
    )
    if kind == CriterionKind.COMPUTED:
        spec = _text(indicator)
        records.require(
            {"indicator": spec, "comparison": comparison, "threshold": threshold},
            {
                "indicator": _("chỉ tiêu số liệu"),
                "comparison": _("phép so sánh"),
                "threshold": _("ngưỡng"),
            },
        )
        criterion.indicator = _check_indicator(spec)
        criterion.comparison = comparison
        criterion.threshold = _decimal(threshold, "threshold", _("Ngưỡng"))
    records.full_clean(criterion)
    return records.save(criterion, actor)


# ---------------------------------------------------------------- registration


def fits(title, unit):
    """Whether `unit` may register for `title` (its holder kind), else the reason."""
    if title.holder == HolderKind.INDIVIDUAL:
        return _("Danh hiệu “%(t)s” dành cho cá nhân; đơn vị không đăng ký được.") % {
            "t": title.name
        }
    grassroots = unit.kind.is_grassroots
    if title.holder in GRASSROOTS_HOLDERS and not grassroots:
        return _("Danh hiệu “%(t)s” dành cho %(h)s; %(u)s không phải công đoàn cơ sở.") % {
            "t": title.name,
            "h": title.get_holder_display().lower(),
            "u": unit.name,
        }
    if title.holder == HolderKind.ENTERPRISE and not (
        unit.ownership or Enterprise.objects.filter(union=unit).exists()
    ):
        return _(
            "Danh hiệu “%(t)s” dành cho doanh nghiệp; %(u)s không phải công đoàn cơ sở "
            "doanh nghiệp."
        ) % {"t": title.name, "u": unit.name}
    if title.holder == HolderKind.UPPER and grassroots:
        return _("Danh hiệu “%(t)s” dành cho công đoàn cấp trên cơ sở.") % {"t": title.name}
    return None


def _locked(registration, actor, roles=EDIT_ROLES, unit=None):
    """`registration` read again under a row lock; refused when final or not the actor's."""
    fresh = (
        Registration.objects.select_for_update()
        .select_related("unit__kind", "title__movement")
        .filter(pk=registration.pk)
        .first()
    )
    if fresh is None or not holds_role_over(actor, roles, unit or fresh.unit):
        _refuse("__all__", _("Không tìm thấy đăng ký hoặc bạn không có quyền thực hiện việc này."))
    if fresh.state in FINAL:
        _refuse(
            "state",
            _("Đăng ký đã %(s)s, không thay đổi được nữa.")
            % {"s": fresh.get_state_display().lower()},
        )
    fresh._history_user = actor
    return fresh


def _move(registration, state):
    if state not in TRANSITIONS[registration.state]:
        _refuse(
            "state",
            _("Không thể chuyển đăng ký từ “%(a)s” sang “%(b)s”.")
            % {
                "a": registration.get_state_display(),
                "b": RegistrationState(state).label,
            },
        )
    registration.state = state


@transaction.atomic
def register(actor, unit, title, year, *, on=None):
    """Register `unit` for `title` in `year` (editors over the unit)."""
    require_role_over(actor, unit, EDIT_ROLES, missing=_("Hãy chọn đơn vị đăng ký."))
    if title is None:
        _refuse("title", _("Hãy chọn danh hiệu."))
    year = _year(year)
    movement = title.movement
    if not unit.path.startswith(movement.issuer.path):
        _refuse(
            "title",
            _("%(u)s không thuộc phạm vi phong trào “%(m)s” (do %(i)s phát động).")
            % {"u": unit.name, "m": movement.name, "i": movement.issuer.name},
        )
    if not movement.covers_year(year):
        _refuse(
            "year",
            _("Phong trào “%(m)s” không diễn ra trong năm %(y)d.")
            % {"m": movement.name, "y": year},
        )
    if unit.valid_to is not None and unit.valid_to < datetime.date(year, 1, 1):
        _refuse("unit", _("%(u)s đã giải thể trước năm %(y)d.") % {"u": unit.name, "y": year})
    reason = fits(title, unit)
    if reason:
        _refuse("title", reason)
    if Registration.objects.filter(unit=unit, title=title, year=year).exists():
        _refuse(
            "title",
            _("%(u)s đã đăng ký danh hiệu “%(t)s” năm %(y)d.")
            % {"u": unit.name, "t": title.name, "y": year},
        )
    registration = Registration(unit=unit, title=title, year=year, registered_on=on or today())
    records.full_clean(registration)
    return records.save(registration, actor)


# ---------------------------------------------------------------- self-assessment


def computed_value(unit, criterion, year):
    """The figure of `criterion`'s indicator for `unit`'s subtree over `year`, as was: the
    number the registry gives (rollup's total); None when there is no figure (a ratio without
    a denominator)."""
    result = rollup(unit, parse_period(str(year)), [criterion.indicator], by="none", basis=WAS)
    value = result["total"][registry.parse(criterion.indicator).key]
    return None if value is None else Decimal(str(value))


def live_value(assessment):
    """The computed criterion's figure read again now (the snapshot may be older)."""
    reg = assessment.registration
    return computed_value(reg.unit, assessment.criterion, reg.year)


def judge(title, met):
    """(score, passed) of `title`'s rule over {criterion: met} (every criterion of the title)."""
    score = sum((c.score for c, ok in met.items() if ok), Decimal(0))
    count = sum(1 for ok in met.values() if ok)
    if title.rule == PassRule.ALL:
        passed = bool(met) and all(met.values())
    elif title.rule == PassRule.AT_LEAST:
        passed = count >= (title.pass_count or 0)
    else:
        passed = score >= (title.pass_score or 0)
    return score, passed


@transaction.atomic
def self_assess(actor, registration, *, attested=None):
    """Fill the computed criteria from the data and the attested ones from `attested`:
    {criterion id: {"met": bool, "evidence": file or None, "note": str}}. A claim that an
    attested criterion is met needs a file or a note."""
    reg = _locked(registration, actor)
    _move(reg, RegistrationState.ASSESSED)
    attested = attested or {}
    now = timezone.now()
    criteria = list(reg.title.criteria.all())
    if not criteria:
        _refuse("title", _("Danh hiệu “%(t)s” chưa có tiêu chí.") % {"t": reg.title.name})
    existing = {a.criterion_id: a for a in reg.assessments.all()}
    met = {}
    errors = {}
    for criterion in criteria:
        row = existing.get(criterion.pk) or SelfAssessment(registration=reg, criterion=criterion)
        row.assessed_at = now
        if criterion.computed:
            row.value = computed_value(reg.unit, criterion, reg.year)
            row.met = criterion.met_by(row.value)
        else:
            given = attested.get(criterion.pk, {})
            if given.get("evidence"):
                row.evidence = given["evidence"]
            if "note" in given:
                row.note = _text(given.get("note"), multiline=True)
            row.met = bool(given.get("met", row.met))
            if row.met and not (row.evidence or row.note):
                errors[f"criterion_{criterion.pk}"] = _(
                    "Tiêu chí “%(c)s”: hãy gửi tệp minh chứng hoặc giải trình."
                ) % {"c": criterion.label}
            row.checked = None  # a new claim is checked again
        met[criterion] = row.met
        row._history_user = actor
        if not errors:
            row.save()
    if errors:
        raise ValidationError(errors)
    reg.score, reg.passed = judge(reg.title, met)
    reg.assessed_at = now
    reg.save()
    return reg


@transaction.atomic
def submit(actor, registration):
    reg = _locked(registration, actor)
    if reg.assessed_at is None:
        _refuse("state", _("Hãy tự chấm trước khi gửi đăng ký."))
    _move(reg, RegistrationState.SUBMITTED)
    reg.submitted_at = timezone.now()
    reg.save()
    return reg


# ---------------------------------------------------------------- review


def recognising_unit(registration):
    """The unit whose approvers recognise `registration`: the nearest strict ancestor of the
    registering unit whose kind's rank is at or above the title's recognising level."""
    unit = registration.unit
    prefixes = [unit.path[:i] for i in range(PATH_STEP, len(unit.path), PATH_STEP)]
    return (
        Unit.objects.filter(path__in=prefixes, kind__rank__lte=registration.title.recognising_rank)
        .order_by("-depth")
        .first()
    )


def may_review(user, registration):
    return holds_role_over(user, APPROVE_ROLES, recognising_unit(registration))


def _reviewed(actor, registration):
    above = recognising_unit(registration)
    reg = _locked(registration, actor, APPROVE_ROLES, unit=above)
    if reg.state != RegistrationState.SUBMITTED:
        _refuse("state", _("Chỉ xét được đăng ký đã gửi."))
    return reg


@transaction.atomic
def return_with_reason(actor, registration, *, reason):
    reg = _reviewed(actor, registration)
    reason = _text(reason, multiline=True)
    if not reason:
        _refuse("return_reason", _("Hãy ghi lý do trả lại."))
    _move(reg, RegistrationState.RETURNED)
    reg.return_reason = reason
    reg.save()
    return reg


@transaction.atomic
def recognise(actor, registration, *, checks=None, note="", document=None):
    """Recognise a submitted registration: `checks` {criterion id: bool} confirms each attested
    criterion; the title's rule must hold over the computed snapshots and the checks."""
    reg = _reviewed(actor, registration)
    checks = checks or {}
    met = {}
    rows = list(reg.assessments.select_related("criterion"))
    for row in rows:
        if not row.criterion.computed:
            if row.criterion.pk not in checks:
                _refuse(
                    f"criterion_{row.criterion.pk}",
                    _("Hãy thẩm định tiêu chí “%(c)s”.") % {"c": row.criterion.label},
                )
            row.checked = bool(checks[row.criterion.pk])
            row._history_user = actor
            row.save()
        met[row.criterion] = row.met and (row.criterion.computed or row.checked)
    score, passed = judge(reg.title, met)
    if not passed:
        _refuse(
            "state",
            _("Đăng ký chưa đạt điều kiện của danh hiệu “%(t)s”; hãy trả lại hoặc không công nhận.")
            % {"t": reg.title.name},
        )
    if document is not None and not (
        Document.objects.visible_to(actor).filter(pk=getattr(document, "pk", document)).exists()
    ):
        _refuse("decision_document", _("Không tìm thấy văn bản trong phạm vi bạn xem được."))
    _move(reg, RegistrationState.RECOGNISED)
    reg.score = score
    reg.decided_at = timezone.now()
    reg.decided_by = actor
    reg.decision_document_id = getattr(document, "pk", document)
    reg.decision_note = _text(note, multiline=True)
    reg.save()
    return reg


@transaction.atomic
def refuse(actor, registration, *, reason):
    reg = _reviewed(actor, registration)
    reason = _text(reason, multiline=True)
    if not reason:
        _refuse("decision_note", _("Hãy ghi lý do không công nhận."))
    _move(reg, RegistrationState.REFUSED)
    reg.decided_at = timezone.now()
    reg.decided_by = actor
    reg.decision_note = reason
    reg.save()
    return reg


# ---------------------------------------------------------------- awards


def _same_recipient(model, obj):
    qs = model.objects.filter(
        recipient_kind=obj.recipient_kind,
        recipient_unit_id=obj.recipient_unit_id,
        enterprise_id=obj.enterprise_id,
        person_name=obj.person_name,
        form_id=obj.form_id,
        movement_id=obj.movement_id,
        year=obj.year,
    )
    return qs


def unlawful_stoppages(unit, year, enterprise=None):
    """The unlawful collective work stoppages of the year in `unit`'s subtree (or at
    `enterprise`): the incidents' own case files, deleted cases left out."""
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    qs = Stoppage.objects.filter(
        lawful=False,
        incident__deleted_at__isnull=True,
        incident__started_at__gte=start,
        incident__started_at__lt=end,
    )
    if enterprise is not None:
        return qs.filter(incident__enterprise=enterprise)
    return qs.filter(incident__unit__path__startswith=unit.path)


def eligibility(proposal):
    """The flags of a proposal ([{"code", "message"}]); a duplicate award is refused instead."""
    flags = []
    if proposal.recipient_kind != RecipientKind.PERSON:
        n = unlawful_stoppages(proposal.recipient_unit, proposal.year, proposal.enterprise).count()
        if n:
            flags.append(
                {
                    "code": UNLAWFUL_STOPPAGE,
                    "message": _("%(r)s có %(n)d vụ ngừng việc tập thể trái luật trong năm %(y)d.")
                    % {"r": proposal.recipient_name, "n": n, "y": proposal.year},
                }
            )
    return flags


@transaction.atomic
def propose_award(
    actor,
    *,
    unit,
    recipient_kind,
    form,
    year,
    achievement,
    recipient_unit=None,
    enterprise=None,
    person_name="",
    person_position="",
    movement=None,
    override_reason="",
):
    require_role_over(actor, unit, EDIT_ROLES, missing=_("Hãy chọn đơn vị đề nghị."))
    year = _year(year)
    if not isinstance(form, AwardForm):
        form = AwardForm.objects.filter(code=form).first()
        if form is None:
            _refuse("form", _("Hãy chọn hình thức khen thưởng."))
    proposal = AwardProposal(
        unit=unit,
        recipient_kind=recipient_kind,
        form=form,
        year=year,
        movement=movement,
        achievement=_text(achievement, multiline=True),
        person_name=_text(person_name),
        person_position=_text(person_position),
        override_reason=_text(override_reason, multiline=True),
        proposed_by=actor,
    )
    if recipient_kind == RecipientKind.ENTERPRISE:
        if enterprise is None:
            _refuse("enterprise", _("Hãy chọn doanh nghiệp được đề nghị khen thưởng."))
        enterprise = Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).first()
        if enterprise is None:
            _refuse("enterprise", _("Không tìm thấy doanh nghiệp trong phạm vi bạn xem được."))
        proposal.enterprise = enterprise
        recipient_unit = enterprise.union or enterprise.unit
    if recipient_unit is None:
        _refuse("recipient_unit", _("Hãy chọn tập thể hoặc đơn vị công tác của cá nhân."))
    if not recipient_unit.path.startswith(unit.path):
        _refuse(
            "recipient_unit",
            _("%(r)s không thuộc phạm vi của %(u)s; chỉ đề nghị khen thưởng trong đơn vị mình.")
            % {"r": recipient_unit.name, "u": unit.name},
        )
    proposal.recipient_unit = recipient_unit
    records.require(proposal.__dict__, {"achievement": _("thành tích")})
    if recipient_kind == RecipientKind.PERSON:
        if not proposal.person_name:
            _refuse("person_name", _("Hãy nhập họ và tên người được đề nghị khen thưởng."))
        if not form.individual:
            _refuse("form", _("%(f)s không dành cho cá nhân.") % {"f": form.name})
    elif not form.collective:
        _refuse("form", _("%(f)s không dành cho tập thể.") % {"f": form.name})
    if movement is not None and not movement.covers_year(year):
        _refuse(
            "movement",
            _("Phong trào “%(m)s” không diễn ra trong năm %(y)d.")
            % {"m": movement.name, "y": year},
        )
    if _same_recipient(Award, proposal).exists():
        _refuse(
            "form",
            _("%(r)s đã được tặng %(f)s năm %(y)d cho cùng phong trào.")
            % {"r": proposal.recipient_name, "f": form.name, "y": year},
        )
    if _same_recipient(AwardProposal, proposal).filter(state=ProposalState.PROPOSED).exists():
        _refuse(
            "form",
            _("%(r)s đã có đề nghị %(f)s năm %(y)d đang chờ quyết định.")
            % {"r": proposal.recipient_name, "f": form.name, "y": year},
        )
    proposal.flags = eligibility(proposal)
    if proposal.flags and not proposal.override_reason:
        raise ValidationError(
            {
                "override_reason": [f["message"] for f in proposal.flags]
                + [_("Hãy ghi lý do vẫn đề nghị khen thưởng.")]
            }
        )
    records.full_clean(proposal)
    return records.save(proposal, actor)


def next_number(issuer, year):
    """The register's next free decision number of `issuer` in `year`."""
    last = (
        AwardDecision.objects.filter(issuer=issuer, year=year)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 0) + 1


@transaction.atomic
def issue_decision(
    actor,
    *,
    issuer,
    number,
    date,
    signer,
    summary,
    proposals=(),
    signer_title="",
    symbol="QĐ-KT",
):
    """A decision of `issuer` (approvers over it) awarding `proposals` (made inside its subtree,
    still open): each becomes an Award."""
    require_role_over(
        actor,
        issuer,
        APPROVE_ROLES,
        field="issuer",
        message=_("Chỉ người phê duyệt của cơ quan ban hành mới ký được quyết định khen thưởng."),
        missing=_("Hãy chọn cơ quan ban hành."),
    )
    if number is None or str(number).strip() == "":
        _refuse("number", _("Hãy nhập số quyết định."))
    try:
        number = int(str(number).strip())
    except ValueError:
        _refuse("number", _("Số quyết định phải là số nguyên."))
    if number < 1:
        _refuse("number", _("Số quyết định phải từ 1 trở lên."))
    if date is None:
        _refuse("date", _("Hãy nhập ngày ký."))
    # the register of numbers: one issuer's decisions of a year are numbered one at a time
    Unit.objects.select_for_update().filter(pk=issuer.pk).first()
    if AwardDecision.objects.filter(issuer=issuer, year=date.year, number=number).exists():
        _refuse(
            "number",
            _("Số %(n)d đã được dùng năm %(y)d; số tiếp theo còn trống là %(next)d.")
            % {"n": number, "y": date.year, "next": next_number(issuer, date.year)},
        )
    decision = AwardDecision(
        issuer=issuer,
        number=number,
        symbol=_text(symbol) or "QĐ-KT",
        date=date,
        signer=_text(signer),
        signer_title=_text(signer_title),
        summary=_text(summary),
    )
    records.require(decision.__dict__, {"signer": _("người ký"), "summary": _("trích yếu")})
    records.check_past_dates(decision, {"date": _("Ngày ký")})
    decision.year = date.year
    records.full_clean(decision)
    records.save(decision, actor)
    for proposal in proposals:
        p = (
            AwardProposal.objects.select_for_update()
            .filter(pk=proposal.pk, unit__path__startswith=issuer.path)
            .first()
        )
        if p is None or p.state != ProposalState.PROPOSED:
            _refuse(
                "proposals",
                _("Đề nghị “%(p)s” không còn chờ quyết định hoặc không thuộc phạm vi %(i)s.")
                % {"p": proposal, "i": issuer.name},
            )
        award = Award(
            decision=decision,
            proposal=p,
            **{
                f: getattr(p, f)
                for f in (
                    "recipient_kind",
                    "recipient_unit",
                    "enterprise",
                    "person_name",
                    "person_position",
                    "form",
                    "year",
                    "movement",
                    "achievement",
                )
            },
        )
        if _same_recipient(Award, award).exists():
            _refuse(
                "proposals",
                _("%(r)s đã được tặng %(f)s năm %(y)d cho cùng phong trào.")
                % {"r": award.recipient_name, "f": award.form.name, "y": award.year},
            )
        records.full_clean(award)
        records.save(award, actor)
        p.state = ProposalState.DECIDED
        records.save(p, actor)
    return decision
