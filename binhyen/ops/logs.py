"""Structured logs: one JSON object a line (LOG_FORMAT=json, the default with PRODUCTION=1),
or one readable line (text), each with the request it belongs to.

`request_context` (middleware, right after the security headers) gives every request an id —
the proxy's `X-Request-ID` when it is a short safe token, else a new one — echoes it in the
response, and writes one line per request on the `binhyen.request` logger: method, path,
status, duration, user id and unit. Any other line logged while the request runs (a warning
in a view, a server error with its reference) carries the same id, user and unit.

Personal data stays out by construction: the formatter writes a fixed list of fields, never
the record's other attributes (Django's `request` among them), and the path without its query
string; request bodies are never read. The user is their numeric id; the unit a unit code
from the address (`?unit=` or the unit's own pages), only when it has the shape of a code.
Nothing here queries the database: the user is read only if the request already loaded it.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.utils.functional import SimpleLazyObject, empty

request_log = logging.getLogger("binhyen.request")

_current = contextvars.ContextVar("binhyen_request", default=None)

SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
UNIT_CODE = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,39}")  # org.models.code_validator, max_length 40
# the probes and static files are logged at DEBUG when they succeed: a probe every few seconds
# and a dozen files a page would drown the requests people make
QUIET_PREFIXES = ("/healthz", "/readyz")

# what a record may carry in `extra=` and the formatter writes
EXTRA_FIELDS = ("status", "duration_ms")


class RequestContext:
    __slots__ = ("request", "request_id", "method", "path")

    def __init__(self, request, request_id):
        self.request = request
        self.request_id = request_id
        self.method = request.method
        self.path = request.path

    def fields(self):
        return {
            "request_id": self.request_id,
            "method": self.method,
            "path": self.path,
            "user_id": user_id(self.request),
            "unit": unit_code(self.request),
        }


def current():
    """The request being served in this thread or task, or None."""
    return _current.get()


def current_request_id():
    context = _current.get()
    return context.request_id if context else None


def user_id(request):
    """The signed-in user's id if the request has loaded the user already, else None."""
    user = request.__dict__.get("_cached_user")  # AuthenticationMiddleware's cache
    if user is None:
        user = request.__dict__.get("user")
        if isinstance(user, SimpleLazyObject):
            user = None if user._wrapped is empty else user._wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


def unit_code(request):
    match = getattr(request, "resolver_match", None)
    candidates = []
    if match is not None and "<unitcode:" in (match.route or ""):
        candidates.append(match.kwargs.get("code"))
    try:
        candidates.append(request.GET.get("unit"))
    except Exception:  # noqa: BLE001 — a malformed query string must not break a log line
        pass
    for code in candidates:
        if isinstance(code, str) and UNIT_CODE.fullmatch(code):
            return code
    return None


def _request_id(request):
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    if SAFE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def _quiet(request, status):
    return status < 400 and (
        request.path.startswith(QUIET_PREFIXES) or request.path.startswith(settings.STATIC_URL)
    )


def request_context(get_response):
    def middleware(request):
        context = RequestContext(request, _request_id(request))
        request.request_id = context.request_id
        token = _current.set(context)
        started = time.perf_counter()
        try:
            response = get_response(request)
            duration = round((time.perf_counter() - started) * 1000, 1)
            response["X-Request-ID"] = context.request_id
            status = response.status_code
            request_log.log(
                logging.DEBUG if _quiet(request, status) else logging.INFO,
                "%s %s %s %s ms",
                context.method,
                context.path,
                status,
                duration,
                extra={"status": status, "duration_ms": duration},
            )
            return response
        finally:
            _current.reset(token)

    return middleware


def request_fields(record):
    """The fields of the request a record belongs to: the one being served, or the one
    Django's `django.request` logger names once the middleware has returned (its "Service
    Unavailable" and "Internal Server Error" lines are written after the middleware)."""
    context = _current.get()
    if context is None:
        request = getattr(record, "request", None)
        if getattr(request, "request_id", None) is None:
            return {}
        context = RequestContext(request, request.request_id)
    return context.fields()


def _utc(record):
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, the request's fields when
    there is one, `status`/`duration_ms` when given, and the exception as text."""

    def format(self, record):
        entry = {
            "time": _utc(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(request_fields(record))
        for name in EXTRA_FIELDS:
            if name in record.__dict__:
                entry[name] = record.__dict__[name]
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """One line a record for a terminal: time, level, logger, message, then the request's id,
    user and unit when there is a request."""

    def __init__(self, fmt="%(asctime)s %(levelname)s %(name)s: %(message)s", **kwargs):
        super().__init__(fmt, **kwargs)

    def format(self, record):
        line = super().format(record)
        fields = request_fields(record)
        if not fields:
            return line
        tail = f"[request_id={fields['request_id']} user_id={fields['user_id'] or '-'}"
        if fields["unit"]:
            tail += f" unit={fields['unit']}"
        head, newline, rest = line.partition("\n")  # the traceback stays below the line
        return f"{head} {tail}]{newline}{rest}"
