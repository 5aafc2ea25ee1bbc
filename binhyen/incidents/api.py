"""API routes of the incidents app: cases (list, one, open, change, delete, move along the
workflow, note a step) and tips (list, one, answer), scoped like the pages: a record outside
the caller's scope is a 404, one seen but not theirs to change a 403, every write through
services.py (closing takes an approver, the ward's police liaison notes their own steps).

A tip's sealed sender is never part of an answer. Reading it is its own endpoint
(`POST /tips/{id}/reveal`), for holders of the identity role only, and each reading goes on
the tip's timeline and into the audit log (`services.reveal_sender`)."""

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from binhyen.core.api import (
    ERRORS,
    ErrorOut,
    In,
    Page,
    PageParams,
    get_or_404,
    paginate,
    require,
)
from binhyen.core.bounds import MAX_ID
from binhyen.org.models import Area, AreaLevel, Unit
from binhyen.org.scoping import APPROVE_ROLES, holds_role_over

from . import seal, services
from .models import PEOPLE, WORKER_DAYS, Incident, Outcome, State, Tip

router = Router(tags=["incidents"])

StateIn = Literal[tuple(State.values)]
OutcomeIn = Literal[tuple(Outcome.values)]
RECORD_ID = {"ge": 1, "le": MAX_ID}


def incident_not_found():
    return _("Không tìm thấy vụ việc, hoặc bạn không có quyền xem.")


def tip_not_found():
    return _("Không tìm thấy tin báo, hoặc bạn không có quyền xem.")


# --- schemas -------------------------------------------------------------------------------


class StoppageOut(Schema):
    workers_involved: int
    workforce: int
    share: float | None = Field(description="Tỷ lệ người ngừng việc trên tổng số lao động (0–1)")
    worker_days: int
    lawful: bool
    causes: list[str]
    causes_other: str
    demands: str
    representative: str
    dialogue_held: bool
    union_role: str
    authorities: str
    outcome: str
    resumed_on: datetime.date | None

    @staticmethod
    def resolve_causes(obj):
        return [c.code for c in obj.causes.all()]


class ActionOut(Schema):
    id: int
    kind: str
    at: datetime.datetime
    actor_name: str
    authority: str
    what: str
    state_from: str
    state_to: str


class IncidentOut(Schema):
    id: int
    code: str
    kind: str
    kind_name: str
    title: str
    summary: str
    started_at: datetime.datetime
    ended_at: datetime.datetime | None
    unit: str = Field(description="Mã đơn vị báo cáo")
    ward: str = Field(description="Mã phường, xã")
    ward_name: str
    enterprise: int | None
    enterprise_name: str | None
    boarding_house: int | None
    place: str
    people_involved: int | None
    people: str
    state: str
    state_name: str
    rapid_report_due: datetime.datetime | None
    rapid_reported_at: datetime.datetime | None
    resolve_due: datetime.datetime | None
    settled_at: datetime.datetime | None
    overdue: list[str] = Field(description="Các hạn đã trễ (rỗng nếu không)")
    tip: str | None = Field(description="Mã tiếp nhận của tin báo gốc (không có người gửi)")
    stoppage: StoppageOut | None

    @staticmethod
    def resolve_kind(obj):
        return obj.kind.code

    @staticmethod
    def resolve_kind_name(obj):
        return obj.kind.name

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code

    @staticmethod
    def resolve_ward(obj):
        return obj.ward.code

    @staticmethod
    def resolve_ward_name(obj):
        return obj.ward.name

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise_id

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.enterprise.name if obj.enterprise_id else None

    @staticmethod
    def resolve_boarding_house(obj):
        return obj.boarding_house_id

    @staticmethod
    def resolve_state_name(obj):
        return obj.get_state_display()

    @staticmethod
    def resolve_overdue(obj):
        return [str(r) for r in obj.overdue_reasons()]

    @staticmethod
    def resolve_tip(obj):
        return obj.tip.code if obj.tip_id else None

    @staticmethod
    def resolve_stoppage(obj):
        return getattr(obj, "stoppage", None) if obj.kind.is_stoppage else None


class IncidentDetailOut(IncidentOut):
    timeline: list[ActionOut]

    @staticmethod
    def resolve_timeline(obj):
        return list(obj.actions.all())


class StoppageIn(In):
    workers_involved: int | None = Field(None, **PEOPLE.schema_kwargs())
    workforce: int | None = Field(
        None, description="Để trống: số lao động của doanh nghiệp", **PEOPLE.schema_kwargs()
    )
    worker_days: int | None = Field(
        None, description="Để trống: tự tính", **WORKER_DAYS.schema_kwargs()
    )
    lawful: bool | None = None
    causes: list[str] | None = Field(None, description="Mã nguyên nhân, ví dụ tien_luong, bhxh")
    causes_other: str | None = Field(None, max_length=500)
    demands: str | None = Field(None, max_length=4000)
    representative: str | None = Field(None, max_length=255)
    dialogue_held: bool | None = None
    union_role: str | None = Field(None, max_length=4000)
    authorities: str | None = Field(None, max_length=500)
    outcome: OutcomeIn | None = None
    resumed_on: datetime.date | None = None

    multiline = In.multiline | {"demands", "union_role"}


class IncidentIn(In):
    unit: str = Field(max_length=40, description="Mã đơn vị báo cáo (bạn được nhập liệu)")
    kind: str = Field(max_length=40, description="Mã loại vụ việc, ví dụ ngung_viec, toi_pham")
    title: str = Field(min_length=1, max_length=255)
    summary: str = Field(min_length=1, max_length=8000)
    started_at: datetime.datetime
    ended_at: datetime.datetime | None = None
    ward: str | None = Field(None, max_length=20, description="Mã phường, xã (từ 01/07/2025)")
    enterprise: int | None = Field(None, description="Số doanh nghiệp", **RECORD_ID)
    boarding_house: int | None = Field(None, description="Số nhà trọ", **RECORD_ID)
    place: str = Field("", max_length=255)
    people_involved: int | None = Field(None, **PEOPLE.schema_kwargs())
    people: str = Field("", max_length=4000)
    stoppage: StoppageIn | None = Field(None, description="Hồ sơ ngừng việc (chỉ ngung_viec)")

    multiline = In.multiline | {"people"}


class IncidentPatchIn(In):
    kind: str | None = Field(None, max_length=40)
    title: str | None = Field(None, min_length=1, max_length=255)
    summary: str | None = Field(None, min_length=1, max_length=8000)
    started_at: datetime.datetime | None = None
    ended_at: datetime.datetime | None = None
    ward: str | None = Field(None, max_length=20)
    enterprise: int | None = Field(None, **RECORD_ID)
    boarding_house: int | None = Field(None, **RECORD_ID)
    place: str | None = Field(None, max_length=255)
    people_involved: int | None = Field(None, **PEOPLE.schema_kwargs())
    people: str | None = Field(None, max_length=4000)
    stoppage: StoppageIn | None = None

    multiline = In.multiline | {"people"}


class IncidentMoveIn(In):
    state: StateIn = Field(description="Trạng thái mới (đóng: người phê duyệt)")
    what: str = Field("", max_length=4000, description="Kết quả xử lý hoặc lý do")
    authority: str = Field("", max_length=255)

    multiline = In.multiline | {"what"}


class StepIn(In):
    what: str = Field(min_length=1, max_length=4000, description="Đã làm gì")
    at: datetime.datetime | None = Field(None, description="Lúc nào (mặc định: bây giờ)")
    actor_name: str = Field("", max_length=150, description="Người thực hiện")
    authority: str = Field("", max_length=255, description="Với tư cách / thẩm quyền")

    multiline = In.multiline | {"what"}


class IncidentFilters(In):
    kind: str | None = Field(None, description="Mã loại vụ việc")
    state: StateIn | None = None
    ward: str | None = Field(None, description="Mã phường, xã")
    enterprise: int | None = Field(None, description="Số doanh nghiệp", **RECORD_ID)
    overdue: bool | None = Field(None, description="true: chỉ vụ việc quá hạn")
    q: str | None = Field(None, description="Mã, tên vụ việc, không cần gõ dấu")


class TipItemOut(Schema):
    id: int
    code: str
    channel: str
    unit: str
    ward: str
    ward_name: str
    what: str
    place: str
    happened_on: datetime.date
    anonymous: bool
    state: str
    state_name: str
    public_note: str
    answer_due: datetime.datetime | None
    answered_at: datetime.datetime | None
    unit_confirmed_at: datetime.datetime | None
    police_confirmed_at: datetime.datetime | None
    created_at: datetime.datetime
    incident: int | None = Field(description="Vụ việc được tạo từ tin báo này")

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code

    @staticmethod
    def resolve_ward(obj):
        return obj.ward.code

    @staticmethod
    def resolve_ward_name(obj):
        return obj.ward.name

    @staticmethod
    def resolve_state_name(obj):
        return obj.get_state_display()

    @staticmethod
    def resolve_incident(obj):
        found = getattr(obj, "incident", None)
        return found.pk if found is not None else None


class TipDetailOut(TipItemOut):
    timeline: list[ActionOut]

    @staticmethod
    def resolve_timeline(obj):
        return list(obj.actions.all())


class AnswerIn(In):
    state: StateIn = Field(description="Trạng thái (giữ nguyên: chỉ sửa phản hồi)")
    public_note: str = Field("", max_length=2000, description="Phản hồi người báo (tra bằng mã)")
    what: str = Field("", max_length=4000)
    authority: str = Field("", max_length=255)

    multiline = In.multiline | {"public_note", "what"}


class TipFilters(In):
    state: StateIn | None = None
    ward: str | None = Field(None, description="Mã phường, xã")
    q: str | None = Field(None, description="Mã tiếp nhận hoặc nội dung, không cần gõ dấu")


class SenderOut(Schema):
    anonymous: bool
    name: str
    phone: str


# --- incidents -----------------------------------------------------------------------------


def _incidents(request):
    return Incident.objects.visible_to(request.auth).select_related(
        "kind", "unit", "ward", "enterprise", "stoppage", "tip"
    )


def _incident(request, pk):
    qs = _incidents(request).prefetch_related("stoppage__causes", "actions")
    return get_or_404(qs, incident_not_found(), pk=pk)


def _ward(code, errors):
    ward = Area.objects.filter(level=AreaLevel.WARD, code=code).first()
    if ward is None:
        errors["ward"] = _("Không có phường, xã mã “%(c)s” (địa giới từ 01/07/2025).") % {"c": code}
    return ward


def _fields(data, errors):
    """The body's codes → what the service takes (it checks what the caller sees)."""
    if data.get("ward"):
        data["ward"] = _ward(data["ward"], errors)
    stoppage = data.pop("stoppage", None)
    if stoppage is not None:
        stoppage = {k: v for k, v in stoppage.items() if v is not None}
        for text in ("causes_other", "demands", "representative", "union_role", "authorities"):
            stoppage[text] = stoppage.get(text, "")
    return data, stoppage


def _editable(request, pk):
    incident = _incident(request, pk)
    if not services.may_edit(request.auth, incident):
        raise PermissionDenied
    return incident


@router.get("/incidents", response={200: Page[IncidentOut], **ERRORS}, summary="Danh sách vụ việc")
def list_incidents(request, paging: Query[PageParams], filters: Query[IncidentFilters]):
    qs = _incidents(request).prefetch_related("stoppage__causes")
    if filters.kind:
        qs = qs.filter(kind__code=filters.kind)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.ward:
        qs = qs.filter(ward__code=filters.ward, ward__level=AreaLevel.WARD)
    if filters.enterprise:
        qs = qs.filter(enterprise_id=filters.enterprise)
    if filters.overdue:
        qs = qs.overdue()
    if filters.q:
        qs = qs.search(filters.q)
    return paginate(qs.order_by("-started_at", "-id"), paging)


@router.get(
    "/incidents/{int:pk}",
    response={200: IncidentDetailOut, **ERRORS},
    summary="Một vụ việc và các bước xử lý",
)
def get_incident(request, pk: int):
    return _incident(request, pk)


@router.post("/incidents", response={201: IncidentDetailOut, **ERRORS}, summary="Ghi nhận vụ việc")
def create_incident(request, payload: IncidentIn):
    errors = {}
    data, stoppage = _fields(payload.dict(), errors)
    code = data.pop("unit")
    unit = Unit.objects.recordable_by(request.auth).filter(code=code).first()
    if unit is None:
        errors["unit"] = _("Đơn vị không tồn tại hoặc nằm ngoài phạm vi bạn được nhập liệu.")
    require(errors)
    for name in ("ward", "enterprise", "boarding_house"):
        if data.get(name) is None:
            data.pop(name, None)
    incident = services.open_incident(request.auth, unit=unit, stoppage=stoppage, **data)
    return Status(201, _incident(request, incident.pk))


@router.patch(
    "/incidents/{int:pk}",
    response={200: IncidentDetailOut, 403: ErrorOut, **ERRORS},
    summary="Sửa thông tin vụ việc",
)
def update_incident(request, pk: int, payload: IncidentPatchIn):
    incident = _editable(request, pk)
    errors = {}
    changes, stoppage = _fields(payload.dict(exclude_unset=True), errors)
    require(errors)
    for text in ("place", "people"):
        if text in changes and changes[text] is None:
            changes[text] = ""
    services.update_incident(request.auth, incident, stoppage=stoppage, **changes)
    return _incident(request, pk)


@router.delete(
    "/incidents/{int:pk}",
    response={204: None, 403: ErrorOut, **ERRORS},
    summary="Xóa (mềm) một vụ việc (người phê duyệt)",
)
def delete_incident(request, pk: int):
    incident = _incident(request, pk)
    if not holds_role_over(request.auth, APPROVE_ROLES, incident.unit):
        raise PermissionDenied
    services.delete_incident(request.auth, incident)
    return Status(204, None)


@router.post(
    "/incidents/{int:pk}/state",
    response={200: IncidentDetailOut, 403: ErrorOut, **ERRORS},
    summary="Chuyển trạng thái vụ việc",
    description="Tiếp nhận → xác minh → đang xử lý → đã giải quyết / chuyển cơ quan chức năng → "
    "đóng. Người nhập liệu chuyển các bước; chỉ người phê duyệt mới đóng.",
)
def move_incident(request, pk: int, payload: IncidentMoveIn):
    incident = _incident(request, pk)
    if not services.may_edit(request.auth, incident) and not holds_role_over(
        request.auth, APPROVE_ROLES, incident.unit
    ):
        raise PermissionDenied
    services.move_incident(
        request.auth, incident, payload.state, what=payload.what, authority=payload.authority
    )
    return _incident(request, pk)


@router.post(
    "/incidents/{int:pk}/steps",
    response={201: ActionOut, 403: ErrorOut, **ERRORS},
    summary="Ghi một bước xử lý",
    description="Người nhập liệu của đơn vị ghi mọi bước; công an phường ghi bước của mình "
    "(xác nhận việc công an đã làm).",
)
def add_step(request, pk: int, payload: StepIn):
    incident = _incident(request, pk)
    if not (
        services.may_edit(request.auth, incident)
        or services.may_confirm_as_police(request.auth, incident)
    ):
        raise PermissionDenied
    action = services.note_step(request.auth, incident, **payload.dict())
    return Status(201, action)


# --- tips ----------------------------------------------------------------------------------


def _tips(request):
    return Tip.objects.visible_to(request.auth).select_related("unit", "ward", "incident")


def _tip(request, pk):
    return get_or_404(_tips(request).prefetch_related("actions"), tip_not_found(), pk=pk)


@router.get("/tips", response={200: Page[TipItemOut], **ERRORS}, summary="Danh sách tin báo")
def list_tips(request, paging: Query[PageParams], filters: Query[TipFilters]):
    qs = _tips(request)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.ward:
        qs = qs.filter(ward__code=filters.ward, ward__level=AreaLevel.WARD)
    if filters.q:
        qs = qs.search(filters.q)
    return paginate(qs.order_by("-created_at", "-id"), paging)


@router.get(
    "/tips/{int:pk}",
    response={200: TipDetailOut, **ERRORS},
    summary="Một tin báo (không có người gửi)",
)
def get_tip(request, pk: int):
    return _tip(request, pk)


@router.post(
    "/tips/{int:pk}/answer",
    response={200: TipDetailOut, 403: ErrorOut, **ERRORS},
    summary="Xử lý, trả lời tin báo",
)
def answer_tip(request, pk: int, payload: AnswerIn):
    tip = _tip(request, pk)
    if not services.may_edit(request.auth, tip) and not holds_role_over(
        request.auth, APPROVE_ROLES, tip.unit
    ):
        raise PermissionDenied
    services.answer_tip(request.auth, tip, **payload.dict())
    return _tip(request, pk)


@router.post(
    "/tips/{int:pk}/reveal",
    response={200: SenderOut, 403: ErrorOut, **ERRORS},
    summary="Xem danh tính người báo tin (vai trò riêng; mỗi lần xem được ghi lại)",
)
def reveal_sender(request, pk: int):
    tip = _tip(request, pk)
    if not seal.may_reveal(request.auth, tip):
        raise PermissionDenied
    sender = services.reveal_sender(request.auth, tip)
    return {
        "anonymous": tip.anonymous,
        "name": sender.get("name", ""),
        "phone": sender.get("phone", ""),
    }
