"""The indicator registry: every figure the platform shows is one of these, read through `rollup()`.

An indicator has a stable code (`activity.sessions`), Vietnamese and English labels, a unit of
measure, a kind — `flow` (summed over the period), `stock` (value on the period's last day) or
`ratio` (numerator / denominator computed after aggregation, as DHIS2 does) — and the filter
dimensions it accepts. A request names indicators with optional filters in brackets:
`activity.sessions[kind=tuyen_truyen;audience=can_bo_cong_doan]`, `groups.members[kind=nha_tro]`.
A document has no short code: `activity.sessions[document=12]` names it by its id (or by its
symbol, `document=329/KH-LĐLĐ`, when that is unique), and the request's key carries the id.
"""

import re
import time
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from binhyen.core.bounds import parse_id

FLOW, STOCK, RATIO = "flow", "stock", "ratio"
ACTIVITY_DIMS = ("kind", "topic", "audience", "channel", "document")


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    label_en: str
    unit: str
    kind: str
    dimensions: tuple = ()
    measure: str = ""  # flow: cube measure or "reporting_units"; stock: evaluator name
    numerator: str = ""  # ratio: indicator requests, e.g. "units.reporting[kind=tuyen_truyen]"
    denominator: str = ""
    # False: a total is counted afresh, not summed — distinct wards and houses do not add up over
    # children; distinct units with activity do not add up over months
    additive: bool = True
    description: str = ""

    @property
    def is_flow(self):
        return self.kind == FLOW


def _i(code, label, label_en, unit, kind, **kw):
    return Indicator(code, gettext_lazy(label), label_en, gettext_lazy(unit), kind, **kw)


# gettext_noop lists the labels and units in the app's catalog (makemessages reads only
# literals); _i translates them lazily, so a page shows them in its reader's language.
REGISTRY = {i.code: i for i in (
    _i("activity.count", gettext_noop("Số hoạt động"), "Activities", gettext_noop("hoạt động"),
       FLOW, dimensions=ACTIVITY_DIMS, measure="activities"),
    _i("activity.sessions", gettext_noop("Số cuộc, buổi"), "Sessions", gettext_noop("cuộc"), FLOW,
       dimensions=ACTIVITY_DIMS, measure="sessions"),
    _i("activity.attendances", gettext_noop("Số lượt người tham dự"), "Attendances",
       gettext_noop("lượt người"), FLOW, dimensions=ACTIVITY_DIMS, measure="attendances"),
    _i("activity.leaflets", gettext_noop("Số tờ rơi phát hành"), "Leaflets handed out",
       gettext_noop("tờ"), FLOW, dimensions=ACTIVITY_DIMS, measure="leaflets"),
    _i("groups.active", gettext_noop("Số tổ, mô hình đang hoạt động"), "Active groups",
       gettext_noop("tổ"), STOCK, dimensions=("kind",), measure="groups"),
    _i("groups.members", gettext_noop("Số thành viên tổ, mô hình"), "Group members",
       gettext_noop("người"), STOCK, dimensions=("kind",), measure="members"),
    _i("groups.wards", gettext_noop("Số phường, xã có tổ, mô hình hoạt động"),
       "Wards with an active group", gettext_noop("phường, xã"), STOCK, dimensions=("kind",),
       measure="wards", additive=False),
    _i("groups.boarding_houses", gettext_noop("Số nhà trọ được tổ phụ trách"),
       "Boarding houses covered", gettext_noop("nhà trọ"), STOCK, measure="boarding_houses",
       additive=False),
    _i("groups.resident_workers", gettext_noop("Số công nhân lưu trú tại nhà trọ được phụ trách"),
       "Workers living in covered boarding houses", gettext_noop("người"), STOCK,
       measure="resident_workers"),
    _i("cameras.working", gettext_noop("Số camera an ninh đang hoạt động"),
       "Security cameras working", gettext_noop("camera"), STOCK, measure="cameras"),
    _i("units.count", gettext_noop("Số đơn vị trực thuộc đang hoạt động"), "Open units below",
       gettext_noop("đơn vị"), STOCK, measure="units"),
    _i("units.grassroots", gettext_noop("Số công đoàn cơ sở đang hoạt động"),
       "Open grassroots unions", gettext_noop("đơn vị"), STOCK, measure="grassroots"),
    _i("units.grassroots_open", gettext_noop("Số công đoàn cơ sở hoạt động trong kỳ"),
       "Grassroots unions open during the period", gettext_noop("đơn vị"), FLOW,
       measure="grassroots_open", additive=False),  # additive over children, not over months
    _i("units.reporting", gettext_noop("Số công đoàn cơ sở có hoạt động trong kỳ"),
       "Grassroots unions with at least one activity", gettext_noop("đơn vị"), FLOW,
       dimensions=ACTIVITY_DIMS, measure="reporting_units", additive=False),
    _i("units.outreach_share", gettext_noop("Tỷ lệ công đoàn cơ sở có tổ chức tuyên truyền"),
       "Share of grassroots unions that held an outreach session", "%", RATIO,
       numerator="units.reporting[kind=tuyen_truyen]", denominator="units.grassroots_open",
       additive=False),
)}

DIMENSION_LABELS = {
    "kind": gettext_lazy("loại"),
    "topic": gettext_lazy("chủ đề"),
    "audience": gettext_lazy("đối tượng"),
    "channel": gettext_lazy("hình thức"),
    "document": gettext_lazy("văn bản thực hiện"),
}


def get(code):
    """The registered indicator `code`, or a ValidationError naming the known ones."""
    try:
        return REGISTRY[code]
    except KeyError:
        raise ValidationError({"indicators": _("Không có chỉ tiêu “%(c)s”. Các chỉ tiêu hiện có: %(all)s.") % {
            "c": code, "all": ", ".join(REGISTRY)}}) from None


def all_indicators():
    return list(REGISTRY.values())


@dataclass(frozen=True)
class Request:
    """One indicator asked for, with its filters as ((dimension, code, id), …) sorted."""

    indicator: Indicator
    filters: tuple = field(default=())

    @property
    def key(self):
        if not self.filters:
            return self.indicator.code
        inner = ";".join(f"{dim}={code}" for dim, code, _pk in self.filters)
        return f"{self.indicator.code}[{inner}]"

    def filter_ids(self):
        """{dimension: (code, id)}; id is None for an unresolved code (see parse)."""
        return {dim: (code, pk) for dim, code, pk in self.filters}

    def filter_codes(self):
        return {dim: code for dim, code, _pk in self.filters}

    @property
    def label(self):
        if not self.filters:
            return str(self.indicator.label)
        names = ", ".join(name for _dim, name in self.filter_names())
        return f"{self.indicator.label} ({names})"

    def filter_names(self):
        return [(dim, _reference_name(self.indicator, dim, pk)) for dim, _code, pk in self.filters]


_SPEC = re.compile(r"^\s*([a-z_]+\.[a-z_]+)\s*(?:\[(.*)\])?\s*$")


def _reference_model(indicator, dim):
    if indicator.code.startswith("groups."):
        from binhyen.groups.models import GroupKind

        return GroupKind
    from binhyen.activities.models import ActivityKind, Audience, Channel, Topic

    return {"kind": ActivityKind, "topic": Topic, "audience": Audience, "channel": Channel}[dim]


# ---------------------------------------------------------------- reference codes, cached
#
# A page asks for the same few codes over and over (kind=tuyen_truyen on most figures of a
# report), and an indicator's label names its filters. Each reference table with stable codes
# (kinds, topics, audiences, channels, group kinds: a few dozen rows) is read whole, once, and
# kept per process. Saving or deleting one of its rows empties the cache at once, again when
# the transaction commits, and moves a stamp in Django's cache, so that every process sharing
# that cache (Redis) reloads on its next lookup; without a shared cache an entry lives at most
# REFERENCE_TTL seconds. A code missing from a cached table is read again before it is refused
# (a row another process just added is found). Other dimensions (documents) are not cached.

REFERENCE_TTL = 60.0
_STAMP_KEY = "binhyen:reporting:reference-stamp"
_STAMP_EVERY = 1.0  # seconds between two readings of the shared stamp
_CACHED = ("activities.ActivityKind", "activities.Topic", "activities.Audience", "activities.Channel",
           "groups.GroupKind")
_tables = {}  # model label → _Table


@dataclass
class _Table:
    loaded: float
    checked: float
    stamp: object
    pks: dict  # code → pk
    names: dict  # pk → name


def _shared_stamp():
    from django.core.cache import cache

    return cache.get(_STAMP_KEY)


def _entry(model, force=False):
    """(the cached table of `model`, whether it was read from the database just now)."""
    label = model._meta.label
    entry = _tables.get(label)
    now = time.monotonic()
    if entry is not None and not force:
        if now - entry.loaded > REFERENCE_TTL:
            entry = None
        elif now - entry.checked > _STAMP_EVERY:
            if _shared_stamp() != entry.stamp:
                entry = None
            else:
                entry.checked = now
    if entry is not None and not force:
        return entry, False
    stamp = _shared_stamp()
    rows = list(model._base_manager.values_list("pk", "code", "name"))
    entry = _Table(now, now, stamp, {c: pk for pk, c, _n in rows}, {pk: n for pk, _c, n in rows})
    _tables[label] = entry
    return entry, True


def _cached(model, mapping, key):
    """pks[code] or names[pk] of a cached table; a key not found is looked for again in the
    table read afresh (unless it was read for this very lookup), then None."""
    entry, fresh = _entry(model)
    if key not in getattr(entry, mapping) and not fresh:
        entry, _fresh = _entry(model, force=True)
    return getattr(entry, mapping).get(key)


def clear_reference_cache(**_kwargs):
    """Forget every cached reference table here and, through the shared stamp, elsewhere."""
    from django.core.cache import cache

    _tables.clear()
    cache.set(_STAMP_KEY, uuid.uuid4().hex, None)


def _reference_changed(sender, **_kwargs):
    clear_reference_cache()
    # a process that reads the table before this transaction commits would keep the old rows
    transaction.on_commit(clear_reference_cache)


def _watch_reference_tables():
    for label in _CACHED:
        post_save.connect(_reference_changed, sender=label, dispatch_uid=f"reference-cache-save-{label}")
        post_delete.connect(_reference_changed, sender=label, dispatch_uid=f"reference-cache-delete-{label}")


_watch_reference_tables()


def _reference_pk(model, code):
    if model._meta.label not in _CACHED:
        return model.objects.filter(code=code).values_list("pk", flat=True).first()
    return _cached(model, "pks", code)


def _reference_name(indicator, dim, pk):
    if dim == "document":
        from binhyen.documents.models import Document

        doc = Document.all_objects.select_related("doc_type").filter(pk=pk).first()
        return doc.label if doc is not None else str(pk)
    model = _reference_model(indicator, dim)
    if model._meta.label in _CACHED:
        return str(_cached(model, "names", pk) or pk)
    return str(model.objects.filter(pk=pk).values_list("name", flat=True).first() or pk)


def split_specs(text):
    """Split "a,b[x=1;y=2],c" on the commas outside brackets."""
    parts, depth, current = [], 0, ""
    for ch in text or "":
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _document_pk(code, indicator, user):
    """The id of the document a `document=` filter names: its id, or its symbol when one
    document alone carries it. With `user`, only among the documents that person sees; the
    same message for a document that does not exist and one out of scope."""
    from binhyen.documents.citations import symbol_key
    from binhyen.documents.models import Document

    docs = Document.all_objects.all() if user is None else Document.objects.visible_to(user)
    if code.isdecimal():
        # an id (one a bigint cannot hold is no document)
        pk = parse_id(code)
        found = list(docs.filter(pk=pk).values_list("pk", flat=True)[:1]) if pk else []
    else:
        found = list(docs.filter(symbol_key=symbol_key(code)).values_list("pk", flat=True)[:2])
    if not found:
        raise ValidationError({"indicators": _(
            "Không có văn bản “%(v)s” trong phạm vi bạn xem được (chỉ tiêu %(c)s). Ghi văn bản bằng "
            "mã số của nó (số cuối địa chỉ trang văn bản, ví dụ document=12) hoặc bằng ký hiệu "
            "(ví dụ document=329/KH-LĐLĐ)."
        ) % {"v": code, "c": indicator.code}})
    if len(found) > 1:
        raise ValidationError({"indicators": _(
            "Có nhiều văn bản cùng ký hiệu “%(v)s” (chỉ tiêu %(c)s); hãy ghi văn bản bằng mã số của nó "
            "(số cuối địa chỉ trang văn bản, ví dụ document=%(id)d)."
        ) % {"v": code, "c": indicator.code, "id": found[0]}})
    return found[0]


def parse(spec, resolve=True, user=None):
    """A Request from "code[dim=value;…]"; ValidationError (field "indicators") otherwise.

    resolve=False leaves the codes' ids unknown (the rollup then matches them by code in SQL):
    for the registry's own definitions, whose codes are known to exist. With `user`, a
    document filter may name only a document that person sees."""
    m = _SPEC.match(spec or "")
    if not m:
        raise ValidationError({"indicators": _(
            "Chỉ tiêu “%(s)s” không đúng dạng; dùng dạng activity.sessions hoặc "
            "activity.sessions[kind=tuyen_truyen;audience=can_bo_cong_doan]."
        ) % {"s": spec}})
    indicator = get(m.group(1))
    filters = {}
    for part in (m.group(2) or "").split(";"):
        if not part.strip():
            continue
        dim, sep, code = (s.strip() for s in part.partition("="))
        if not sep or not dim or not code:
            raise ValidationError({"indicators": _(
                "Bộ lọc “%(p)s” của chỉ tiêu %(c)s không đúng dạng chiều=mã (ví dụ kind=tuyen_truyen)."
            ) % {"p": part.strip(), "c": indicator.code}})
        if dim not in indicator.dimensions:
            allowed = ", ".join(indicator.dimensions) or _("(không có)")
            raise ValidationError({"indicators": _(
                "Chỉ tiêu %(c)s không lọc được theo “%(d)s”; các chiều lọc được: %(a)s."
            ) % {"c": indicator.code, "d": dim, "a": allowed}})
        if dim in filters:
            raise ValidationError({"indicators": _(
                "Chiều “%(d)s” được lọc hai lần trong chỉ tiêu %(c)s."
            ) % {"d": dim, "c": indicator.code}})
        if dim == "document":
            if resolve:
                pk = _document_pk(code, indicator, user)
            elif parse_id(code) is not None:
                pk = parse_id(code)
            else:
                raise ValidationError({"indicators": _(
                    "Văn bản trong bộ lọc phải ghi bằng mã số (ví dụ document=12), không phải “%(v)s”."
                ) % {"v": code}})
            filters[dim] = (dim, str(pk), pk)
            continue
        if not resolve:
            filters[dim] = (dim, code, None)
            continue
        pk = _reference_pk(_reference_model(indicator, dim), code)
        if pk is None:
            raise ValidationError({"indicators": _(
                "Không có mã “%(v)s” trong danh mục %(d)s (chỉ tiêu %(c)s)."
            ) % {"v": code, "d": DIMENSION_LABELS[dim], "c": indicator.code}})
        filters[dim] = (dim, code, pk)
    order = {d: i for i, d in enumerate(ACTIVITY_DIMS)}
    return Request(indicator, tuple(sorted(filters.values(), key=lambda f: order.get(f[0], 9))))


def parse_list(text, user=None):
    """Requests from the comma-separated list of the API's `indicators` parameter (document
    filters limited to the documents `user` sees, when given)."""
    specs = split_specs(text) if isinstance(text, str) else list(text or ())
    if not specs:
        raise ValidationError({"indicators": _("Hãy chọn ít nhất một chỉ tiêu.")})
    requests = []
    for spec in specs:
        request = spec if isinstance(spec, Request) else parse(spec, user=user)
        if request not in requests:
            requests.append(request)
    return requests
