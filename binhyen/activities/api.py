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
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from binhyen.core.api import ERRORS, ErrorOut, In, PageParams, get_or_404, paginate, require
from binhyen.core.bounds import MAX_ID
from binhyen.org.models import Unit

from . import excel, filters, services
from .models import (
    ATTENDANCES,
    LEAFLETS,
    SESSIONS,
    Activity,
    ActivityKind,
    Audience,
    Channel,
    Topic,
)

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


class ListParams(In):
    unit: str = Field("", description="Mã đơn vị: đơn vị đó và mọi đơn vị cấp dưới")
    start: str = Field(
        "",
        description="Từ ngày (YYYY-MM-DD), tính cả ngày này",
        json_schema_extra={"pattern": r"^(\d{4}-\d{2}-\d{2})?$"},
    )
    end: str = Field(
        "",
        description="Đến ngày (YYYY-MM-DD), tính cả ngày này",
        json_schema_extra={"pattern": r"^(\d{4}-\d{2}-\d{2})?$"},
    )
    kind: str = Field("", description="Mã loại hoạt động")
    topic: str = Field("", description="Mã chủ đề")
    audience: str = Field("", description="Mã đối tượng")
    channel: str = Field("", description="Mã hình thức")
    q: str = Field(
        "", description="Từ khóa trong tên, địa điểm, văn bản, ghi chú (không phân biệt dấu)"
    )
    sort: str = Field(
        "",
        description="-date (mặc định), date, -attendances, -sessions, unit, title",
        json_schema_extra={"enum": ["", *filters.SORTS]},
    )


# What the schemas state is what the services enforce: bounds from models.py, lengths from the
# model's columns, codes shaped like the reference lists' slugs and the units' codes.
UNIT_CODE = {"max_length": 40, "pattern": r"^[A-Z0-9][A-Z0-9._-]*$"}
REF_CODE = {"max_length": 40, "pattern": r"^[-a-zA-Z0-9_]+$"}
RefCode = Annotated[str, Field(**REF_CODE)]
DocumentId = Annotated[int, Field(ge=1, le=MAX_ID)]
DATE_RULE = "; không sau hôm nay, không trước 28/07/1929"
# Stated in the schema, refused by the service with its own words ("Hãy chọn ít nhất một đối
# tượng.") rather than by pydantic's generic ones.
NOT_EMPTY = {"json_schema_extra": {"minLength": 1}}
AT_LEAST_ONE = {"json_schema_extra": {"minItems": 1}}


class ActivityIn(In):
    unit: str = Field(description="Mã đơn vị tổ chức (đơn vị bạn được nhập liệu)", **UNIT_CODE)
    date: datetime.date = Field(description="Ngày tổ chức (YYYY-MM-DD)" + DATE_RULE)
    end_date: datetime.date | None = Field(
        None, description="Đến ngày, không trước date" + DATE_RULE
    )
    kind: str = Field(description="Mã loại hoạt động", **REF_CODE)
    title: str = Field(max_length=255, **NOT_EMPTY)
    topics: list[RefCode] = Field(
        max_length=50, description="Mã chủ đề (ít nhất một)", **AT_LEAST_ONE
    )
    audiences: list[RefCode] = Field(
        max_length=50, description="Mã đối tượng (ít nhất một)", **AT_LEAST_ONE
    )
    channels: list[RefCode] = Field([], max_length=50, description="Mã hình thức")
    sessions: int = Field(
        1, description="Số cuộc/buổi (ít nhất 1, trừ loại phát tờ rơi)", **SESSIONS.schema_kwargs()
    )
    attendances: int = Field(0, description="Số lượt người tham dự", **ATTENDANCES.schema_kwargs())
    leaflets: int | None = Field(
        None, description="Số tờ rơi (bắt buộc với loại phát tờ rơi)", **LEAFLETS.schema_kwargs()
    )
    place: str = Field("", max_length=255)
    document_ref: str = Field("", max_length=255)
    documents: list[DocumentId] = Field(
        [],
        max_length=100,
        description="Mã số (id) văn bản thực hiện, trong các văn bản bạn xem được",
    )
    notes: str = ""


class ActivityPatch(In):
    """Only the fields sent change; each follows the rule stated on ActivityIn."""

    unit: str | None = Field(None, **UNIT_CODE)
    date: datetime.date | None = Field(None, description="Ngày tổ chức" + DATE_RULE)
    end_date: datetime.date | None = None
    kind: str | None = Field(None, **REF_CODE)
    title: str | None = Field(None, max_length=255, **NOT_EMPTY)
    topics: list[RefCode] | None = Field(None, max_length=50, **AT_LEAST_ONE)
    audiences: list[RefCode] | None = Field(None, max_length=50, **AT_LEAST_ONE)
    channels: list[RefCode] | None = Field(None, max_length=50)
    sessions: int | None = Field(None, **SESSIONS.schema_kwargs())
    attendances: int | None = Field(None, **ATTENDANCES.schema_kwargs())
    leaflets: int | None = Field(None, **LEAFLETS.schema_kwargs())
    place: str | None = Field(None, max_length=255)
    document_ref: str | None = Field(None, max_length=255)
    documents: list[DocumentId] | None = Field(None, max_length=100)
    notes: str | None = None


class ImportError_(Schema):
    row: int | None = Field(description="Dòng trong tệp (null: lỗi của cả tệp)")
    column: str | None = Field(description="Tên cột, hoặc tham số (file, dry_run)")
    message: str


class ImportOut(Schema):
    """Every answer of the import with a body about the file: 200 when written (or, with
    dry_run, when it would be), 422 when nothing was written, with the errors by row and column."""

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
    queryset = (
        Activity.objects.visible_to(request.auth)
        .select_related(*RELATED)
        .prefetch_related(*_prefetch(request.auth))
    )
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
        changes["unit"] = Unit.objects.recordable_by(request.auth).filter(code=code).first()
        if changes["unit"] is None:
            errors["unit"] = _(
                "Đơn vị “%(code)s” không tồn tại hoặc bạn không được nhập liệu cho đơn vị này."
            ) % {"code": code}
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
        found = set(
            Document.objects.visible_to(request.auth)
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        unknown = [i for i in ids if i not in found]
        if unknown:
            errors["documents"] = _(
                "Văn bản mã số %(id)s không tồn tại hoặc nằm ngoài phạm vi bạn xem được."
            ) % {"id": unknown[0]}
        changes["documents"] = ids
    require(errors)
    return changes


# --- list and one activity -----------------------------------------------------------------


@router.get(
    "/activities", response={200: ActivityPage, **ERRORS}, summary="Danh sách hoạt động và tổng số"
)
def list_activities(request, paging: Query[PageParams], params: Query[ListParams]):
    f = filters.parse(request.auth, params.dict())
    if f.unit_missing:
        return Status(404, {"detail": f.errors["unit"]})
    require(f.errors)
    queryset = filters.apply(Activity.objects.visible_to(request.auth), f)
    totals = queryset.totals()
    page = paginate(
        queryset.select_related(*RELATED).prefetch_related(*_prefetch(request.auth)), paging
    )
    return {
        "count": page["count"],
        "totals": {"sessions": totals["sessions"], "attendances": totals["attendances"]},
        "items": page["items"],
    }


@router.get(
    "/activities/template.xlsx",
    response={200: None, **ERRORS},
    summary="Tệp Excel mẫu để nhập hoạt động",
)
def template(request):
    out = excel.template_workbook(request.auth)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-hoat-dong.xlsx"'
    return response


DRY_RUN_VALUES = {
    "": False,
    "false": False,
    "0": False,
    "off": False,
    "true": True,
    "1": True,
    "on": True,
}


def _import_refused(message, column, dry_run=False):
    return Status(
        422,
        {
            "detail": _("Không nhập dòng nào: %(m)s") % {"m": message},
            "rows": 0,
            "created": 0,
            "skipped": 0,
            "dry_run": dry_run,
            "errors": [{"row": None, "column": column, "message": message}],
            "errors_total": 1,
            "notices": [],
        },
    )


@router.post(
    "/activities/import",
    response={200: ImportOut, 422: ImportOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="Nhập hoạt động từ tệp Excel (tất cả hoặc không dòng nào)",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {
                                "type": "string",
                                "format": "binary",
                                "description": "Tệp .xlsx theo mẫu",
                            },
                            "dry_run": {
                                "type": "boolean",
                                "default": False,
                                "description": "Chỉ kiểm tra, không ghi",
                            },
                        },
                    }
                }
            }
        }
    },
)
def import_file(request, file: File[UploadedFile] = None, dry_run: Form[str] = "false"):
    """Every refusal, a missing file or a bad dry_run included, is a 422 in the same shape."""
    dry = DRY_RUN_VALUES.get(str(dry_run).strip().lower())
    if dry is None:
        return _import_refused(_("dry_run phải là true hoặc false."), "dry_run")
    if file is None:
        return _import_refused(_("Hãy gửi tệp Excel (.xlsx) ở trường file."), "file", dry)
    result = services.import_activities(
        request.auth, file, file_name=file.name, dry_run=dry, source="api"
    )
    body = result.as_dict()
    if not result.ok:
        body["detail"] = _("Không nhập dòng nào: %(n)d lỗi trong tệp.") % {"n": result.errors.count}
        return Status(422, body)
    return Status(200, body)


@router.get("/activities/{int:pk}", response={200: ActivityOut, **ERRORS}, summary="Một hoạt động")
def get_activity(request, pk: int):
    return _one(request, pk)


@router.post("/activities", response={201: ActivityOut, **ERRORS}, summary="Ghi một hoạt động")
def create_activity(request, payload: ActivityIn):
    fields = _resolve(request, payload.dict())
    activity = services.record_activity(request.auth, **fields)
    return Status(201, _one(request, activity.pk))


@router.patch(
    "/activities/{int:pk}",
    response={200: ActivityOut, 403: ErrorOut, **ERRORS},
    summary="Sửa một hoạt động",
)
def update_activity(request, pk: int, payload: ActivityPatch):
    activity = _editable(request, pk)
    changes = payload.dict(exclude_unset=True)
    for text in ("title", "place", "document_ref", "notes"):
        if text in changes and changes[text] is None:
            changes[text] = ""
    services.update_activity(request.auth, activity, **_resolve(request, changes))
    return _one(request, pk)


@router.delete(
    "/activities/{int:pk}",
    response={204: None, 403: ErrorOut, **ERRORS},
    summary="Xóa (mềm) một hoạt động",
)
def delete_activity(request, pk: int):
    services.delete_activity(request.auth, _editable(request, pk))
    return Status(204, None)
