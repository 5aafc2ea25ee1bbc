"""The indicator registry: every figure the platform shows is one of these, read through `rollup()`.

An indicator has a stable code (`activity.sessions`), Vietnamese and English labels, a unit of
measure, a kind — `flow` (summed over the period), `stock` (value on the period's last day) or
`ratio` (numerator / denominator computed after aggregation, as DHIS2 does) — and the filter
dimensions it accepts. A request names indicators with optional filters in brackets:
`activity.sessions[kind=tuyen_truyen;audience=can_bo_cong_doan]`, `groups.members[kind=nha_tro]`.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FLOW, STOCK, RATIO = "flow", "stock", "ratio"
ACTIVITY_DIMS = ("kind", "topic", "audience", "channel")


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


REGISTRY = {i.code: i for i in (
    _i("activity.count", "Số hoạt động", "Activities", "hoạt động", FLOW, dimensions=ACTIVITY_DIMS,
       measure="activities"),
    _i("activity.sessions", "Số cuộc, buổi", "Sessions", "cuộc", FLOW, dimensions=ACTIVITY_DIMS,
       measure="sessions"),
    _i("activity.attendances", "Số lượt người tham dự", "Attendances", "lượt người", FLOW,
       dimensions=ACTIVITY_DIMS, measure="attendances"),
    _i("activity.leaflets", "Số tờ rơi phát hành", "Leaflets handed out", "tờ", FLOW,
       dimensions=ACTIVITY_DIMS, measure="leaflets"),
    _i("groups.active", "Số tổ, mô hình đang hoạt động", "Active groups", "tổ", STOCK,
       dimensions=("kind",), measure="groups"),
    _i("groups.members", "Số thành viên tổ, mô hình", "Group members", "người", STOCK,
       dimensions=("kind",), measure="members"),
    _i("groups.wards", "Số phường, xã có tổ, mô hình hoạt động", "Wards with an active group",
       "phường, xã", STOCK, dimensions=("kind",), measure="wards", additive=False),
    _i("groups.boarding_houses", "Số nhà trọ được tổ phụ trách", "Boarding houses covered",
       "nhà trọ", STOCK, measure="boarding_houses", additive=False),
    _i("groups.resident_workers", "Số công nhân lưu trú tại nhà trọ được phụ trách",
       "Workers living in covered boarding houses", "người", STOCK, measure="resident_workers"),
    _i("cameras.working", "Số camera an ninh đang hoạt động", "Security cameras working",
       "camera", STOCK, measure="cameras"),
    _i("units.count", "Số đơn vị trực thuộc đang hoạt động", "Open units below", "đơn vị", STOCK,
       measure="units"),
    _i("units.grassroots", "Số công đoàn cơ sở đang hoạt động", "Open grassroots unions",
       "đơn vị", STOCK, measure="grassroots"),
    _i("units.grassroots_open", "Số công đoàn cơ sở hoạt động trong kỳ",
       "Grassroots unions open during the period", "đơn vị", FLOW, measure="grassroots_open",
       additive=False),  # additive over children, not over months
    _i("units.reporting", "Số công đoàn cơ sở có hoạt động trong kỳ",
       "Grassroots unions with at least one activity", "đơn vị", FLOW, dimensions=ACTIVITY_DIMS,
       measure="reporting_units", additive=False),
    _i("units.outreach_share", "Tỷ lệ công đoàn cơ sở có tổ chức tuyên truyền",
       "Share of grassroots unions that held an outreach session", "%", RATIO,
       numerator="units.reporting[kind=tuyen_truyen]", denominator="units.grassroots_open",
       additive=False),
)}

DIMENSION_LABELS = {
    "kind": gettext_lazy("loại"),
    "topic": gettext_lazy("chủ đề"),
    "audience": gettext_lazy("đối tượng"),
    "channel": gettext_lazy("hình thức"),
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


def _reference_pk(model, code):
    return model.objects.filter(code=code).values_list("pk", flat=True).first()


def _reference_name(indicator, dim, pk):
    return str(_reference_model(indicator, dim).objects.filter(pk=pk).values_list("name", flat=True).first() or pk)


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


def parse(spec, resolve=True):
    """A Request from "code[dim=value;…]"; ValidationError (field "indicators") otherwise.

    resolve=False leaves the codes' ids unknown (the rollup then matches them by code in SQL):
    for the registry's own definitions, whose codes are known to exist."""
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


def parse_list(text):
    """Requests from the comma-separated list of the API's `indicators` parameter."""
    specs = split_specs(text) if isinstance(text, str) else list(text or ())
    if not specs:
        raise ValidationError({"indicators": _("Hãy chọn ít nhất một chỉ tiêu.")})
    requests = []
    for spec in specs:
        request = spec if isinstance(spec, Request) else parse(spec)
        if request not in requests:
            requests.append(request)
    return requests
