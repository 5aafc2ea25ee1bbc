"""The indicator registry: every figure the platform shows is one of these, read through
`binhyen.reporting.rollup.rollup()`.

An indicator has a stable code (`activity.sessions`), Vietnamese and English labels, a unit of
measure, a kind — `flow` (summed over the period), `stock` (value on the period's last day) or
`ratio` (numerator / denominator computed after aggregation, as DHIS2 does) — the dimensions it
accepts as filters, and the `Source` that answers it. A request names indicators with optional
filters in brackets: `activity.sessions[kind=tuyen_truyen;audience=can_bo_cong_doan]`,
`groups.members[kind=nha_tro]`. A document has no short code: `activity.sessions[document=12]`
names it by its id (or by its symbol, `document=329/KH-LĐLĐ`, when that is unique), and the
request's key carries the id.

Nobody edits spec strings by hand: `with_filter(spec, document=12)` adds or replaces a filter,
`label(spec)` names a spec for a reader, `indicator_of(spec)` finds its indicator.

The registry is empty until the apps fill it in their `AppConfig.ready()` (see the package's
docstring); it imports no app.
"""

import re
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core.bounds import parse_id
from binhyen.core.periods import _month_end

FLOW, STOCK, RATIO = "flow", "stock", "ratio"


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Reference:
    """A dimension indicators filter on: its name in a spec (`kind`, `topic`…), its label,
    and where its codes live.

    `model` is a reference table with stable codes (`code`, `name` columns; read whole and
    cached, see below). A dimension whose records have no short code (`documents.Document`)
    sets `by_id` and gives `resolve(code, indicator, user) -> id` (raising a ValidationError
    on the "indicators" field) and `describe(id) -> name`."""

    name: str
    label: object
    model: str
    by_id: bool = False
    resolve: object = field(default=None, compare=False)
    describe: object = field(default=None, compare=False)

    def get_model(self):
        return apps.get_model(self.model)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: object
    label_en: str
    unit: object
    kind: str
    references: tuple = ()  # the dimensions it accepts, in the order a request's key lists them
    measure: str = ""  # the source's name for what it counts ("sessions", "groups"…)
    numerator: str = ""  # ratio: indicator requests, e.g. "units.reporting[kind=tuyen_truyen]"
    denominator: str = ""
    # False: a total is counted afresh, not summed — distinct wards and houses do not add up over
    # children; distinct units with activity do not add up over months
    additive: bool = True
    # the value of a breakdown's key with nothing counted: 0, or None where nothing is no
    # figure at all (the median time to settle of a unit that settled no case)
    empty: object = 0
    description: str = ""
    source: object = field(default=None, compare=False)  # a Source; None for a ratio
    # the records counted ("activities.Activity"): a figure scope gives the indicator only if
    # it covers that model (FigureScope.covers)
    records: str = ""

    @property
    def is_flow(self):
        return self.kind == FLOW

    @property
    def dimensions(self):
        return tuple(r.name for r in self.references)

    def reference(self, name):
        for ref in self.references:
            if ref.name == name:
                return ref
        raise KeyError(name)


def indicator(code, label, label_en, unit, kind, **kw):
    """An Indicator whose label and unit are translated lazily, in each reader's language (list
    the literals with gettext_noop at the call, so makemessages finds them).
    A unit whose word another catalog translates otherwise ("ngày": a date or days) comes
    already lazy, with its context (pgettext_lazy)."""
    unit = gettext_lazy(unit) if isinstance(unit, str) else unit
    return Indicator(code, gettext_lazy(label), label_en, unit, kind, **kw)


class Source:
    """What answers the indicators registered with it, for one rollup engine
    (binhyen.reporting.rollup.Engine): an app's cube reader and its raw-records verifier.

    The engine hands itself to every call; a source reads from it the unit, the period, the
    figure scope (`engine.scope`), the tree attribution (`engine.attr`, binhyen.org.history)
    and per-engine memory (`engine.memo(self)`), and sends its SQL through `engine.query` (so a
    page's queries of one shape go to the database as one UNION ALL) or `engine.run`.

    - `prefetch(engine, request, by)`: queue the queries `evaluate` will need (optional);
    - `evaluate(engine, request, by)`: ({key: value} for the breakdown `by`, total), keys being
      child unit ids, SELF (the unit's own records) or months;
    - stock sources also give `stock(engine, request, by_child, day)` and
      `stock_raw(engine, request, by_child, day)` (the same figure counted from the records);
    - flow sources give `flow(engine, request, by)`;
    - `combine(parts, request, by)`: the figure over a period read in parts, each through the
      tree of its own days (engines whose `keep_ids` is set): flows add up by default.
    """

    def prefetch(self, engine, request, by):
        return None

    def evaluate(self, engine, request, by):
        raise NotImplementedError

    def combine(self, parts, request, by):
        values, total = defaultdict(int), 0
        for part in parts:
            part_values, part_total = part.evaluate(request, by)
            for key, value in part_values.items():
                values[key] += value
            total += part_total
        return dict(values), total

    @staticmethod
    def unite(parts, memo, total_memo):
        """({key: number of distinct ids}, total) for a count of distinct units over a period
        read in parts, from the sets each part kept under engine.memos[memo] (the breakdown)
        and engine.memos[total_memo] (whose union is the total): a unit counts once however
        many parts it appears in."""

        def gather(name):
            out = defaultdict(set)
            for part in parts:
                for key, ids in part.memos.get(name, {}).items():
                    out[key] |= ids
            return out

        everyone = set().union(*gather(total_memo).values())
        return {key: len(ids) for key, ids in gather(memo).items()}, len(everyone)


class StockSource(Source):
    """A source of stock indicators: valued on the period's last day (each month's last day
    when broken down by month), summed over children when additive, counted afresh for the
    total otherwise. Subclasses give `stock(engine, request, by_child, day)` → {key: value}
    (key () when not by child)."""

    def prefetch(self, engine, request, by):
        if by not in ("child", "none") or not getattr(engine, "final", True):
            return  # a period read in parts values its stocks on the last part's last day
        if by == "child":
            self.stock(engine, request, True, engine.period.end)
        if by == "none" or not request.indicator.additive:
            self.stock(engine, request, False, engine.period.end)

    def combine(self, parts, request, by):
        """The stock on the period's last day, under that day's tree (the last part's); by
        month, each month's last day under its own part's tree."""
        last = parts[-1]
        if by != "month":
            return last.evaluate(request, by)
        values, total = {}, None
        end = last.period.end
        for part in parts:
            part_values, part_total = part.evaluate(request, "month")
            for month, value in part_values.items():
                day = min(_month_end(month), end)
                if part.period.start <= day <= part.period.end:
                    values[month] = value
            total = part_total
        return values, total

    def evaluate(self, engine, request, by):
        end = engine.period.end
        if by == "child":
            values = self.stock(engine, request, True, end)
            if request.indicator.additive:
                return values, sum(values.values())
            return values, self.stock(engine, request, False, end).get((), 0)
        total = self.stock(engine, request, False, end).get((), 0)
        if by == "month":
            return {
                m: self.stock(engine, request, False, min(_month_end(m), end)).get((), 0)
                for m in engine.period.months()
            }, total
        return {}, total


@dataclass(frozen=True)
class Cube:
    """A table of derived cells an app keeps equal to its records (the activity cube, the
    stock cube), as the rebuild and verify commands and the rebuild page see it.

    - `rebuild(unit=None, say=print)`: recompute from the raw records the cells a restructure
      around `unit` may have changed (every cell when None); returns the cells written;
    - `verify(limit)`: lines (Vietnamese) naming each stored cell that differs from its
      recomputation, at most `limit` (all when None)."""

    name: str
    label: object
    rebuild: object
    verify: object
    order: int = 0


@dataclass(frozen=True)
class WardLayer:
    """A figure by ward that an app adds to the ward map (binhyen.groups.views.ward_map), which
    sits below the apps that give them: `counts(unit, start, end, scope)` → {ward id: value}
    over the records of `unit`'s subtree (today's tree) dated from `start` to `end`, within the
    reader's FigureScope; `label` names the column, `legend` the mark on the map."""

    name: str
    label: object
    legend: object
    counts: object = field(compare=False)
    order: int = 0


# ---------------------------------------------------------------- the registry

REGISTRY = {}  # code → Indicator
DIMENSION_LABELS = {}  # reference name → label
_CUBES = {}  # name → Cube


def register(*indicators):
    """Add indicators (from an AppConfig.ready()); registering a code twice is an error unless it
    is the same declaration (ready() may run again in tests)."""
    for ind in indicators:
        known = REGISTRY.get(ind.code)
        if known is not None and known != ind:
            raise ValueError(f"indicator {ind.code} is registered twice")
        REGISTRY[ind.code] = ind
        for ref in ind.references:
            DIMENSION_LABELS.setdefault(ref.name, ref.label)
            if not ref.by_id:
                _watch(ref.model)


def register_cube(cube):
    _CUBES[cube.name] = cube


_WARD_LAYERS = {}  # name → WardLayer


def register_ward_layer(layer):
    _WARD_LAYERS[layer.name] = layer


def ward_layers():
    """The figures by ward the apps add to the ward map, in their order."""
    return sorted(_WARD_LAYERS.values(), key=lambda layer: (layer.order, layer.name))


def cubes():
    """The registered cubes, in their order (activities before stocks)."""
    return sorted(_CUBES.values(), key=lambda c: (c.order, c.name))


def get(code):
    """The registered indicator `code`, or a ValidationError naming the known ones."""
    try:
        return REGISTRY[code]
    except KeyError:
        raise ValidationError(
            {
                "indicators": _("Không có chỉ tiêu “%(c)s”. Các chỉ tiêu hiện có: %(all)s.")
                % {"c": code, "all": ", ".join(REGISTRY)}
            }
        ) from None


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
        return [
            (dim, _reference_name(self.indicator.reference(dim), pk))
            for dim, _code, pk in self.filters
        ]


# ---------------------------------------------------------------- reference codes, cached
#
# A page asks for the same few codes over and over (kind=tuyen_truyen on most figures of a
# report), and an indicator's label names its filters. Each reference table with stable codes
# (kinds, topics, audiences, channels, group kinds: a few dozen rows) is read whole, once, and
# kept per process. Saving or deleting one of its rows empties the cache at once, again when
# the transaction commits, and moves a stamp in Django's cache, so that every process sharing
# that cache (Redis) reloads on its next lookup; without a shared cache an entry lives at most
# REFERENCE_TTL seconds. A code missing from a cached table is read again before it is refused
# (a row another process just added is found). Dimensions by id (documents) are not cached.

REFERENCE_TTL = 60.0
_STAMP_KEY = "binhyen:reporting:reference-stamp"
_STAMP_EVERY = 1.0  # seconds between two readings of the shared stamp
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


def _watch(label):
    post_save.connect(
        _reference_changed, sender=label, dispatch_uid=f"reference-cache-save-{label}"
    )
    post_delete.connect(
        _reference_changed, sender=label, dispatch_uid=f"reference-cache-delete-{label}"
    )


def choices(ref):
    """[(code, name)] of a reference table with stable codes (a page's filter), in the table's
    order, from the cache: no query once read."""
    entry, _fresh = _entry(ref.get_model())
    return [(code, entry.names[pk]) for code, pk in entry.pks.items()]


def _reference_pk(ref, code):
    return _cached(ref.get_model(), "pks", code)


def _reference_name(ref, pk):
    if ref.by_id:
        return ref.describe(pk)
    return str(_cached(ref.get_model(), "names", pk) or pk)


# ---------------------------------------------------------------- specs


_SPEC = re.compile(r"^\s*([a-z_]+\.[a-z_]+)\s*(?:\[(.*)\])?\s*$")


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


def _split(spec):
    """(code, [(dimension, value) …]) of a spec, or a ValidationError naming its form."""
    m = _SPEC.match(spec or "")
    if not m:
        raise ValidationError(
            {
                "indicators": _(
                    "Chỉ tiêu “%(s)s” không đúng dạng; dùng dạng activity.sessions hoặc "
                    "activity.sessions[kind=tuyen_truyen;audience=can_bo_cong_doan]."
                )
                % {"s": spec}
            }
        )
    pairs = []
    for part in (m.group(2) or "").split(";"):
        if not part.strip():
            continue
        dim, sep, code = (s.strip() for s in part.partition("="))
        if not sep or not dim or not code:
            raise ValidationError(
                {
                    "indicators": _(
                        "Bộ lọc “%(p)s” của chỉ tiêu %(c)s không đúng dạng chiều=mã (ví dụ kind=tuyen_truyen)."
                    )
                    % {"p": part.strip(), "c": m.group(1)}
                }
            )
        pairs.append((dim, code))
    return m.group(1), pairs


def indicator_of(spec):
    """The registered indicator a spec names, or None (a spec not well formed, an unknown code)."""
    m = _SPEC.match(spec or "")
    return REGISTRY.get(m.group(1)) if m else None


def with_filter(spec, **filters):
    """`spec` with `filters` added, or replacing the same dimensions: with_filter(
    "activity.sessions[kind=tuyen_truyen]", document=12) → "activity.sessions[kind=tuyen_truyen;document=12]".
    A None value removes that filter. The spec must be well formed."""
    code, pairs = _split(spec)
    kept = {dim: value for dim, value in pairs}
    for dim, value in filters.items():
        if value is None:
            kept.pop(dim, None)
        else:
            kept[dim] = str(value)
    if not kept:
        return code
    return f"{code}[{';'.join(f'{dim}={value}' for dim, value in kept.items())}]"


def label(spec, user=None):
    """A reader's name for a spec: the indicator's label with its filters' names, or the spec
    itself when it names nothing the registry knows (an old spec kept in a record)."""
    try:
        return parse(spec, user=user).label
    except ValidationError:
        return spec


def parse(spec, resolve=True, user=None):
    """A Request from "code[dim=value;…]"; ValidationError (field "indicators") otherwise.

    resolve=False leaves the codes' ids unknown (the rollup then matches them by code in SQL):
    for the registry's own definitions, whose codes are known to exist. With `user`, a
    by-id dimension (a document) may name only a record that person sees."""
    m = _SPEC.match(spec or "")
    indicator = get(m.group(1)) if m else None  # an unknown code is named before a bad filter
    _code, pairs = _split(spec)
    filters = {}
    for dim, value in pairs:
        if dim not in indicator.dimensions:
            allowed = ", ".join(indicator.dimensions) or _("(không có)")
            raise ValidationError(
                {
                    "indicators": _(
                        "Chỉ tiêu %(c)s không lọc được theo “%(d)s”; các chiều lọc được: %(a)s."
                    )
                    % {"c": indicator.code, "d": dim, "a": allowed}
                }
            )
        if dim in filters:
            raise ValidationError(
                {
                    "indicators": _("Chiều “%(d)s” được lọc hai lần trong chỉ tiêu %(c)s.")
                    % {"d": dim, "c": indicator.code}
                }
            )
        ref = indicator.reference(dim)
        if ref.by_id:
            if resolve:
                pk = ref.resolve(value, indicator, user)
            elif parse_id(value) is not None:
                pk = parse_id(value)
            else:
                raise ValidationError(
                    {
                        "indicators": _(
                            "Văn bản trong bộ lọc phải ghi bằng mã số (ví dụ document=12), không phải “%(v)s”."
                        )
                        % {"v": value}
                    }
                )
            filters[dim] = (dim, str(pk), pk)
            continue
        if not resolve:
            filters[dim] = (dim, value, None)
            continue
        pk = _reference_pk(ref, value)
        if pk is None:
            raise ValidationError(
                {
                    "indicators": _("Không có mã “%(v)s” trong danh mục %(d)s (chỉ tiêu %(c)s).")
                    % {"v": value, "d": ref.label, "c": indicator.code}
                }
            )
        filters[dim] = (dim, value, pk)
    order = {d: i for i, d in enumerate(indicator.dimensions)}
    return Request(indicator, tuple(sorted(filters.values(), key=lambda f: order.get(f[0], 99))))


def parse_list(text, user=None):
    """Requests from the comma-separated list of the API's `indicators` parameter (by-id
    filters limited to the records `user` sees, when given)."""
    specs = split_specs(text) if isinstance(text, str) else list(text or ())
    if not specs:
        raise ValidationError({"indicators": _("Hãy chọn ít nhất một chỉ tiêu.")})
    requests = []
    for spec in specs:
        request = spec if isinstance(spec, Request) else parse(spec, user=user)
        if request not in requests:
            requests.append(request)
    return requests
