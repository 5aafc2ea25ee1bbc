"""The draft of a report's results section, written in Vietnamese from the rollup.

Sentences are plain Python templates. Every number is a `Figure` carrying the indicator, unit,
part (the whole subtree, the unit's own records, the units below, a change since an earlier
period) and period it came from, so a page can show its source on hover and link to it, and a
test can check it equals the rollup; every document named is a `Ref` linking to its page.
What did not happen is left out (no "0 buổi"); the wording of each sentence is picked
deterministically from a few variants (same unit and period → same text), so reports of
sibling units do not read as copies of one another.

The officer edits the text freely. `Narrative.provenance()` is kept with the submission, and
`annotate()` finds the figures and documents again in the edited text, so the page still shows
where each one comes from, and which ones the officer changed.
"""

import datetime
import re
import zlib
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from binhyen.core.periods import parse_period
from binhyen.core.text import fold, format_date, format_number
from binhyen.documents.models import Document
from binhyen.figures import registry
from binhyen.org.history import WAS
from binhyen.reporting.rollup import Engine, rollup

# A report tells what happened in its period: each record under the tree of its own date, so a
# restructure after the period never changes an approved report (binhyen.org.history).
REPORT_BASIS = WAS

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
# kinds told in sentences of their own (with the unit's own share and a comparison); the others
# are listed together in one sentence, as an officer would write them
MAIN_KINDS = ("tuyen_truyen", "hoi_nghi")
# the audience a federation's own sessions are usually for; named when all of them were
OWN_AUDIENCE = ("can_bo_cong_doan", "cán bộ công đoàn")
GROUP_KIND = "nha_tro"
GROUPS = f"groups.active[kind={GROUP_KIND}]"
MEMBERS = f"groups.members[kind={GROUP_KIND}]"
WARDS = f"groups.wards[kind={GROUP_KIND}]"
INCIDENTS = "incidents.count"
STOPPAGES = "incidents.count[kind=ngung_viec]"
STOPPAGE_WORKERS = "incidents.stoppage_workers"
STOPPAGE_DAYS = "incidents.stoppage_worker_days"
FDI_SHARE = "incidents.stoppage_fdi_share"
NO_UNION = "incidents.stoppages_without_union"
TIPS, TIPS_ANSWERED = "tips.count", "tips.answered"
CONTEXT = 24  # characters kept on each side of a figure to find it again in an edited text
NAMED_DOCUMENTS = 3  # documents of the units below named before "…"
PLAN_FIGURES = 6  # plans whose activities are counted one by one


@dataclass(frozen=True)
class Figure:
    value: float
    indicator: str  # the indicator request key, e.g. activity.sessions[kind=tuyen_truyen]
    period: str  # the period code
    label: str  # "Số cuộc, buổi (Tuyên truyền) · Giai đoạn 2018 - 2023"
    unit: str = ""  # code of the unit whose figures these are
    # "" the unit's whole subtree; "own" its own records; "below" the units below it;
    # "change" the difference from the `base` period; "percent" that difference in %; "times"
    # the figure divided by the one of the `base` period
    part: str = ""
    base: str = ""  # the period code compared with
    text: str = ""  # how it is written when not a plain number ("12,5")

    def __str__(self):
        return self.text or format_number(self.value)

    def source_url(self):
        """The page showing where the figure comes from (the rollup it was read from)."""
        query = {"unit": self.unit, "period": self.period, "indicator": self.indicator}
        if self.part:
            query["phan"] = self.part
        if self.base:
            query["so_voi"] = self.base
        query["basis"] = REPORT_BASIS
        return f"{reverse('reporting:figure')}?{urlencode(query)}"


@dataclass(frozen=True)
class Ref:
    """A document named in the text, with the page it opens."""

    text: str
    url: str = ""

    def __str__(self):
        return self.text


@dataclass
class Section:
    heading: str
    paragraphs: list = field(default_factory=list)  # each a list of str, Figure and Ref


@dataclass
class Narrative:
    unit: object
    period: object
    sections: list

    def figures(self):
        return [
            s for sec in self.sections for p in sec.paragraphs for s in p if isinstance(s, Figure)
        ]

    def refs(self):
        return [s for sec in self.sections for p in sec.paragraphs for s in p if isinstance(s, Ref)]

    def paragraphs(self):
        """(heading or None, plain text) in reading order: what a document prints."""
        out = []
        for sec in self.sections:
            if sec.heading:
                out.append((sec.heading, None))
            out.extend((None, "".join(str(s) for s in p)) for p in sec.paragraphs)
        return out

    def text(self):
        lines = []
        for sec in self.sections:
            if sec.heading:
                lines.append(sec.heading)
            lines.extend("".join(str(s) for s in p) for p in sec.paragraphs)
        return "\n".join(lines)

    def describe(self, f):
        """Where a figure comes from, in words, one fact a line: the indicator with its filters,
        the period, whose figures (the whole subtree, the unit's own records, the units below)
        and, for a change, the period it is compared with."""
        what, _sep, when = f.label.rpartition(" · ")
        name = (
            self.unit.name if self.unit is not None and f.unit in ("", self.unit.code) else f.unit
        )
        whose = {
            "own": _("Riêng %(u)s (không gồm các đơn vị trực thuộc)"),
            "below": _("Các đơn vị trực thuộc %(u)s"),
        }.get(f.part, _("%(u)s và các đơn vị trực thuộc"))
        lines = [what or f.label, when, whose % {"u": name}]
        if f.part in ("change", "percent", "times"):
            base = parse_period(f.base).in_sentence
            lines.append(
                {
                    "change": _("Chênh lệch so với %(p)s"),
                    "percent": _("Tỷ lệ tăng, giảm so với %(p)s"),
                    "times": _("Số lần so với %(p)s"),
                }[f.part]
                % {"p": base}
            )
        return "\n".join(line for line in lines if line)

    def html(self, live=None, note=""):
        """The text as HTML: each figure links to its source and names it in its title
        (indicator with its filters, period, unit, part); each document links to its page.
        `live` ({indicator key: value now}) marks the figures of the whole subtree over the
        period whose value is no longer the one written, with `note` in front of old → new."""
        parts = []
        for sec in self.sections:
            if sec.heading:
                parts.append(f'<h3 class="h6 mt-3">{escape(sec.heading)}</h3>')
            for p in sec.paragraphs:
                parts.append("<p>" + "".join(self._html(s, live or {}, note) for s in p) + "</p>")
        return mark_safe("\n".join(parts))

    def _html(self, s, live, note):
        if isinstance(s, Figure):
            out = (
                f'<a class="figure" href="{escape(s.source_url())}" title="{escape(self.describe(s))}" '
                f'data-indicator="{escape(s.indicator)}" data-period="{escape(s.period)}" '
                f'data-unit="{escape(s.unit)}">{escape(str(s))}</a>'
            )
            now = live.get(s.indicator) if not s.part and s.period == self.period.code else None
            if now is not None and now != s.value:
                out += (
                    f' <mark class="figure-changed" data-indicator="{escape(s.indicator)}">'
                    f"{escape(note)}: {escape(str(s))} → {escape(format_number(now))}</mark>"
                )
            return out
        if isinstance(s, Ref):
            if s.url:
                return f'<a class="document-ref" href="{escape(s.url)}">{escape(s.text)}</a>'
            return escape(s.text)
        return escape(s)

    def provenance(self):
        """The figures and documents in reading order, each with the text around it: what a
        submission keeps so that its page finds them again once the officer has edited it."""
        out = []
        for sec in self.sections:
            for p in sec.paragraphs:
                for i, s in enumerate(p):
                    if not isinstance(s, (Figure, Ref)):
                        continue
                    item = {
                        "kind": "figure" if isinstance(s, Figure) else "ref",
                        "written": str(s),
                        "before": "".join(str(x) for x in p[:i])[-CONTEXT:],
                        "after": "".join(str(x) for x in p[i + 1 :])[:CONTEXT],
                    }
                    item.update(asdict(s))
                    out.append(item)
        return out


# ---------------------------------------------------------------- the officer's text, annotated

HEADING = re.compile(r"^\s*(\d{1,2}|[IVX]{1,4})\.\s+\S")


def _boundary_ok(text, start, end):
    """A number found at text[start:end] is a whole number, not part of a bigger one."""
    before = text[start - 1] if start > 0 else ""
    if before.isdigit() or (before in ".," and start > 1 and text[start - 2].isdigit()):
        return False
    after = text[end] if end < len(text) else ""
    if after.isdigit() or (after in ".," and end + 1 < len(text) and text[end + 1].isdigit()):
        return False
    return True


def _find(text, item, start, taken):
    written = item["written"]
    if not written:
        return None
    k_after, k_before = min(10, len(item["after"])), min(10, len(item["before"]))
    pos = text.find(written, start)
    while pos != -1:
        end = pos + len(written)
        free = not any(a < end and pos < b for a, b in taken)
        if free and _boundary_ok(text, pos, end):
            after_ok = k_after and text[end : end + k_after] == item["after"][:k_after]
            before_ok = (
                k_before and text[max(0, pos - k_before) : pos] == item["before"][-k_before:]
            )
            if after_ok or before_ok:
                return pos
        pos = text.find(written, pos + 1)
    return None


def _segment(item):
    if item["kind"] == "ref":
        return Ref(item["text"], item.get("url", ""))
    return Figure(
        item["value"],
        item["indicator"],
        item["period"],
        item["label"],
        item.get("unit", ""),
        item.get("part", ""),
        item.get("base", ""),
        item.get("text", ""),
    )


def annotate(text, provenance, unit, period):
    """(Narrative, figures not found) of the officer's `text`: the figures and documents of
    the draft it was written from are found where they still stand — the same number with
    the same words right after or before it — and keep their source; a figure the officer
    changed or removed is returned in the second list. Lines like "1. …" are headings."""
    text = text or ""
    spans, taken, missing, cursor = [], [], [], 0
    for item in provenance or ():
        pos = _find(text, item, cursor, taken)
        if pos is None:
            pos = _find(text, item, 0, taken)  # the officer may have moved a sentence up
        if pos is None:
            if item["kind"] == "figure":
                missing.append(_segment(item))
            continue
        end = pos + len(item["written"])
        spans.append((pos, end, _segment(item)))
        taken.append((pos, end))
        cursor = end
    spans.sort(key=lambda s: s[0])
    sections, current, offset = [], None, 0
    for line in text.splitlines(keepends=True):
        start = offset
        offset += len(line)
        body = line.rstrip("\r\n")
        if not body.strip():
            continue
        pieces, at = [], start
        for a, b, segment in spans:
            if a >= start and b <= start + len(body):
                if a > at:
                    pieces.append(text[at:a])
                pieces.append(segment)
                at = b
        if at < start + len(body):
            pieces.append(text[at : start + len(body)])
        if HEADING.match(body) and len(body) < 160 and all(isinstance(p, str) for p in pieces):
            current = Section(body.strip())
            sections.append(current)
            continue
        if current is None:
            current = Section("")
            sections.append(current)
        current.paragraphs.append(pieces)
    return Narrative(unit, period, sections), missing


# ---------------------------------------------------------------- writing


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


def _and(items):
    """[a, b, c] → [a, ", ", b, " và ", c] (segments kept as they are)."""
    out = []
    for i, item in enumerate(items):
        if i:
            out.append(" và " if i == len(items) - 1 else ", ")
        out.extend(item if isinstance(item, list) else [item])
    return out


def _day(d):
    """ "23/3/2022": the date as documents are cited in running text."""
    return f"{d.day}/{d.month}/{d.year}"


class _Writer:
    def __init__(self, unit, period, as_of=None):
        self.unit, self.period, self.as_of = unit, period, as_of
        self.basis = None if as_of else REPORT_BASIS
        self.kinds = list(KIND_WORDS)
        requests = []
        for k in self.kinds:
            requests += [f"activity.sessions[kind={k}]", f"activity.attendances[kind={k}]"]
        for k in ("tuyen_truyen", "hoi_nghi"):
            requests += [
                f"activity.sessions[kind={k};audience={OWN_AUDIENCE[0]}]",
                f"activity.attendances[kind={k};audience={OWN_AUDIENCE[0]}]",
            ]
        requests += [
            "activity.leaflets",
            GROUPS,
            MEMBERS,
            WARDS,
            "groups.boarding_houses",
            "cameras.working",
            # the incidents paragraph's figures, read in the same rollup
            INCIDENTS,
            STOPPAGES,
            STOPPAGE_WORKERS,
            STOPPAGE_DAYS,
            FDI_SHARE,
            NO_UNION,
            TIPS,
            TIPS_ANSWERED,
        ]
        self.requests = {r.key: r for r in registry.parse_list(requests)}
        engine = Engine(unit, period, as_of, basis=self.basis)
        self.data = rollup(unit, period, list(self.requests), by="child", engine=engine)
        self.total = self.data["total"]
        self.own = next(
            (row["values"] for row in self.data["rows"] if row["unit"]["code"] == unit.code), {}
        )
        self.previous = None
        if self.has_children():
            self.subject = _pick(
                ["các cấp công đoàn thuộc {u}", "các cấp công đoàn trong {u}"],
                unit.code,
                period.code,
            ).format(u=unit.name)
            # after the first sentence the full name would read as a drone; officers shorten it
            self.short = ["các cấp công đoàn", "toàn hệ thống", "các đơn vị"]
        else:
            self.subject = unit.name
            self.short = ["đơn vị"]
        self.sentences = self.splits = 0

    def level(self):
        """ "cấp thành phố", "cấp tỉnh": how a report names its own level after the first time."""
        name = fold(self.unit.name)
        if self.unit.kind.rank in (1, 2):
            for word, label in (
                ("thanh pho", "thành phố"),
                ("tinh", "tỉnh"),
                ("quan", "quận"),
                ("huyen", "huyện"),
                ("thi xa", "thị xã"),
            ):
                if word in name:
                    return f"cấp {label}"
        return "đơn vị"

    def who(self, k):
        self.sentences += 1
        if self.sentences == 1:
            return self.subject
        return self.short[(self.offset + self.sentences) % len(self.short)]

    @property
    def offset(self):
        return zlib.crc32(f"{self.unit.code}|{self.period.code}".encode())

    def has_children(self):
        return any(row["unit"]["code"] != self.unit.code for row in self.data["rows"])

    def label(self, key, period=None):
        period = period or self.period
        request = self.requests.get(key) or registry.parse(key)
        return f"{request.label} · {period.label}"

    def fig(self, key, value=None, period=None, part="", base=None, text=""):
        period = period or self.period
        value = self.total.get(key) if value is None else value
        return Figure(
            value,
            key,
            period.code,
            self.label(key, period),
            self.unit.code,
            part,
            base.code if base else "",
            text,
        )

    # ------------------------------------------------------------ leadership and documents

    def documents(self):
        """The documents the unit issued in the period (with those they carry out) and those
        of the units below it."""
        related = ("doc_type", "issuer", "issuer_unit")
        dated = {"issued_on__gte": self.period.start, "issued_on__lte": self.period.end}
        own = list(
            Document.objects.filter(issuer_unit=self.unit, **dated)
            .select_related(*related)
            .prefetch_related(
                Prefetch("implements", queryset=Document.objects.select_related(*related))
            )
            .order_by("issued_on", "id")
        )
        below = list(
            Document.objects.filter(issuer_unit__path__startswith=self.unit.path, **dated)
            .exclude(issuer_unit=self.unit)
            .select_related(*related)
            .order_by("issued_on", "issuer_unit__path", "id")
        )
        return own, below

    def ref(self, doc, text=None):
        """A document as written in the text; linked when its page is the unit's own or public."""
        inside = doc.issuer_unit_id and doc.issuer_unit.path.startswith(self.unit.path)
        url = doc.get_absolute_url() if inside or doc.shared else ""
        return Ref(text or doc.label, url)

    def doc_list(self, docs, dated):
        """ "Kế hoạch số 330/KH-LĐLĐ ngày 01/4/2022", or grouped by type: "các kế hoạch số
        96/KH-LĐLĐ, 112/KH-LĐLĐ và 127/KH-LĐLĐ"."""
        groups = {}
        for d in docs:
            groups.setdefault(d.doc_type_id, []).append(d)
        items = []
        for same in groups.values():
            name = same[0].doc_type.name
            if len(same) == 1:
                d = same[0]
                item = [f"{name} số ", self.ref(d, d.reference)]
                if dated and d.issued_on:
                    item.append(f" ngày {_day(d.issued_on)}")
                items.append(item)
            else:
                refs = [self.ref(d, d.reference) for d in same]
                if len(groups) > 1:  # one "và" per sentence: the inner list takes commas only
                    listed = [x for i, r in enumerate(refs) for x in ([", "] if i else []) + [r]]
                else:
                    listed = _and(refs)
                items.append([f"các {name.lower()} số "] + listed)
        return _and(items)

    def implemented(self, own):
        """What the unit's documents carry out that it did not issue in the period itself:
        outside bodies' documents first, oldest first."""
        seen, out = {d.pk for d in own}, []
        for d in own:
            for target in d.implements.all():
                inside_below = (
                    target.issuer_unit_id
                    and target.issuer_unit.path.startswith(self.unit.path)
                    and target.issuer_unit_id != self.unit.pk
                )
                if target.pk not in seen and not inside_below:
                    seen.add(target.pk)
                    out.append(target)
        out.sort(
            key=lambda d: (
                not d.shared,
                d.issued_on is None,
                d.issued_on or datetime.date.min,
                d.pk,
            )
        )
        return out

    def leadership_paragraphs(self):
        own, below = self.documents()
        paragraphs = []
        body = "Ban Thường vụ" if self.has_children() else "Ban Chấp hành"
        if own:
            sources = self.implemented(own)
            parts = []
            if sources:
                named = sources[:4]
                cited = []
                for d in named:
                    item = [d.doc_type.name + " số ", self.ref(d, d.reference)]
                    if d.shared and len(named) <= 2:
                        item.append(f" của {d.issuer.name}")
                    cited.append(item)
                parts += ["thực hiện "] + _and(cited)
                if len(sources) > len(named):
                    parts.append(" cùng các văn bản chỉ đạo của cấp trên")
                parts.append(f", {body} {self.unit.name} đã ban hành ")
            else:
                parts.append(f"{body} {self.unit.name} đã ban hành ")
            parts += self.doc_list(own, dated=len(own) <= 3)
            parts.append(
                _pick(
                    [
                        " để lãnh đạo, chỉ đạo công tác phòng, chống tội phạm trong kỳ",
                        " triển khai công tác phòng, chống tội phạm trong công nhân, viên chức, lao động",
                    ],
                    self.unit.code,
                    self.period.code,
                    "documents",
                )
            )
            paragraphs.append(_sentence(parts))
        if below:
            writers = {}
            for d in below:
                writers.setdefault(d.issuer_unit_id, d)
            named = list(writers.values())[:NAMED_DOCUMENTS]
            lead = _pick(
                [
                    "các đơn vị trực thuộc đã cụ thể hóa bằng văn bản của đơn vị mình",
                    "các đơn vị trực thuộc đã xây dựng kế hoạch, văn bản triển khai phù hợp với tình hình đơn vị",
                ],
                self.unit.code,
                self.period.code,
                "below",
            )
            parts = [lead, ", như " if len(below) > len(named) else ": "]
            parts += _and(
                [
                    [
                        f"{d.doc_type.name} số ",
                        self.ref(d, d.reference),
                        f" của {d.issuer_unit.name}",
                    ]
                    for d in named
                ]
            )
            paragraphs.append(_sentence(parts))
        plans = self.plan_sentence([d for d in own if d.doc_type.is_plan])
        if plans:
            paragraphs.append(plans)
        return paragraphs

    def plan_sentence(self, plans):
        """The activities recorded as carrying out each plan, read through the activity
        indicators' document dimension."""
        if not plans or "document" not in registry.get("activity.count").dimensions:
            return None
        plans = plans[:PLAN_FIGURES]
        keys = []
        for p in plans:
            keys += [f"activity.count[document={p.pk}]", f"activity.attendances[document={p.pk}]"]
        totals = rollup(
            self.unit, self.period, keys, by="none", as_of=self.as_of, basis=self.basis
        )["total"]
        found = [
            (
                p,
                totals.get(f"activity.count[document={p.pk}]") or 0,
                totals.get(f"activity.attendances[document={p.pk}]") or 0,
            )
            for p in plans
        ]
        found = [f for f in found if f[1]]
        if not found:
            return None

        def figures(p, count, attendances):
            c_key, a_key = (
                f"activity.count[document={p.pk}]",
                f"activity.attendances[document={p.pk}]",
            )
            out = [self.fig(c_key, count), " hoạt động"]
            if attendances:
                out += [" với ", self.fig(a_key, attendances), " lượt người tham dự"]
            return out

        if len(found) == 1:
            p, count, attendances = found[0]
            return _sentence(
                [f"thực hiện {p.doc_type.name} số ", self.ref(p, p.reference), ", đã có "]
                + figures(p, count, attendances)
                + [" được ghi nhận"]
            )
        items = [
            [f"{p.doc_type.name} số ", self.ref(p, p.reference), " có "]
            + figures(p, count, attendances)
            for p, count, attendances in found
        ]
        parts = ["số hoạt động được ghi nhận thực hiện từng kế hoạch: "]
        for i, item in enumerate(items):
            parts += ([] if i == 0 else ["; "]) + item
        return _sentence(parts)

    # ------------------------------------------------------------ outreach

    def previous_totals(self):
        if self.previous is None:
            prev = self.period.previous()
            keys = [
                f"activity.sessions[kind={k}]"
                for k in self.kinds
                if self.total.get(f"activity.sessions[kind={k}]")
            ]
            self.prev_period = prev
            self.previous = (
                rollup(self.unit, prev, keys, by="none", as_of=self.as_of, basis=self.basis)[
                    "total"
                ]
                if keys
                else {}
            )
        return self.previous

    def when(self, prev):
        if prev.kind == "range" and prev.start == _year_before(self.period.start):
            return "cùng kỳ năm trước"
        if prev.kind == "range" and not str(prev.label).startswith("Giai đoạn"):
            return "kỳ liền trước"
        return prev.in_sentence

    def comparison(self, key):
        before = self.previous_totals().get(key) or 0
        now = self.total.get(key) or 0
        if not before or not now or before == now:
            return []
        change = 100.0 * (now - before) / before
        word = "tăng" if change > 0 else "giảm"
        prev = self.prev_period
        clf, noun = KIND_WORDS[key.split("=")[1].rstrip("]")]
        lead = [
            f"so với {self.when(prev)} (",
            self.fig(key, before, period=prev),
            f" {clf}), số {clf} {noun} ",
        ]
        if now >= 2 * before:  # officers write "gấp 6,8 lần", not "tăng 583,3%"
            times = round(now / before, 1)
            return _sentence(
                lead
                + [
                    "gấp ",
                    self.fig(key, times, part="times", base=prev, text=_percent(times)),
                    " lần",
                ]
            )
        return _sentence(
            lead
            + [
                f"{word} ",
                self.fig(
                    key,
                    round(abs(change), 1),
                    part="percent",
                    base=prev,
                    text=_percent(abs(change)),
                ),
                "%",
            ]
        )

    def kind_sentence(self, k):
        clf, noun = KIND_WORDS[k]
        s_key, a_key = f"activity.sessions[kind={k}]", f"activity.attendances[kind={k}]"
        sessions, attendances = self.total.get(s_key) or 0, self.total.get(a_key) or 0
        if not sessions:
            return None
        what = f" {clf} {noun}"
        # consecutive sentences never share a wording; which one comes first depends on the unit
        variant = (self.offset + self.sentences) % 3
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
        compared = self.comparison(s_key)
        return _sentence(parts) + [" "] + compared if compared else _sentence(parts)

    def split(self, k, clf, s_key, a_key):
        """ "trong đó": the unit's own sessions and those of the units below, when both happened."""
        own_s, own_a = self.own.get(s_key) or 0, self.own.get(a_key) or 0
        total_s, total_a = self.total.get(s_key) or 0, self.total.get(a_key) or 0
        below_s, below_a = total_s - own_s, total_a - own_a
        if not own_s or not below_s:
            return []
        self.splits += 1
        parts = [
            "; trong đó ",
            self.unit.name if self.splits == 1 else self.level(),
            " trực tiếp tổ chức ",
            self.fig(s_key, own_s, part="own"),
            f" {clf}",
        ]
        aud_s = f"activity.sessions[kind={k};audience={OWN_AUDIENCE[0]}]"
        aud_a = f"activity.attendances[kind={k};audience={OWN_AUDIENCE[0]}]"
        for_officers = (
            aud_s in self.requests and self.own.get(aud_s) == own_s and self.own.get(aud_a) == own_a
        )
        if own_a:
            parts += [
                " cho ",
                self.fig(aud_a if for_officers else a_key, own_a, part="own"),
                f" lượt {OWN_AUDIENCE[1]}" if for_officers else " lượt người",
            ]
        grassroots = self.unit.kind.rank >= 2
        below = "các công đoàn cơ sở trực thuộc" if grassroots else "các đơn vị trực thuộc"
        parts += [f", {below} tổ chức ", self.fig(s_key, below_s, part="below"), f" {clf}"]
        if below_a:
            parts += [" với ", self.fig(a_key, below_a, part="below"), " lượt người"]
        return parts

    def other_kinds_sentence(self):
        """ "Ngoài ra, … còn tổ chức 293 cuộc hội thi (52.657 lượt người), 429 cuộc hội thao …"."""
        items = []
        for k in self.kinds:
            if k in MAIN_KINDS:
                continue
            clf, noun = KIND_WORDS[k]
            s_key, a_key = f"activity.sessions[kind={k}]", f"activity.attendances[kind={k}]"
            if not self.total.get(s_key):
                continue
            item = [self.fig(s_key), f" {clf} {noun if k != 'khac' else 'khác'}"]
            if self.total.get(a_key):
                item += [" (", self.fig(a_key), " lượt người)"]
            items.append(item)
        if not items:
            return None
        main = any(self.total.get(f"activity.sessions[kind={k}]") for k in MAIN_KINDS)
        lead = (
            f"ngoài ra, {self.who('other')} còn tổ chức "
            if main
            else f"{self.who('other')} đã tổ chức "
        )
        return _sentence([lead] + _and(items))

    def coverage_sentence(self):
        """How widely the movement reached the grassroots: the share of grassroots unions open
        in the period that held at least one outreach session ("100% công đoàn cơ sở…")."""
        share, held, open_ = (
            "units.outreach_share",
            "units.reporting[kind=tuyen_truyen]",
            "units.grassroots_open",
        )
        if not self.total.get("activity.sessions[kind=tuyen_truyen]"):
            return None
        totals = rollup(
            self.unit,
            self.period,
            [held, open_, share],
            by="none",
            as_of=self.as_of,
            basis=self.basis,
        )["total"]
        if not totals.get(open_) or not totals.get(held) or totals.get(share) is None:
            return None
        self.requests.update({r.key: r for r in registry.parse_list([held, open_, share])})
        pct = self.fig(share, totals[share], text=_percent(totals[share]))
        if totals[held] == totals[open_]:
            return _sentence(
                [
                    pct,
                    "% công đoàn cơ sở trực thuộc (",
                    self.fig(open_, totals[open_]),
                    " đơn vị) đã tổ chức tuyên truyền trong kỳ",
                ]
            )
        return _sentence(
            [
                "có ",
                self.fig(held, totals[held]),
                "/",
                self.fig(open_, totals[open_]),
                " công đoàn cơ sở trực thuộc, đạt ",
                pct,
                "%, đã tổ chức ít nhất một buổi tuyên truyền trong kỳ",
            ]
        )

    def leaflets_sentence(self):
        if not self.total.get("activity.leaflets"):
            return None
        return _sentence(
            [
                _pick(
                    ["bên cạnh đó, đã phát hành ", "các cấp công đoàn đã in và phát "],
                    self.unit.code,
                    self.period.code,
                    "leaflets",
                ),
                self.fig("activity.leaflets"),
                " tờ rơi, tài liệu tuyên truyền đến người lao động",
            ]
        )

    # ------------------------------------------------------------ models (groups, cameras)

    def groups_sentence(self):
        g, m, w = GROUPS, MEMBERS, WARDS
        if not self.total.get(g):
            return None
        day = format_date(min(self.period.end, self.as_of or self.unit.valid_to or self.period.end))
        variant = _pick([0, 1], self.unit.code, self.period.code, "groups")
        if variant == 0:
            parts = [
                f"tính đến ngày {day}, {self.subject} có ",
                self.fig(g),
                " tổ công nhân tự quản khu nhà trọ đang hoạt động",
            ]
            if self.total.get(m):
                parts += [", gồm ", self.fig(m), " thành viên"]
            if self.total.get(w):
                parts += [", trải rộng trên ", self.fig(w), " phường, xã"]
        else:
            parts = [
                f"các tổ công nhân tự quản ở khu nhà trọ vẫn giữ được hoạt động: đến ngày {day} có ",
                self.fig(g),
                " tổ",
            ]
            if self.total.get(m):
                parts += [" với tổng số ", self.fig(m), " thành viên"]
            if self.total.get(w):
                parts += [", có mặt ở ", self.fig(w), " phường, xã"]
        if self.total.get("groups.boarding_houses"):
            parts += ["; các tổ đang phụ trách ", self.fig("groups.boarding_houses"), " nhà trọ"]
        return _sentence(parts)

    def groups_comparison(self):
        """Groups, members and wards against the end of the previous period, when the unit
        had groups then (a comparison with nothing says nothing)."""
        if not self.total.get(GROUPS):
            return None
        prev = self.period.previous()
        before = rollup(
            self.unit, prev, [GROUPS, MEMBERS, WARDS], by="none", as_of=self.as_of, basis=self.basis
        )["total"]
        if not before.get(GROUPS):
            return None
        changes = []
        for key, noun in (
            (GROUPS, "số tổ"),
            (MEMBERS, "số thành viên"),
            (WARDS, "số phường, xã có tổ hoạt động"),
        ):
            diff = (self.total.get(key) or 0) - (before.get(key) or 0)
            if diff:
                changes.append(
                    [
                        f"{noun} {'tăng' if diff > 0 else 'giảm'} ",
                        self.fig(key, abs(diff), part="change", base=prev),
                    ]
                )
        day = format_date(prev.end)
        if not changes:
            return _sentence(
                [
                    f"so với ngày {day}, số tổ (",
                    self.fig(GROUPS, before[GROUPS], period=prev),
                    "), số thành viên và địa bàn hoạt động được giữ ổn định",
                ]
            )
        return _sentence(
            [f"so với ngày {day} (", self.fig(GROUPS, before[GROUPS], period=prev), " tổ"]
            + (
                [", ", self.fig(MEMBERS, before[MEMBERS], period=prev), " thành viên"]
                if before.get(MEMBERS)
                else []
            )
            + ["), "]
            + _and(changes)
        )

    def cameras_sentence(self):
        if not self.total.get("cameras.working"):
            return None
        return _sentence(
            [
                "hệ thống ",
                self.fig("cameras.working"),
                " camera an ninh do công đoàn vận động lắp đặt đang hoạt động, hỗ trợ giữ gìn trật tự khu nhà trọ",
            ]
        )

    # ------------------------------------------------------------ incidents and tips

    def incidents_paragraph(self):
        """The cases recorded in the period (the stoppages among them: workers, worker-days, the
        share at FDI enterprises and those without a union) against the previous period, and
        the tips received and answered; nothing when there was no case."""
        total = self.total.get(INCIDENTS) or 0
        if not total:
            return None
        parts = [
            f"trong kỳ, {self.subject} đã ghi nhận ",
            self.fig(INCIDENTS),
            " vụ việc về an ninh, trật tự liên quan đến công nhân, viên chức, lao động",
        ]
        stoppages = self.total.get(STOPPAGES) or 0
        if stoppages:
            parts += ["; trong đó có ", self.fig(STOPPAGES), " vụ ngừng việc tập thể"]
            if self.total.get(STOPPAGE_WORKERS):
                parts += [" với ", self.fig(STOPPAGE_WORKERS), " người lao động tham gia"]
            if self.total.get(STOPPAGE_DAYS):
                parts += [", làm mất ", self.fig(STOPPAGE_DAYS), " ngày công"]
            share = self.total.get(FDI_SHARE)
            if share:
                parts += [
                    "; ",
                    self.fig(FDI_SHARE, share, text=_percent(share)),
                    "% số vụ ngừng việc xảy ra tại doanh nghiệp có vốn đầu tư nước ngoài",
                ]
            if self.total.get(NO_UNION):
                parts += [
                    ", ",
                    self.fig(NO_UNION),
                    " vụ tại doanh nghiệp chưa có tổ chức công đoàn",
                ]
        paragraph = _sentence(parts)
        prev = self.period.previous()
        before = rollup(
            self.unit, prev, [INCIDENTS], by="none", as_of=self.as_of, basis=self.basis
        )["total"].get(INCIDENTS)
        before = before or 0
        when = self.when(prev)
        if not before:
            compared = [f"{when} không ghi nhận vụ việc nào"]
        elif before == total:
            compared = [
                f"số vụ việc bằng {when} (",
                self.fig(INCIDENTS, before, period=prev),
                " vụ)",
            ]
        else:
            diff = total - before
            compared = [
                f"so với {when} (",
                self.fig(INCIDENTS, before, period=prev),
                " vụ), số vụ việc " + ("tăng " if diff > 0 else "giảm "),
                self.fig(INCIDENTS, abs(diff), part="change", base=prev),
                " vụ",
            ]
        paragraph += [" "] + _sentence(compared)
        tips = self.total.get(TIPS) or 0
        if tips:
            tip_parts = [
                "các cấp công đoàn đã tiếp nhận ",
                self.fig(TIPS),
                " tin báo của công nhân, người dân",
            ]
            answered = self.total.get(TIPS_ANSWERED) or 0
            if answered:
                tip_parts += [", đã trả lời, xử lý ", self.fig(TIPS_ANSWERED), " tin"]
            paragraph += [" "] + _sentence(tip_parts)
        return paragraph

    def write(self):
        sections = []
        leadership = self.leadership_paragraphs()
        if leadership:
            sections.append(Section("1. Công tác lãnh đạo, chỉ đạo", leadership))
        outreach = [s for s in (self.kind_sentence(k) for k in MAIN_KINDS) if s]
        for sentence in (
            self.coverage_sentence(),
            self.other_kinds_sentence(),
            self.leaflets_sentence(),
        ):
            if sentence:
                outreach.append(sentence)
        if outreach:
            sections.append(
                Section(
                    f"{len(sections) + 1}. Công tác tuyên truyền, phổ biến, giáo dục pháp luật",
                    outreach,
                )
            )
        groups = self.groups_sentence()
        if groups:
            compared = self.groups_comparison()
            groups = groups + [" "] + compared if compared else groups
        models = [s for s in (groups, self.cameras_sentence()) if s]
        if models:
            sections.append(
                Section(f"{len(sections) + 1}. Xây dựng và duy trì các mô hình", models)
            )
        incidents = self.incidents_paragraph()
        if incidents:
            sections.append(
                Section(f"{len(sections) + 1}. Tình hình vụ việc, tin báo", [incidents])
            )
        return Narrative(self.unit, self.period, sections)


def generate(unit, period, as_of=None):
    """The results section of `unit`'s report for `period`, on the reports' basis (each record
    under the tree of its own date: REPORT_BASIS) unless `as_of` names one tree. Vietnamese
    whoever asks: the text goes into the report, and its figures' labels are kept with the
    submission."""
    with translation.override(settings.LANGUAGE_CODE):
        return _Writer(unit, period, as_of).write()
