"""API routes of the groups app: groups and their members, boarding houses, cameras, stock figures.

Lists share one set of filters (unit subtree, kind, ward, active on a date) and the API's
paginated shape; phones and ID numbers come masked unless the caller edits the managing unit.
"""

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from binhyen.core.api import ERRORS, In, Page, PageParams, get_or_404, paginate, require
from binhyen.core.bounds import EARLIEST_DATE, MAX_ID
from binhyen.core.periods import today
from binhyen.org.models import LATITUDE, LONGITUDE, Area, AreaLevel, Unit
from binhyen.org.scoping import figure_scope

from . import services, stats
from .models import (
    CAMERA_COST,
    RESIDENT_WORKERS,
    ROOMS,
    BoardingHouse,
    BoardingHouseCoverage,
    Camera,
    CameraStateKind,
    FunderKind,
    Group,
    GroupKind,
    GroupMember,
    MemberRole,
    in_force_on,
)
from .privacy import revealed_groups, revealed_houses, shown

router = Router(tags=["groups"])


def unit_not_found(code):
    return _("Không tìm thấy đơn vị “%(code)s” trong phạm vi của bạn.") % {"code": code}


def group_not_found():
    return _("Không tìm thấy tổ/mô hình, hoặc bạn không có quyền xem.")


# --- schemas -------------------------------------------------------------------------------


class GroupOut(Schema):
    id: int
    code: str
    name: str
    kind: str = Field(description="Mã loại mô hình: nha_tro, xe_om, du_luan_xa_hoi, nong_cot, khac")
    kind_name: str
    unit: str = Field(description="Mã đơn vị quản lý")
    unit_name: str
    ward: str = Field(description="Mã phường, xã (từ 01/07/2025)")
    ward_name: str
    legacy_ward: str | None = Field(description="Mã phường, xã cũ đã nhập (trước 01/07/2025)")
    address: str
    founded: datetime.date
    closed: datetime.date | None
    leader: str = Field(description="Tổ trưởng đương nhiệm (hoặc tên ghi tay)")
    police_contact: str
    members: int = Field(description="Số thành viên vào ngày active_on (mặc định hôm nay)")

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
    def resolve_unit_name(obj):
        return obj.unit.name

    @staticmethod
    def resolve_ward(obj):
        return obj.ward.code

    @staticmethod
    def resolve_ward_name(obj):
        return obj.ward.name

    @staticmethod
    def resolve_legacy_ward(obj):
        return obj.legacy_ward.code if obj.legacy_ward_id else None

    @staticmethod
    def resolve_leader(obj):
        return getattr(obj, "current_leader", None) or obj.leader_name

    @staticmethod
    def resolve_members(obj):
        return getattr(obj, "members_on", 0) or 0


# --- what the input schemas state: the limits of the columns and of the services ----------


def _max(model, name):
    return model._meta.get_field(name).max_length


PAST = "YYYY-MM-DD; ngày đã diễn ra: từ 28/07/1929 đến hôm nay"
KIND_CODE = {
    "max_length": _max(GroupKind, "code"),
    "pattern": r"^[-a-zA-Z0-9_]+$",
    "description": "Mã loại mô hình: nha_tro, xe_om, du_luan_xa_hoi, nong_cot, khac",
}
UNIT_CODE = {"max_length": _max(Unit, "code"), "description": "Mã đơn vị quản lý"}
WARD_CODE = {
    "max_length": _max(Area, "code"),
    "description": "Mã phường, xã (mới hoặc cũ; mã cũ được quy về phường, xã mới)",
}
GROUP_CODE = {
    "max_length": _max(Group, "code"),
    "description": "Mã tổ, không trùng tổ khác (không bắt buộc)",
}
RECORD_ID = {"ge": 1, "le": MAX_ID}
PHONE = {
    "max_length": 20,
    "pattern": r"^[0-9 .()+\-]*$",
    "description": "Di động 10 chữ số bắt đầu bằng 03, 05, 07, 08 hoặc 09 (được viết kèm dấu cách, "
    "dấu chấm, +84); để trống nếu không có",
}
MemberRoleIn = Literal[tuple(MemberRole.values)]  # built from the model so they never drift
FunderKindIn = Literal[tuple(FunderKind.values)]


class GroupIn(In):
    kind: str = Field(**KIND_CODE)
    name: str = Field(min_length=1, max_length=_max(Group, "name"))
    unit: str = Field(**UNIT_CODE)
    ward: str = Field(**WARD_CODE)
    code: str = Field("", **GROUP_CODE)
    address: str = Field("", max_length=_max(Group, "address"))
    founded: datetime.date = Field(description=PAST, ge=EARLIEST_DATE)
    closed: datetime.date | None = Field(
        None, description=PAST + "; không trước ngày thành lập", ge=EARLIEST_DATE
    )
    leader_name: str = Field("", max_length=_max(Group, "leader_name"))
    police_contact: str = Field("", max_length=_max(Group, "police_contact"))
    notes: str = ""


class GroupPatchIn(In):
    kind: str | None = Field(None, **KIND_CODE)
    name: str | None = Field(None, min_length=1, max_length=_max(Group, "name"))
    ward: str | None = Field(None, **WARD_CODE)
    code: str | None = Field(None, **GROUP_CODE)
    address: str | None = Field(None, max_length=_max(Group, "address"))
    founded: datetime.date | None = Field(None, description=PAST, ge=EARLIEST_DATE)
    closed: datetime.date | None = Field(None, description=PAST, ge=EARLIEST_DATE)
    leader_name: str | None = Field(None, max_length=_max(Group, "leader_name"))
    police_contact: str | None = Field(None, max_length=_max(Group, "police_contact"))
    notes: str | None = None


class MemberOut(Schema):
    id: int
    full_name: str
    role: str = Field(description="to_truong, to_pho, thanh_vien")
    role_name: str
    phone: str = Field(
        description="Che (09******12) trừ khi người gọi được nhập liệu cho đơn vị quản lý"
    )
    id_number: str = Field(description="Số CCCD, che như số điện thoại")
    workplace: str
    workplace_unit: str | None = Field(description="Mã công đoàn cơ sở nơi làm việc")
    joined: datetime.date
    left: datetime.date | None


class MemberIn(In):
    full_name: str = Field(min_length=1, max_length=_max(GroupMember, "full_name"))
    role: MemberRoleIn = MemberRole.MEMBER.value
    phone: str = Field("", **PHONE)
    id_number: str = Field(
        "",
        pattern=r"^(?:[0-9] ?){12}$|^$",
        description="Số CCCD, đúng 12 chữ số (có thể cách nhau bằng dấu cách); một "
        "người chỉ có trong tổ một lần tại một thời điểm; để trống nếu không có",
    )
    workplace: str = Field("", max_length=_max(GroupMember, "workplace"))
    workplace_unit: str | None = Field(
        None, description="Mã công đoàn cơ sở nơi làm việc", max_length=_max(Unit, "code")
    )
    joined: datetime.date = Field(
        description=PAST + "; không trước ngày thành lập tổ", ge=EARLIEST_DATE
    )
    left: datetime.date | None = Field(
        None, description=PAST + "; không trước ngày vào tổ", ge=EARLIEST_DATE
    )


class HouseOut(Schema):
    id: int
    name: str
    address: str
    unit: str
    ward: str
    ward_name: str
    landlord_name: str
    landlord_phone: str = Field(
        description="Che trừ khi người gọi được nhập liệu cho đơn vị quản lý"
    )
    rooms: int
    resident_workers: int
    cooperative: bool
    group: int | None = Field(description="Tổ đang phụ trách vào ngày active_on (mặc định hôm nay)")


class HouseIn(In):
    unit: str = Field(**UNIT_CODE)
    address: str = Field(min_length=1, max_length=_max(BoardingHouse, "address"))
    ward: str = Field(**WARD_CODE)
    name: str = Field("", max_length=_max(BoardingHouse, "name"))
    landlord_name: str = Field("", max_length=_max(BoardingHouse, "landlord_name"))
    landlord_phone: str = Field("", **PHONE)
    rooms: int = Field(0, **ROOMS.schema_kwargs())
    resident_workers: int = Field(0, **RESIDENT_WORKERS.schema_kwargs())
    cooperative: bool = False
    notes: str = ""
    group: int | None = Field(None, description="Tổ phụ trách", **RECORD_ID)
    coverage_start: datetime.date | None = Field(
        None,
        description="Tổ phụ trách từ ngày (mặc định: ngày thành lập tổ), " + PAST,
        ge=EARLIEST_DATE,
    )


class CameraOut(Schema):
    id: int
    place: str
    unit: str
    group: int | None
    ward: str
    ward_name: str
    latitude: float | None
    longitude: float | None
    location_from_ward: bool
    funder_kind: str
    funder_name: str
    cost: int | None
    installed: datetime.date
    state: str | None = Field(description="Tình trạng vào ngày active_on (mặc định hôm nay)")
    police_can_view: bool

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
    def resolve_group(obj):
        return obj.group_id

    @staticmethod
    def resolve_state(obj):
        return obj.state_on


class CameraIn(In):
    unit: str = Field(**UNIT_CODE)
    place: str = Field(min_length=1, max_length=_max(Camera, "place"))
    ward: str = Field(**WARD_CODE)
    latitude: float | None = Field(
        None,
        description="Vĩ độ trong lãnh thổ Việt Nam; để trống: tâm phường, xã",
        **LATITUDE.schema_kwargs(),
    )
    longitude: float | None = Field(
        None, description="Kinh độ trong lãnh thổ Việt Nam", **LONGITUDE.schema_kwargs()
    )
    funder_kind: FunderKindIn = Field(
        description="Nguồn kinh phí: công đoàn, doanh nghiệp, người dân"
    )
    funder_name: str = Field(
        "",
        max_length=_max(Camera, "funder_name"),
        description="Bắt buộc khi nguồn kinh phí là doanh nghiệp",
    )
    cost: int | None = Field(None, description="Kinh phí (đồng)", **CAMERA_COST.schema_kwargs())
    installed: datetime.date = Field(description=PAST, ge=EARLIEST_DATE)
    police_can_view: bool = False
    group: int | None = Field(None, description="Tổ/mô hình, cùng đơn vị quản lý", **RECORD_ID)
    notes: str = ""


class KindStats(Schema):
    groups: int
    members: int
    wards: int


class StatsOut(Schema):
    groups: int
    members: int
    wards: int
    boarding_houses: int
    resident_workers: int
    cameras_working: int
    by_kind: dict[str, KindStats]


class ListFilters(In):
    unit: str | None = Field(None, description="Mã đơn vị: gồm cả các đơn vị trực thuộc")
    kind: str | None = Field(None, description="Mã loại mô hình")
    ward: str | None = Field(None, description="Mã phường, xã (mã cũ được quy về phường, xã mới)")
    active_on: datetime.date | None = Field(
        None, description="Chỉ những bản ghi còn hoạt động vào ngày này"
    )
    q: str | None = Field(None, description="Tìm theo tên, không cần gõ dấu")


class StatsParams(In):
    unit: str = Field(description="Mã đơn vị (tính cả các đơn vị trực thuộc)")
    date: datetime.date | None = Field(None, description="Ngày tính số liệu (mặc định hôm nay)")


class MemberFilters(In):
    active_on: datetime.date | None = Field(
        None, description="Chỉ thành viên trong tổ vào ngày này"
    )


# --- shared lookups ------------------------------------------------------------------------


def _unit(request, code):
    return get_or_404(Unit.objects.visible_to(request.auth), unit_not_found(code), code=code)


def ward_by_code(code):
    """The 2025 ward with `code`, else the legacy ward with it (services map it to its
    successor); None if unknown. Many codes are in both lists; the current one wins."""
    found = Area.objects.filter(level=AreaLevel.WARD, code=code).first()
    return found or Area.objects.filter(level=AreaLevel.LEGACY_WARD, code=code).first()


def _ward_input(code, errors, field="ward"):
    area = ward_by_code(code) if code else None
    if code and area is None:
        errors[field] = _("Không có phường, xã mã “%(code)s”.") % {"code": code}
    return area


def _kind_input(code, errors):
    kind = GroupKind.objects.filter(code=code).first()
    if kind is None:
        errors["kind"] = _("Không có loại mô hình mã “%(code)s”.") % {"code": code}
    return kind


def _common_filters(request, qs, filters, unit_path="unit__path", ward_field="ward"):
    errors = {}
    if filters.unit:
        unit = _unit(request, filters.unit)
        qs = qs.filter(**{f"{unit_path}__startswith": unit.path})
    if filters.ward:
        area = _ward_input(filters.ward, errors)
        if area is not None:
            ward = area.successor if area.level == AreaLevel.LEGACY_WARD else area
            qs = qs.filter(**{ward_field: ward})
    require(errors)
    if filters.q:
        qs = qs.search(filters.q)
    return qs


# --- groups --------------------------------------------------------------------------------


@router.get("/groups", response={200: Page[GroupOut], **ERRORS}, summary="Danh sách tổ, mô hình")
def list_groups(request, paging: Query[PageParams], filters: Query[ListFilters]):
    groups = _common_filters(request, Group.objects.visible_to(request.auth), filters)
    if filters.kind:
        errors = {}
        kind = _kind_input(filters.kind, errors)
        require(errors)
        groups = groups.filter(kind=kind)
    if filters.active_on:
        groups = groups.active_on(filters.active_on)
    groups = stats.groups_with_figures(groups, filters.active_on or today())
    return paginate(groups.order_by("unit__path", "name", "id"), paging)


@router.get(
    "/groups/stats",
    response={200: StatsOut, **ERRORS},
    summary="Số liệu tổ, mô hình tại một ngày",
    description="Công an phường chỉ nhận số liệu của các phường, xã được phân công.",
)
def group_stats(request, params: Query[StatsParams]):
    found = _unit(request, params.unit)
    # a police liaison (a unit seen through their wards): only the figures of those wards
    return stats.group_stats(found, params.date or today(), figure_scope(request.auth, found))


def _group(request, pk):
    groups = stats.groups_with_figures(Group.objects.visible_to(request.auth), today())
    return get_or_404(groups, group_not_found(), pk=pk)


def _editable_group(request, pk):
    """A group the caller may change: unknown or unseen → 404; seen but not editable → 403
    (the caller already knows it exists, so the refusal confirms nothing new)."""
    group = get_or_404(Group.objects.visible_to(request.auth), group_not_found(), pk=pk)
    if not Group.objects.editable_by(request.auth).filter(pk=group.pk).exists():
        raise PermissionDenied
    return group


@router.get("/groups/{int:pk}", response={200: GroupOut, **ERRORS}, summary="Một tổ, mô hình")
def get_group(request, pk: int):
    return _group(request, pk)


@router.post("/groups", response={201: GroupOut, **ERRORS}, summary="Đăng ký tổ, mô hình")
def create_group(request, payload: GroupIn):
    errors = {}
    unit = Unit.objects.visible_to(request.auth).filter(code=payload.unit).first()
    if unit is None:
        errors["unit"] = _("Đơn vị không tồn tại hoặc nằm ngoài phạm vi bạn được nhập liệu.")
    kind = _kind_input(payload.kind, errors)
    ward = _ward_input(payload.ward, errors)
    require(errors)
    fields = payload.dict(exclude={"unit", "kind", "ward"})
    group = services.create_group(request.auth, unit=unit, kind=kind, ward=ward, **fields)
    return Status(201, _group(request, group.pk))


@router.patch("/groups/{int:pk}", response={200: GroupOut, **ERRORS}, summary="Sửa tổ, mô hình")
def update_group(request, pk: int, payload: GroupPatchIn):
    group = _editable_group(request, pk)
    changes = payload.dict(exclude_unset=True)
    errors = {}
    if changes.get("kind"):
        changes["kind"] = _kind_input(changes["kind"], errors)
    if "ward" in changes:
        changes["ward"] = _ward_input(changes["ward"], errors)
    require(errors)
    for text in ("code", "address", "leader_name", "police_contact", "notes", "name"):
        if text in changes and changes[text] is None:
            changes[text] = ""
    services.update_group(request.auth, group, **changes)
    return _group(request, pk)


def member_rows(user, group, members):
    reveal = bool(revealed_groups(user, [group]))
    return [
        {
            "id": m.pk,
            "full_name": m.full_name,
            "role": m.role,
            "role_name": m.get_role_display(),
            "phone": shown(m.phone, reveal),
            "id_number": shown(m.id_number, reveal),
            "workplace": m.workplace,
            "workplace_unit": m.workplace_unit.code if m.workplace_unit_id else None,
            "joined": m.joined,
            "left": m.left,
        }
        for m in members
    ]


@router.get(
    "/groups/{int:pk}/members",
    response={200: Page[MemberOut], **ERRORS},
    summary="Thành viên của một tổ",
)
def list_members(request, pk: int, paging: Query[PageParams], params: Query[MemberFilters]):
    active_on = params.active_on
    group = get_or_404(Group.objects.visible_to(request.auth), group_not_found(), pk=pk)
    members = group.members.select_related("workplace_unit").order_by("joined", "id")
    if active_on:
        members = members.active_on(active_on)
    page = paginate(members, paging)
    page["items"] = member_rows(request.auth, group, page["items"])
    return page


@router.post(
    "/groups/{int:pk}/members", response={201: MemberOut, **ERRORS}, summary="Thêm thành viên"
)
def add_member(request, pk: int, payload: MemberIn):
    group = _editable_group(request, pk)
    fields = payload.dict()
    errors = {}
    if not fields["workplace_unit"]:
        fields["workplace_unit"] = None  # "" is no unit, not a value the model can hold
    else:
        code = fields["workplace_unit"]
        fields["workplace_unit"] = Unit.objects.visible_to(request.auth).filter(code=code).first()
        if fields["workplace_unit"] is None:
            errors["workplace_unit"] = unit_not_found(code)
    require(errors)
    member = services.add_member(request.auth, group, **fields)
    return Status(201, member_rows(request.auth, group, [member])[0])


# --- boarding houses -----------------------------------------------------------------------


def house_rows(user, houses, day):
    houses = list(houses)
    reveal = revealed_houses(user, houses)
    covering = dict(
        BoardingHouseCoverage.objects.active_on(day)
        .filter(house__in=houses)
        .values_list("house_id", "group_id")
    )
    return [
        {
            "id": h.pk,
            "name": h.name,
            "address": h.address,
            "unit": h.unit.code,
            "ward": h.ward.code,
            "ward_name": h.ward.name,
            "landlord_name": h.landlord_name,
            "landlord_phone": shown(h.landlord_phone, h.pk in reveal),
            "rooms": h.rooms,
            "resident_workers": h.resident_workers,
            "cooperative": h.cooperative,
            "group": covering.get(h.pk),
        }
        for h in houses
    ]


@router.get(
    "/boarding-houses", response={200: Page[HouseOut], **ERRORS}, summary="Danh sách nhà trọ"
)
def list_houses(
    request,
    paging: Query[PageParams],
    filters: Query[ListFilters],
    group: int | None = Query(
        None, description="Chỉ nhà trọ do tổ này phụ trách (vào ngày active_on)", **RECORD_ID
    ),
):
    houses = _common_filters(request, BoardingHouse.objects.visible_to(request.auth), filters)
    day = filters.active_on or today()
    if filters.kind or filters.active_on or group:
        covered = BoardingHouseCoverage.objects.active_on(day).filter(
            in_force_on(day, prefix="group__")
        )
        if filters.kind:
            covered = covered.filter(group__kind__code=filters.kind)
        if group:
            covered = covered.filter(group_id=group)
        houses = houses.filter(pk__in=covered.values("house_id"))
    houses = houses.select_related("unit", "ward").order_by("ward__name", "address", "id")
    page = paginate(houses, paging)
    page["items"] = house_rows(request.auth, page["items"], day)
    return page


@router.post("/boarding-houses", response={201: HouseOut, **ERRORS}, summary="Thêm nhà trọ")
def create_house(request, payload: HouseIn):
    errors = {}
    unit = Unit.objects.visible_to(request.auth).filter(code=payload.unit).first()
    if unit is None:
        errors["unit"] = _("Đơn vị không tồn tại hoặc nằm ngoài phạm vi bạn được nhập liệu.")
    ward = _ward_input(payload.ward, errors)
    group = None
    if payload.group:
        group = Group.objects.visible_to(request.auth).filter(pk=payload.group).first()
        if group is None:
            errors["group"] = group_not_found()
    require(errors)
    fields = payload.dict(exclude={"unit", "ward", "group", "coverage_start"})
    house = services.create_boarding_house(
        request.auth,
        unit=unit,
        ward=ward,
        group=group,
        coverage_start=payload.coverage_start,
        **fields,
    )
    house = BoardingHouse.objects.select_related("unit", "ward").get(pk=house.pk)
    return Status(201, house_rows(request.auth, [house], payload.coverage_start or today())[0])


# --- cameras -------------------------------------------------------------------------------


@router.get(
    "/cameras", response={200: Page[CameraOut], **ERRORS}, summary="Danh sách camera an ninh"
)
def list_cameras(
    request,
    paging: Query[PageParams],
    filters: Query[ListFilters],
    state: Literal[tuple(CameraStateKind.values)] | None = Query(
        None, description="Tình trạng vào ngày active_on"
    ),
):
    cameras = _common_filters(request, Camera.objects.visible_to(request.auth), filters)
    day = filters.active_on or today()
    cameras = cameras.with_state_on(day)
    if filters.kind:
        cameras = cameras.filter(group__kind__code=filters.kind)
    if filters.active_on:
        # Installed by then and not taken down.
        cameras = cameras.filter(installed__lte=day).exclude(state_on=CameraStateKind.REMOVED)
    if state:
        cameras = cameras.filter(state_on=state)
    cameras = cameras.select_related("unit", "ward").order_by("ward__name", "place", "id")
    return paginate(cameras, paging)


@router.post("/cameras", response={201: CameraOut, **ERRORS}, summary="Thêm điểm camera")
def create_camera(request, payload: CameraIn):
    errors = {}
    unit = Unit.objects.visible_to(request.auth).filter(code=payload.unit).first()
    if unit is None:
        errors["unit"] = _("Đơn vị không tồn tại hoặc nằm ngoài phạm vi bạn được nhập liệu.")
    ward = _ward_input(payload.ward, errors)
    group = None
    if payload.group:
        group = Group.objects.visible_to(request.auth).filter(pk=payload.group).first()
        if group is None:
            errors["group"] = group_not_found()
    require(errors)
    fields = payload.dict(exclude={"unit", "ward", "group"})
    camera = services.create_camera(request.auth, unit=unit, ward=ward, group=group, **fields)
    camera = Camera.objects.with_state_on(today()).select_related("unit", "ward").get(pk=camera.pk)
    return Status(201, camera)
