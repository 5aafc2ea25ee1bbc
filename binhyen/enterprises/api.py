"""API routes of the enterprises app: list (search without accents, filters), one, create,
change, delete — scoped like the pages (an enterprise outside the caller's scope is a 404,
one seen but not editable a 403), every write through services.py."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from binhyen.core.api import ERRORS, ErrorOut, In, Page, PageParams, get_or_404, paginate, require
from binhyen.org.models import Area, AreaLevel, Unit

from . import services
from .models import WORKFORCE, Country, Enterprise, Industry, Ownership

router = Router(tags=["enterprises"])


def not_found():
    return _("Không tìm thấy doanh nghiệp, hoặc bạn không có quyền xem.")


class EnterpriseOut(Schema):
    id: int
    name: str
    tax_code: str = Field(description="Mã số thuế: 10 chữ số, hoặc 0301234567-001 (chi nhánh)")
    ownership: str = Field(description="nha_nuoc, tu_nhan, fdi")
    investor_country: str = Field(description="Mã quốc gia nhà đầu tư (ISO), chỉ với FDI")
    industry: str | None = Field(description="Mã ngành nghề")
    ward: str = Field(description="Mã phường, xã (từ 01/07/2025)")
    ward_name: str
    address: str
    workforce: int
    union: str | None = Field(description="Mã công đoàn cơ sở; null: chưa có tổ chức công đoàn")
    unit: str = Field(description="Mã đơn vị theo dõi")
    notes: str

    @staticmethod
    def resolve_ownership(obj):
        return obj.ownership.code

    @staticmethod
    def resolve_industry(obj):
        return obj.industry.code if obj.industry_id else None

    @staticmethod
    def resolve_ward(obj):
        return obj.ward.code

    @staticmethod
    def resolve_ward_name(obj):
        return obj.ward.name

    @staticmethod
    def resolve_union(obj):
        return obj.union.code if obj.union_id else None

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code


def _max(name):
    return Enterprise._meta.get_field(name).max_length


class EnterpriseIn(In):
    unit: str = Field(max_length=40, description="Mã đơn vị theo dõi (bạn được nhập liệu)")
    name: str = Field(min_length=1, max_length=_max("name"))
    tax_code: str = Field(max_length=20, description="10 hoặc 13 chữ số")
    ownership: str = Field(max_length=40, description="nha_nuoc, tu_nhan, fdi")
    investor_country: str = Field("", max_length=2, description="Bắt buộc với FDI, ví dụ KR")
    industry: str | None = Field(None, max_length=40, description="Mã ngành nghề")
    ward: str = Field(max_length=20, description="Mã phường, xã (từ 01/07/2025)")
    address: str = Field("", max_length=_max("address"))
    workforce: int = Field(**WORKFORCE.schema_kwargs())
    union: str | None = Field(None, max_length=40, description="Mã công đoàn cơ sở đại diện")
    notes: str = Field("", max_length=2000)


class EnterprisePatchIn(In):
    unit: str | None = Field(None, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=_max("name"))
    tax_code: str | None = Field(None, max_length=20)
    ownership: str | None = Field(None, max_length=40)
    investor_country: str | None = Field(None, max_length=2)
    industry: str | None = Field(None, max_length=40)
    ward: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=_max("address"))
    workforce: int | None = Field(None, **WORKFORCE.schema_kwargs())
    union: str | None = Field(None, max_length=40)
    notes: str | None = Field(None, max_length=2000)


class EnterpriseFilters(In):
    q: str | None = Field(None, description="Tên hoặc mã số thuế, không cần gõ dấu")
    ownership: str | None = Field(None, description="nha_nuoc, tu_nhan, fdi")
    industry: str | None = Field(None, description="Mã ngành nghề")
    ward: str | None = Field(None, description="Mã phường, xã")
    has_union: bool | None = Field(None, description="true: đã có công đoàn; false: chưa có")


def _scoped(request):
    return Enterprise.objects.visible_to(request.auth).select_related(
        "ownership", "industry", "ward", "union", "unit"
    )


def _resolve(request, data, errors):
    """Codes in the body → the objects the service takes; unknown codes named by field."""
    if data.get("unit") is not None:
        code = data["unit"]
        data["unit"] = Unit.objects.recordable_by(request.auth).filter(code=code).first()
        if data["unit"] is None:
            errors["unit"] = _("Đơn vị không tồn tại hoặc nằm ngoài phạm vi bạn được nhập liệu.")
    if data.get("ownership") is not None:
        code = data["ownership"]
        data["ownership"] = Ownership.objects.filter(code=code).first()
        if data["ownership"] is None:
            errors["ownership"] = _("Không có loại hình sở hữu mã “%(c)s”.") % {"c": code}
    if "industry" in data:
        code = data["industry"]
        data["industry"] = Industry.objects.filter(code=code).first() if code else None
        if code and data["industry"] is None:
            errors["industry"] = _("Không có ngành nghề mã “%(c)s”.") % {"c": code}
    if data.get("ward") is not None:
        code = data["ward"]
        data["ward"] = Area.objects.filter(level=AreaLevel.WARD, code=code).first()
        if data["ward"] is None:
            errors["ward"] = _("Không có phường, xã mã “%(c)s” (địa giới từ 01/07/2025).") % {
                "c": code
            }
    if "investor_country" in data:
        country = (data["investor_country"] or "").upper()
        if country and country not in Country.values:
            errors["investor_country"] = _("Không có quốc gia mã “%(c)s”.") % {"c": country}
        data["investor_country"] = country
    if "union" in data:
        code = data["union"]
        data["union"] = (
            Unit.objects.visible_to(request.auth)
            .filter(code=code, kind__is_grassroots=True)
            .first()
            if code
            else None
        )
        if code and data["union"] is None:
            errors["union"] = _("Không có công đoàn cơ sở mã “%(c)s” trong phạm vi của bạn.") % {
                "c": code
            }
    return data


def _editable(request, pk):
    """Unknown or unseen → 404; seen but not editable → 403."""
    enterprise = get_or_404(Enterprise.objects.visible_to(request.auth), not_found(), pk=pk)
    if not Enterprise.objects.editable_by(request.auth).filter(pk=pk).exists():
        raise PermissionDenied
    return enterprise


@router.get(
    "/enterprises", response={200: Page[EnterpriseOut], **ERRORS}, summary="Danh sách doanh nghiệp"
)
def list_enterprises(request, paging: Query[PageParams], filters: Query[EnterpriseFilters]):
    qs = _scoped(request)
    if filters.q:
        qs = qs.search(filters.q)
    if filters.ownership:
        qs = qs.filter(ownership__code=filters.ownership)
    if filters.industry:
        qs = qs.filter(industry__code=filters.industry)
    if filters.ward:
        qs = qs.filter(ward__code=filters.ward, ward__level=AreaLevel.WARD)
    if filters.has_union is not None:
        qs = qs.filter(union__isnull=not filters.has_union)
    return paginate(qs.order_by("name", "id"), paging)


@router.get(
    "/enterprises/{int:pk}", response={200: EnterpriseOut, **ERRORS}, summary="Một doanh nghiệp"
)
def get_enterprise(request, pk: int):
    return get_or_404(_scoped(request), not_found(), pk=pk)


@router.post("/enterprises", response={201: EnterpriseOut, **ERRORS}, summary="Thêm doanh nghiệp")
def create_enterprise(request, payload: EnterpriseIn):
    errors = {}
    data = _resolve(request, payload.dict(), errors)
    require(errors)
    enterprise = services.create_enterprise(request.auth, **data)
    return Status(201, _scoped(request).get(pk=enterprise.pk))


@router.patch(
    "/enterprises/{int:pk}",
    response={200: EnterpriseOut, 403: ErrorOut, **ERRORS},
    summary="Sửa thông tin doanh nghiệp",
)
def update_enterprise(request, pk: int, payload: EnterprisePatchIn):
    enterprise = _editable(request, pk)
    changes = payload.dict(exclude_unset=True)
    for text in ("address", "notes", "investor_country"):
        if text in changes and changes[text] is None:
            changes[text] = ""
    errors = {}
    changes = _resolve(request, changes, errors)
    require(errors)
    services.update_enterprise(request.auth, enterprise, **changes)
    return _scoped(request).get(pk=pk)


@router.delete(
    "/enterprises/{int:pk}",
    response={204: None, 403: ErrorOut, **ERRORS},
    summary="Xóa (mềm) một doanh nghiệp",
)
def delete_enterprise(request, pk: int):
    services.delete_enterprise(request.auth, _editable(request, pk))
    return Status(204, None)
