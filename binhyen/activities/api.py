"""API routes of the activities app: the filtered list with totals, one activity (read, create,
edit, delete), and the Excel template and import.

Filters mean what they mean on the list page (filters.py): `unit` is that unit and its whole
subtree, and an activity counts when its date falls in start..end inclusive. Codes are the
reference lists' stable codes (kind `tuyen_truyen`, topic `ma_tuy`, audience `cnvcld`…).

Linked documents ("văn bản thực hiện") are given and returned by document id: a symbol such as
329/KH-LĐLĐ is unique only per issuer and year (every provincial federation may have its own
329/KH-LĐLĐ), so ids are the one unambiguous reference. Each id must be a document the caller
sees (/api/documents); the output also lists their symbols, for reading.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile

from binhyen.api.common import ERRORS, ErrorOut, In, PageParams, get_or_404, paginate, require

from . import excel, filters, services
from .models import Activity, ActivityKind, Audience, Channel, Topic

router = Router(tags=["activities"])

RELATED = ("unit", "kind")
M2M = ("topics", "audiences", "channels")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def not_found():
    return _("Không tìm thấy hoạt động, hoặc bạn không có quyền xem.")


# --- schemas -------------------------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    unit: str = Field(description="Mã đơn vị tổ chức")
    unit_name: str
    date: datetime.date
    end_date: datetime.date | None
    kind: str = Field(description="Mã loại hoạt động")
    title: str
    topics: list[str] = Field(description="Mã chủ đề")
    audiences: list[str] = Field(description="Mã đối tượng")
    channels: list[str] = Field(description="Mã hình thức")
    sessions: int
    attendances: int
    leaflets: int | None
    place: str
    document_ref: str
    documents: list[int] = Field(description="Mã số (id) các văn bản thực hiện mà bạn xem được")
    document_symbols: list[str] = Field(description="Số, ký hiệu của các văn bản đó, cùng thứ tự")
    notes: str

    @staticmethod
    def resolve_documents(obj):
        return [d.pk for d in obj.documents.all()]

    @staticmethod
    def resolve_document_symbols(obj):
        return [d.reference for d in obj.documents.all()]

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name

    @staticmethod
    def resolve_kind(obj):
        return obj.kind.code

    @staticmethod
    def resolve_topics(obj):
        return [t.code for t in obj.topics.all()]

    @staticmethod
    def resolve_audiences(obj):
        return [t.code for t in obj.audiences.all()]

    @staticmethod
    def resolve_channels(obj):
        return [t.code for t in obj.channels.all()]


class Totals(Schema):
    sessions: int
    attendances: int


class ActivityPage(Schema):
    count: int
    totals: Totals
    items: list[ActivityOut]


class ListParams(Schema):
    unit: str = Field("", description="Mã đơn vị: đơn vị đó và mọi đơn vị cấp dưới")
    start: str = Field("", description="Từ ngày (YYYY-MM-DD), tính cả ngày này")
    end: str = Field("", description="Đến ngày (YYYY-MM-DD), tính cả ngày này")
    kind: str = Field("", description="Mã loại hoạt động")
    topic: str = Field("", description="Mã chủ đề")
    audience: str = Field("", description="Mã đối tượng")
    channel: str = Field("", description="Mã hình thức")
    q: str = Field("", description="Từ khóa trong tên, địa điểm, văn bản, ghi chú (không phân biệt dấu)")
    sort: str = Field("", description="-date (mặc định), date, -attendances, -sessions, unit, title")


class ActivityIn(In):
    unit: str = Field(description="Mã đơn vị tổ chức (đơn vị bạn được nhập liệu)")
    date: datetime.date
    end_date: datetime.date | None = None
    kind: str = Field(description="Mã loại hoạt động")
    title: str
    topics: list[str] = Field(description="Mã chủ đề (ít nhất một)")
    audiences: list[str] = Field(description="Mã đối tượng (ít nhất một)")
    channels: list[str] = []
    sessions: int = 1
    attendances: int = 0
    leaflets: int | None = None
    place: str = ""
    document_ref: str = ""
    documents: list[int] = Field([], description="Mã số (id) văn bản thực hiện, trong các văn bản bạn xem được")
    notes: str = ""


class ActivityPatch(In):
    unit: str | None = None
    date: datetime.date | None = None
    end_date: datetime.date | None = None
    kind: str | None = None
    title: str | None = None
    topics: list[str] | None = None
    audiences: list[str] | None = None
    channels: list[str] | None = None
    sessions: int | None = None
    attendances: int | None = None
    leaflets: int | None = None
    place: str | None = None
    document_ref: str | None = None
    documents: list[int] | None = None
    notes: str | None = None


class ImportError_(Schema):
    row: int | None
    column: str | None
    message: str


class ImportOut(Schema):
    detail: str = ""
    rows: int
    created: int
    skipped: int
    dry_run: bool
    errors: list[ImportError_]
    errors_total: int
    notices: list[ImportError_]


# --- helpers -------------------------------------------------------------------------------


def _prefetch(user):
    """The reference lists, and the linked documents the reader sees (ordered by date)."""
    from django.db.models import Prefetch

    from binhyen.documents.models import Document

    documents = Document.objects.visible_to(user).order_by("issued_on", "id")
    return (*M2M, Prefetch("documents", queryset=documents))


def _one(request, pk):
    queryset = Activity.objects.visible_to(request.auth).select_related(*RELATED).prefetch_related(*_prefetch(request.auth))
    return get_or_404(queryset, not_found(), pk=pk)


def _editable(request, pk):
    """Unknown or unseen → 404; seen but not editable → 403 (nothing new is confirmed)."""
    activity = get_or_404(Activity.objects.visible_to(request.auth), not_found(), pk=pk)
    if not Activity.objects.editable_by(request.auth).filter(pk=activity.pk).exists():
        raise PermissionDenied
    return activity


REFERENCE_INPUTS = {
    "kind": (ActivityKind, gettext_lazy("Mã loại hoạt động “%(code)s” không có trong danh mục.")),
    "topics": (Topic, gettext_lazy("Mã chủ đề “%(code)s” không có trong danh mục.")),
    "audiences": (Audience, gettext_lazy("Mã đối tượng “%(code)s” không có trong danh mục.")),
    "channels": (Channel, gettext_lazy("Mã hình thức “%(code)s” không có trong danh mục.")),
}


def _resolve(request, changes):
    """Turn the codes of a request body into objects; every unknown code is a field error."""
    errors = {}
    if changes.get("unit") is not None:
        code = changes["unit"]
        changes["unit"] = services.editable_units(request.auth).filter(code=code).first()
        if changes["unit"] is None:
            errors["unit"] = _("Đơn vị “%(code)s” không tồn tại hoặc bạn không được nhập liệu cho đơn vị này.") % {
                "code": code}
    for name, (model, message) in REFERENCE_INPUTS.items():
        if changes.get(name) is None:
            continue
        codes = [changes[name]] if name == "kind" else list(changes[name])
        found = {i.code: i for i in model.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            errors[name] = str(message) % {"code": unknown[0]}
        elif name == "kind":
            changes[name] = found[codes[0]]
        else:
            changes[name] = [found[c] for c in codes]
    if changes.get("documents") is not None:
        from binhyen.documents.models import Document

        ids = list(dict.fromkeys(changes["documents"]))
        found = set(Document.objects.visible_to(request.auth).filter(pk__in=ids).values_list("pk", flat=True))
        unknown = [i for i in ids if i not in found]
        if unknown:
            errors["documents"] = _("Văn bản mã số %(id)s không tồn tại hoặc nằm ngoài phạm vi bạn xem được.") % {
                "id": unknown[0]}
        changes["documents"] = ids
    require(errors)
    return changes


# --- list and one activity -----------------------------------------------------------------


@router.get("/activities", response={200: ActivityPage, **ERRORS}, summary="Danh sách hoạt động và tổng số")
def list_activities(request, paging: Query[PageParams], params: Query[ListParams]):
    f = filters.parse(request.auth, params.dict())
    if f.unit_missing:
        return 404, {"detail": f.errors["unit"]}
    require(f.errors)
    queryset = filters.apply(Activity.objects.visible_to(request.auth), f)
    totals = queryset.totals()
    page = paginate(queryset.select_related(*RELATED).prefetch_related(*_prefetch(request.auth)), paging)
    return {"count": page["count"], "totals": {"sessions": totals["sessions"], "attendances": totals["attendances"]},
            "items": page["items"]}


@router.get("/activities/template.xlsx", response={200: None, **ERRORS}, summary="Tệp Excel mẫu để nhập hoạt động")
def template(request):
    out = excel.template_workbook(request.auth)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-hoat-dong.xlsx"'
    return response


@router.post("/activities/import", response={200: ImportOut, 422: ImportOut, 400: ErrorOut, 401: ErrorOut},
             summary="Nhập hoạt động từ tệp Excel (tất cả hoặc không dòng nào)")
def import_file(request, file: File[UploadedFile], dry_run: Form[bool] = False):
    result = services.import_activities(request.auth, file, file_name=file.name, dry_run=dry_run, source="api")
    body = result.as_dict()
    if not result.ok:
        body["detail"] = _("Không nhập dòng nào: %(n)d lỗi trong tệp.") % {"n": result.errors.count}
        return 422, body
    return 200, body


@router.get("/activities/{int:pk}", response={200: ActivityOut, **ERRORS}, summary="Một hoạt động")
def get_activity(request, pk: int):
    return _one(request, pk)


@router.post("/activities", response={201: ActivityOut, **ERRORS}, summary="Ghi một hoạt động")
def create_activity(request, payload: ActivityIn):
    fields = _resolve(request, payload.dict())
    activity = services.record_activity(request.auth, **fields)
    return 201, _one(request, activity.pk)


@router.patch("/activities/{int:pk}", response={200: ActivityOut, 403: ErrorOut, **ERRORS}, summary="Sửa một hoạt động")
def update_activity(request, pk: int, payload: ActivityPatch):
    activity = _editable(request, pk)
    changes = payload.dict(exclude_unset=True)
    for text in ("title", "place", "document_ref", "notes"):
        if text in changes and changes[text] is None:
            changes[text] = ""
    services.update_activity(request.auth, activity, **_resolve(request, changes))
    return _one(request, pk)


@router.delete("/activities/{int:pk}", response={204: None, 403: ErrorOut, **ERRORS}, summary="Xóa (mềm) một hoạt động")
def delete_activity(request, pk: int):
    services.delete_activity(request.auth, _editable(request, pk))
    return 204, None
