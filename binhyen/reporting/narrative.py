"""The draft of a report's results section, written in Vietnamese from the rollup.

Sentences are plain Python templates. Every number is a `Figure` carrying the indicator
and period it came from, so a page can show its source on hover and a test can check it
equals the rollup. What did not happen is left out (no "0 buổi"); the wording of each
sentence is picked deterministically from a few variants (same unit and period → same
text), so reports of sibling units do not read as copies of one another.
"""

import datetime
import zlib
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

from binhyen.text import fold, format_date, format_number

from . import indicators as registry
from .rollup import Engine, rollup

# kind code → (classifier, noun): "3.807 buổi tuyên truyền", "45.284 cuộc hội nghị"
KIND_WORDS = {
    "tuyen_truyen": ("buổi", "tuyên truyền"),
    "hoi_nghi": ("cuộc", "hội nghị"),
    "hoi_thi": ("cuộc", "hội thi"),
    "hoi_thao": ("cuộc", "hội thao"),
    "giao_luu": ("buổi", "giao lưu"),
    "tuyen_duong": ("buổi", "tuyên dương, biểu dương"),
    "tap_huan": ("lớp", "tập huấn, bồi dưỡng"),
    "long_ghep": ("buổi", "sinh hoạt lồng ghép"),
    "khac": ("hoạt động", "khác"),
}
# the audience a federation's own sessions are usually for; named when all of them were
OWN_AUDIENCE = ("can_bo_cong_doan", "cán bộ công đoàn")
GROUP_KIND = "nha_tro"


@dataclass(frozen=True)
class Figure:
    value: float
    indicator: str  # the indicator request key, e.g. activity.sessions[kind=tuyen_truyen]
    period: str  # the period code
    label: str  # "Số cuộc, buổi (Tuyên truyền) · Giai đoạn 2018 - 2023"

    def __str__(self):
        return format_number(self.value)


@dataclass
class Section:
    heading: str
    paragraphs: list = field(default_factory=list)  # each a list of str and Figure


@dataclass
class Narrative:
    unit: object
    period: object
    sections: list

    def figures(self):
        return [s for sec in self.sections for p in sec.paragraphs for s in p if isinstance(s, Figure)]

    def paragraphs(self):
        """(heading or None, plain text) in reading order: what a document prints."""
        out = []
        for sec in self.sections:
            out.append((sec.heading, None))
            out.extend((None, "".join(str(s) for s in p)) for p in sec.paragraphs)
        return out

    def text(self):
        lines = []
        for sec in self.sections:
            lines.append(sec.heading)
            lines.extend("".join(str(s) for s in p) for p in sec.paragraphs)
        return "\n".join(lines)

    def html(self):
        parts = []
        for sec in self.sections:
            parts.append(f"<h3>{escape(sec.heading)}</h3>")
            for p in sec.paragraphs:
                inner = "".join(
                    f'<span class="figure" data-indicator="{escape(s.indicator)}" data-period="{escape(s.period)}" '
                    f'title="{escape(s.label)}">{escape(str(s))}</span>' if isinstance(s, Figure) else escape(s)
                    for s in p
                )
                parts.append(f"<p>{inner}</p>")
        return mark_safe("\n".join(parts))


def _pick(variants, *key):
    return variants[zlib.crc32("|".join(str(k) for k in key).encode()) % len(variants)]


def _percent(value):
    return f"{value:.1f}".replace(".", ",").replace(",0", "")


def _year_before(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _sentence(parts):
    """Join segments, capitalise the first letter and end with a full stop."""
    parts = [p for p in parts if p != ""]
    if parts and isinstance(parts[0], str):
        parts[0] = parts[0][:1].upper() + parts[0][1:]
    if parts and isinstance(parts[-1], str):
        parts[-1] = parts[-1].rstrip() + ("" if parts[-1].rstrip().endswith(".") else ".")
    else:
        parts.append(".")
    return parts


class _Writer:
    def __init__(self, unit, period, as_of=None):
        self.unit, self.period, self.as_of = unit, period, as_of
        self.kinds = list(KIND_WORDS)
        requests = []
        for k in self.kinds:
            requests += [f"activity.sessions[kind={k}]", f"activity.attendances[kind={k}]"]
        for k in ("tuyen_truyen", "hoi_nghi"):
            requests += [f"activity.sessions[kind={k};audience={OWN_AUDIENCE[0]}]",
                         f"activity.attendances[kind={k};audience={OWN_AUDIENCE[0]}]"]
        requests += ["activity.leaflets", f"groups.active[kind={GROUP_KIND}]", f"groups.members[kind={GROUP_KIND}]",
                     f"groups.wards[kind={GROUP_KIND}]", "groups.boarding_houses", "cameras.working"]
        self.requests = {r.key: r for r in registry.parse_list(requests)}
        engine = Engine(unit, period, as_of)
        self.data = rollup(unit, period, list(self.requests), by="child", as_of=as_of, engine=engine)
        self.total = self.data["total"]
        self.own = next((row["values"] for row in self.data["rows"] if row["unit"]["code"] == unit.code), {})
        self.previous = None
        if self.has_children():
            self.subject = _pick(["các cấp công đoàn thuộc {u}", "các cấp công đoàn trong {u}"],
                                 unit.code, period.code).format(u=unit.name)
            # after the first sentence the full name would read as a drone; officers shorten it
            self.short = ["các cấp công đoàn", "toàn hệ thống", "các đơn vị"]
        else:
            self.subject = unit.name
            self.short = ["đơn vị"]
        self.sentences = self.splits = 0

    def level(self):
        """"cấp thành phố", "cấp tỉnh": how a report names its own level after the first time."""
        name = fold(self.unit.name)
        if self.unit.kind.rank in (1, 2):
            for word, label in (("thanh pho", "thành phố"), ("tinh", "tỉnh"), ("quan", "quận"),
                                ("huyen", "huyện"), ("thi xa", "thị xã")):
                if word in name:
                    return f"cấp {label}"
        return "đơn vị"

    def who(self, k):
        self.sentences += 1
        if self.sentences == 1:
            return self.subject
        return _pick(self.short, self.unit.code, self.period.code, k)

    def has_children(self):
        return any(row["unit"]["code"] != self.unit.code for row in self.data["rows"])

    def fig(self, key, value=None, period=None):
        period = period or self.period
        value = self.total.get(key) if value is None else value
        return Figure(value, key, period.code, f"{self.requests[key].label} · {period.label}" if key in self.requests
                      else f"{key} · {period.label}")

    def previous_totals(self):
        if self.previous is None:
            prev = self.period.previous()
            keys = [f"activity.sessions[kind={k}]" for k in self.kinds if self.total.get(f"activity.sessions[kind={k}]")]
            self.prev_period = prev
            self.previous = rollup(self.unit, prev, keys, by="none", as_of=self.as_of)["total"] if keys else {}
        return self.previous

    def comparison(self, key):
        before = self.previous_totals().get(key) or 0
        now = self.total.get(key) or 0
        if not before or not now or before == now:
            return []
        change = 100.0 * (now - before) / before
        word = "tăng" if change > 0 else "giảm"
        prev = self.prev_period
        if prev.kind == "range" and prev.start == _year_before(self.period.start):
            when = "cùng kỳ năm trước"
        elif prev.kind == "range" and not str(prev.label).startswith("Giai đoạn"):
            when = "kỳ liền trước"
        else:
            when = str(prev.label).lower()
        clf, noun = KIND_WORDS[key.split("=")[1].rstrip("]")]
        return _sentence([f"so với {when} (", Figure(before, key, prev.code, f"{self.requests[key].label} · {prev.label}"),
                          f" {clf}), số {clf} {noun} {word} {_percent(abs(change))}%"])

    # ------------------------------------------------------------ outreach

    def kind_sentence(self, k):
        clf, noun = KIND_WORDS[k]
        s_key, a_key = f"activity.sessions[kind={k}]", f"activity.attendances[kind={k}]"
        sessions, attendances = self.total.get(s_key) or 0, self.total.get(a_key) or 0
        if not sessions:
            return None
        what = f" {clf} {noun}"
        variant = 0 if k == "khac" else _pick([0, 1, 2], self.unit.code, self.period.code, k)
        if variant == 0:
            parts = [f"{self.who(k)} đã tổ chức ", self.fig(s_key), what]
            if attendances:
                parts += [" với ", self.fig(a_key), " lượt người tham dự"]
        elif variant == 1:
            parts = [f"trong kỳ, {self.who(k)} tổ chức được ", self.fig(s_key), what]
            if attendances:
                parts += [", thu hút ", self.fig(a_key), " lượt người tham gia"]
        else:
            parts = ["đã có ", self.fig(s_key), f"{what} được {self.who(k)} tổ chức"]
            if attendances:
                parts += [", với ", self.fig(a_key), " lượt người dự"]
        parts += self.split(k, clf, s_key, a_key)
        return _sentence(parts) + [" "] + self.comparison(s_key) if self.comparison(s_key) else _sentence(parts)

    def split(self, k, clf, s_key, a_key):
        """"trong đó": the unit's own sessions and those of the units below, when both happened."""
        own_s, own_a = self.own.get(s_key) or 0, self.own.get(a_key) or 0
        total_s, total_a = self.total.get(s_key) or 0, self.total.get(a_key) or 0
        below_s, below_a = total_s - own_s, total_a - own_a
        if not own_s or not below_s:
            return []
        self.splits += 1
        parts = ["; trong đó ", self.unit.name if self.splits == 1 else self.level(), " trực tiếp tổ chức ",
                 self.fig(s_key, own_s), f" {clf}"]
        aud_s = f"activity.sessions[kind={k};audience={OWN_AUDIENCE[0]}]"
        aud_a = f"activity.attendances[kind={k};audience={OWN_AUDIENCE[0]}]"
        for_officers = aud_s in self.requests and self.own.get(aud_s) == own_s and self.own.get(aud_a) == own_a
        if own_a:
            parts += [" cho ", self.fig(aud_a if for_officers else a_key, own_a),
                      f" lượt {OWN_AUDIENCE[1]}" if for_officers else " lượt người"]
        grassroots = self.unit.kind.rank >= 2
        below = "các công đoàn cơ sở trực thuộc" if grassroots else "các đơn vị trực thuộc"
        parts += [f", {below} tổ chức ", Figure(below_s, s_key, self.period.code,
                                                 f"{self.requests[s_key].label} · {self.period.label} · {below}"), f" {clf}"]
        if below_a:
            parts += [" với ", Figure(below_a, a_key, self.period.code,
                                      f"{self.requests[a_key].label} · {self.period.label} · {below}"), " lượt người"]
        return parts

    def leaflets_sentence(self):
        if not self.total.get("activity.leaflets"):
            return None
        return _sentence([_pick(["bên cạnh đó, đã phát hành ", "các cấp công đoàn đã in và phát "],
                                self.unit.code, self.period.code, "leaflets"),
                          self.fig("activity.leaflets"), " tờ rơi, tài liệu tuyên truyền đến người lao động"])

    # ------------------------------------------------------------ models (groups, cameras)

    def groups_sentence(self):
        g, m, w = (f"groups.active[kind={GROUP_KIND}]", f"groups.members[kind={GROUP_KIND}]",
                   f"groups.wards[kind={GROUP_KIND}]")
        if not self.total.get(g):
            return None
        day = format_date(min(self.period.end, self.as_of or self.period.end))
        variant = _pick([0, 1], self.unit.code, self.period.code, "groups")
        if variant == 0:
            parts = [f"tính đến ngày {day}, {self.subject} có ", self.fig(g), " tổ công nhân tự quản khu nhà trọ đang hoạt động"]
            if self.total.get(m):
                parts += [", gồm ", self.fig(m), " thành viên"]
            if self.total.get(w):
                parts += [", trải rộng trên ", self.fig(w), " phường, xã"]
        else:
            parts = [f"các tổ công nhân tự quản ở khu nhà trọ vẫn giữ được hoạt động: đến ngày {day} có ", self.fig(g), " tổ"]
            if self.total.get(m):
                parts += [" với tổng số ", self.fig(m), " thành viên"]
            if self.total.get(w):
                parts += [", có mặt ở ", self.fig(w), " phường, xã"]
        if self.total.get("groups.boarding_houses"):
            parts += ["; các tổ đang phụ trách ", self.fig("groups.boarding_houses"), " nhà trọ"]
        return _sentence(parts)

    def cameras_sentence(self):
        if not self.total.get("cameras.working"):
            return None
        return _sentence(["hệ thống ", self.fig("cameras.working"),
                          " camera an ninh do công đoàn vận động lắp đặt đang hoạt động, hỗ trợ giữ gìn trật tự khu nhà trọ"])

    def write(self):
        sections = []
        outreach = [s for s in (self.kind_sentence(k) for k in self.kinds) if s]
        leaflets = self.leaflets_sentence()
        if leaflets:
            outreach.append(leaflets)
        if outreach:
            sections.append(Section("1. Công tác tuyên truyền, phổ biến, giáo dục pháp luật", outreach))
        models = [s for s in (self.groups_sentence(), self.cameras_sentence()) if s]
        if models:
            sections.append(Section(f"{len(sections) + 1}. Xây dựng và duy trì các mô hình", models))
        return Narrative(self.unit, self.period, sections)


def generate(unit, period, as_of=None):
    """The results section of `unit`'s report for `period`; a closed unit is written with the
    tree as it stood on its last day unless `as_of` says otherwise."""
    if as_of is None and unit.valid_to and unit.valid_to < datetime.date.today():
        as_of = unit.valid_to
    return _Writer(unit, period, as_of).write()
