"""Plumbing every app's API shares: pagination, scoped lookups, and JSON errors in Vietnamese.

Every error the API can produce — wrong token, unknown or out-of-scope object, bad query
parameter, rejected input, wrong method, server fault — leaves as JSON with a Vietnamese
`detail`; rejected input also lists `errors` as [{"field", "message"}] naming the API field.

A list endpoint of any app looks like this (scope first, related rows joined, two queries
for the page whatever the data size):

    @router.get("/things", response={200: Page[ThingOut], **ERRORS})
    def list_things(request, paging: Query[PageParams]):
        things = Thing.objects.visible_to(request.auth).select_related("unit")
        return paginate(things, paging)

and a detail or write endpoint fetches its object with
`get_or_404(Thing.objects.visible_to(request.auth), pk=pk)`, then calls the app's service;
a ValidationError the service raises becomes the 422 by itself.
"""

import contextlib
import datetime
import functools
import logging
import re
import types
import typing
from typing import ClassVar, Generic, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.schema import DjangoGetter
from pydantic import model_validator
from pydantic_core import PydanticCustomError

from binhyen.core.errors import new_reference
from binhyen.core.text import clean_tree, format_number

logger = logging.getLogger("binhyen.api")

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


# --- schemas shared by the OpenAPI description ---------------------------------------------


class FieldError(Schema):
    field: str | None = Field(None, description="Tên trường/tham số (null: lỗi chung)")
    message: str


class ErrorOut(Schema):
    detail: str


class ServerErrorOut(ErrorOut):
    reference: str = Field(description="Mã sự cố, ghi trong nhật ký máy chủ cùng chi tiết lỗi")


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


# The errors any operation can answer with, through the handlers below: 400 a body that is not
# JSON or a bad page number, 401 no valid token or session, 403 out of the caller's rights (or a
# session's unsafe request without its CSRF token), 404 an unknown or unseen object, 422 rejected
# input, 500 a fault. A route may spread them in its `response=`; `describe_errors` adds to the
# OpenAPI description whichever a route did not declare (401 and 403 only where a route asks who
# is calling), so a client, or a fuzzer, reads every status it can get.
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
    500: ServerErrorOut,
}
_CALLER_ERRORS = frozenset({401, 403})


def describe_errors(schema, renderer_media_type="application/json"):
    """Add to every operation of an OpenAPI description (as NinjaAPI.get_openapi_schema returns
    it) the ERRORS it does not declare; a public operation (no `security`) gets no 401 or 403."""
    from http import HTTPStatus

    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorOut, ValidationErrorOut, ServerErrorOut):
        described = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in described.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components.setdefault(model.__name__, described)
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            declared = {int(status) for status in responses}
            for status, model in ERRORS.items():
                if status in declared or (
                    status in _CALLER_ERRORS and not operation.get("security")
                ):
                    continue
                responses[status] = {
                    "description": HTTPStatus(status).phrase,
                    "content": {
                        renderer_media_type: {
                            "schema": {"$ref": f"#/components/schemas/{model.__name__}"}
                        }
                    },
                }
    return schema


# --- input bodies ---------------------------------------------------------------------------


def _kind(annotation):
    """ "int", "date" or "list" (of ints) for a field's annotation, Optional unwrapped; else None."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        kinds = {_kind(a) for a in typing.get_args(annotation) if a is not type(None)}
        return kinds.pop() if len(kinds) == 1 else None
    if origin in (typing.Annotated,):
        return _kind(typing.get_args(annotation)[0])
    if origin in (list, tuple, set):
        args = typing.get_args(annotation)
        return "list" if args and _kind(args[0]) == "int" else None
    if annotation is int:
        return "int"
    if annotation is datetime.date:
        return "date"
    return None


def _not_an_integer(value):
    return isinstance(value, bool) or not isinstance(value, (int, float))


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _not_a_day(value):
    # pydantic would read 1700000000 (or "3.6e-81") as seconds since 1970
    return not (isinstance(value, str) and _ISO_DAY.fullmatch(value))


class In(Schema):
    """The base of every JSON body (and every query-parameter schema) the API accepts. Before
    pydantic reads it, every string inside passes `text.clean_text` (single-line, except the
    fields named in `multiline`); a number field takes a JSON number only (`true` or "12" is
    refused rather than stored as 1 or 12), and a date field takes "YYYY-MM-DD" only."""

    multiline: ClassVar[frozenset] = frozenset(
        {
            "notes",
            "note",
            "summary",
            "description",
            "body",
            "text",
            "instructions",
            "narrative",
            "assessment",
            "shortcomings",
            "proposals",
            "comment",
            "reason",
        }
    )

    @model_validator(mode="before")
    @classmethod
    def _clean_input(cls, data):
        # ninja's own wrap validator hands us its DjangoGetter around the parsed JSON
        raw = data._obj if isinstance(data, DjangoGetter) else data
        if isinstance(raw, _NOT_AN_OBJECT):
            # ninja's schemas read attributes, so `[null, null]` or `5` read as {}: a PATCH
            # took it for an empty change (schemathesis, #23)
            raise PydanticCustomError(NOT_AN_OBJECT, "Input should be a JSON object")
        if isinstance(data, DjangoGetter):
            if isinstance(data._obj, dict):
                return DjangoGetter(cls._clean_input(data._obj), cls, data._context)
            return data
        if not isinstance(data, dict):
            return data
        cleaned = {}
        for key, value in data.items():
            value = clean_tree(value, multiline=key in cls.multiline)
            field = cls.model_fields.get(key)
            kind = _kind(field.annotation) if field is not None else None
            # What is not a JSON number (a day) becomes a value pydantic's own check refuses,
            # so the error keeps its field name (and list index).
            if kind == "int" and value is not None and _not_an_integer(value):
                value = _REFUSED
            elif kind == "date" and value is not None and _not_a_day(value):
                value = _REFUSED
            elif kind == "list" and isinstance(value, list):
                value = [_REFUSED if _not_an_integer(v) else v for v in value]
            cleaned[key] = value
        return cleaned


_REFUSED = object()
NOT_AN_OBJECT = "not_an_object"
_NOT_AN_OBJECT = (list, tuple, str, bytes, int, float, bool, type(None))


# --- pagination ----------------------------------------------------------------------------


class PageParams(Schema):
    """`page` (from 1) and `page_size` (default 50, at most 200). Parsed by `paginate()`
    rather than by pydantic, so a bad value is a 400 with a Vietnamese message."""

    page: str = Field(
        "1",
        description="Trang, đánh số từ 1",
        json_schema_extra={"type": "integer", "minimum": 1, "default": 1},
    )
    page_size: str = Field(
        str(DEFAULT_PAGE_SIZE),
        description=f"Số bản ghi mỗi trang (tối đa {MAX_PAGE_SIZE})",
        json_schema_extra={
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_PAGE_SIZE,
            "default": DEFAULT_PAGE_SIZE,
        },
    )


class Page(Schema, Generic[T]):
    count: int
    items: list[T]


def _positive_int(value, name, upper=None):
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = 0
    if number < 1 or (upper is not None and number > upper):
        if upper is None:
            message = _("Tham số “%(p)s” phải là số nguyên từ 1 trở lên.") % {"p": name}
        else:
            message = _("Tham số “%(p)s” phải là số nguyên từ 1 đến %(max)d.") % {
                "p": name,
                "max": upper,
            }
        raise HttpError(400, message)
    return number


def paginate(queryset, params):
    """One page of `queryset` as {"count": N, "items": [...]}: two queries whatever the size.
    A page past the end is empty rather than an error, so a client can stop on no items."""
    page = _positive_int(params.page, "page")
    size = _positive_int(params.page_size, "page_size", MAX_PAGE_SIZE)
    count = queryset.count()
    offset = (page - 1) * size
    items = list(queryset[offset : offset + size]) if offset < count else []
    return {"count": count, "items": items}


# --- scoped lookups ------------------------------------------------------------------------


def not_found_message():
    return _("Không tìm thấy, hoặc bạn không có quyền xem.")


class ScopedNotFound(Http404):
    """A 404 whose message is already Vietnamese and safe to show."""

    binhyen = True


def get_or_404(queryset, message=None, **lookup):
    """Fetch one object through an already scoped queryset (`Model.objects.visible_to(user)`).
    Unknown and out-of-scope objects get the same 404, so existence is never confirmed."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise ScopedNotFound(message or not_found_message())
    return obj


# --- rejected input ------------------------------------------------------------------------


def _messages(value):
    if isinstance(value, DjangoValidationError):
        return list(value.messages)
    if isinstance(value, (list, tuple)):
        return [m for v in value for m in _messages(v)]
    return [str(value)]


def field_errors(exc):
    """A Django ValidationError as [{"field", "message"}]; non-field errors get field None."""
    if hasattr(exc, "error_dict"):
        items = exc.message_dict.items()
    else:
        items = [(None, exc.messages)]
    errors = []
    for name, messages in items:
        field = None if name in (None, NON_FIELD_ERRORS) else name
        errors.extend({"field": field, "message": m} for m in _messages(messages))
    return errors


def _detail(errors):
    parts = [f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors]
    return _("Dữ liệu không hợp lệ — %(errors)s") % {"errors": " ".join(parts)}


def validation_error_body(exc):
    """The 422 body for a Django ValidationError (a services.py rejection)."""
    errors = field_errors(exc)
    return {"detail": _detail(errors), "errors": errors}


@contextlib.contextmanager
def api_field_names(mapping):
    """Rename the fields of a service's ValidationError to the names the API client sent
    (e.g. merge_units says "target" where the request body says "into")."""
    try:
        yield
    except DjangoValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        renamed = {}
        for name, messages in exc.message_dict.items():
            renamed.setdefault(mapping.get(name, name), []).extend(messages)
        raise DjangoValidationError(renamed) from None


def require(errors):
    """Raise the collected {field: message} errors, if any, as one ValidationError."""
    if errors:
        raise DjangoValidationError(errors)


# --- pydantic messages in Vietnamese -------------------------------------------------------

_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def _pydantic_field(loc):
    loc = list(loc)
    source = loc.pop(0) if loc and loc[0] in _SOURCES else None
    if source == "body" and len(loc) > 1:
        loc.pop(0)  # the view's body argument name means nothing to the client
    return ".".join(str(p) for p in loc) or None


def _bound(value):
    return format_number(value, trim=True) if isinstance(value, (int, float)) else value


def _pydantic_message(error):
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("Thiếu giá trị bắt buộc.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Phải là số nguyên.")
    if kind in {"float_parsing", "float_type", "decimal_parsing", "decimal_type"}:
        return _("Phải là số.")
    if kind in {"bool_parsing", "bool_type"}:
        return _("Phải là true hoặc false.")
    if kind.startswith("date_") and not kind.startswith("datetime_"):
        return _("Phải là ngày dạng YYYY-MM-DD (ví dụ 2025-07-01).")
    if kind.startswith("datetime_"):
        return _("Phải là ngày giờ dạng ISO 8601 (ví dụ 2025-07-01T08:00:00+07:00).")
    if kind in {"literal_error", "enum"}:
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")
        return _("Phải là một trong các giá trị: %(values)s.") % {"values": expected}
    if kind == "string_too_long":
        return _("Dài tối đa %(n)s ký tự.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Phải có ít nhất %(n)s ký tự.") % {"n": ctx.get("min_length")}
    if kind == "string_type":
        return _("Phải là chuỗi ký tự.")
    if kind == "string_pattern_mismatch":
        return _("Không đúng định dạng.")
    if kind == "too_short":
        return _("Phải có ít nhất %(n)s phần tử.") % {"n": ctx.get("min_length")}
    if kind == "too_long":
        return _("Có tối đa %(n)s phần tử.") % {"n": ctx.get("max_length")}
    if kind == "greater_than_equal":
        return _("Phải lớn hơn hoặc bằng %(n)s.") % {"n": _bound(ctx.get("ge"))}
    if kind == "greater_than":
        return _("Phải lớn hơn %(n)s.") % {"n": _bound(ctx.get("gt"))}
    if kind == "less_than_equal":
        return _("Phải nhỏ hơn hoặc bằng %(n)s.") % {"n": _bound(ctx.get("le"))}
    if kind == "less_than":
        return _("Phải nhỏ hơn %(n)s.") % {"n": _bound(ctx.get("lt"))}
    if kind == "extra_forbidden":
        return _("Trường này không được chấp nhận.")
    if kind in {"model_attributes_type", "dict_type", "model_type", NOT_AN_OBJECT}:
        return _("Phải là một đối tượng JSON.")
    if kind in {"list_type", "tuple_type", "set_type"}:
        return _("Phải là một danh sách.")
    if kind == "json_invalid":
        return _("Nội dung không phải JSON hợp lệ.")
    return _("Giá trị không hợp lệ.")


def _error_field(error):
    loc = tuple(error.get("loc", ()))
    if error.get("type") == NOT_AN_OBJECT and len(loc) == 2 and loc[0] == "body":
        return None  # the body itself, not a field of it
    return _pydantic_field(loc)


def schema_error_body(exc):
    """The 422 body for ninja's own validation of path, query and body."""
    errors = [{"field": _error_field(e), "message": _pydantic_message(e)} for e in exc.errors]
    return {"detail": _detail(errors), "errors": errors}


class Renderer(JSONRenderer):
    """UTF-8 JSON: Vietnamese stays readable in a terminal or a log, not \\u-escaped."""

    json_dumps_params = {"ensure_ascii": False}


# --- handlers ------------------------------------------------------------------------------

# The English texts ninja raises itself, in the words a Vietnamese user reads.
_NINJA_MESSAGES = {
    "Cannot parse request body": lambda: _("Nội dung yêu cầu không phải JSON hợp lệ."),
    "CSRF check Failed": lambda: _("Thiếu hoặc sai mã CSRF. Hãy tải lại trang rồi thử lại."),
    "Too many requests.": lambda: _("Quá nhiều yêu cầu; hãy thử lại sau ít phút."),
    "Forbidden": lambda: _("Bạn không có quyền thực hiện thao tác này."),
}


def unauthenticated_message():
    return _("Chưa xác thực: hãy gửi “Authorization: Bearer <token>” hoặc đăng nhập.")


def method_not_allowed_message(method):
    return _("Phương thức %(m)s không được hỗ trợ ở địa chỉ này.") % {"m": method}


def server_error_message():
    return _("Lỗi máy chủ. Sự cố đã được ghi lại; hãy thử lại sau.")


def install_error_handlers(api):
    """Replace ninja's English, partly non-JSON defaults with Vietnamese JSON errors."""

    def respond(request, body, status, **headers):
        response = api.create_response(request, body, status=status)
        for name, value in headers.items():
            response[name.replace("_", "-")] = value
        return response

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return respond(
            request, {"detail": unauthenticated_message()}, 401, WWW_Authenticate="Bearer"
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        message = str(exc)
        translate = _NINJA_MESSAGES.get(message.split(" (")[0])
        return respond(request, {"detail": translate() if translate else message}, exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        # Our own 404s carry a Vietnamese message; Django's carry English (e.g. "No X matches").
        message = str(exc) if getattr(exc, "binhyen", False) else not_found_message()
        return respond(request, {"detail": message}, 404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return respond(request, {"detail": _("Bạn không có quyền thực hiện thao tác này.")}, 403)

    @api.exception_handler(NinjaValidationError)
    def schema_error(request, exc):
        return respond(request, schema_error_body(exc), 422)

    @api.exception_handler(DjangoValidationError)
    def rejected(request, exc):
        return respond(request, validation_error_body(exc), 422)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        # the same kind of reference as the site's 500 page: a caller quotes it, the log has it
        reference = new_reference()
        logger.exception("API error %s on %s %s", reference, request.method, request.path)
        return respond(request, {"detail": server_error_message(), "reference": reference}, 500)


def method_not_allowed(request, allowed):
    """The JSON 405 for a method the address does not take; `allowed` for the Allow header."""
    response = JsonResponse(
        {"detail": method_not_allowed_message(request.method)},
        status=405,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Allow"] = allowed if isinstance(allowed, str) else ", ".join(allowed)
    return response


def read_only(view):
    """For the addresses that only show something (/api/v1/ itself, the description, the docs
    and their files): GET and HEAD, any other method a JSON 405, never Django's HTML CSRF page."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return method_not_allowed(request, ["GET", "HEAD"])
        return view(request, *args, **kwargs)

    return wrapper


def json_method_errors(view):
    """ninja answers a wrong method with a plain-text 405 outside any exception handler;
    wrap its views so that one is JSON too."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            response = method_not_allowed(request, response["Allow"])
        return response

    return wrapper


@csrf_exempt
def unknown_path(request, *args, **kwargs):
    """Any address under /api/v1/ that no route matches. Exempt from Django's CSRF check like
    the routes are (they check it themselves, for a session only): otherwise a POST to an
    unknown address would get Django's HTML 403 page instead of this JSON 404."""
    return JsonResponse(
        {"detail": _("Không có địa chỉ API này.")},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
