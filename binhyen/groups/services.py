"""Every write to groups, members, boarding houses and cameras: one function per user action.

Each function checks the actor may edit the owning unit (through the scoping methods),
validates with Vietnamese messages naming the field, writes in one transaction and leaves the
audit trail (django-simple-history, with the actor as history user). Personal data (phones,
ID numbers) is never put into messages or logs.
"""

import re
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.core.bounds import bound_errors, check_past_date
from binhyen.org.models import LATITUDE, LONGITUDE, Area, AreaLevel, Unit
from binhyen.org.scoping import EDIT_ROLES, require_role_over

from . import cube
from .models import (
    CAMERA_COST,
    RESIDENT_WORKERS,
    ROOMS,
    BoardingHouse,
    BoardingHouseCoverage,
    Camera,
    CameraState,
    CameraStateKind,
    FunderKind,
    Group,
    GroupKind,
    GroupMember,
    MemberRole,
)

GROUP_FIELDS = (
    "kind",
    "code",
    "name",
    "ward",
    "address",
    "founded",
    "closed",
    "leader_name",
    "police_contact",
    "notes",
)
MEMBER_FIELDS = (
    "full_name",
    "role",
    "phone",
    "id_number",
    "workplace",
    "workplace_unit",
    "joined",
    "left",
)
HOUSE_FIELDS = (
    "name",
    "address",
    "ward",
    "landlord_name",
    "landlord_phone",
    "rooms",
    "resident_workers",
    "cooperative",
    "notes",
)
CAMERA_FIELDS = (
    "group",
    "place",
    "ward",
    "latitude",
    "longitude",
    "funder_kind",
    "funder_name",
    "funder_unit",
    "cost",
    "installed",
    "police_can_view",
    "notes",
)

_PHONE_JUNK = re.compile(r"[\s.\-()]")


# ---------------------------------------------------------------- helpers shared by the app


def normalize_phone(value):
    """Accept the ways people write a mobile number (spaces, dots, +84) and keep 10 digits."""
    value = _PHONE_JUNK.sub("", str(value or ""))
    if value.startswith("+84"):
        value = "0" + value[3:]
    elif value.startswith("84") and len(value) == 11:
        value = "0" + value[2:]
    return value


def normalize_id_number(value):
    return re.sub(r"\s", "", str(value or ""))


def unit_province(unit):
    """The 2025 province a unit works in: its own or its nearest ancestor's, a legacy province
    being replaced by its successor (so a 2022 LĐLĐ quận in Tiền Giang lands in Đồng Tháp)."""
    rows = list(
        Unit.objects.filter(pk__in=unit.ancestor_ids, province__isnull=False)
        .order_by("-depth")
        .values_list("province_id", flat=True)[:1]
    )
    if not rows:
        return None
    province = Area.objects.select_related("successor").get(pk=rows[0])
    if province.is_legacy:
        return province.successor
    return province


def resolve_ward(area, field="ward"):
    """(2025 ward, legacy ward or None) for a ward given in either geography."""
    if area is None:
        raise ValidationError({field: _("Hãy chọn phường, xã.")})
    if area.level == AreaLevel.WARD:
        return area, None
    if area.level == AreaLevel.LEGACY_WARD:
        if area.successor_id is None:
            raise ValidationError(
                {
                    field: _("Phường, xã cũ %(name)s chưa có phường, xã mới tương ứng.")
                    % {"name": area.name}
                }
            )
        return area.successor, area
    raise ValidationError({field: _("%(name)s không phải là phường, xã.") % {"name": area.name}})


def wards_for_unit(unit):
    """The 2025 wards a form offers for a group of `unit` (those of the unit's province)."""
    province = unit_province(unit) if unit else None
    if province is None:
        return Area.objects.none()
    return Area.objects.filter(level=AreaLevel.WARD, province=province).order_by("name")


def legacy_wards_for_unit(unit):
    """The pre-2025 wards whose successor lies in the unit's province (accepted and mapped)."""
    province = unit_province(unit) if unit else None
    if province is None:
        return Area.objects.none()
    return Area.objects.filter(level=AreaLevel.LEGACY_WARD, successor__province=province).order_by(
        "name"
    )


def _place_in_unit_province(unit, area, field="ward"):
    ward, legacy = resolve_ward(area, field)
    province = unit_province(unit)
    if province is None:
        raise ValidationError({"unit": _("Đơn vị quản lý chưa gắn với tỉnh, thành phố nào.")})
    if ward.province_id != province.pk:
        raise ValidationError(
            {
                field: _(
                    "Phường, xã %(ward)s không thuộc %(province)s, nơi đơn vị quản lý hoạt động."
                )
                % {"ward": ward.name, "province": province.name}
            }
        )
    return ward, legacy


def _editable(model, actor, obj, field):
    """Re-read `obj` locked, through the scoping method; unseen objects read as missing."""
    manager = getattr(model, "all_objects", model.objects)
    locked = manager.editable_by(actor).select_for_update().filter(pk=obj.pk).first()
    if locked is None or getattr(locked, "deleted_at", None) is not None:
        raise ValidationError({field: _("Không tìm thấy bản ghi hoặc bạn không có quyền sửa.")})
    return locked


def _full_clean(obj, exclude=("search_text",)):
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        errors = exc.message_dict
        # A broken CheckConstraint repeats, field-less, what clean() already said per field.
        said = {m for field, msgs in errors.items() if field != "__all__" for m in msgs}
        general = [m for m in errors.pop("__all__", []) if m not in said]
        if general:
            errors["__all__"] = general
        raise ValidationError(errors) from None


def _save(obj, actor):
    obj._history_user = actor
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        # A constraint the checks above missed (a concurrent writer): say so, save nothing.
        raise ValidationError(
            {"__all__": _("Dữ liệu vừa bị thay đổi đồng thời; hãy thử lại.")}
        ) from None
    return obj


def _check_fields(given, allowed):
    unknown = set(given) - set(allowed)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")


def _check_dates(obj, labels):
    """Dates of facts that have happened (a founding, a joining, an installation) are neither
    in the future nor before 1929: {field: label} → ValidationError naming each field."""
    errors = {}
    for field, label in labels.items():
        message = check_past_date(getattr(obj, field), label)
        if message:
            errors[field] = message
    if errors:
        raise ValidationError(errors)


def _check_bounds(obj, bounded):
    errors = bound_errors(obj, bounded)
    if errors:
        raise ValidationError(errors)


def _require(fields, names):
    errors = {}
    for name, label in names.items():
        value = fields.get(name)
        if value is None or value == "":
            errors[name] = _("Hãy nhập %(field)s.") % {"field": label}
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------- groups


def _kind(kind):
    if isinstance(kind, GroupKind):
        return kind
    found = GroupKind.objects.filter(code=kind).first()
    if found is None:
        raise ValidationError({"kind": _("Loại mô hình không hợp lệ.")})
    return found


@transaction.atomic
@cube.tracked
def create_group(actor, *, unit, **fields):
    """Register a group managed by `unit` (which the actor may edit)."""
    _check_fields(fields, GROUP_FIELDS)
    require_role_over(actor, unit, EDIT_ROLES)
    _require(
        fields, {"kind": _("loại mô hình"), "name": _("tên tổ"), "founded": _("ngày thành lập")}
    )
    fields["kind"] = _kind(fields["kind"])
    fields["ward"], legacy = _place_in_unit_province(unit, fields.get("ward"))
    group = Group(unit=unit, legacy_ward=legacy, **fields)
    _validate_group(group)
    _save(group, actor)
    cube.created(groups=[group.pk])
    return group


@transaction.atomic
@cube.tracked
def update_group(actor, group, **changes):
    """Edit a group's facts; closing goes through close_group so members and coverage follow."""
    _check_fields(changes, GROUP_FIELDS)
    group = _editable(Group, actor, group, "group")
    cube.watch(groups=[group.pk])
    if "kind" in changes:
        changes["kind"] = _kind(changes["kind"])
    if "ward" in changes:
        ward = changes.pop("ward")
        if ward is not None and ward.pk not in (group.ward_id, group.legacy_ward_id):
            group.ward, group.legacy_ward = _place_in_unit_province(group.unit, ward)
        elif ward is None:
            raise ValidationError({"ward": _("Hãy chọn phường, xã.")})
    closing = changes.pop("closed", group.closed)
    for name, value in changes.items():
        setattr(group, name, value)
    _validate_group(group)
    if group.members.filter(joined__lt=group.founded).exists():
        raise ValidationError(
            {
                "founded": _(
                    "Có thành viên vào tổ trước ngày thành lập này; hãy sửa ngày vào tổ trước."
                )
            }
        )
    _save(group, actor)
    if closing != group.closed:
        if closing is None:
            group.closed = None  # reopened: members who left stay left
            _save(group, actor)
        else:
            group = close_group(actor, group, closing)
    return group


def _validate_group(group):
    _check_dates(group, {"founded": _("Ngày thành lập"), "closed": _("Ngày ngừng hoạt động")})
    group.code = (group.code or "").strip().upper()
    if group.code and Group.all_objects.filter(code=group.code).exclude(pk=group.pk).exists():
        raise ValidationError({"code": _("Mã tổ này đã được dùng.")})
    _full_clean(group)


@transaction.atomic
@cube.tracked
def close_group(actor, group, date):
    """The group stops on `date`: members still in it leave and its coverage ends that day."""
    group = _editable(Group, actor, group, "group")
    cube.watch(groups=[group.pk])
    if date is None:
        raise ValidationError({"closed": _("Hãy nhập ngày ngừng hoạt động.")})
    message = check_past_date(date, _("Ngày ngừng hoạt động"))
    if message:
        raise ValidationError({"closed": message})
    if date < group.founded:
        raise ValidationError(
            {"closed": _("Ngày ngừng hoạt động không được trước ngày thành lập.")}
        )
    if group.members.filter(joined__gt=date).exists():
        raise ValidationError({"closed": _("Có thành viên vào tổ sau ngày này.")})
    group.closed = date
    _save(group, actor)
    for member in group.members.filter(Q(left__isnull=True) | Q(left__gt=date)):
        member.left = date
        _save(member, actor)
    for coverage in group.coverages.filter(Q(end__isnull=True) | Q(end__gt=date)):
        coverage.end = max(date, coverage.start)
        _save(coverage, actor)
    return group


@transaction.atomic
@cube.tracked
def delete_group(actor, group):
    """Soft delete: the row stays for history and past reports but leaves every listing."""
    group = _editable(Group, actor, group, "group")
    cube.watch(groups=[group.pk])
    group.deleted_at = timezone.now()
    group.deleted_by = actor
    return _save(group, actor)


# ---------------------------------------------------------------- members


def _clean_member_fields(fields):
    if "phone" in fields:
        fields["phone"] = normalize_phone(fields["phone"])
    if "id_number" in fields:
        fields["id_number"] = normalize_id_number(fields["id_number"])
    if "full_name" in fields and fields["full_name"] is not None:
        fields["full_name"] = " ".join(str(fields["full_name"]).split())


def _overlapping(member):
    """The Q of the roster rows whose period overlaps `member`'s."""
    overlap = Q(left__isnull=True) | Q(left__gt=member.joined)
    if member.left is not None:
        overlap &= Q(joined__lt=member.left)
    return overlap


def _validate_member(member):
    _check_dates(member, {"joined": _("Ngày vào tổ"), "left": _("Ngày rời tổ")})
    if member.id_number and member.joined is not None:
        # before full_clean, whose UniqueConstraint check would say it without the field
        twin = (
            GroupMember.objects.filter(
                _overlapping(member), group=member.group_id, id_number=member.id_number
            )
            .exclude(pk=member.pk)
            .first()
        )
        if twin is not None:
            raise ValidationError({"id_number": same_person_message(twin.full_name)})
    _full_clean(member)
    group = member.group
    errors = {}
    if member.joined < group.founded:
        errors["joined"] = _("Ngày vào tổ không được trước ngày thành lập tổ (%(d)s).") % {
            "d": group.founded.strftime("%d/%m/%Y")
        }
    elif group.closed and member.joined >= group.closed:
        errors["joined"] = _("Tổ đã ngừng hoạt động từ ngày %(d)s.") % {
            "d": group.closed.strftime("%d/%m/%Y")
        }
    if member.workplace_unit_id and not member.workplace_unit.kind.is_grassroots:
        errors["workplace_unit"] = _("Hãy chọn một công đoàn cơ sở hoặc nghiệp đoàn.")
    if errors:
        raise ValidationError(errors)
    if member.role == MemberRole.LEADER:
        other = (
            GroupMember.objects.filter(_overlapping(member), group=group, role=MemberRole.LEADER)
            .exclude(pk=member.pk)
            .first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "role": _(
                        "Tổ đã có tổ trưởng %(name)s trong khoảng thời gian này; mỗi tổ chỉ có một tổ trưởng tại một thời điểm."
                    )
                    % {"name": other.full_name}
                }
            )


def same_person_message(name):
    """Said when an ID number is already on the roster for an overlapping period (never
    repeating the number itself: messages carry no personal data)."""
    return _(
        "Số CCCD trùng với thành viên %(name)s của tổ trong cùng khoảng thời gian; một người "
        "chỉ có trong tổ một lần tại một thời điểm."
    ) % {"name": name}


@transaction.atomic
@cube.tracked
def add_member(actor, group, **fields):
    """A person joins `group`."""
    _check_fields(fields, MEMBER_FIELDS)
    group = _editable(Group, actor, group, "group")
    cube.watch(groups=[group.pk])
    _clean_member_fields(fields)
    _require(fields, {"full_name": _("họ và tên"), "joined": _("ngày vào tổ")})
    member = GroupMember(group=group, **fields)
    _validate_member(member)
    return _save(member, actor)


@transaction.atomic
@cube.tracked
def update_member(actor, member, **changes):
    """Correct a member's facts (including a leaving date)."""
    _check_fields(changes, MEMBER_FIELDS)
    member = _editable(GroupMember, actor, member, "member")
    Group.objects.select_for_update().filter(pk=member.group_id).first()  # serialise the roster
    cube.watch(groups=[member.group_id])
    _clean_member_fields(changes)
    for name, value in changes.items():
        setattr(member, name, value)
    _validate_member(member)
    return _save(member, actor)


def member_leaves(actor, member, left):
    """A member leaves on `left` (the first day they no longer belong); never deleted."""
    if left is None:
        raise ValidationError({"left": _("Hãy nhập ngày rời tổ.")})
    return update_member(actor, member, left=left)


# ---------------------------------------------------------------- boarding houses


def _check_coverage(house, group, start, end, exclude_pk=None):
    errors = {}
    for field, value, label in (
        ("start", start, _("Ngày bắt đầu phụ trách")),
        ("end", end, _("Ngày kết thúc phụ trách")),
    ):
        message = check_past_date(value, label)
        if message:
            errors[field] = message
    if errors:
        raise ValidationError(errors)
    if start is None:
        errors["start"] = _("Hãy nhập ngày bắt đầu phụ trách.")
    elif end is not None and end < start:
        errors["end"] = _("Ngày kết thúc phụ trách không được trước ngày bắt đầu.")
    elif start < group.founded:
        errors["start"] = _("Tổ chưa thành lập vào ngày bắt đầu phụ trách.")
    elif group.closed and (end is None or end > group.closed):
        errors["end"] = _("Tổ ngừng hoạt động từ ngày %(d)s; hãy nhập ngày kết thúc phụ trách.") % {
            "d": group.closed.strftime("%d/%m/%Y")
        }
    if errors:
        raise ValidationError(errors)
    overlap = Q(end__isnull=True) | Q(end__gt=start)
    if end is not None:
        overlap &= Q(start__lt=end)
    clash = BoardingHouseCoverage.objects.filter(overlap, house=house).exclude(pk=exclude_pk)
    clash = clash.select_related("group").first()
    if clash is not None:
        raise ValidationError(
            {
                "start": _("Nhà trọ này đang do %(group)s phụ trách trong khoảng thời gian này.")
                % {"group": clash.group.name}
            }
        )


@transaction.atomic
@cube.tracked
def create_boarding_house(actor, *, unit, group=None, coverage_start=None, **fields):
    """Register a boarding house; with `group`, the group covers it from `coverage_start`."""
    _check_fields(fields, HOUSE_FIELDS)
    require_role_over(actor, unit, EDIT_ROLES)
    if "landlord_phone" in fields:
        fields["landlord_phone"] = normalize_phone(fields["landlord_phone"])
    _require(fields, {"address": _("địa chỉ")})
    fields["ward"], legacy = _place_in_unit_province(unit, fields.get("ward"))
    house = BoardingHouse(unit=unit, legacy_ward=legacy, **fields)
    _validate_house(house)
    _save(house, actor)
    if group is not None:
        cover_house(actor, house, group, coverage_start or group.founded)
    return house


@transaction.atomic
@cube.tracked
def update_boarding_house(actor, house, **changes):
    _check_fields(changes, HOUSE_FIELDS)
    house = _editable(BoardingHouse, actor, house, "house")
    # the house's workers count in the figures of every group that ever covered it
    cube.watch(groups=house.coverages.values_list("group_id", flat=True))
    if "landlord_phone" in changes:
        changes["landlord_phone"] = normalize_phone(changes["landlord_phone"])
    if "ward" in changes:
        ward = changes.pop("ward")
        if ward is None or ward.pk not in (house.ward_id, house.legacy_ward_id):
            house.ward, house.legacy_ward = _place_in_unit_province(house.unit, ward)
    for name, value in changes.items():
        setattr(house, name, value)
    _validate_house(house)
    return _save(house, actor)


def _validate_house(house):
    _check_bounds(
        house,
        {
            "rooms": (ROOMS, _("Số phòng")),
            "resident_workers": (RESIDENT_WORKERS, _("Số công nhân lưu trú")),
        },
    )
    _full_clean(house)


@transaction.atomic
@cube.tracked
def cover_house(actor, house, group, start, end=None):
    """`group` looks after `house` from `start` (to `end`); never two groups at once."""
    house = _editable(BoardingHouse, actor, house, "house")
    group = _editable(Group, actor, group, "group")
    cube.watch(groups=[group.pk])
    _check_coverage(house, group, start, end)
    coverage = BoardingHouseCoverage(house=house, group=group, start=start, end=end)
    _full_clean(coverage)
    return _save(coverage, actor)


@transaction.atomic
@cube.tracked
def end_coverage(actor, coverage, end):
    coverage = _editable(BoardingHouseCoverage, actor, coverage, "coverage")
    cube.watch(groups=[coverage.group_id])
    BoardingHouse.all_objects.select_for_update().filter(pk=coverage.house_id).first()
    _check_coverage(coverage.house, coverage.group, coverage.start, end, exclude_pk=coverage.pk)
    coverage.end = end
    _full_clean(coverage)
    return _save(coverage, actor)


# ---------------------------------------------------------------- cameras


def _camera_place(camera, ward_given):
    camera.ward, camera.legacy_ward = _place_in_unit_province(camera.unit, ward_given)
    if camera.latitude is None or camera.longitude is None:
        camera.latitude = camera.ward.latitude
        camera.longitude = camera.ward.longitude
        camera.location_from_ward = camera.latitude is not None
    else:
        camera.location_from_ward = False


def _validate_camera(camera):
    _check_dates(camera, {"installed": _("Ngày lắp đặt")})
    _check_bounds(
        camera,
        {
            "latitude": (LATITUDE, _("Vĩ độ")),
            "longitude": (LONGITUDE, _("Kinh độ")),
            "cost": (CAMERA_COST, _("Kinh phí")),
        },
    )
    errors = {}
    if camera.funder_kind == FunderKind.UNION and not (camera.funder_unit_id or camera.funder_name):
        camera.funder_unit = camera.unit
    if camera.funder_kind == FunderKind.ENTERPRISE and not camera.funder_name:
        errors["funder_name"] = _("Hãy nhập tên doanh nghiệp tài trợ.")
    if camera.group_id and camera.group.unit_id != camera.unit_id:
        errors["group"] = _("Tổ/mô hình phải do cùng đơn vị quản lý camera quản lý.")
    if errors:
        raise ValidationError(errors)
    _full_clean(camera)


@transaction.atomic
@cube.tracked
def create_camera(actor, *, unit, **fields):
    """Register a camera point; it is working from its installation date."""
    _check_fields(fields, CAMERA_FIELDS)
    require_role_over(actor, unit, EDIT_ROLES)
    _require(
        fields,
        {
            "place": _("vị trí lắp đặt"),
            "installed": _("ngày lắp đặt"),
            "funder_kind": _("nguồn kinh phí"),
        },
    )
    ward = fields.pop("ward", None)
    camera = Camera(unit=unit, **fields)
    _camera_place(camera, ward)
    _validate_camera(camera)
    _save(camera, actor)
    state = CameraState(camera=camera, state=CameraStateKind.WORKING, since=camera.installed)
    _save(state, actor)
    cube.created(cameras=[camera.pk])
    return camera


@transaction.atomic
@cube.tracked
def update_camera(actor, camera, **changes):
    _check_fields(changes, CAMERA_FIELDS)
    camera = _editable(Camera, actor, camera, "camera")
    cube.watch(cameras=[camera.pk])
    ward = changes.pop("ward", camera.legacy_ward or camera.ward)
    for name, value in changes.items():
        setattr(camera, name, value)
    if (
        "latitude" in changes
        or "longitude" in changes
        or ward.pk not in (camera.ward_id, camera.legacy_ward_id)
    ):
        if camera.location_from_ward and not ({"latitude", "longitude"} & set(changes)):
            camera.latitude = camera.longitude = None
        _camera_place(camera, ward)
    if "installed" in changes and camera.states.filter(since__lt=camera.installed).exists():
        raise ValidationError({"installed": _("Đã có tình trạng ghi trước ngày lắp đặt này.")})
    _validate_camera(camera)
    _save(camera, actor)
    if "installed" in changes:
        # The first recorded state starts on the installation date.
        first = camera.states.order_by("since", "id").first()
        if first is not None and first.since != camera.installed:
            first.since = camera.installed
            _save(first, actor)
    return camera


@transaction.atomic
@cube.tracked
def set_camera_state(actor, camera, state, since, note=""):
    """Record that `camera` is working, broken or removed from `since` on."""
    camera = _editable(Camera, actor, camera, "camera")
    cube.watch(cameras=[camera.pk])
    errors = {}
    if state not in CameraStateKind.values:
        errors["state"] = _("Tình trạng không hợp lệ.")
    if since is None:
        errors["since"] = _("Hãy nhập ngày.")
    elif check_past_date(since, _("Ngày ghi tình trạng")):
        errors["since"] = check_past_date(since, _("Ngày ghi tình trạng"))
    elif since < camera.installed:
        errors["since"] = _("Ngày không được trước ngày lắp đặt (%(d)s).") % {
            "d": camera.installed.strftime("%d/%m/%Y")
        }
    elif camera.states.filter(since=since).exists():
        errors["since"] = _("Camera đã có một tình trạng ghi cho ngày này.")
    if errors:
        raise ValidationError(errors)
    row = CameraState(camera=camera, state=state, since=since, note=note)
    _full_clean(row)
    _save(row, actor)
    latest = camera.states.order_by("-since", "-id").values_list("state", flat=True).first()
    if latest != camera.state:
        camera.state = latest
        _save(camera, actor)
    return row


@contextmanager
def batch():
    """Many writes as one (a spreadsheet import, excel.import_spreadsheet): one transaction,
    all or nothing, and each stock cube cell upserted once for the whole batch."""
    with transaction.atomic(), cube.batch():
        yield
