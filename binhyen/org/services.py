"""Every change to the union tree and to who may do what: one function per user action.

Each function checks the actor's scope through the models' scoping methods, validates with
Vietnamese messages naming the field, writes in one transaction, and leaves the audit trail
(django-simple-history records who/when/before/after; UnitEvent records dated tree changes).
"""

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from binhyen.core import periods
from binhyen.core.bounds import bound_errors, check_past_date
from binhyen.core.text import format_date
from binhyen.org.scoping import ADMIN_ROLES, Role, forget_scope, require_role_over

from . import signals
from .models import (
    UNION_MEMBERS,
    WORKFORCE,
    Area,
    AreaLevel,
    Assignment,
    Unit,
    UnitEvent,
    UnitEventKind,
    path_segment,
)

UNIT_FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "province",
    "ward",
    "valid_from",
    "valid_to",
    "enterprise_name",
    "ownership",
    "workforce",
    "members",
)


# Restructures are decided ahead (the 2025 reform was voted on 12/06 for 01/07): a unit may
# be founded, moved, merged or closed on a date up to this far ahead, never in 2099.
SCHEDULE_AHEAD = datetime.timedelta(days=731)


def latest_scheduled_date():
    return periods.today() + SCHEDULE_AHEAD


def check_event_date(value, label):
    """A Vietnamese message if `value` cannot be the date of a tree change, else None: not
    before 1929 (no union is older) and not beyond the planning horizon."""
    message = check_past_date(value, label, allow_future=True)
    if message is None and value is not None and value > latest_scheduled_date():
        message = _(
            "%(label)s không thể sau %(d)s: chỉ ghi trước các thay đổi đã có quyết định, "
            "tối đa hai năm."
        ) % {"label": label, "d": format_date(latest_scheduled_date())}
    return message


def _require_event_date(value, field, label):
    message = check_event_date(value, label)
    if message:
        raise ValidationError({field: message})


def _check_unit_facts(unit):
    """The unit's own figures and dates, refused by name before the database would."""
    errors = bound_errors(
        unit,
        {
            "workforce": (WORKFORCE, _("Số lao động")),
            "members": (UNION_MEMBERS, _("Số đoàn viên")),
        },
    )
    for field, label in (("valid_from", _("Ngày thành lập")), ("valid_to", _("Ngày kết thúc"))):
        message = check_event_date(getattr(unit, field), label)
        if message:
            errors[field] = message
    if errors:
        raise ValidationError(errors)


def _full_clean(unit, exclude=()):
    _check_unit_facts(unit)
    try:
        unit.full_clean(exclude=list(exclude) + ["path", "depth", "search_text"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


def _set_history_user(obj, actor):
    obj._history_user = actor


@transaction.atomic
def create_unit(actor, *, parent, **fields):
    """Open a new unit under `parent` (which the actor administers)."""
    require_role_over(actor, parent, ADMIN_ROLES, field="parent")
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise ValueError(f"unknown unit fields: {sorted(unknown)}")
    unit = Unit(parent=parent, **fields)
    unit.path = f"tmp-{uuid.uuid4().hex}"
    _full_clean(unit)
    if parent.valid_to and unit.valid_from and unit.valid_from > parent.valid_to:
        raise ValidationError(
            {"valid_from": _("Đơn vị cấp trên đã kết thúc trước ngày thành lập này.")}
        )
    _set_history_user(unit, actor)
    unit.save()
    unit.path = parent.path + path_segment(unit.pk)
    unit.depth = parent.depth + 1
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    UnitEvent.objects.create(
        unit=unit,
        kind=UnitEventKind.CREATED,
        date=unit.valid_from,
        new_parent=parent,
        created_by=actor,
    )
    return unit


@transaction.atomic
def create_root_unit(*, actor=None, **fields):
    """The top of a tree (Tổng Liên đoàn): only loaders and superusers create one."""
    if actor is not None and not actor.is_superuser:
        raise ValidationError({"parent": _("Chỉ quản trị hệ thống mới tạo được đơn vị gốc.")})
    unit = Unit(parent=None, **fields)
    unit.path = f"tmp-{uuid.uuid4().hex}"
    _full_clean(unit)
    unit.save()
    unit.path = path_segment(unit.pk)
    unit.depth = 1
    Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=1)
    UnitEvent.objects.create(
        unit=unit, kind=UnitEventKind.CREATED, date=unit.valid_from, created_by=actor
    )
    return unit


@transaction.atomic
def update_unit(actor, unit, **changes):
    """Edit a unit's own facts. Structure (parent, dates of closing) changes go through
    move/merge/close so they are dated events."""
    require_role_over(
        actor, unit, ADMIN_ROLES, field="code", message=_("Bạn không có quyền quản trị đơn vị này.")
    )
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise ValueError(f"unknown unit fields: {sorted(unknown)}")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    was_grassroots = unit.kind.is_grassroots
    for name, value in changes.items():
        setattr(unit, name, value)
    _full_clean(unit)
    _set_history_user(unit, actor)
    unit.save()
    if unit.kind.is_grassroots != was_grassroots:
        # a grassroots union has no row of its own in the cubes (its parent's row holds it):
        # becoming one, or ceasing to be, changes which rows it has
        signals.unit_kind_changed.send(sender=Unit, unit=unit, was_grassroots=was_grassroots)
    return unit


@transaction.atomic
def move_unit(actor, unit, new_parent, date, note=""):
    """Put `unit` and its whole subtree under `new_parent` from `date` on."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.parent is None:
        raise ValidationError({"parent": _("Không thể chuyển đơn vị gốc.")})
    require_role_over(actor, unit.parent, ADMIN_ROLES, field="unit")
    require_role_over(actor, new_parent, ADMIN_ROLES, field="parent")
    if new_parent.path.startswith(unit.path):
        raise ValidationError(
            {"parent": _("Không thể chuyển đơn vị vào chính nó hoặc đơn vị cấp dưới của nó.")}
        )
    if new_parent.pk == unit.parent_id:
        raise ValidationError({"parent": _("Đơn vị đã trực thuộc đơn vị cấp trên này.")})
    if new_parent.kind.rank >= unit.kind.rank:
        raise ValidationError(
            {"parent": _("Đơn vị cấp trên mới phải ở cấp cao hơn loại đơn vị này.")}
        )
    if date is None:
        raise ValidationError({"date": _("Hãy nhập ngày hiệu lực.")})
    _require_event_date(date, "date", _("Ngày hiệu lực"))
    if date < unit.valid_from:
        raise ValidationError({"date": _("Ngày hiệu lực không được trước ngày thành lập đơn vị.")})
    if not new_parent.open_on(date):
        raise ValidationError(
            {"parent": _("Đơn vị cấp trên mới không hoạt động vào ngày hiệu lực.")}
        )
    old_parent = unit.parent
    old_path = unit.path
    new_path = new_parent.path + path_segment(unit.pk)
    delta = (new_parent.depth + 1) - unit.depth
    unit.parent = new_parent
    _set_history_user(unit, actor)
    unit.save(update_fields=["parent"])
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + delta,
    )
    UnitEvent.objects.create(
        unit=unit,
        kind=UnitEventKind.MOVED,
        date=date,
        old_parent=old_parent,
        new_parent=new_parent,
        note=note,
        created_by=actor,
    )
    unit.refresh_from_db()
    # Rollups stay fresh in the same transaction: each app's cube rows follow the subtree.
    signals.unit_moved.send(sender=Unit, unit=unit, old_parent=old_parent)
    return unit


@transaction.atomic
def close_unit(actor, unit, date, successor=None, note="", kind=UnitEventKind.CLOSED):
    """End a unit on `date` (its last day). It stays in the tree for the periods it was open."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.parent is None:
        raise ValidationError({"unit": _("Không thể kết thúc đơn vị gốc.")})
    require_role_over(actor, unit.parent, ADMIN_ROLES, field="unit")
    if date is None:
        raise ValidationError({"date": _("Hãy nhập ngày kết thúc.")})
    _require_event_date(date, "date", _("Ngày kết thúc"))
    if date < unit.valid_from:
        raise ValidationError({"date": _("Ngày kết thúc không được trước ngày thành lập đơn vị.")})
    if unit.valid_to is not None:
        raise ValidationError(
            {
                "unit": _("Đơn vị đã kết thúc ngày %(d)s.")
                % {"d": unit.valid_to.strftime("%d/%m/%Y")}
            }
        )
    open_children = unit.children.filter(valid_from__lte=date).exclude(valid_to__lte=date).count()
    if open_children:
        raise ValidationError(
            {
                "unit": _(
                    "Còn %(n)d đơn vị trực thuộc đang hoạt động sau ngày này; hãy chuyển hoặc kết thúc các đơn vị đó trước."
                )
                % {"n": open_children}
            }
        )
    if successor is not None:
        require_role_over(actor, successor, ADMIN_ROLES, field="successor")
        if successor.pk == unit.pk:
            raise ValidationError({"successor": _("Đơn vị kế thừa phải là một đơn vị khác.")})
        if not successor.open_on(date + datetime.timedelta(days=1)):
            raise ValidationError(
                {"successor": _("Đơn vị kế thừa không hoạt động sau ngày kết thúc.")}
            )
    unit.valid_to = date
    unit.successor = successor
    _set_history_user(unit, actor)
    unit.save(update_fields=["valid_to", "successor"])
    UnitEvent.objects.create(
        unit=unit,
        kind=kind,
        date=date,
        old_parent=unit.parent,
        successor=successor,
        note=note,
        created_by=actor,
    )
    return unit


@transaction.atomic
def merge_units(actor, sources, target, date, note=""):
    """Merge `sources` into `target` on `date` (the first day of the merged unit): their open
    children move to the target that day and each source closes the day before, with the
    target as its successor (so LĐLĐ Quận 9 ends 31/12/2020, succeeded by LĐLĐ TP Thủ Đức)."""
    if not sources:
        raise ValidationError({"sources": _("Hãy chọn ít nhất một đơn vị được sáp nhập.")})
    if date is None:
        raise ValidationError({"date": _("Hãy nhập ngày sáp nhập.")})
    _require_event_date(date, "date", _("Ngày sáp nhập"))
    for source in sources:
        if source.pk == target.pk:
            raise ValidationError({"sources": _("Không thể sáp nhập một đơn vị vào chính nó.")})
        if target.path.startswith(source.path):
            raise ValidationError(
                {
                    "target": _(
                        "Đơn vị nhận sáp nhập không được là đơn vị cấp dưới của đơn vị bị sáp nhập."
                    )
                }
            )
    last_day = date - datetime.timedelta(days=1)
    for source in sources:
        for child in source.children.filter(valid_to__isnull=True).order_by("path"):
            move_unit(
                actor,
                child,
                target,
                date,
                note=note or _("Sáp nhập vào %(t)s") % {"t": target.name},
            )
        close_unit(actor, source, last_day, successor=target, note=note, kind=UnitEventKind.MERGED)
    return target


def _validate_role(role, unit, wards):
    if role not in Role.values:
        raise ValidationError({"role": _("Vai trò không hợp lệ.")})
    if role == Role.POLICE:
        if not wards:
            raise ValidationError(
                {"wards": _("Hãy chọn ít nhất một phường/xã cho công an phụ trách.")}
            )
        bad = [w for w in wards if w.level not in (AreaLevel.WARD, AreaLevel.LEGACY_WARD)]
        if bad:
            raise ValidationError(
                {"wards": _("%(n)s không phải là phường/xã.") % {"n": bad[0].name}}
            )
    elif unit is None:
        raise ValidationError({"unit": _("Hãy chọn đơn vị.")})


@transaction.atomic
def assign_role(actor, user, unit, role, wards=(), note=""):
    """Give `user` a role over `unit`'s subtree (police liaison: over `wards`, under `unit`)."""
    _validate_role(role, unit, wards)
    if unit is not None:
        require_role_over(actor, unit, ADMIN_ROLES, field="unit")
    elif not actor.is_superuser:
        raise ValidationError({"unit": _("Hãy chọn đơn vị quản lý phân công này.")})
    assignment = Assignment(user=user, unit=unit, role=role, note=note)
    assignment._history_user = actor
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise ValidationError(
            {"role": _("Người dùng này đã có vai trò đó tại đơn vị này.")}
        ) from None
    if wards:
        assignment.wards.set(wards)
    forget_scope(user)
    return assignment


@transaction.atomic
def revoke_assignment(actor, assignment):
    """End an assignment. The row stays (inactive) so history shows who held what."""
    if not Assignment.objects.editable_by(actor).filter(pk=assignment.pk).exists():
        raise ValidationError(
            {"unit": _("Phân công không tồn tại hoặc nằm ngoài phạm vi của bạn.")}
        )
    assignment.active = False
    assignment._history_user = actor
    assignment.save(update_fields=["active"])
    forget_scope(assignment.user)
    return assignment


@transaction.atomic
def create_user(
    actor, *, username, full_name="", email="", password=None, unit=None, role=None, wards=()
):
    """An admin registers an officer and, in the same step, gives them a role in the subtree."""
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("Hãy nhập tên đăng nhập.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Tên đăng nhập này đã được dùng.")})
    if role is None:
        raise ValidationError({"role": _("Hãy chọn vai trò cho người dùng mới.")})
    _validate_role(role, unit, wards)
    if unit is not None:
        require_role_over(actor, unit, ADMIN_ROLES, field="unit")
    first, _sep, last = full_name.strip().rpartition(" ")
    user = User(username=username, email=email, last_name=first, first_name=last)
    user._history_user = actor
    if password:
        from django.contrib.auth.password_validation import validate_password

        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    assign_role(actor, user, unit, role, wards=wards)
    return user


def wards_of_province(province):
    """The wards a form offers for a unit in `province` (current or legacy)."""
    level = AreaLevel.LEGACY_WARD if province.is_legacy else AreaLevel.WARD
    return Area.objects.filter(level=level, province=province).order_by("name")
