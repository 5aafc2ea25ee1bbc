"""Every write to documents: one function per thing a user does (a plan's targets, which
name indicators of the registry, are written by the reporting app: targets.py).

Each function checks the actor's scope through the scoping methods, validates with Vietnamese
messages naming the field, writes in one transaction and leaves the audit trail
(django-simple-history, with the actor as the history user).
"""

import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core.periods import today
from binhyen.core.text import fold, format_date
from binhyen.org.scoping import EDIT_ROLES, require_editable, require_role_over

from . import citations
from .models import (
    Document,
    DocumentType,
    Issuer,
)

DOCUMENT_FIELDS = (
    "doc_type",
    "number",
    "symbol",
    "issuer_unit",
    "issuer",
    "issued_on",
    "summary",
    "valid_from",
    "valid_to",
)
NUMBER = re.compile(r"^\d{1,5}[^\W\d_]?$")
MAX_CHAIN_DEPTH = 12  # deeper than any real directive → plan → plan chain; guards the walk


# --- scope ---------------------------------------------------------------------------------


# How the scope's refusals read for documents (scoping.require_role_over, require_editable):
# a document's unit is one the actor records for (Unit.objects.recordable_by).
NO_UNIT = gettext_lazy("Hãy chọn đơn vị.")
UNIT_REFUSED = gettext_lazy("Đơn vị không tồn tại hoặc bạn không được nhập văn bản cho đơn vị này.")
DOCUMENT_REFUSED = gettext_lazy(
    "Văn bản không tồn tại hoặc bạn không được sửa văn bản của đơn vị này."
)


# --- files ---------------------------------------------------------------------------------


def file_max_bytes():
    return int(getattr(settings, "DOCUMENT_FILE_MAX_MB", 20)) * 1024 * 1024


def _is_docx(upload):
    """A .docx is a zip holding word/document.xml; a renamed zip or .xlsx is not one."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def check_file(upload):
    """The content type of an acceptable document file (PDF or Word .docx, not too big, with
    content matching its name), else a ValidationError on "file"."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ("pdf", "docx"):
        raise ValidationError(
            {
                "file": _("Tệp “%(n)s” không được nhận: chỉ nhận văn bản PDF hoặc Word (.docx).")
                % {"n": name}
            }
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": _("Tệp “%(n)s” rỗng.") % {"n": name}})
    limit = file_max_bytes()
    if size > limit:
        raise ValidationError(
            {
                "file": _("Tệp “%(n)s” quá lớn (%(s)s MB); tối đa %(m)d MB.")
                % {"n": name, "s": f"{size / 1048576:.1f}".replace(".", ","), "m": limit // 1048576}
            }
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if ext == "pdf":
        good, content_type, label = head.startswith(b"%PDF-"), "application/pdf", _("tệp PDF")
    else:
        good = head.startswith(b"PK\x03\x04") and _is_docx(upload)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        label = _("tệp Word (.docx)")
    if not good:
        raise ValidationError(
            {
                "file": _(
                    "Tệp “%(n)s” không phải là %(kind)s thật: nội dung không khớp phần mở rộng."
                )
                % {"n": name, "kind": label}
            }
        )
    return content_type


# --- validation of one document ------------------------------------------------------------


def symbol_message(symbol, number, doc_type):
    """The Vietnamese message for a malformed symbol, or ""."""
    issue = citations.symbol_issue(symbol, number, doc_type.code if doc_type else None)
    if issue is None:
        return ""
    problem, written = issue
    shown = citations.normalize_symbol(symbol)
    if problem == citations.SHAPE:
        return _(
            "Ký hiệu “%(s)s” không đúng dạng: số văn bản, rồi các chữ viết tắt ngăn cách bởi “/” "
            "hoặc “-”, ví dụ 329/KH-LĐLĐ, 44-KL/TW, 96/2019/QH14."
        ) % {"s": shown}
    if problem == citations.NUMBER:
        return _("Ký hiệu “%(s)s” không bắt đầu bằng số văn bản %(n)s.") % {"s": shown, "n": number}
    if problem == citations.NO_ISSUER:
        return _("Ký hiệu “%(s)s” thiếu chữ viết tắt tên cơ quan ban hành, ví dụ %(s)s-LĐLĐ.") % {
            "s": shown
        }
    if problem == citations.DATE_LIKE:
        return _("Ký hiệu “%(s)s” giống một ngày hoặc một con số, không phải ký hiệu văn bản.") % {
            "s": shown
        }
    return _("Ký hiệu “%(s)s” là ký hiệu của %(w)s, không khớp loại văn bản %(t)s.") % {
        "s": shown,
        "w": citations.TYPE_NAMES[written].lower(),
        "t": doc_type.name.lower(),
    }


# The documents the movement carries out are no older than the Republic (1945); validity and
# target periods may reach into the future, as far as the periods module reads (2100).
FIRST_YEAR, LAST_YEAR = 1945, 2100


def issued_on_problem(day, today_=None):
    """Why `day` cannot be a document's date of issue (in Vietnamese), or ""."""
    if day > (today_ or today()):
        return _("Ngày ban hành %(d)s ở tương lai; hãy nhập một ngày không sau hôm nay.") % {
            "d": format_date(day)
        }
    if day.year < FIRST_YEAR:
        return _("Ngày ban hành không hợp lệ (trước năm 1945).")
    return ""


def _duplicate(document):
    same = Document.objects.filter(doc_type=document.doc_type, symbol_key=document.symbol_key)
    if document.issuer_id:
        same = same.filter(issuer_id=document.issuer_id)
    else:
        same = same.filter(issuer_unit_id=document.issuer_unit_id)
    if document.year is not None:
        same = same.filter(Q(year=document.year) | Q(year__isnull=True))
    if document.pk:
        same = same.exclude(pk=document.pk)
    return same.select_related("doc_type").first()


def _check(document, today_=None):
    """All field rules at once, so a form shows every problem in one go."""
    errors = {}
    try:
        document.full_clean(
            exclude=[
                "symbol_key",
                "search_text",
                "file",
                "implements",
                "year",
                "shared",
                "unit",
                "issuer",
                "issuer_unit",
                "doc_type",
            ],
            validate_constraints=False,
        )
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    today_ = today_ or today()
    if not document.doc_type_id:
        errors["doc_type"] = _("Hãy chọn loại văn bản.")
    number = (document.number or "").strip()
    if not number:
        errors["number"] = _("Hãy nhập số văn bản.")
    elif not NUMBER.match(number):
        errors["number"] = _(
            "Số văn bản “%(n)s” không hợp lệ: chỉ gồm chữ số (có thể thêm một chữ cái), ví dụ 329."
        ) % {"n": number}
    if document.symbol and "symbol" not in errors:
        message = symbol_message(
            document.symbol,
            number if "number" not in errors else None,
            document.doc_type if document.doc_type_id else None,
        )
        if message:
            errors["symbol"] = message
    if bool(document.issuer_id) == bool(document.issuer_unit_id):
        errors["issuer"] = _(
            "Hãy chọn một cơ quan ban hành: một đơn vị công đoàn hoặc một cơ quan ngoài."
        )
    if document.issued_on:
        problem = issued_on_problem(document.issued_on, today_)
        if problem:
            errors["issued_on"] = problem
        elif document.issuer_unit_id and not document.issuer_unit.open_on(document.issued_on):
            errors["issued_on"] = _("%(u)s không hoạt động vào ngày %(d)s.") % {
                "u": document.issuer_unit.name,
                "d": format_date(document.issued_on),
            }
    for name in ("valid_from", "valid_to"):
        day = getattr(document, name)
        if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
            errors[name] = _(
                "%(f)s %(d)s không hợp lý: hãy nhập một ngày từ năm %(a)d đến năm %(b)d."
            ) % {
                "f": Document._meta.get_field(name).verbose_name.capitalize(),
                "d": format_date(day),
                "a": FIRST_YEAR,
                "b": LAST_YEAR,
            }
    if (
        document.valid_from
        and document.valid_to
        and document.valid_to < document.valid_from
        and "valid_from" not in errors
        and "valid_to" not in errors
    ):
        errors["valid_to"] = _("Ngày hết hiệu lực không được trước ngày có hiệu lực.")
    if not errors:
        document.refresh_derived()
        twin = _duplicate(document)
        if twin is not None:
            errors["symbol"] = _("Đã có %(d)s%(y)s của %(i)s.") % {
                "d": twin.label,
                "y": (_(" năm %(y)d") % {"y": twin.year}) if twin.year else "",
                "i": document.issuer_name,
            }
    return errors


def _implements_errors(actor, document, targets):
    """A document may carry out only documents the actor sees, never itself, never in a loop."""
    targets = list(targets)
    if not targets:
        return {}
    visible = set(
        Document.objects.visible_to(actor)
        .filter(pk__in=[t.pk for t in targets])
        .values_list("pk", flat=True)
    )
    for target in targets:
        if target.pk not in visible:
            return {
                "implements": _(
                    "Không tìm thấy văn bản được thực hiện, hoặc bạn không có quyền xem."
                )
            }
        if document.pk and target.pk == document.pk:
            return {"implements": _("Một văn bản không thể tự thực hiện chính nó.")}
    if document.pk:
        loop = _path_back(document.pk, [t.pk for t in targets])
        if loop:
            return {
                "implements": _(
                    "Không thể liên kết: %(t)s đã (trực tiếp hoặc gián tiếp) thực hiện văn bản này, sẽ tạo thành vòng lặp."
                )
                % {"t": loop.label}
            }
    return {}


def _path_back(document_id, start_ids):
    """The document among `start_ids` from which following "carries out" links reaches
    `document_id` (so linking to it would close a loop), or None. One query per level."""
    through = Document.implements.through
    origin = {pk: pk for pk in start_ids}
    frontier = set(start_ids)
    seen = set(frontier)
    for _depth in range(MAX_CHAIN_DEPTH * 4):
        if document_id in frontier:
            return Document.all_objects.select_related("doc_type").get(pk=origin[document_id])
        if not frontier:
            return None
        edges = through.objects.filter(from_document_id__in=frontier).values_list(
            "from_document_id", "to_document_id"
        )
        nxt = set()
        for src, dst in edges:
            if dst not in seen:
                seen.add(dst)
                origin[dst] = origin[src]
                nxt.add(dst)
        frontier = nxt
    return None


def _raise(errors):
    if errors:
        raise ValidationError(errors)


# --- documents -----------------------------------------------------------------------------


@transaction.atomic
def register_document(
    actor,
    *,
    doc_type,
    number,
    symbol="",
    unit=None,
    issuer_unit=None,
    issuer=None,
    issued_on=None,
    summary="",
    valid_from=None,
    valid_to=None,
    implements=(),
    file=None,
):
    """Register a document. A union unit's own document belongs to its issuing unit; an
    outside body's document (shared reference data) belongs to the unit that registers it."""
    owner = issuer_unit if issuer_unit is not None else unit
    if issuer is None and issuer_unit is None:
        raise ValidationError(
            {"issuer": _("Hãy chọn cơ quan ban hành: một đơn vị công đoàn hoặc một cơ quan ngoài.")}
        )
    require_role_over(
        actor,
        owner,
        EDIT_ROLES,
        field="issuer_unit" if issuer_unit is not None else "unit",
        message=UNIT_REFUSED,
        missing=NO_UNIT,
    )
    document = Document(
        unit=owner,
        doc_type=doc_type,
        number=(number or "").strip(),
        symbol=citations.normalize_symbol(symbol) if symbol else "",
        issuer_unit=issuer_unit,
        issuer=issuer,
        issued_on=issued_on,
        summary=(summary or "").strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        created_by=actor,
    )
    errors = _check(document)
    errors.update(_implements_errors(actor, document, implements))
    content_type = None
    if file is not None:
        try:
            content_type = check_file(file)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    _raise(errors)
    if file is not None:
        _store_file(document, file, content_type)
    document._history_user = actor
    _save(document)
    if implements:
        document.implements.set(implements)
    return document


def _store_file(document, upload, content_type):
    document.file.save(upload.name, upload, save=False)
    document.file_name = upload.name[:255]
    document.file_size = upload.size
    document.file_type = content_type


def _save(document):
    """Save, turning a lost race with another clerk registering the same document into the
    same message the check gives."""
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        raise ValidationError(
            {"symbol": _("Đã có văn bản cùng số, ký hiệu, năm của cơ quan ban hành này.")}
        ) from None


@transaction.atomic
def update_document(actor, document, *, implements=None, file=None, remove_file=False, **changes):
    """Change a document's facts, its file or what it carries out."""
    require_editable(actor, document, DOCUMENT_REFUSED)
    unknown = set(changes) - set(DOCUMENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown document fields: {sorted(unknown)}")
    document = Document.objects.select_for_update().get(pk=document.pk)
    for name, value in changes.items():
        if name == "symbol":
            value = citations.normalize_symbol(value) if value else ""
        elif name in ("number", "summary"):
            value = (value or "").strip()
        setattr(document, name, value)
    if changes.get("issuer") is not None and "issuer_unit" not in changes:
        document.issuer_unit = None  # now an outside body's document, kept by the same unit
    if changes.get("issuer_unit") is not None:
        if "issuer" not in changes:
            document.issuer = None
        require_role_over(
            actor,
            document.issuer_unit,
            EDIT_ROLES,
            field="issuer_unit",
            message=UNIT_REFUSED,
            missing=NO_UNIT,
        )
        document.unit = document.issuer_unit
    errors = _check(document)
    if implements is not None:
        errors.update(_implements_errors(actor, document, implements))
    content_type = None
    if file is not None:
        try:
            content_type = check_file(file)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    _raise(errors)
    if file is not None:
        _store_file(document, file, content_type)
    elif remove_file and document.file:
        document.file = ""
        document.file_name, document.file_size, document.file_type = "", None, ""
    document._history_user = actor
    _save(document)
    if implements is not None:
        document.implements.set(implements)
    return document


@transaction.atomic
def link_implements(actor, document, targets):
    """Record that `document` carries out `targets` (kept with the links it already has)."""
    require_editable(actor, document, DOCUMENT_REFUSED)
    targets = [
        t for t in targets if t.pk not in set(document.implements.values_list("pk", flat=True))
    ]
    _raise(_implements_errors(actor, document, targets))
    if targets:
        document._history_user = actor
        document.implements.add(*targets)
    return document


@transaction.atomic
def unlink_implements(actor, document, target):
    require_editable(actor, document, DOCUMENT_REFUSED)
    document._history_user = actor
    document.implements.remove(target)
    return document


@transaction.atomic
def delete_document(actor, document):
    """Soft delete: the document leaves every list but stays in the table and its history, so
    links and reports that named it can still be explained."""
    require_editable(actor, document, DOCUMENT_REFUSED)
    document = Document.objects.select_for_update().get(pk=document.pk)
    document.deleted_at = timezone.now()
    document.deleted_by = actor
    document._history_user = actor
    document.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return document


# --- documents cited in a narrative --------------------------------------------------------


@dataclass
class Found:
    """One reference found in a narrative, with what it matches among registered documents."""

    citation: citations.Citation
    issuer_words: str
    summary: str
    matches: list = field(default_factory=list)
    issuer: Issuer | None = None

    @property
    def status(self):
        if not self.matches:
            return "missing"
        return "found" if len(self.matches) == 1 else "ambiguous"

    @property
    def document(self):
        return self.matches[0] if len(self.matches) == 1 else None


def match_issuer(words, issuers=None):
    """The outside body the words after "của" name ("Ban Bí thư", "BCĐ 138 Thành phố"), if any:
    the longest of its names the words begin with."""
    folded = fold(words)
    if not folded:
        return None
    best, best_len = None, 0
    for issuer in issuers if issuers is not None else Issuer.objects.all():
        for name in issuer.names():
            if (folded == name or folded.startswith(name + " ")) and len(name) > best_len:
                best, best_len = issuer, len(name)
    return best


def _lookup(actor, cited):
    """{(symbol key): [documents]} for citations with a symbol, {(type, number): [...]} for the
    bare numbers — in one query over the documents the actor sees."""
    keys = {citations.symbol_key(c.symbol) for c in cited if c.symbol}
    numbers = {(c.type, c.number) for c in cited if not c.symbol and c.type}
    q = Q(symbol_key__in=keys) if keys else Q()
    for type_code, number in numbers:
        q |= Q(doc_type__code=type_code, symbol_key=fold(number), symbol="")
    if not q:
        return {}
    found = {}
    docs = (
        Document.objects.visible_to(actor)
        .filter(q)
        .select_related("doc_type", "issuer", "issuer_unit")
        .order_by("-issued_on", "-id")
    )
    for doc in docs:
        key = doc.symbol_key if doc.symbol else (doc.doc_type.code, doc.number)
        found.setdefault(key, []).append(doc)
    return found


def register_text(actor, text):
    """The references a report or article makes, each with the registered documents it
    matches (by symbol, then by year when several share it), the issuer it names and the
    summary written after it — what a page offers to link, or to create when missing."""
    items = citations.with_context(text or "")
    if not items:
        return []
    found_docs = _lookup(actor, [c for c, _i, _s in items])
    issuers = list(Issuer.objects.all())
    out = []
    for citation, issuer_words, summary in items:
        key = (
            citations.symbol_key(citation.symbol)
            if citation.symbol
            else (citation.type, citation.number)
        )
        matches = list(found_docs.get(key, []))
        if citation.type and len(matches) > 1:
            matches = [d for d in matches if d.doc_type.code == citation.type] or matches
        if citation.year and len(matches) > 1:
            matches = [d for d in matches if d.year in (citation.year, None)] or matches
        out.append(
            Found(citation, issuer_words, summary, matches, match_issuer(issuer_words, issuers))
        )
    return out


@transaction.atomic
def register_cited(actor, found, *, unit, issuer=None, issuer_unit=None, summary=None):
    """Create the document a narrative cites but nobody registered yet."""
    citation = found.citation
    if not citation.type:
        raise ValidationError(
            {
                "doc_type": _("Không rõ loại của văn bản “%(t)s”; hãy đăng ký bằng biểu mẫu.")
                % {"t": citation.text}
            }
        )
    doc_type = DocumentType.objects.get(code=citation.type)
    issuer = issuer if issuer is not None or issuer_unit is not None else found.issuer
    if issuer is None and issuer_unit is None:
        issuer_unit = unit
    return register_document(
        actor,
        doc_type=doc_type,
        number=citation.number,
        symbol=citation.symbol or "",
        unit=unit,
        issuer=issuer,
        issuer_unit=issuer_unit if issuer is None else None,
        issued_on=citation.date,
        summary=found.summary if summary is None else summary,
    )


def documents_for_references(actor, text, field="implements"):
    """The visible documents a typed list of references names ("Kết luận 13-KL/TW; 48-CT/TW"),
    or a ValidationError on `field` naming the first one that matches none or several."""
    cited = citations.find_citations(text or "")
    leftover = re.sub(r"[\s,;.]+", "", _strip_spans(text or "", cited))
    if leftover:
        raise ValidationError(
            {
                field: _(
                    "Không đọc được “%(t)s”: hãy ghi số, ký hiệu văn bản (ví dụ Kết luận 13-KL/TW; 48-CT/TW), cách nhau bởi dấu chấm phẩy."
                )
                % {"t": (text or "").strip()[:80]}
            }
        )
    found = _lookup(actor, cited)
    docs = []
    for citation in cited:
        key = (
            citations.symbol_key(citation.symbol)
            if citation.symbol
            else (citation.type, citation.number)
        )
        matches = found.get(key, [])
        if citation.type and len(matches) > 1:
            matches = [d for d in matches if d.doc_type.code == citation.type] or matches
        if citation.year and len(matches) > 1:
            matches = [d for d in matches if d.year == citation.year] or matches
        if not matches:
            raise ValidationError(
                {
                    field: _(
                        "Chưa có văn bản “%(t)s” trong hệ thống (hoặc bạn không có quyền xem); hãy đăng ký văn bản đó trước."
                    )
                    % {"t": citation.text}
                }
            )
        if len(matches) > 1:
            raise ValidationError(
                {
                    field: _("Có %(n)d văn bản “%(t)s”; hãy ghi thêm ngày ban hành để phân biệt.")
                    % {"n": len(matches), "t": citation.text}
                }
            )
        if matches[0] not in docs:
            docs.append(matches[0])
    return docs


def _strip_spans(text, cited):
    out, pos = [], 0
    for c in cited:
        out.append(text[pos : c.start])
        pos = c.end
    out.append(text[pos:])
    # connecting words a list may carry
    return re.sub(r"(?i)\b(và|va|số|so)\b", "", "".join(out))
