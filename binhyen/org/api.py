"""API routes of the org app: who am I, the union tree (read and administer), and areas."""

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from binhyen.core.api import (
    ERRORS,
    In,
    Page,
    PageParams,
    api_field_names,
    get_or_404,
    paginate,
    require,
)
from binhyen.core.bounds import EARLIEST_DATE
from binhyen.core.text import format_number
from binhyen.org.scoping import ADMIN_ROLES, holds_role_over

from . import services
from .models import (
    GRASSROOTS_HEADCOUNT,
    REFORM_DATE,
    UNION_MEMBERS,
    WORKFORCE,
    Area,
    AreaLevel,
    Assignment,
    Ownership,
    Unit,
    UnitEvent,
    UnitKind,
    code_validator,
)

router = Router(tags=["org"])

UNIT_RELATED = ("kind", "parent", "province", "ward")


def unit_not_found(code):
    # The same words for unknown and out-of-scope units: a 404 never confirms existence.
    return _("Không tìm thấy đơn vị “%(code)s” trong phạm vi của bạn.") % {"code": code}


def out_of_admin_scope():
    # The wording of scoping.require_role_over for admins, so unknown and unseen units read alike.
    return _("Đơn vị không tồn tại hoặc nằm ngoài phạm vi bạn được quản trị.")


# --- schemas -------------------------------------------------------------------------------


class RoleOut(Schema):
    role: str
    role_name: str
    unit_code: str | None
    unit_name: str | None
    wards: list[str] = Field(description="Mã phường/xã (vai trò công an phường)")


class MeOut(Schema):
    username: str
    full_name: str
    is_superuser: bool
    roles: list[RoleOut]


class UnitOut(Schema):
    code: str
    name: str
    kind: str = Field(description="Mã loại đơn vị")
    parent: str | None = Field(description="Mã đơn vị cấp trên")
    depth: int
    province: str | None = Field(description="Mã tỉnh/thành phố")
    ward: str | None = Field(description="Mã phường/xã")
    valid_from: datetime.date
    valid_to: datetime.date | None

    @staticmethod
    def resolve_kind(obj):
        return obj.kind.code

    @staticmethod
    def resolve_parent(obj):
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_province(obj):
        return obj.province.code if obj.province_id else None

    @staticmethod
    def resolve_ward(obj):
        return obj.ward.code if obj.ward_id else None


class UnitDetailOut(UnitOut):
    short_name: str
    kind_name: str
    successor: str | None = Field(description="Mã đơn vị kế thừa (khi đã kết thúc)")
    enterprise_name: str
    ownership: str
    workforce: int | None
    members: int | None

    @staticmethod
    def resolve_kind_name(obj):
        return obj.kind.name

    @staticmethod
    def resolve_successor(obj):
        return obj.successor.code if obj.successor_id else None


class AreaOut(Schema):
    code: str
    name: str
    level: str
    province: str | None = Field(description="Mã tỉnh/thành phố chứa địa bàn này")
    valid_to: datetime.date | None
    successor: str | None = Field(description="Mã địa bàn hiện nay (với địa bàn cũ)")

    @staticmethod
    def resolve_province(obj):
        return obj.province.code if obj.province_id else None

    @staticmethod
    def resolve_successor(obj):
        return obj.successor.code if obj.successor_id else None


OwnershipIn = Literal[("", *Ownership.values)]  # built from the model so they never drift


def _max(model, name):
    """The column's max_length: the schema states the limit the database has."""
    return model._meta.get_field(name).max_length


UNIT_CODE = Field(
    max_length=_max(Unit, "code"),
    pattern=code_validator.regex.pattern,
    description="Chữ in hoa không dấu, chữ số và . _ - (ví dụ HCM-Q9-CS1)",
)
UNIT_REF = {"max_length": _max(Unit, "code")}
AREA_REF = {"max_length": _max(Area, "code")}
KIND_REF = {"max_length": _max(UnitKind, "code"), "pattern": r"^[-a-zA-Z0-9_]+$"}
NOTE = {"max_length": _max(UnitEvent, "note")}
FOUNDED = (
    "Ngày thành lập, YYYY-MM-DD: từ 28/07/1929, tối đa hai năm sau hôm nay "
    "(đơn vị thành lập theo quyết định đã ban hành)"
)
EVENT_DATE = "YYYY-MM-DD: từ 28/07/1929, tối đa hai năm sau hôm nay (thay đổi đã có quyết định)"
WORKFORCE_NOTE = f" (công đoàn cơ sở: tối đa {format_number(GRASSROOTS_HEADCOUNT)})"


class UnitFactsIn(In):
    short_name: str = Field("", max_length=_max(Unit, "short_name"))
    province: str | None = Field(None, description="Mã tỉnh/thành phố", **AREA_REF)
    ward: str | None = Field(None, description="Mã phường/xã", **AREA_REF)
    enterprise_name: str = Field("", max_length=_max(Unit, "enterprise_name"))
    ownership: OwnershipIn = ""
    workforce: int | None = Field(
        None, description="Số lao động" + WORKFORCE_NOTE, **WORKFORCE.schema_kwargs()
    )
    members: int | None = Field(
        None,
        description="Số đoàn viên, không lớn hơn số lao động" + WORKFORCE_NOTE,
        **UNION_MEMBERS.schema_kwargs(),
    )


class UnitCreateIn(UnitFactsIn):
    code: str = UNIT_CODE
    name: str = Field(min_length=1, max_length=_max(Unit, "name"))
    kind: str = Field(description="Mã loại đơn vị, ví dụ cd_co_so", **KIND_REF)
    parent: str = Field(description="Mã đơn vị cấp trên", **UNIT_REF)
    valid_from: datetime.date = Field(description=FOUNDED, ge=EARLIEST_DATE)
    valid_to: datetime.date | None = Field(
        None, description="Ngày kết thúc (đơn vị đã kết thúc), " + EVENT_DATE, ge=EARLIEST_DATE
    )


class UnitPatchIn(In):
    """Only the fields sent change. Code, parent and closing date are not here: the code is
    stable, and parent/closing changes are dated events (move, merge, close)."""

    name: str | None = Field(None, min_length=1, max_length=_max(Unit, "name"))
    short_name: str | None = Field(None, max_length=_max(Unit, "short_name"))
    kind: str | None = Field(None, **KIND_REF)
    province: str | None = Field(None, **AREA_REF)
    ward: str | None = Field(None, **AREA_REF)
    valid_from: datetime.date | None = Field(None, description=FOUNDED, ge=EARLIEST_DATE)
    enterprise_name: str | None = Field(None, max_length=_max(Unit, "enterprise_name"))
    ownership: OwnershipIn | None = None
    workforce: int | None = Field(
        None, description="Số lao động" + WORKFORCE_NOTE, **WORKFORCE.schema_kwargs()
    )
    members: int | None = Field(
        None, description="Số đoàn viên" + WORKFORCE_NOTE, **UNION_MEMBERS.schema_kwargs()
    )


class MoveIn(In):
    parent: str = Field(description="Mã đơn vị cấp trên mới", **UNIT_REF)
    date: datetime.date = Field(
        description="Ngày bắt đầu trực thuộc đơn vị mới, " + EVENT_DATE, ge=EARLIEST_DATE
    )
    note: str = Field("", **NOTE)


class CloseIn(In):
    date: datetime.date = Field(
        description="Ngày cuối cùng đơn vị hoạt động, " + EVENT_DATE, ge=EARLIEST_DATE
    )
    successor: str | None = Field(None, description="Mã đơn vị kế thừa", **UNIT_REF)
    note: str = Field("", **NOTE)


class MergeIn(In):
    into: str = Field(description="Mã đơn vị nhận sáp nhập", **UNIT_REF)
    date: datetime.date = Field(
        description="Ngày đầu tiên của đơn vị sau sáp nhập, " + EVENT_DATE, ge=EARLIEST_DATE
    )
    note: str = Field("", **NOTE)


# --- reads ---------------------------------------------------------------------------------


def full_name(user):
    # Vietnamese order: family and middle names (last_name) before the given name.
    return f"{user.last_name} {user.first_name}".strip() or user.username


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Người dùng hiện tại và vai trò")
def me(request):
    user = request.auth
    # A person's own assignments: not records of others, so no subtree filter applies.
    assignments = (
        Assignment.objects.filter(user=user, active=True)
        .select_related("unit")
        .prefetch_related("wards")
    )
    roles = [
        {
            "role": a.role,
            "role_name": a.get_role_display(),
            "unit_code": a.unit.code if a.unit_id else None,
            "unit_name": a.unit.name if a.unit_id else None,
            "wards": [w.code for w in a.wards.all()],
        }
        for a in assignments
    ]
    return {
        "username": user.username,
        "full_name": full_name(user),
        "is_superuser": user.is_superuser,
        "roles": roles,
    }


@router.get("/units", response={200: Page[UnitOut], **ERRORS}, summary="Danh sách đơn vị")
def list_units(
    request,
    paging: Query[PageParams],
    parent: str | None = Query(None, description="Chỉ các đơn vị trực thuộc đơn vị có mã này"),
    q: str | None = Query(None, description="Tìm theo tên/mã, không cần gõ dấu"),
):
    visible = Unit.objects.visible_to(request.auth)
    units = visible.select_related(*UNIT_RELATED)
    if parent:
        parent_unit = get_or_404(visible, unit_not_found(parent), code=parent)
        units = units.filter(parent=parent_unit)
    if q:
        units = units.search(q)
    return paginate(units.order_by("path"), paging)


@router.get("/units/{code}", response={200: UnitDetailOut, **ERRORS}, summary="Một đơn vị")
def get_unit(request, code: str):
    units = Unit.objects.visible_to(request.auth).select_related(*UNIT_RELATED, "successor")
    return get_or_404(units, unit_not_found(code), code=code)


@router.get("/areas", response={200: Page[AreaOut], **ERRORS}, summary="Địa bàn hành chính")
def list_areas(
    request,
    paging: Query[PageParams],
    level: Literal["province", "ward", "legacy_province", "legacy_district", "legacy_ward"]
    | None = Query(None, description="Cấp địa bàn"),
    province: str | None = Query(None, description="Mã tỉnh/thành phố"),
    q: str | None = Query(None, description="Tìm theo tên/mã, không cần gõ dấu"),
):
    # Areas are public reference data (the official list of provinces and wards): any
    # authenticated caller may read all of them, so there is no scope to apply.
    areas = Area.objects.select_related("province", "successor")
    if level:
        areas = areas.filter(level=level)
    if province:
        areas = areas.filter(province__code=province)
        if level:
            legacy = level.startswith("legacy_")
            areas = areas.filter(
                province__level=AreaLevel.LEGACY_PROVINCE if legacy else AreaLevel.PROVINCE
            )
    if q:
        areas = areas.search(q)
    return paginate(areas.order_by("level", "code"), paging)


# --- writes (admins; each calls one function of org/services.py) --------------------------


def _visible_unit(request, code):
    units = Unit.objects.visible_to(request.auth).select_related(*UNIT_RELATED, "successor")
    return get_or_404(units, unit_not_found(code), code=code)


def _administered_unit(request, code):
    """A unit the caller may change: unknown or unseen → 404; seen but not administered → 403
    (the caller already knows it exists, so the refusal confirms nothing new)."""
    unit = _visible_unit(request, code)
    if not holds_role_over(request.auth, ADMIN_ROLES, unit):
        raise PermissionDenied
    return unit


def _reload(unit):
    return Unit.objects.select_related(*UNIT_RELATED, "successor").get(pk=unit.pk)


def _referenced_unit(request, field, code, errors):
    """A unit named in a request body: unknown and unseen units get the same message."""
    unit = Unit.objects.visible_to(request.auth).filter(code=code).first()
    if unit is None:
        errors[field] = out_of_admin_scope()
    return unit


def _kind(code, errors):
    kind = UnitKind.objects.filter(code=code).first()
    if kind is None:
        errors["kind"] = _("Không có loại đơn vị mã “%(code)s”.") % {"code": code}
    return kind


def _area(field, code, levels, legacy, errors, province=None):
    """The area with `code` among `levels`. Current and legacy lists share codes (79 is Hồ Chí
    Minh in both), so the unit's era decides: closed before the reform → the legacy one."""
    if not code:
        return None
    candidates = Area.objects.filter(code=code, level__in=levels)
    if province is not None:
        candidates = candidates.filter(province=province)
    candidates = list(candidates)
    if not candidates:
        errors[field] = _("Không có %(what)s mã “%(code)s”.") % {
            "what": AreaLevel(levels[0]).label.lower(),
            "code": code,
        }
        return None
    candidates.sort(key=lambda a: a.is_legacy != legacy)
    return candidates[0]


def _places(payload, legacy, errors, current_province=None):
    """Resolve the province and ward codes of a body; {} for the ones not sent."""
    sent = payload.dict(exclude_unset=True)
    found = {}
    province = current_province
    if "province" in sent:
        province = _area(
            "province",
            sent["province"],
            [AreaLevel.PROVINCE, AreaLevel.LEGACY_PROVINCE],
            legacy,
            errors,
        )
        found["province"] = province
    if "ward" in sent:
        found["ward"] = _area(
            "ward",
            sent["ward"],
            [AreaLevel.WARD, AreaLevel.LEGACY_WARD],
            legacy,
            errors,
            province=province,
        )
    return found


@router.post("/units", response={201: UnitDetailOut, **ERRORS}, summary="Thành lập đơn vị")
def create_unit(request, payload: UnitCreateIn):
    errors = {}
    parent = _referenced_unit(request, "parent", payload.parent, errors)
    kind = _kind(payload.kind, errors)
    legacy = payload.valid_to is not None and payload.valid_to < REFORM_DATE
    places = _places(payload, legacy, errors)
    require(errors)
    fields = payload.dict(exclude={"parent", "kind", "province", "ward"})
    unit = services.create_unit(request.auth, parent=parent, kind=kind, **fields, **places)
    return Status(201, _reload(unit))


@router.patch(
    "/units/{code}", response={200: UnitDetailOut, **ERRORS}, summary="Sửa thông tin đơn vị"
)
def update_unit(request, code: str, payload: UnitPatchIn):
    unit = _administered_unit(request, code)
    changes = payload.dict(exclude_unset=True)
    errors = {}
    if "kind" in changes:
        changes["kind"] = _kind(changes["kind"], errors)
    legacy = unit.valid_to is not None and unit.valid_to < REFORM_DATE
    changes.update(_places(payload, legacy, errors, current_province=unit.province))
    require(errors)
    for blankable in ("short_name", "enterprise_name", "ownership"):
        if blankable in changes and changes[blankable] is None:
            changes[blankable] = ""
    with api_field_names({"unit": "code"}):
        unit = services.update_unit(request.auth, unit, **changes)
    return _reload(unit)


@router.post(
    "/units/{code}/move", response={200: UnitDetailOut, **ERRORS}, summary="Chuyển đơn vị cấp trên"
)
def move_unit(request, code: str, payload: MoveIn):
    unit = _administered_unit(request, code)
    errors = {}
    parent = _referenced_unit(request, "parent", payload.parent, errors)
    require(errors)
    with api_field_names({"unit": "code"}):
        unit = services.move_unit(request.auth, unit, parent, payload.date, note=payload.note)
    return _reload(unit)


@router.post(
    "/units/{code}/close", response={200: UnitDetailOut, **ERRORS}, summary="Kết thúc hoạt động"
)
def close_unit(request, code: str, payload: CloseIn):
    unit = _administered_unit(request, code)
    errors = {}
    successor = None
    if payload.successor:
        successor = _referenced_unit(request, "successor", payload.successor, errors)
    require(errors)
    with api_field_names({"unit": "code"}):
        unit = services.close_unit(
            request.auth, unit, payload.date, successor=successor, note=payload.note
        )
    return _reload(unit)


@router.post(
    "/units/{code}/merge",
    response={200: UnitDetailOut, **ERRORS},
    summary="Sáp nhập vào đơn vị khác",
)
def merge_unit(request, code: str, payload: MergeIn):
    """Merge this unit into `into` from `date`: its open children move there that day, and it
    closes the day before with `into` as its successor. Answers with the merged (closed) unit."""
    unit = _administered_unit(request, code)
    errors = {}
    target = _referenced_unit(request, "into", payload.into, errors)
    require(errors)
    # merge_units names the target "target" (and, through move/close, "parent"/"successor").
    names = {
        "unit": "code",
        "sources": "code",
        "target": "into",
        "parent": "into",
        "successor": "into",
    }
    with api_field_names(names):
        services.merge_units(request.auth, [unit], target, payload.date, note=payload.note)
    return _reload(unit)
