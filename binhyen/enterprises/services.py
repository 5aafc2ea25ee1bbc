"""Every write to enterprises: one function per user action (create, update, delete), each
checking the actor's role over the keeping unit, validating with messages naming the field,
writing in one transaction and leaving the audit trail."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core import records
from binhyen.core.text import clean_text
from binhyen.org.models import AreaLevel
from binhyen.org.scoping import EDIT_ROLES, require_role_over

from .models import Enterprise, Ownership, normalize_tax_code

FIELDS = (
    "name",
    "tax_code",
    "ownership",
    "investor_country",
    "industry",
    "ward",
    "address",
    "workforce",
    "union",
    "notes",
)
LABELS = {
    "name": gettext_lazy("tên doanh nghiệp"),
    "tax_code": gettext_lazy("mã số thuế"),
    "ownership": gettext_lazy("loại hình sở hữu"),
    "ward": gettext_lazy("phường, xã"),
}


def _ownership(value):
    if isinstance(value, Ownership) or value is None:
        return value
    return Ownership.objects.filter(code=value).first()


def _validate(enterprise, actor):
    enterprise.name = clean_text(enterprise.name) or ""
    enterprise.address = clean_text(enterprise.address) or ""
    enterprise.notes = clean_text(enterprise.notes, multiline=True) or ""
    enterprise.tax_code = normalize_tax_code(enterprise.tax_code)
    errors = {}
    if enterprise.ownership_id is None:
        errors["ownership"] = _("Hãy chọn loại hình sở hữu.")
    elif enterprise.ownership.code == Ownership.FDI:
        if not enterprise.investor_country:
            errors["investor_country"] = _(
                "Doanh nghiệp có vốn đầu tư nước ngoài: hãy chọn quốc gia nhà đầu tư."
            )
    elif enterprise.investor_country:
        errors["investor_country"] = _(
            "Chỉ doanh nghiệp có vốn đầu tư nước ngoài mới ghi quốc gia nhà đầu tư."
        )
    if enterprise.ward_id is not None and enterprise.ward.level != AreaLevel.WARD:
        errors["ward"] = _("Hãy chọn phường, xã theo địa giới từ 01/07/2025.")
    if enterprise.union_id is not None and not enterprise.union.kind.is_grassroots:
        errors["union"] = _("Công đoàn đại diện phải là một công đoàn cơ sở.")
    if enterprise.union_id is not None and enterprise.union.valid_to is not None:
        errors["union"] = _("Công đoàn cơ sở này đã kết thúc hoạt động.")
    taken = (
        Enterprise.objects.filter(tax_code=enterprise.tax_code)
        .exclude(pk=enterprise.pk)
        .values_list("name", flat=True)
        .first()
        if enterprise.tax_code
        else None
    )
    if taken:
        errors["tax_code"] = _("Mã số thuế này đã có: doanh nghiệp “%(n)s”.") % {"n": taken}
    if errors:
        raise ValidationError(errors)
    records.full_clean(enterprise)


@transaction.atomic
def create_enterprise(actor, *, unit, **fields):
    """An enterprise kept by `unit` (which the actor records for)."""
    records.check_fields(fields, FIELDS)
    require_role_over(actor, unit, EDIT_ROLES, missing=_("Hãy chọn đơn vị theo dõi."))
    records.require(fields, LABELS)
    fields["ownership"] = _ownership(fields["ownership"])
    if fields["ownership"] is None:
        raise ValidationError({"ownership": _("Loại hình sở hữu không hợp lệ.")})
    enterprise = Enterprise(unit=unit, **fields)
    _validate(enterprise, actor)
    return records.save(enterprise, actor)


def _editable(actor, enterprise):
    locked = (
        Enterprise.objects.editable_by(actor).select_for_update().filter(pk=enterprise.pk).first()
    )
    if locked is None:
        raise ValidationError(
            {"__all__": _("Không tìm thấy doanh nghiệp hoặc bạn không có quyền sửa.")}
        )
    return locked


@transaction.atomic
def update_enterprise(actor, enterprise, *, unit=None, **changes):
    records.check_fields(changes, FIELDS)
    enterprise = _editable(actor, enterprise)
    if unit is not None and unit.pk != enterprise.unit_id:
        require_role_over(actor, unit, EDIT_ROLES)
        enterprise.unit = unit
    if "ownership" in changes:
        changes["ownership"] = _ownership(changes["ownership"])
    for name, value in changes.items():
        setattr(enterprise, name, value)
    for name, label in LABELS.items():
        if getattr(enterprise, name) in (None, ""):
            raise ValidationError({name: _("Hãy nhập %(field)s.") % {"field": label}})
    _validate(enterprise, actor)
    return records.save(enterprise, actor)


@transaction.atomic
def delete_enterprise(actor, enterprise):
    """A soft delete: the incidents that name it keep it."""
    enterprise = _editable(actor, enterprise)
    enterprise.deleted_at = timezone.now()
    enterprise.deleted_by = actor
    return records.save(enterprise, actor)
