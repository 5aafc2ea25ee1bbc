"""API routes of the documents app: documents (scoped CRUD), the citation parser and the chain
of plans carrying a document out. Plans' targets with their live progress are reporting's
(plan_api.py), at /plans/{id}/targets and /plans/{id}/progress."""

import datetime
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from binhyen.core.api import ERRORS, In, Page, PageParams, get_or_404, paginate, require
from binhyen.core.bounds import MAX_ID
from binhyen.org.models import Unit, code_validator

from . import chain, citations, services
from .citations import TYPE_NAMES
from .models import Document, DocumentType, Issuer

router = Router(tags=["documents"])

RELATED = ("doc_type", "issuer", "issuer_unit", "unit")


def document_not_found():
    return _("Không tìm thấy văn bản này, hoặc bạn không có quyền xem.")


# --- schemas -------------------------------------------------------------------------------


class DocumentTypeOut(Schema):
    code: str
    name: str
    abbreviation: str
    is_plan: bool = Field(description="Có thể đặt chỉ tiêu (kế hoạch, chương trình)")


class IssuerOut(Schema):
    code: str
    name: str
    short_name: str


class IssuerRef(Schema):
    kind: Literal["unit", "outside"] = Field(
        description="unit: đơn vị công đoàn; outside: cơ quan ngoài"
    )
    code: str
    name: str


class DocumentOut(Schema):
    id: int
    type: str = Field(description="Mã loại văn bản")
    type_name: str
    number: str
    symbol: str
    label: str
    issued_on: datetime.date | None
    year: int | None
    summary: str
    issuer: IssuerRef
    unit: str = Field(description="Mã đơn vị quản lý văn bản")
    shared: bool = Field(description="Văn bản của cơ quan ngoài: dữ liệu dùng chung")
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    file: str | None = Field(description="Địa chỉ tải tệp văn bản (nếu có)")

    @staticmethod
    def resolve_type(obj):
        return obj.doc_type.code

    @staticmethod
    def resolve_type_name(obj):
        return obj.doc_type.name

    @staticmethod
    def resolve_issuer(obj):
        if obj.issuer_id:
            return {"kind": "outside", "code": obj.issuer.code, "name": obj.issuer.name}
        return {"kind": "unit", "code": obj.issuer_unit.code, "name": obj.issuer_unit.name}

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code

    @staticmethod
    def resolve_file(obj):
        from django.urls import reverse

        return reverse("documents:file", args=[obj.pk]) if obj.file else None


class DocumentDetailOut(DocumentOut):
    implements: list[int] = Field(description="Các văn bản (id) mà văn bản này thực hiện")
    implemented_by: list[int] = Field(description="Các văn bản (id) thực hiện văn bản này")

    # filled by _detail() from the documents the caller sees, never the raw relation
    @staticmethod
    def resolve_implements(obj):
        return obj.implements_ids

    @staticmethod
    def resolve_implemented_by(obj):
        return obj.implemented_by_ids


# What the schemas state is what the services enforce: lengths from the models' columns, the
# shapes of codes, the fixed list of document types (citations.TYPES).
UNIT_CODE = {
    "max_length": Unit._meta.get_field("code").max_length,
    "pattern": code_validator.regex.pattern,
}
ISSUER_CODE = {
    "max_length": Issuer._meta.get_field("code").max_length,
    "pattern": r"^[-a-zA-Z0-9_]+$",
}
TypeCode = Literal[tuple(TYPE_NAMES)]
DocumentId = Annotated[int, Field(ge=1, le=MAX_ID)]
# The shapes of number and symbol are stated in the schema and refused by the service, whose
# message says what a symbol looks like ("329/KH-LĐLĐ, 44-KL/TW…") rather than pydantic's bare
# "does not match".
NUMBER_RULE = {
    "max_length": Document._meta.get_field("number").max_length,
    "json_schema_extra": {"pattern": services.NUMBER.pattern},
}
SYMBOL_RULE = {
    "max_length": Document._meta.get_field("symbol").max_length,
    "json_schema_extra": {"pattern": citations.SYMBOL_PATTERN},
}
ISSUED_ON = "Ngày ban hành (YYYY-MM-DD), không sau hôm nay, không trước năm 1945"
VALID_DAY = "Ngày (YYYY-MM-DD) trong các năm 1945–2100"


class DocumentIn(In):
    type: TypeCode = Field(description="Mã loại văn bản, ví dụ ke_hoach")
    number: str = Field(
        description="Số văn bản: chữ số, có thể thêm một chữ cái (329, 12a)", **NUMBER_RULE
    )
    symbol: str = Field("", description="Ký hiệu, ví dụ 329/KH-LĐLĐ", **SYMBOL_RULE)
    issued_on: datetime.date | None = Field(None, description=ISSUED_ON)
    issuer_unit: str | None = Field(None, description="Mã đơn vị công đoàn ban hành", **UNIT_CODE)
    issuer: str | None = Field(
        None, description="Mã cơ quan ngoài ban hành (xem /issuers)", **ISSUER_CODE
    )
    unit: str | None = Field(
        None, description="Mã đơn vị đăng ký (bắt buộc với văn bản của cơ quan ngoài)", **UNIT_CODE
    )
    summary: str = ""
    valid_from: datetime.date | None = Field(None, description=VALID_DAY)
    valid_to: datetime.date | None = Field(None, description=VALID_DAY + ", không trước valid_from")
    implements: list[DocumentId] = Field(
        [], max_length=100, description="Id các văn bản mà văn bản này thực hiện"
    )


class DocumentPatchIn(In):
    """Only the fields sent change; each follows the rule stated on DocumentIn."""

    type: TypeCode | None = None
    number: str | None = Field(None, **NUMBER_RULE)
    symbol: str | None = Field(None, **SYMBOL_RULE)
    issued_on: datetime.date | None = Field(None, description=ISSUED_ON)
    issuer_unit: str | None = Field(None, **UNIT_CODE)
    issuer: str | None = Field(None, **ISSUER_CODE)
    summary: str | None = None
    valid_from: datetime.date | None = Field(None, description=VALID_DAY)
    valid_to: datetime.date | None = Field(None, description=VALID_DAY)
    implements: list[DocumentId] | None = Field(None, max_length=100)


class ParseIn(In):
    text: str = Field(max_length=200_000, description="Đoạn văn bản cần tìm số, ký hiệu văn bản")


class CitationOut(Schema):
    type: str | None = Field(description="Mã loại văn bản (null: không rõ)")
    type_name: str
    number: str
    symbol: str | None
    date: datetime.date | None
    year: int | None
    start: int = Field(description="Vị trí bắt đầu trong đoạn văn (tính theo ký tự)")
    end: int
    text: str


class ParseOut(Schema):
    citations: list[CitationOut]


class ChainNodeOut(Schema):
    id: int
    label: str
    depth: int
    parent: int = Field(description="Id văn bản mà văn bản này thực hiện (trong chuỗi)")
    issuer: str
    issued_on: datetime.date | None


class ChainOut(Schema):
    document: DocumentOut
    nodes: list[ChainNodeOut]


# --- helpers -------------------------------------------------------------------------------


def visible_documents(request):
    """The documents the caller sees, with what their API shape reads (the plans API too)."""
    return Document.objects.visible_to(request.auth).select_related(*RELATED)


def editable_document(request, pk):
    """Unknown or unseen → 404; seen but not editable → 403 (nothing new is confirmed)."""
    document = get_or_404(visible_documents(request), document_not_found(), pk=pk)
    if not Document.objects.editable_by(request.auth).filter(pk=document.pk).exists():
        raise PermissionDenied
    return document


def _type(code, errors, field="type"):
    doc_type = DocumentType.objects.filter(code=code).first()
    if doc_type is None:
        errors[field] = _("Không có loại văn bản mã “%(c)s” (xem /api/v1/document-types).") % {
            "c": code
        }
    return doc_type


def _issuer(code, errors):
    issuer = Issuer.objects.filter(code=code).first()
    if issuer is None:
        errors["issuer"] = _("Không có cơ quan ban hành mã “%(c)s” (xem /api/v1/issuers).") % {
            "c": code
        }
    return issuer


def visible_unit(request, field, code, errors):
    """The unit `code` names among those the caller sees, or None with errors[field] said."""
    unit = Unit.objects.visible_to(request.auth).filter(code=code).first()
    if unit is None:
        errors[field] = _("Đơn vị “%(c)s” không tồn tại hoặc nằm ngoài phạm vi của bạn.") % {
            "c": code
        }
    return unit


def _documents(request, ids, errors):
    found = {d.pk: d for d in Document.objects.visible_to(request.auth).filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        errors["implements"] = _(
            "Không tìm thấy văn bản id %(i)s, hoặc bạn không có quyền xem."
        ) % {"i": missing[0]}
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def _reload(document):
    return Document.objects.select_related(*RELATED).get(pk=document.pk)


def _detail(request, document):
    visible = Document.objects.visible_to(request.auth)
    document.implements_ids = list(
        visible.filter(implemented_by=document).values_list("pk", flat=True)
    )
    document.implemented_by_ids = list(
        visible.filter(implements=document).values_list("pk", flat=True)
    )
    return document


# --- reference lists -----------------------------------------------------------------------


@router.get(
    "/document-types", response={200: list[DocumentTypeOut], **ERRORS}, summary="Loại văn bản"
)
def document_types(request):
    return list(DocumentType.objects.all())


@router.get(
    "/issuers",
    response={200: list[IssuerOut], **ERRORS},
    summary="Cơ quan ban hành ngoài công đoàn",
)
def issuers(request):
    # Shared reference data (Bộ Chính trị, Chính phủ…): every caller reads all of it.
    return list(Issuer.objects.all())


# --- documents -----------------------------------------------------------------------------


@router.get("/documents", response={200: Page[DocumentOut], **ERRORS}, summary="Danh sách văn bản")
def list_documents(
    request,
    paging: Query[PageParams],
    q: str | None = Query(None, description="Tìm theo số, ký hiệu, trích yếu; không cần gõ dấu"),
    type: str | None = Query(None, description="Mã loại văn bản"),
    issuer: str | None = Query(None, description="Mã cơ quan ngoài hoặc mã đơn vị ban hành"),
    year: int | None = Query(None, description="Năm ban hành", ge=1900, le=2100),
    implemented_by_my_unit: bool = Query(
        False, description="Chỉ văn bản được kế hoạch của đơn vị mình thực hiện"
    ),
):
    documents = visible_documents(request)
    if q:
        documents = documents.search(q)
    if type:
        documents = documents.filter(doc_type__code=type)
    if issuer:
        documents = documents.filter(issuer__code=issuer) | documents.filter(
            issuer_unit__code=issuer
        )
    if year:
        documents = documents.filter(year=year)
    if implemented_by_my_unit:
        plans = Document.objects.owned_in_scope(request.auth).plans()
        links = Document.implements.through.objects.filter(
            to_document=OuterRef("pk"), from_document__in=plans
        )
        documents = documents.filter(Exists(links))
    return paginate(documents.order_by(F("issued_on").desc(nulls_last=True), "-id"), paging)


@router.post(
    "/documents/parse",
    response={200: ParseOut, **ERRORS},
    summary="Tìm số, ký hiệu văn bản trong đoạn văn",
)
def parse_text(request, payload: ParseIn):
    found = citations.find_citations(payload.text)
    return {"citations": [dict(c.as_dict(), type_name=c.type_name) for c in found]}


@router.post("/documents", response={201: DocumentDetailOut, **ERRORS}, summary="Đăng ký văn bản")
def create_document(request, payload: DocumentIn):
    errors = {}
    doc_type = _type(payload.type, errors)
    issuer = _issuer(payload.issuer, errors) if payload.issuer else None
    issuer_unit = (
        visible_unit(request, "issuer_unit", payload.issuer_unit, errors)
        if payload.issuer_unit
        else None
    )
    unit = visible_unit(request, "unit", payload.unit, errors) if payload.unit else None
    implements = _documents(request, payload.implements, errors)
    if not payload.issuer and not payload.issuer_unit:
        errors["issuer"] = _("Hãy ghi issuer_unit (đơn vị công đoàn) hoặc issuer (cơ quan ngoài).")
    require(errors)
    document = services.register_document(
        request.auth,
        doc_type=doc_type,
        number=payload.number,
        symbol=payload.symbol,
        unit=unit,
        issuer_unit=issuer_unit,
        issuer=issuer,
        issued_on=payload.issued_on,
        summary=payload.summary,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        implements=implements,
    )
    return Status(201, _detail(request, _reload(document)))


@router.get(
    "/documents/{int:pk}", response={200: DocumentDetailOut, **ERRORS}, summary="Một văn bản"
)
def get_document(request, pk: int):
    return _detail(request, get_or_404(visible_documents(request), document_not_found(), pk=pk))


@router.patch(
    "/documents/{int:pk}", response={200: DocumentDetailOut, **ERRORS}, summary="Sửa văn bản"
)
def update_document(request, pk: int, payload: DocumentPatchIn):
    document = editable_document(request, pk)
    sent = payload.dict(exclude_unset=True)
    errors = {}
    changes = {}
    for name in ("number", "symbol", "issued_on", "summary", "valid_from", "valid_to"):
        if name in sent:
            changes[name] = (
                sent[name]
                if sent[name] is not None or name not in ("number", "symbol", "summary")
                else ""
            )
    if "type" in sent:
        changes["doc_type"] = _type(sent["type"], errors)
    if sent.get("issuer"):
        changes["issuer"] = _issuer(sent["issuer"], errors)
    if sent.get("issuer_unit"):
        changes["issuer_unit"] = visible_unit(request, "issuer_unit", sent["issuer_unit"], errors)
    implements = (
        _documents(request, sent["implements"], errors)
        if sent.get("implements") is not None
        else None
    )
    require(errors)
    document = services.update_document(request.auth, document, implements=implements, **changes)
    return _detail(request, _reload(document))


@router.delete(
    "/documents/{int:pk}", response={204: None, **ERRORS}, summary="Xóa văn bản (xóa mềm)"
)
def delete_document(request, pk: int):
    document = editable_document(request, pk)
    services.delete_document(request.auth, document)
    return Status(204, None)


@router.get(
    "/documents/{int:pk}/chain",
    response={200: ChainOut, **ERRORS},
    summary="Chuỗi kế hoạch thực hiện văn bản",
)
def document_chain(request, pk: int):
    document = get_or_404(visible_documents(request), document_not_found(), pk=pk)
    nodes = []

    def walk(node):
        for child in node.children:
            d = child.document
            nodes.append(
                {
                    "id": d.pk,
                    "label": d.label,
                    "depth": child.depth,
                    "parent": node.document.pk,
                    "issuer": d.issuer_name,
                    "issued_on": d.issued_on,
                }
            )
            if not child.repeated:
                walk(child)

    walk(chain.implementation_tree(document, request.auth))
    return {"document": document, "nodes": nodes}
