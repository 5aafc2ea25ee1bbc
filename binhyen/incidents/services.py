"""Every write to incidents and tips: one function per thing a person does. Each checks the
actor's role (a unit role over the record's unit through `require_role_over`, or the police
liaison's wards), validates with Vietnamese messages naming the field, writes in one
transaction, leaves the audit trail (django-simple-history, the actor as history user) and
adds the step to the case's timeline (`Action`).

Who may do what:
- open, edit, attach, note a step, move a case or a tip along `TRANSITIONS`: editors (and
  admins) over the record's unit; closing (→ Đóng): approvers (and admins) over it;
- the ward's police liaison: confirm what the police did (a step on the timeline) on the
  cases and tips of their wards; they read, they do not edit;
- read a tip sender's sealed identity: the dedicated role only (`seal.may_reveal`).
"""

import datetime
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.activities.models import Activity
from binhyen.core import locks, periods, records
from binhyen.core.markup import plain_text
from binhyen.core.text import clean_text, person_name
from binhyen.enterprises.models import Enterprise
from binhyen.groups.models import BoardingHouse
from binhyen.org.models import Area, AreaLevel, Unit
from binhyen.org.scoping import (
    APPROVE_ROLES,
    EDIT_ROLES,
    VIEW_ROLES,
    holds_role_over,
    require_role_over,
    scope_of,
)

from . import seal
from .models import (
    ATTACHMENT_MAX_MB,
    ATTACHMENT_TYPES,
    SETTLED,
    TIP_ANSWER_DAYS,
    Action,
    ActionKind,
    Attachment,
    Channel,
    Incident,
    IncidentKind,
    Outcome,
    State,
    Stoppage,
    StoppageCause,
    Tip,
)

INCIDENT_FIELDS = (
    "kind",
    "title",
    "summary",
    "started_at",
    "ended_at",
    "ward",
    "enterprise",
    "boarding_house",
    "place",
    "people_involved",
    "people",
    "activities",
)
STOPPAGE_FIELDS = (
    "workers_involved",
    "workforce",
    "worker_days",
    "lawful",
    "causes",
    "causes_other",
    "demands",
    "representative",
    "dialogue_held",
    "union_role",
    "authorities",
    "outcome",
    "resumed_on",
)
LABELS = {
    "kind": gettext_lazy("loại vụ việc"),
    "title": gettext_lazy("tên vụ việc"),
    "summary": gettext_lazy("tóm tắt diễn biến"),
    "started_at": gettext_lazy("thời điểm bắt đầu"),
}
MISSING = _("Không tìm thấy vụ việc hoặc bạn không có quyền thực hiện việc này.")


def _text(value, multiline=False):
    """What a person typed, as stored: markup gone (core.markup), spaces and lines cleaned."""
    return clean_text(
        plain_text(value if value is None or isinstance(value, str) else str(value)), multiline
    )


# ---------------------------------------------------------------- who may


def police_over(user, ward_id):
    """Whether `user` is the police liaison of ward `ward_id`: a scope's ward ids come from
    police assignments only. No query beyond the cached scope."""
    return ward_id in scope_of(user, VIEW_ROLES, include_police=True).ward_ids


def may_edit(user, record):
    return holds_role_over(user, EDIT_ROLES, record.unit)


def may_move(user, record, state):
    """Whether `user` may move `record` (an incident or a tip) to `state`."""
    if state not in record.next_states():
        return False
    roles = APPROVE_ROLES if state == State.CLOSED else EDIT_ROLES
    return holds_role_over(user, roles, record.unit)


def may_confirm_as_police(user, record):
    return police_over(user, record.ward_id)


def _locked(model, actor, record, manager="objects"):
    """`record` read again under a row lock, if `actor` sees it; else a refusal."""
    found = (
        getattr(model, manager)
        .visible_to(actor)
        .select_for_update()
        .select_related("unit", "kind" if model is Incident else "ward")
        .filter(pk=record.pk)
        .first()
    )
    if found is None:
        raise ValidationError({"__all__": MISSING})
    return found


# ---------------------------------------------------------------- incidents


def _kind(value):
    if isinstance(value, IncidentKind) or value is None:
        return value
    kind = IncidentKind.objects.filter(code=value).first()
    if kind is None:
        raise ValidationError({"kind": _("Loại vụ việc không hợp lệ.")})
    return kind


def _visible(model, actor, value, field, message):
    """A related record the actor may see (pages send ids, the API and imports too)."""
    if value is None or value == "":
        return None
    pk = value.pk if hasattr(value, "pk") else value
    found = model.objects.visible_to(actor).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: message})
    return found


def _place(incident, actor, fields):
    """Enterprise, boarding house and ward: the ward is the enterprise's or the house's when
    one is named, else the one chosen (a ward of the 2025 geography)."""
    before = incident.enterprise_id
    if "enterprise" in fields:
        incident.enterprise = _visible(
            Enterprise,
            actor,
            fields["enterprise"],
            "enterprise",
            _("Không tìm thấy doanh nghiệp trong phạm vi bạn xem được."),
        )
    if "boarding_house" in fields:
        incident.boarding_house = _visible(
            BoardingHouse,
            actor,
            fields["boarding_house"],
            "boarding_house",
            _("Không tìm thấy nhà trọ trong phạm vi bạn xem được."),
        )
    if incident.pk is None or incident.enterprise_id != before:
        # the enterprise's facts as the case is written; an edit that keeps the enterprise
        # keeps them (a union founded since does not restate the case)
        firm = incident.enterprise
        incident.ownership_id = firm.ownership_id if firm is not None else None
        incident.union_absent = firm is not None and firm.union_id is None
    where = incident.enterprise or incident.boarding_house
    if where is not None:
        incident.ward_id = where.ward_id
    elif "ward" in fields:
        ward = fields["ward"]
        if ward is not None and not isinstance(ward, Area):
            ward = Area.objects.filter(pk=ward).first()
        incident.ward = ward
    if incident.ward_id is None:
        raise ValidationError(
            {"ward": _("Hãy chọn doanh nghiệp, nhà trọ hoặc phường, xã nơi xảy ra vụ việc.")}
        )
    if Area.objects.filter(pk=incident.ward_id).values_list("level", flat=True).first() != (
        AreaLevel.WARD
    ):
        raise ValidationError({"ward": _("Hãy chọn phường, xã theo địa giới từ 01/07/2025.")})


def _validate_incident(incident):
    incident.title = _text(incident.title) or ""
    incident.summary = _text(incident.summary, multiline=True) or ""
    incident.place = _text(incident.place) or ""
    incident.people = _text(incident.people, multiline=True) or ""
    records.check_past_dates(
        incident, {"started_at": _("Thời điểm bắt đầu"), "ended_at": _("Thời điểm kết thúc")}
    )
    if incident.ended_at and incident.started_at and incident.ended_at < incident.started_at:
        raise ValidationError(
            {"ended_at": _("Thời điểm kết thúc không được trước thời điểm bắt đầu.")}
        )
    records.full_clean(incident, exclude=("search_text", "code", "tip"))
    same = Incident.objects.filter(
        kind_id=incident.kind_id,
        started_at__date=timezone.localtime(incident.started_at).date(),
    ).exclude(pk=incident.pk)
    if incident.enterprise_id:
        same = same.filter(enterprise_id=incident.enterprise_id)
    elif incident.boarding_house_id:
        same = same.filter(boarding_house_id=incident.boarding_house_id)
    else:
        same = same.filter(ward_id=incident.ward_id, title__iexact=incident.title)
    twin = same.values_list("code", flat=True).first()
    if twin:
        raise ValidationError(
            {
                "__all__": _(
                    "Vụ việc này đã được ghi nhận (mã %(code)s): cùng loại, cùng nơi xảy ra, "
                    "cùng ngày bắt đầu."
                )
                % {"code": twin}
            }
        )


def _check_unlocked(incident):
    """A case counts in the reports of its start day: an approved, locked report over that
    day refuses changes to it (naming the report), as it does for activities."""
    if incident.started_at is not None:
        locks.check_unlocked(
            incident.unit, timezone.localtime(incident.started_at).date(), "started_at"
        )


def _stoppage_days(incident, stoppage):
    """Days work stood still: to the day before work resumed, else to the end, else one."""
    start = timezone.localtime(incident.started_at).date()
    if stoppage.resumed_on:
        return max(1, (stoppage.resumed_on - start).days)
    if incident.ended_at:
        return (timezone.localtime(incident.ended_at).date() - start).days + 1
    return 1


def _write_stoppage(incident, actor, details, creating):
    """The stoppage file of a stoppage case, created or changed from `details`."""
    details = dict(details or {})
    records.check_fields(details, STOPPAGE_FIELDS)
    stoppage = getattr(incident, "stoppage", None) if not creating else None
    if stoppage is None:
        if details.get("workers_involved") in (None, ""):
            raise ValidationError({"workers_involved": _("Hãy nhập số người ngừng việc.")})
        stoppage = Stoppage(incident=incident)
        if details.get("workforce") in (None, "") and incident.enterprise is not None:
            details["workforce"] = incident.enterprise.workforce
    causes = details.pop("causes", None)
    auto_days = details.get("worker_days") in (None, "")
    details.pop("worker_days", None) if auto_days else None
    for name, value in details.items():
        setattr(stoppage, name, value)
    for name in ("causes_other", "representative", "authorities"):
        setattr(stoppage, name, _text(getattr(stoppage, name)) or "")
    for name in ("demands", "union_role"):
        setattr(stoppage, name, _text(getattr(stoppage, name), multiline=True) or "")
    errors = {}
    if stoppage.workers_involved in (None, ""):
        errors["workers_involved"] = _("Hãy nhập số người ngừng việc.")
    if stoppage.workforce in (None, ""):
        errors["workforce"] = _("Hãy nhập tổng số lao động của doanh nghiệp.")
    elif stoppage.workers_involved is not None and stoppage.workers_involved > stoppage.workforce:
        errors["workers_involved"] = _(
            "Số người ngừng việc (%(n)s) không được vượt quá tổng số lao động (%(w)s)."
        ) % {"n": stoppage.workers_involved, "w": stoppage.workforce}
    start = timezone.localtime(incident.started_at).date()
    if stoppage.resumed_on and stoppage.resumed_on < start:
        errors["resumed_on"] = _("Ngày trở lại làm việc không được trước ngày bắt đầu ngừng việc.")
    elif stoppage.resumed_on and stoppage.resumed_on > periods.today():
        errors["resumed_on"] = _("Ngày trở lại làm việc không được sau hôm nay.")
    if stoppage.outcome not in Outcome.values:
        errors["outcome"] = _("Kết quả không hợp lệ.")
    if errors:
        raise ValidationError(errors)
    if auto_days and (
        creating
        or stoppage.worker_days is None
        or "workers_involved" in details
        or "resumed_on" in details
    ):
        stoppage.worker_days = stoppage.workers_involved * _stoppage_days(incident, stoppage)
    records.full_clean(stoppage, exclude=("incident",))
    records.save(stoppage, actor)
    if causes is not None:
        found = list(
            StoppageCause.objects.filter(
                code__in=[c.code if hasattr(c, "code") else c for c in causes]
            )
        )
        if len(found) != len(set(causes)):
            raise ValidationError({"causes": _("Có nguyên nhân không hợp lệ.")})
        stoppage.causes.set(found)
    return stoppage


def _activities(actor, values):
    ids = {v.pk if hasattr(v, "pk") else int(v) for v in values or ()}
    found = list(Activity.objects.visible_to(actor).filter(pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError(
            {"activities": _("Có hoạt động không tồn tại hoặc nằm ngoài phạm vi bạn xem được.")}
        )
    return found


def _act(actor, record, kind, what, *, at=None, actor_name="", authority="", **extra):
    field = "incident" if isinstance(record, Incident) else "tip"
    return Action.objects.create(
        **{field: record},
        kind=kind,
        at=at or timezone.now(),
        actor=actor,
        actor_name=actor_name or person_name(actor),
        authority=authority,
        what=what,
        **extra,
    )


@transaction.atomic
def open_incident(actor, *, unit, stoppage=None, tip=None, **fields):
    """A case reported by `unit` (which the actor records for). A stoppage needs its
    enterprise and its file (`stoppage`: workers involved at least). From a tip, the tip is
    linked and its timeline says so."""
    records.check_fields(fields, INCIDENT_FIELDS)
    require_role_over(actor, unit, EDIT_ROLES, missing=_("Hãy chọn đơn vị báo cáo."))
    records.require(fields, LABELS)
    activities = fields.pop("activities", None)
    incident = Incident(unit=unit, created_by=actor, kind=_kind(fields.pop("kind")))
    for name in (
        "title",
        "summary",
        "started_at",
        "ended_at",
        "place",
        "people_involved",
        "people",
    ):
        if name in fields:
            setattr(incident, name, fields[name])
    _place(incident, actor, fields)
    if incident.kind.is_stoppage and incident.enterprise is None:
        raise ValidationError(
            {"enterprise": _("Ngừng việc tập thể: hãy chọn doanh nghiệp xảy ra ngừng việc.")}
        )
    if tip is not None:
        tip = _locked(Tip, actor, tip)
        if not may_edit(actor, tip):
            raise ValidationError({"tip": _("Bạn không có quyền xử lý tin báo này.")})
        if Incident.all_objects.filter(tip=tip).exists():
            raise ValidationError({"tip": _("Tin báo này đã được chuyển thành vụ việc.")})
        incident.tip = tip
    _validate_incident(incident)
    _check_unlocked(incident)
    incident.set_deadlines()
    incident.code = f"TMP-{secrets.token_hex(6)}"
    records.save(incident, actor)
    incident.code = f"VV-{timezone.localtime(incident.started_at).year}-{incident.pk:06d}"
    Incident.all_objects.filter(pk=incident.pk).update(code=incident.code)
    if incident.kind.is_stoppage:
        _write_stoppage(incident, actor, stoppage, creating=True)
    elif stoppage:
        raise ValidationError({"kind": _("Chỉ vụ ngừng việc tập thể mới có hồ sơ ngừng việc.")})
    if activities:
        incident.activities.set(_activities(actor, activities))
    _act(actor, incident, ActionKind.NOTE, _("Tiếp nhận vụ việc."), state_to=State.RECEIVED)
    if tip is not None:
        _act(
            actor,
            tip,
            ActionKind.CONVERTED,
            _("Chuyển thành vụ việc %(code)s.") % {"code": incident.code},
        )
        if tip.answered_at is None:
            tip.answered_at = timezone.now()
            records.save(tip, actor)
    return incident


@transaction.atomic
def update_incident(actor, incident, *, stoppage=None, **changes):
    """Change a case's facts (not its state: `move_incident`)."""
    records.check_fields(changes, INCIDENT_FIELDS)
    incident = _locked(Incident, actor, incident)
    require_role_over(actor, incident.unit, EDIT_ROLES, field="__all__", message=MISSING)
    activities = changes.pop("activities", None)
    _check_unlocked(incident)  # the day it leaves
    if "kind" in changes:
        kind = _kind(changes.pop("kind"))
        if kind is None:
            raise ValidationError({"kind": _("Hãy chọn loại vụ việc.")})
        if kind.is_stoppage != incident.kind.is_stoppage:
            raise ValidationError(
                {"kind": _("Không đổi được giữa ngừng việc tập thể và loại vụ việc khác.")}
            )
        incident.kind = kind
    for name, value in changes.items():
        if name not in ("ward", "enterprise", "boarding_house"):
            setattr(incident, name, value)
    for name, label in LABELS.items():
        if getattr(incident, name if name != "kind" else "kind_id") in (None, ""):
            raise ValidationError({name: _("Hãy nhập %(field)s.") % {"field": label}})
    _place(incident, actor, changes)
    _validate_incident(incident)
    _check_unlocked(incident)  # the day it lands on
    incident.set_deadlines()
    records.save(incident, actor)
    if incident.kind.is_stoppage and stoppage is not None:
        _write_stoppage(incident, actor, stoppage, creating=False)
    if activities is not None:
        incident.activities.set(_activities(actor, activities))
    return incident


@transaction.atomic
def delete_incident(actor, incident):
    """A soft delete by an approver over the unit: the reports that counted it keep it."""
    incident = _locked(Incident, actor, incident)
    require_role_over(
        actor,
        incident.unit,
        APPROVE_ROLES,
        field="__all__",
        message=_("Chỉ người phê duyệt của đơn vị mới xóa được vụ việc."),
    )
    _check_unlocked(incident)
    incident.deleted_at = timezone.now()
    return records.save(incident, actor)


def _move(actor, record, state, what, authority, at):
    if state not in State.values:
        raise ValidationError({"state": _("Trạng thái không hợp lệ.")})
    if state not in record.next_states():
        raise ValidationError(
            {
                "state": _("Không chuyển được từ “%(a)s” sang “%(b)s”.")
                % {"a": record.get_state_display(), "b": State(state).label}
            }
        )
    if not may_move(actor, record, state):
        raise ValidationError(
            {
                "state": _("Chỉ người phê duyệt của đơn vị mới đóng được hồ sơ.")
                if state == State.CLOSED
                else _("Bạn không có quyền chuyển trạng thái hồ sơ này.")
            }
        )
    what = _text(what, multiline=True) or ""
    if state in (State.RESOLVED, State.TRANSFERRED, State.CLOSED) and not what:
        raise ValidationError({"what": _("Hãy ghi kết quả xử lý hoặc lý do.")})
    at = at or timezone.now()
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"at": _("Thời điểm không được sau hiện tại.")})
    started = getattr(record, "started_at", None) or getattr(record, "created_at", None)
    if started is not None and at < started:
        raise ValidationError({"at": _("Thời điểm không được trước khi vụ việc bắt đầu.")})
    before = record.state
    record.state = state
    if state in SETTLED and record.__class__ is Incident and record.settled_at is None:
        record.settled_at = at
    if state == State.HANDLING and before in SETTLED and record.__class__ is Incident:
        record.settled_at = None  # taken up again: the clock runs again
    if record.__class__ is Incident:
        record.closed_at = at if state == State.CLOSED else None
    records.save(record, actor)
    _act(
        actor,
        record,
        ActionKind.STATE,
        what or State(state).label,
        at=at,
        authority=authority,
        state_from=before,
        state_to=state,
    )
    return record


@transaction.atomic
def move_incident(actor, incident, state, *, what="", authority="", at=None):
    """The case goes to `state` (see TRANSITIONS; closing takes an approver)."""
    incident = _locked(Incident, actor, incident)
    return _move(actor, incident, state, what, authority, at)


@transaction.atomic
def note_step(actor, record, *, what, at=None, actor_name="", authority=""):
    """A step of the handling on the timeline: who did what, when, with which authority. An
    editor of the unit notes any step; the ward's police liaison notes theirs, which confirms
    what the police did."""
    model = Incident if isinstance(record, Incident) else Tip
    record = _locked(model, actor, record)
    what = _text(what, multiline=True) or ""
    errors = {}
    if len(what) < 5:
        errors["what"] = _("Hãy ghi nội dung đã làm (ít nhất 5 ký tự).")
    at = at or timezone.now()
    if at > timezone.now() + datetime.timedelta(minutes=5):
        errors["at"] = _("Thời điểm không được sau hiện tại.")
    if errors:
        raise ValidationError(errors)
    if may_edit(actor, record):
        kind = ActionKind.UNIT if model is Tip else ActionKind.NOTE
        if model is Tip:
            record.unit_confirmed_at = record.unit_confirmed_at or at
    elif may_confirm_as_police(actor, record):
        kind = ActionKind.POLICE
        record.police_confirmed_at = record.police_confirmed_at or at
        authority = authority or _("Công an phường")
    else:
        raise ValidationError({"__all__": MISSING})
    if model is Tip and record.answered_at is None:
        record.answered_at = at
    records.save(record, actor)
    return _act(
        actor,
        record,
        kind,
        what,
        at=at,
        actor_name=_text(actor_name) or "",
        authority=_text(authority) or "",
    )


@transaction.atomic
def mark_rapid_report(actor, incident):
    """The rapid report was made (its DOCX generated by someone who records for the unit):
    the first time stops the rapid-report clock and goes on the timeline."""
    incident = _locked(Incident, actor, incident)
    if not may_edit(actor, incident) or incident.rapid_reported_at is not None:
        return incident
    incident.rapid_reported_at = timezone.now()
    records.save(incident, actor)
    _act(actor, incident, ActionKind.RAPID, _("Lập báo cáo nhanh."))
    return incident


def _max_bytes():
    return ATTACHMENT_MAX_MB * 1024 * 1024


@transaction.atomic
def attach(actor, incident, upload):
    incident = _locked(Incident, actor, incident)
    require_role_over(actor, incident.unit, EDIT_ROLES, field="file", message=MISSING)
    name = _text(getattr(upload, "name", "")) or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload is None or not name:
        raise ValidationError({"file": _("Hãy chọn tệp.")})
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError(
            {
                "file": _("Chỉ nhận tệp %(types)s.")
                % {"types": ", ".join(t.upper() for t in ATTACHMENT_TYPES)}
            }
        )
    if upload.size > _max_bytes():
        raise ValidationError({"file": _("Tệp lớn hơn %(mb)s MB.") % {"mb": ATTACHMENT_MAX_MB}})
    attachment = records.save(
        Attachment(
            incident=incident, file=upload, name=name[:255], size=upload.size, uploaded_by=actor
        ),
        actor,
    )
    _act(
        actor, incident, ActionKind.NOTE, _("Đính kèm tệp “%(name)s”.") % {"name": attachment.name}
    )
    return attachment


@transaction.atomic
def remove_attachment(actor, attachment):
    incident = _locked(Incident, actor, attachment.incident)
    require_role_over(actor, incident.unit, EDIT_ROLES, field="__all__", message=MISSING)
    attachment = Attachment.objects.get(pk=attachment.pk)
    attachment.deleted_at = timezone.now()
    records.save(attachment, actor)
    _act(
        actor,
        incident,
        ActionKind.NOTE,
        _("Gỡ tệp đính kèm “%(name)s”.") % {"name": attachment.name},
    )


# ---------------------------------------------------------------- tips

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
PHONE = re.compile(r"^(\+?84|0)\d{8,10}$")


def responsible_unit(ward, day=None):
    """The union unit that receives tips about `ward`: its ward union (công đoàn phường/xã),
    else another union located in the ward, else the province's federation. 1–3 queries."""
    day = day or periods.today()
    open_units = Unit.objects.open_on(day).filter(kind__is_grassroots=False)
    unit = open_units.filter(ward=ward, kind__code="cd_xa").order_by("path").first()
    if unit is None:
        unit = open_units.filter(ward=ward).order_by("-kind__rank", "path").first()
    if unit is None and ward.province_id:
        unit = (
            open_units.filter(province_id=ward.province_id, kind__rank=1).order_by("path").first()
        )
    return unit


def new_tip_code():
    """ "TB-7K3M-9Q2X": random, unguessable (32^8), easy to read back over the phone."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"TB-{raw[:4]}-{raw[4:]}"


def normalise_code(text):
    raw = re.sub(r"[^A-Z0-9]", "", (text or "").upper())
    raw = raw[2:] if raw.startswith("TB") else raw
    return f"TB-{raw[:4]}-{raw[4:8]}" if len(raw) == 8 else ""


def find_tip(code):
    """The tip a receipt code names (the code is the sender's only key), or None."""
    code = normalise_code(code)
    if not code:
        return None
    return Tip.objects.filter(code=code).select_related("unit", "ward").first()


@transaction.atomic
def submit_tip(
    *,
    ward,
    what,
    happened_on,
    happened_time=None,
    place="",
    anonymous=True,
    reporter_name="",
    reporter_phone="",
    source="",
    sender=None,
):
    """A tip, routed to the unit responsible for the ward. From the portal (`sender` None: no
    account; the code it returns is how the sender follows it) or from a logged-in officer or
    group leader (`sender`: their account, sealed with the rest unless anonymous)."""
    errors = {}
    what = _text(what, multiline=True) or ""
    place = _text(place) or ""
    reporter_name = _text(reporter_name) or ""
    reporter_phone = re.sub(r"[\s.\-()]", "", _text(reporter_phone) or "")
    if ward is None or ward.level != AreaLevel.WARD:
        errors["ward"] = _("Hãy chọn phường/xã nơi xảy ra sự việc.")
    if len(what) < 10:
        errors["what"] = _("Hãy mô tả sự việc (ít nhất 10 ký tự).")
    today = periods.today()
    if happened_on is None:
        errors["happened_on"] = _("Hãy nhập ngày xảy ra sự việc.")
    elif happened_on > today:
        errors["happened_on"] = _("Ngày xảy ra không được sau hôm nay.")
    elif happened_on < today - datetime.timedelta(days=366):
        errors["happened_on"] = _("Chỉ nhận tin báo về sự việc trong vòng một năm.")
    if anonymous:
        reporter_name = reporter_phone = ""
    else:
        if not reporter_name and sender is None:
            errors["reporter_name"] = _("Hãy nhập họ tên, hoặc chọn gửi ẩn danh.")
        if reporter_phone and not PHONE.match(reporter_phone):
            errors["reporter_phone"] = _("Số điện thoại không hợp lệ (ví dụ 0912345678).")
    unit = None
    if "ward" not in errors:
        unit = responsible_unit(ward, today)
        if unit is None:
            errors["ward"] = _("Chưa có công đoàn nào tiếp nhận tin báo cho phường/xã này.")
    if errors:
        raise ValidationError(errors)
    channel = Channel.PORTAL
    if sender is not None:
        channel = (
            Channel.OFFICER if not scope_of(sender, VIEW_ROLES).empty else Channel.GROUP_LEADER
        )
        if not reporter_name and not anonymous:
            reporter_name = person_name(sender)
    sealed = (
        ""
        if anonymous
        else seal.seal(reporter_name, reporter_phone, sender.pk if sender is not None else None)
    )
    now = timezone.now()
    for _attempt in range(5):
        tip = Tip(
            code=new_tip_code(),
            channel=channel,
            source=(_text(source) or "")[:120],
            unit=unit,
            ward=ward,
            what=what,
            place=place,
            happened_on=happened_on,
            happened_time=happened_time,
            anonymous=anonymous,
            sealed_sender=sealed,
            created_at=now,
            answer_due=now + datetime.timedelta(days=TIP_ANSWER_DAYS),
        )
        records.full_clean(tip, exclude=["code", "search_text", "sealed_sender"])
        tip._history_user = sender
        try:
            with transaction.atomic():
                tip.save()
            return tip
        except IntegrityError:  # a code collision: draw again
            continue
    raise ValidationError({"what": _("Không tạo được mã tiếp nhận, hãy gửi lại.")})


@transaction.atomic
def answer_tip(actor, tip, *, state, public_note="", what="", authority=""):
    """An editor of the receiving unit moves the tip on (closing: an approver) and tells the
    sender (by code) in `public_note`; the first answer stops the answer clock."""
    tip = _locked(Tip, actor, tip)
    public_note = _text(public_note, multiline=True) or ""
    if state == tip.state:
        require_role_over(actor, tip.unit, EDIT_ROLES, field="state", message=MISSING)
        tip.public_note = public_note
        if tip.answered_at is None and public_note:
            tip.answered_at = timezone.now()
        records.save(tip, actor)
        return tip
    tip.public_note = public_note
    if tip.answered_at is None:
        tip.answered_at = timezone.now()
    return _move(actor, tip, state, what or public_note, authority, None)


@transaction.atomic
def reveal_sender(actor, tip):
    """The sealed sender of `tip`, for a reader of the tip who also holds the identity role over
    its unit (the role alone opens nothing); the
    reading goes on the tip's timeline and into the audit trail. Anyone else: a refusal."""
    # the tip must be one the reader sees (a unit role over it) and the identity role held
    tip = Tip.objects.visible_to(actor).select_related("unit").filter(pk=tip.pk).first()
    if tip is None or not seal.may_reveal(actor, tip):
        raise ValidationError({"__all__": _("Bạn không có quyền xem danh tính người báo tin.")})
    if tip.anonymous:
        return {}
    _act(actor, tip, ActionKind.REVEAL, _("Xem danh tính người báo tin."))
    return seal.unseal(tip.sealed_sender)


@transaction.atomic
def link_activity(actor, incident, activity, linked=True):
    """Link (or unlink) an activity held about the case — an outreach session organised after
    a stoppage, say — to it: an editor of the case's unit, an activity they see. On the
    timeline."""
    incident = _locked(Incident, actor, incident)
    require_role_over(actor, incident.unit, EDIT_ROLES, field="activity", message=MISSING)
    found = _visible(
        Activity,
        actor,
        activity,
        "activity",
        _("Không tìm thấy hoạt động trong phạm vi bạn xem được."),
    )
    if found is None:
        raise ValidationError({"activity": _("Hãy chọn hoạt động.")})
    if linked:
        incident.activities.add(found)
        what = _("Gắn hoạt động “%(t)s” (%(d)s).")
    else:
        incident.activities.remove(found)
        what = _("Bỏ gắn hoạt động “%(t)s” (%(d)s).")
    _act(
        actor,
        incident,
        ActionKind.NOTE,
        what % {"t": found.title, "d": found.date.strftime("%d/%m/%Y")},
    )
    return found
