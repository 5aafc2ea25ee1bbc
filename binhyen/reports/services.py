"""Periodic reports: issue a request, submit, return, approve (freezing and locking), unlock.

Each service validates, writes in one transaction and leaves the audit trail (HistoricalRecords
with the actor). Every step after issue names the `version` the person saw: the step moves
the version on with a conditional UPDATE, so of two approvers acting at once one wins and the
other is told the report has changed, instead of silently overwriting it.
"""

import datetime
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from binhyen.activities.models import Activity
from binhyen.core import periods
from binhyen.core.bounds import EARLIEST_DATE
from binhyen.core.periods import parse_period
from binhyen.core.text import format_date, format_number
from binhyen.figures import registry
from binhyen.incidents.models import Incident, Tip
from binhyen.ops.mail import queue_mail
from binhyen.org import history
from binhyen.org.models import PATH_STEP, Assignment, Unit
from binhyen.org.scoping import APPROVE_ROLES, EDIT_ROLES, Role, scope_of
from binhyen.reporting.rollup import rollup

from .models import (
    FIGURE_VALUE,
    Audience,
    Notification,
    ReportRequest,
    ReportTemplate,
    Status,
    Submission,
    SubmissionFigure,
)
from .narrative import REPORT_BASIS, annotate
from .narrative import generate as write_results

STANDARD_TEMPLATE = "phong-chong-toi-pham"
STANDARD_INDICATORS = [
    "activity.sessions[kind=tuyen_truyen]",
    "activity.attendances[kind=tuyen_truyen]",
    "activity.sessions[kind=hoi_nghi]",
    "activity.attendances[kind=hoi_nghi]",
    "activity.leaflets",
    "groups.active[kind=nha_tro]",
    "groups.members[kind=nha_tro]",
    "groups.wards[kind=nha_tro]",
    "groups.boarding_houses",
    "cameras.working",
]
REMINDER_DAYS = 3
# overdue reports are announced once; a report overdue for longer than this is not announced
# again by a scheduler that was off (it would only flood the notices)
OVERDUE_NOTICE_DAYS = 30
# A deadline lies after the period (a report is written once it is over) and within a year of
# its end, or of today for a period long past; periods run from the movement's first day.
DEADLINE_REACH = 366
LAST_YEAR = 2100


def standard_template():
    """The crime-prevention report every federation asks for (created on first use)."""
    template, _created = ReportTemplate.objects.get_or_create(
        code=STANDARD_TEMPLATE,
        # the name is data, kept in Vietnamese whatever the first user's interface language
        defaults={
            "name": gettext_noop("Báo cáo công tác phòng, chống tội phạm"),
            "frequency": "year",
            "indicators": STANDARD_INDICATORS,
        },
    )
    return template


# ---------------------------------------------------------------- who may act


def _may(actor, unit, roles):
    """The person holds one of `roles` over `unit` (the scope is read once per request)."""
    return scope_of(actor, roles).covers_path(unit.path)


def can_approve(actor, submission):
    """The approver of the requesting unit (the unit above) approves, returns and unlocks."""
    return _may(actor, submission.request.unit, APPROVE_ROLES)


def can_submit(actor, submission):
    return _may(actor, submission.unit, EDIT_ROLES | APPROVE_ROLES)


def _refuse(field, message):
    raise ValidationError({field: message})


def visible_requests(user):
    """Requests a person issued (their units' own) or was asked for (a visible submission)."""
    return ReportRequest.objects.filter(
        Q(pk__in=ReportRequest.objects.visible_to(user).values("pk"))
        | Q(pk__in=Submission.objects.visible_to(user).values("request_id"))
    )


# ---------------------------------------------------------------- notifications


def _people(unit_ids, roles):
    return list(
        Assignment.objects.filter(unit_id__in=unit_ids, active=True, role__in=roles)
        .select_related("user")
        .values_list("user_id", "user__email")
        .distinct()
    )


def _notify(kind, submissions_and_people, message_of, field="submission"):
    """Store and mail `message_of(record)` to each person; `field` names the record's link
    on the notice (a submission, an incident or a tip)."""
    notices, mails = [], []
    # the message is stored and mailed to other people: in the site's language, not the actor's
    with translation.override(settings.LANGUAGE_CODE):
        for submission, people in submissions_and_people:
            text = message_of(submission)
            subject = _("[Bình Yên] %(t)s") % {"t": text[:120]}
            for user_id, email in people:
                notices.append(
                    Notification(user_id=user_id, kind=kind, message=text, **{field: submission})
                )
                if email:
                    mails.append((email, subject, text))
    Notification.objects.bulk_create(notices)
    # mail is queued with the step: a rolled-back step tells nobody anything, and the worker
    # sends it (retried with backoff when the mail server fails)
    for email, subject, text in mails:
        queue_mail(subject, text, email)


# ---------------------------------------------------------------- issue


def expected_units(unit, period, audience=Audience.CHILDREN):
    """The units asked to report: open at some time during the period."""
    qs = Unit.objects.filter(valid_from__lte=period.end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=period.start)
    )
    if audience == Audience.GRASSROOTS:
        qs = qs.filter(path__startswith=unit.path, kind__is_grassroots=True).exclude(pk=unit.pk)
    else:
        qs = qs.filter(parent=unit)
    return qs.order_by("path")


@transaction.atomic
def issue_request(
    actor,
    *,
    unit,
    period,
    deadline,
    title="",
    template=None,
    instructions="",
    audience=Audience.CHILDREN,
):
    """Ask the units below `unit` for their report of `period` by `deadline`."""
    if not _may(actor, unit, APPROVE_ROLES):
        _refuse(
            "unit",
            _("Bạn không có quyền phê duyệt của %(unit)s nên không thể yêu cầu báo cáo.")
            % {"unit": unit},
        )
    period = parse_period(period) if isinstance(period, str) else period
    if deadline is None:
        _refuse("deadline", _("Hãy nhập hạn nộp báo cáo."))
    if period.start < EARLIEST_DATE or period.end.year > LAST_YEAR:
        _refuse(
            "period",
            _("Kỳ báo cáo %(p)s không hợp lý: hãy chọn một kỳ từ ngày %(a)s đến hết năm %(b)d.")
            % {"p": period.code, "a": format_date(EARLIEST_DATE), "b": LAST_YEAR},
        )
    if deadline < period.start:
        _refuse(
            "deadline",
            _("Hạn nộp không được trước ngày bắt đầu kỳ báo cáo (%(d)s).")
            % {"d": format_date(period.start)},
        )
    latest = max(period.end, periods.today()) + datetime.timedelta(days=DEADLINE_REACH)
    if deadline > latest:
        _refuse(
            "deadline",
            _(
                "Hạn nộp %(d)s quá xa: không được sau %(l)s (một năm sau khi kỳ báo cáo kết thúc "
                "hoặc sau hôm nay)."
            )
            % {"d": format_date(deadline), "l": format_date(latest)},
        )
    if audience not in Audience.values:
        _refuse("audience", _("Đối tượng được yêu cầu không hợp lệ."))
    template = template or standard_template()
    # the same request twice (a form sent twice, a script run again) would give every unit
    # two drafts of one report
    twin = ReportRequest.objects.filter(
        unit=unit,
        template=template,
        audience=audience,
        period_start=period.start,
        period_end=period.end,
    ).first()
    if twin is not None:
        _refuse(
            "period",
            _("%(unit)s đã yêu cầu báo cáo này cho kỳ %(p)s (“%(t)s”, hạn nộp %(d)s).")
            % {"unit": unit, "p": period.code, "t": twin.title, "d": format_date(twin.deadline)},
        )
    units = list(expected_units(unit, period, audience))
    if not units:
        _refuse(
            "unit",
            _("%(unit)s không có đơn vị cấp dưới nào hoạt động trong kỳ %(p)s.")
            % {"unit": unit, "p": period.label},
        )
    with translation.override(
        settings.LANGUAGE_CODE
    ):  # the title is kept and read by every unit asked
        title = title.strip() or f"{template.name} {period.in_sentence}"
    request = ReportRequest(
        unit=unit,
        template=template,
        title=title,
        period_code=period.code,
        period_start=period.start,
        period_end=period.end,
        deadline=deadline,
        instructions=instructions,
        audience=audience,
        issued_by=actor,
    )
    request._history_user = actor
    request.full_clean()
    request.save()
    submissions = [Submission(request=request, unit=u) for u in units]
    for s in submissions:
        s._history_user = actor
        s.save()
    people = {}
    for user_id, email, unit_id in Assignment.objects.filter(
        unit__in=units, active=True, role__in=EDIT_ROLES | APPROVE_ROLES
    ).values_list("user_id", "user__email", "unit_id"):
        people.setdefault(unit_id, set()).add((user_id, email))
    _notify(
        Notification.Kind.REQUESTED,
        [(s, people.get(s.unit_id, ())) for s in submissions],
        lambda s: (
            _("%(from)s yêu cầu %(unit)s gửi %(title)s trước ngày %(d)s.")
            % {"from": unit, "unit": s.unit, "title": request.title, "d": format_date(deadline)}
        ),
    )
    return request


# ---------------------------------------------------------------- steps on a submission


def _step(actor, submission, version, allowed, field_message):
    """Claim the step: move the version on only if nobody else did since the page was read."""
    if submission.status not in allowed:
        _refuse("status", field_message)
    moved = Submission.objects.filter(pk=submission.pk, version=version, status__in=allowed).update(
        version=F("version") + 1
    )
    if not moved:
        _refuse(
            "version",
            _("Báo cáo vừa được người khác thay đổi; hãy tải lại trang rồi thực hiện lại."),
        )
    fresh = Submission.objects.select_related("request__unit", "unit").get(pk=submission.pk)
    fresh._history_user = actor
    return fresh


def dependencies(submission):
    """Submissions of the same period that `submission`'s unit itself asked its units for."""
    return (
        Submission.objects.filter(
            request__unit=submission.unit,
            request__period_start=submission.request.period_start,
            request__period_end=submission.request.period_end,
        )
        .select_related("unit")
        .order_by("unit__path")
    )


@transaction.atomic
def submit(
    actor,
    submission,
    *,
    version,
    narrative=None,
    assessment=None,
    shortcomings=None,
    proposals=None,
    accept_missing=False,
):
    """Send the report up. A unit that asked its own units first needs their reports approved,
    or must say explicitly that it submits without them (the list is kept)."""
    if not can_submit(actor, submission):
        _refuse(
            "unit", _("Bạn không có quyền gửi báo cáo của %(unit)s.") % {"unit": submission.unit}
        )
    missing = [d.unit for d in dependencies(submission) if d.status != Status.APPROVED]
    if missing and not accept_missing:
        _refuse(
            "missing_units",
            _(
                "Chưa được phê duyệt báo cáo của: %(units)s. Hãy chờ hoặc xác nhận gửi khi còn thiếu."
            )
            % {"units": ", ".join(str(u) for u in missing)},
        )
    s = _step(
        actor,
        submission,
        version,
        (Status.DRAFT, Status.RETURNED),
        _("Chỉ gửi được báo cáo đang soạn hoặc bị trả lại."),
    )
    for name, value in (
        ("narrative", narrative),
        ("assessment", assessment),
        ("shortcomings", shortcomings),
        ("proposals", proposals),
    ):
        if value is not None:
            setattr(s, name, value)
    now = timezone.now()
    s.status = Status.SUBMITTED
    s.submitted_at = now
    s.first_submitted_at = s.first_submitted_at or now
    s.missing_units = [{"code": u.code, "name": u.name} for u in missing]
    s.save()
    _freeze(s)  # the figures as sent: the approver sees what changed since
    _notify(
        Notification.Kind.SUBMITTED,
        [(s, _people([s.request.unit_id], APPROVE_ROLES))],
        lambda s: _("%(unit)s đã gửi %(title)s.") % {"unit": s.unit, "title": s.request.title},
    )
    return s


@transaction.atomic
def save_draft(
    actor,
    submission,
    *,
    version,
    narrative=None,
    assessment=None,
    shortcomings=None,
    proposals=None,
    generate=False,
):
    """Keep the officer's text while the report is still theirs; `generate` replaces the
    narrative with the draft written from the live figures."""
    if not can_submit(actor, submission):
        _refuse(
            "unit", _("Bạn không có quyền soạn báo cáo của %(unit)s.") % {"unit": submission.unit}
        )
    s = _step(
        actor,
        submission,
        version,
        (Status.DRAFT, Status.RETURNED),
        _("Chỉ sửa được báo cáo đang soạn hoặc bị trả lại."),
    )
    if generate:
        with translation.override(settings.LANGUAGE_CODE):  # the kept figure labels, as the text
            story = write_results(s.unit, s.request.period)
        narrative = story.text()
        s.narrative_sources = story.provenance()
    for name, value in (
        ("narrative", narrative),
        ("assessment", assessment),
        ("shortcomings", shortcomings),
        ("proposals", proposals),
    ):
        if value is not None:
            setattr(s, name, value)
    s.save()
    return s


@transaction.atomic
def return_submission(actor, submission, *, version, comment):
    if not can_approve(actor, submission):
        _refuse(
            "unit",
            _("Chỉ người phê duyệt của %(unit)s mới được trả lại báo cáo này.")
            % {"unit": submission.request.unit},
        )
    if not (comment or "").strip():
        _refuse("comment", _("Hãy ghi ý kiến khi trả lại báo cáo."))
    s = _step(
        actor,
        submission,
        version,
        (Status.SUBMITTED,),
        _("Chỉ trả lại được báo cáo đã gửi và chưa phê duyệt."),
    )
    s.status = Status.RETURNED
    s.comment = comment.strip()
    s.save()
    _notify(
        Notification.Kind.RETURNED,
        [(s, _people([s.unit_id], EDIT_ROLES | APPROVE_ROLES))],
        lambda s: (
            _("%(title)s của %(unit)s bị trả lại: %(c)s")
            % {"title": s.request.title, "unit": s.unit, "c": s.comment}
        ),
    )
    return s


def live_figures(submission):
    """The rollup of the unit's subtree for the period, as the draft shows it, on the reports'
    basis (each record under the tree of its own date)."""
    return rollup(
        submission.unit,
        submission.request.period,
        submission.request.template.indicators,
        by="child",
        basis=REPORT_BASIS,
    )


def figure_problem(value, indicator, row_name=""):
    """Why `value` cannot be kept as a report figure (a Vietnamese message naming the indicator
    and the row), or None: a number, finite, within FIGURE_VALUE; None means "no figure"."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        problem = _("không phải là một số hữu hạn")
    elif not FIGURE_VALUE.low <= value <= FIGURE_VALUE.high:
        problem = _("nằm ngoài khoảng %(low)s đến %(high)s") % {
            "low": format_number(FIGURE_VALUE.low),
            "high": format_number(FIGURE_VALUE.high),
        }
    else:
        return None
    where = f" ({row_name})" if row_name else ""
    return _("Số liệu %(i)s%(w)s %(p)s; báo cáo không được gửi, hãy báo quản trị hệ thống.") % {
        "i": indicator,
        "w": where,
        "p": problem,
    }


def _freeze(submission):
    """Keep the figures as sent or approved. Each must be a plausible number (figure_problem):
    a NaN or an overflow from a faulty indicator stops the step instead of being kept."""
    data = live_figures(submission)
    submission.figures.all().delete()
    rows, position = [], 0
    cells = [
        (key, value, row["unit"]["code"], row["unit"]["name"])
        for row in data["rows"]
        for key, value in row["values"].items()
    ]
    cells += [(key, value, "", "") for key, value in data["total"].items()]
    for key, value, code, name in cells:
        problem = figure_problem(value, key, name)
        if problem:
            _refuse("figures", problem)
        rows.append(
            SubmissionFigure(
                submission=submission,
                indicator=key,
                row_code=code,
                row_name=name,
                position=position,
                value=value,
            )
        )
        position += 1
    SubmissionFigure.objects.bulk_create(rows)
    return data


def frozen_totals(submission):
    return {f.indicator: f.value for f in submission.figures.all() if not f.row_code}


def live_totals(submission):
    """The live totals of the submission's indicators (no breakdown: what a page compares), on
    the report's own basis: a restructure after the period never changes them."""
    return rollup(
        submission.unit,
        submission.request.period,
        submission.request.template.indicators,
        by="none",
        basis=REPORT_BASIS,
    )["total"]


def has_frozen_figures(submission):
    """Sent or approved: its figures are kept as they were then ("as reported")."""
    return submission.status in (Status.SUBMITTED, Status.APPROVED)


def compare(submission, frozen=None, live=None):
    """One row per indicator of the request: label, unit of measure, the value as sent or
    approved (None for a draft), the value now, and whether they differ."""
    frozen = (
        frozen
        if frozen is not None
        else (frozen_totals(submission) if has_frozen_figures(submission) else {})
    )
    live = live if live is not None else live_totals(submission)
    rows = []
    for request in registry.parse_list(submission.request.template.indicators):
        then, now = frozen.get(request.key), live.get(request.key)
        rows.append(
            {
                "key": request.key,
                "label": request.label,
                "unit": request.indicator.unit,
                "frozen": then,
                "live": now,
                "kept": request.key in frozen,
                "changed": request.key in frozen and then != now,
            }
        )
    return rows


def frozen_rollup(submission):
    """The figures as sent or approved, in rollup() shape (rows by child unit in their order,
    total), for a document that must print them as reported; None when none were kept."""
    figures = list(submission.figures.all())
    if not figures or not has_frozen_figures(submission):
        return None
    rows, by_code, total = [], {}, {}
    for f in figures:
        if not f.row_code:
            total[f.indicator] = f.value
            continue
        row = by_code.get(f.row_code)
        if row is None:
            row = by_code[f.row_code] = {
                "unit": {"code": f.row_code, "name": f.row_name},
                "values": {},
            }
            rows.append(row)
        row["values"][f.indicator] = f.value
    return {"rows": rows, "total": total}


def story(submission):
    """(the results section as a Narrative, figures of the draft no longer in the text): the
    officer's text with the sources of its figures, or a draft written now when it is empty."""
    unit, period = submission.unit, submission.request.period
    if submission.narrative.strip():
        return annotate(submission.narrative, submission.narrative_sources, unit, period)
    return write_results(unit, period), []


def changed_records(submission, limit=20):
    """The activities behind a sent or approved report's changed figures: those of its unit's
    subtree, dated in its period on the report's basis, added, corrected or deleted since the
    figures were frozen — newest change first, each once ([] for a draft)."""
    since = submission.approved_at or submission.submitted_at
    if not has_frozen_figures(submission) or since is None:
        return []
    changes = (
        Activity.history.filter(
            history.within(submission.unit, submission.request.period, REPORT_BASIS),
            history_date__gt=since,
        )
        .select_related("unit", "history_user")
        .order_by("-history_date", "-history_id")
    )
    seen, rows = set(), []
    for change in changes[: limit * 5]:
        if change.id in seen:
            continue
        seen.add(change.id)
        rows.append(change)
        if len(rows) == limit:
            break
    return rows


def changed_since_approval(submission):
    """The indicators whose live total differs from the approved one."""
    if submission.status != Status.APPROVED:
        return []
    return [row["key"] for row in compare(submission) if row["changed"]]


@transaction.atomic
def approve(actor, submission, *, version):
    """Approve: the figures are frozen as approved and every record of the unit's subtree dated
    in the period is locked until the approver above unlocks it."""
    if not can_approve(actor, submission):
        _refuse(
            "unit",
            _("Chỉ người phê duyệt của %(unit)s mới được phê duyệt báo cáo này.")
            % {"unit": submission.request.unit},
        )
    s = _step(
        actor, submission, version, (Status.SUBMITTED,), _("Chỉ phê duyệt được báo cáo đã gửi.")
    )
    s.status = Status.APPROVED
    s.approved_at = timezone.now()
    s.approved_by = actor
    s.locked = True
    s.comment = ""
    try:
        s.save()
    except IntegrityError:
        _refuse("status", _("Không thể phê duyệt báo cáo này."))
    _freeze(s)
    _notify(
        Notification.Kind.APPROVED,
        [(s, _people([s.unit_id], EDIT_ROLES | APPROVE_ROLES))],
        lambda s: (
            _("%(title)s của %(unit)s đã được phê duyệt; số liệu trong kỳ đã được khóa.")
            % {"title": s.request.title, "unit": s.unit}
        ),
    )
    return s


@transaction.atomic
def unlock(actor, submission, *, version, reason):
    """Open an approved report again (the unit corrects and resubmits); the reason is audited."""
    if not can_approve(actor, submission):
        _refuse(
            "unit",
            _("Chỉ người phê duyệt của %(unit)s mới được mở khóa báo cáo này.")
            % {"unit": submission.request.unit},
        )
    if not (reason or "").strip():
        _refuse("reason", _("Hãy ghi lý do mở khóa."))
    s = _step(
        actor, submission, version, (Status.APPROVED,), _("Chỉ mở khóa được báo cáo đã phê duyệt.")
    )
    s.status = Status.RETURNED
    s.locked = False
    s.unlock_reason = reason.strip()
    s.comment = reason.strip()
    s._change_reason = reason.strip()
    s.save()
    _notify(
        Notification.Kind.UNLOCKED,
        [(s, _people([s.unit_id], EDIT_ROLES | APPROVE_ROLES))],
        lambda s: (
            _("%(title)s của %(unit)s đã được mở khóa: %(r)s")
            % {"title": s.request.title, "unit": s.unit, "r": s.unlock_reason}
        ),
    )
    return s


# ---------------------------------------------------------------- completeness, reminders


def _pct(part, whole):
    return min(100.0, round(100.0 * part / whole, 1)) if whole else 0.0


def completeness(request):
    """Expected (open during the period), submitted, on time, late, missing — counts and
    percentages of the expected units. On time means first sent on or before the deadline."""
    subs = list(
        request.submissions.select_related("unit")
        .filter(unit__valid_from__lte=request.period_end)
        .filter(Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=request.period_start))
        .order_by("unit__path")
    )
    sent = [s for s in subs if s.first_submitted_at]
    on_time = [s for s in sent if timezone.localdate(s.first_submitted_at) <= request.deadline]
    missing = [s for s in subs if not s.first_submitted_at]
    n = len(subs)
    return {
        "expected": n,
        "submitted": len(sent),
        "submitted_pct": _pct(len(sent), n),
        "on_time": len(on_time),
        "on_time_pct": _pct(len(on_time), n),
        "late": len(sent) - len(on_time),
        "late_pct": _pct(len(sent) - len(on_time), n),
        "missing": len(missing),
        "missing_pct": _pct(len(missing), n),
        "approved": sum(1 for s in subs if s.status == Status.APPROVED),
        "missing_units": [s.unit for s in missing],
    }


@transaction.atomic
def send_deadline_reminders(today=None):
    """Tell the people of every unit still missing that the deadline is within three days
    (once per person and report)."""
    today = today or periods.today()
    subs = Submission.objects.filter(
        first_submitted_at__isnull=True,
        request__deadline__gte=today,
        request__deadline__lte=today + datetime.timedelta(days=REMINDER_DAYS),
    )
    return _tell_once(
        Notification.Kind.DEADLINE,
        subs,
        lambda s: (s.unit_id,),
        lambda s: (
            _("Còn ít ngày nữa đến hạn nộp %(title)s (%(d)s); %(unit)s chưa gửi báo cáo.")
            % {"title": s.request.title, "d": format_date(s.request.deadline), "unit": s.unit}
        ),
    )


@transaction.atomic
def send_overdue_notices(today=None):
    """Tell the people of every unit whose report is past its deadline and still unsent, and
    the people of the unit that asked for it, that it is overdue (once per person and report)."""
    today = today or periods.today()
    subs = Submission.objects.filter(
        first_submitted_at__isnull=True,
        request__deadline__lt=today,
        request__deadline__gte=today - datetime.timedelta(days=OVERDUE_NOTICE_DAYS),
    )
    return _tell_once(
        Notification.Kind.OVERDUE,
        subs,
        lambda s: (s.unit_id, s.request.unit_id),
        lambda s: (
            _("%(unit)s chưa gửi %(title)s, đã quá hạn nộp %(d)s.")
            % {"title": s.request.title, "d": format_date(s.request.deadline), "unit": s.unit}
        ),
    )


def _tell_once(kind, submissions, units_of, message_of):
    """Notify the editors and approvers of the units `units_of(submission)` names, once per
    person, submission and kind. Returns how many were told."""
    subs = list(submissions.select_related("request", "unit"))
    already = set(
        Notification.objects.filter(kind=kind, submission__in=subs).values_list(
            "user_id", "submission_id"
        )
    )
    people = {}
    for user_id, email, unit_id in Assignment.objects.filter(
        unit__in={u for s in subs for u in units_of(s)},
        active=True,
        role__in=EDIT_ROLES | APPROVE_ROLES,
    ).values_list("user_id", "user__email", "unit_id"):
        people.setdefault(unit_id, set()).add((user_id, email))
    pending = []
    for s in subs:
        told = set().union(*(people.get(u, set()) for u in units_of(s)))
        pending.append((s, {p for p in told if (p[0], s.pk) not in already}))
    _notify(kind, pending, message_of)
    return sum(len(p) for _s, p in pending)


# ---------------------------------------------------------------- cases past their deadline
#
# An incident without its rapid report in time, or not settled in time, and a tip nobody
# answered in time are told to the editors and approvers of the case's unit and of every unit
# above it up to the province, and to the police liaison of the case's ward: once per person,
# case and deadline (a unique constraint makes "once" hold under two schedulers too). Like the
# reports' overdue notice, a deadline missed longer ago than OVERDUE_NOTICE_DAYS is not told
# again by a scheduler that was off.


def _case_message(case, what, due):
    when = timezone.localtime(due)
    return _("%(what)s: %(code)s “%(title)s” của %(unit)s, hạn %(t)s %(d)s.") % {
        "what": what,
        "code": case.code,
        "title": (case.title if isinstance(case, Incident) else case.what)[:120],
        "unit": case.unit,
        "t": f"{when:%H:%M}",
        "d": format_date(when.date()),
    }


def _tell_case_once(kind, field, cases, message_of):
    """Notify, once per person, case and `kind`, the editors and approvers over each case's
    unit and its ancestors below the national level, and the police liaisons of its ward.
    Four queries whatever the number of cases. Returns how many were told."""
    cases = list(cases.select_related("unit", "ward"))
    if not cases:
        return 0
    already = set(
        Notification.objects.filter(kind=kind, **{f"{field}__in": cases}).values_list(
            "user_id", f"{field}_id"
        )
    )

    def ancestors(case):
        return [case.unit.path[:i] for i in range(PATH_STEP, len(case.unit.path) + 1, PATH_STEP)]

    staff = {}
    for user_id, email, path in Assignment.objects.filter(
        unit__path__in={p for c in cases for p in ancestors(c)},
        unit__kind__rank__gte=1,  # up to the province: the national federation is not told
        active=True,
        user__is_active=True,
        role__in=EDIT_ROLES | APPROVE_ROLES,
    ).values_list("user_id", "user__email", "unit__path"):
        staff.setdefault(path, set()).add((user_id, email))
    police = {}
    for user_id, email, ward_id in Assignment.objects.filter(
        role=Role.POLICE,
        active=True,
        user__is_active=True,
        wards__in={c.ward_id for c in cases},
    ).values_list("user_id", "user__email", "wards"):
        police.setdefault(ward_id, set()).add((user_id, email))
    pending = []
    for case in cases:
        told = set().union(*(staff.get(p, set()) for p in ancestors(case)))
        told |= police.get(case.ward_id, set())
        pending.append((case, {p for p in told if (p[0], case.pk) not in already}))
    _notify(kind, pending, message_of, field=field)
    return sum(len(p) for _c, p in pending)


@transaction.atomic
def send_case_overdue_notices(now=None):
    """Tell the people of each case past a deadline (see above). Returns how many were told."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=OVERDUE_NOTICE_DAYS)
    told = _tell_case_once(
        Notification.Kind.INCIDENT_REPORT,
        "incident",
        Incident.objects.filter(
            rapid_report_due__lt=now, rapid_report_due__gte=since, rapid_reported_at__isnull=True
        ),
        lambda c: _case_message(c, _("Vụ việc quá hạn báo cáo nhanh"), c.rapid_report_due),
    )
    told += _tell_case_once(
        Notification.Kind.INCIDENT_RESOLVE,
        "incident",
        Incident.objects.filter(
            resolve_due__lt=now, resolve_due__gte=since, settled_at__isnull=True
        ),
        lambda c: _case_message(c, _("Vụ việc quá hạn giải quyết"), c.resolve_due),
    )
    told += _tell_case_once(
        Notification.Kind.TIP_OVERDUE,
        "tip",
        Tip.objects.overdue(now).filter(answer_due__gte=since),
        lambda t: _case_message(t, _("Tin báo quá hạn trả lời"), t.answer_due),
    )
    return told
