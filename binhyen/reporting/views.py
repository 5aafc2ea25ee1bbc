"""The dashboard: a unit's headline figures against the previous period, its children's table
(drill down by clicking), a monthly trend chart drawn as SVG on the server, and the table as
an Excel file with the same figures; and the source page of one figure, which a report's
figures link to. Every figure comes from `rollup()`, within the reader's figure scope
(binhyen.org.scoping.figure_scope): for a police liaison the groups' figures of their wards
only, and the indicators without a ward (the activities, the outreach share) left out of the
headline, the table, the trend and the Excel file, named as "không thuộc phạm vi xem".

The incidents and tips have a section of their own, filtered by incident kind (`?loai=`):
headline figures against the previous period and a table by child. They are read in the same
rollups as the rest (one engine, one call per period), so the section adds one query."""

import io
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from binhyen.core import periods
from binhyen.core.spreadsheets.write import append_text_row
from binhyen.core.text import format_date, format_number
from binhyen.figures import registry
from binhyen.incidents.models import IncidentKind
from binhyen.ops.tasks import start_job
from binhyen.org import history
from binhyen.org.models import Area, Unit
from binhyen.org.scoping import figure_scope

from . import params, tasks
from .rollup import Engine, in_scope, rollup, split_by_scope

HEADLINE = [
    "activity.count",
    "activity.sessions",
    "activity.attendances",
    "groups.active",
    "units.outreach_share",
]
TABLE = HEADLINE[:4] + ["groups.members"] + HEADLINE[4:]
TREND = "activity.sessions"
# the incidents section: the figures filtered by the chosen kind, those of stoppages (when the
# kind is stoppages or all), and the tips; the headline's with their change
INCIDENT_FIGURES = (
    "incidents.count",
    "incidents.open",
    "incidents.resolution_days_median",
)
STOPPAGE_FIGURES = (
    "incidents.stoppage_workers",
    "incidents.stoppage_worker_days",
    "incidents.stoppage_fdi_share",
    "incidents.stoppage_without_union_share",
)
TIP_FIGURES = ("tips.count", "tips.answered_share")
INCIDENT_HEADLINE = ("incidents.count", "incidents.open", "tips.count")
CHART_W, CHART_H, CHART_PAD = 720, 220, 28
CUBE_MEASURES = ("activities", "sessions", "attendances", "leaflets")


def _question(request):
    return question(request.user, request.GET)


def question(user, query):
    """(unit, period, basis, error message) from ?unit=CODE&period=…&basis=was|now (`query`: the
    GET or POST parameters, or a job's); 404 for an unseen unit; the basis is the one
    history.choose gives (a closed unit: as it was)."""
    unit = params.unit_for(user, query.get("unit"))
    text = query.get("period") or str(periods.today().year)
    error = None
    try:
        period = params.period_for(text)
    except params.BadParameter as exc:
        period, error = params.period_for(str(periods.today().year)), str(exc)
    try:
        asked = params.basis_for(query.get("basis"))
    except params.BadParameter as exc:
        asked, error = None, str(exc)
    return unit, period, history.choose(unit, period, asked), error


def _fmt(value, ratio=False):
    if value is None:
        return "—"
    # a median of days keeps its decimal: "4,5"
    return f"{_one_decimal(value)}%" if ratio else format_number(value, trim=True)


def _one_decimal(value):
    """87.5 → "87,5", 100.0 → "100" (percentages are rounded to one decimal)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _svg(number):
    """A coordinate for an SVG attribute: always a dot, whatever the page's locale."""
    return f"{number:.1f}"


def _change(now, before):
    if now is None or before is None:
        return None
    diff = now - before
    if isinstance(diff, float):
        diff = round(diff, 1)
        text = _one_decimal(diff) + " " + _("điểm %")
    else:
        text = format_number(diff)
    return {
        "value": diff,
        "text": ("+" if diff > 0 else "") + text,
        "up": diff > 0,
        "down": diff < 0,
    }


def _chart(rows):
    """Bars of the trend indicator per month, as coordinates the template only loops over."""
    values = [r["values"][TREND] for r in rows]
    top = max(values + [1])
    width = (CHART_W - 2 * CHART_PAD) / max(len(values), 1)
    bars = []
    for i, (row, value) in enumerate(zip(rows, values, strict=True)):
        height = (CHART_H - 2 * CHART_PAD) * value / top
        year, month = row["month"].split("-")
        bars.append(
            {
                "x": _svg(CHART_PAD + i * width + width * 0.1),
                "width": _svg(width * 0.8),
                "y": _svg(CHART_H - CHART_PAD - height),
                "height": _svg(height),
                "label": f"{int(month)}/{year[2:]}"
                if len(rows) <= 24 or int(month) in (1, 7)
                else "",
                "label_x": _svg(CHART_PAD + (i + 0.5) * width),
                "title": _("Tháng %(m)s/%(y)s: %(v)s")
                % {"m": int(month), "y": year, "v": format_number(value)},
            }
        )
    return {
        "bars": bars,
        "width": CHART_W,
        "height": CHART_H,
        "max": format_number(top),
        "base": CHART_H - CHART_PAD,
        "top": CHART_PAD,
        "label_y": CHART_H - 8,
    }


def _table(result, unit, requests):
    ratios = {r.key for r in requests if r.indicator.kind == registry.RATIO}
    rows = []
    for row in result["rows"]:
        own = row["unit"]["code"] == unit.code
        rows.append(
            {
                "code": row["unit"]["code"],
                "name": row["unit"]["name"],
                "own": own,
                "cells": [_fmt(row["values"][r.key], r.key in ratios) for r in requests],
                "raw": [row["values"][r.key] for r in requests],
            }
        )
    total = [_fmt(result["total"][r.key], r.key in ratios) for r in requests]
    return rows, total


def scope_notes(scope, hidden=()):
    """What a page says about a reader's figure scope: the wards its figures are limited to
    (names, one query) and the labels of the indicators left out as out of scope."""
    wards = []
    if scope.wards_only:
        wards = list(
            Area.objects.filter(pk__in=scope.ward_ids)
            .order_by("name")
            .values_list("name", flat=True)
        )
    return {"scope_wards": wards, "out_of_scope": [r.label for r in hidden]}


def incident_question(query):
    """(the incident kind code asked by ?loai= or None for all, an error message or None)."""
    code = (query.get("loai") or "").strip() or None
    if code is None:
        return None, None
    try:
        registry.parse(registry.with_filter("incidents.count", kind=code))
    except ValidationError:  # an unknown or malformed code
        return None, _("Không có loại vụ việc “%(c)s”; đang xem mọi loại.") % {"c": code}
    return code, None


def incident_specs(kind):
    """(specs of the incidents section's table, those of its headline) for `kind` (None: all)."""
    specs = [registry.with_filter(code, kind=kind) for code in INCIDENT_FIGURES]
    if kind in (None, IncidentKind.STOPPAGE):
        specs += STOPPAGE_FIGURES
    specs += TIP_FIGURES
    headline = [registry.with_filter(code, kind=kind) for code in INCIDENT_HEADLINE[:2]]
    return specs, headline + list(INCIDENT_HEADLINE[2:])


def _headline(requests, now, before):
    out = []
    for r in requests:
        ratio = r.indicator.kind == registry.RATIO
        value = now["total"][r.key]
        out.append(
            {
                "label": r.label,
                "unit": r.indicator.unit,
                "value": _fmt(value, ratio),
                "change": _change(value, before["total"].get(r.key)),
            }
        )
    return out


def _empty(unit):
    return {"unit": {"code": unit.code, "name": unit.name}, "rows": [], "total": {}}


@login_required
def dashboard(request):
    unit, period, basis, error = _question(request)
    kind, kind_error = incident_question(request.GET)
    scope = figure_scope(request.user, unit)
    requests, hidden = split_by_scope(registry.parse_list(TABLE), scope)
    headline_requests, _hidden = split_by_scope(registry.parse_list(HEADLINE), scope)
    incident_table, incident_headline = incident_specs(kind)
    incident_requests, _hidden = split_by_scope(registry.parse_list(incident_table), scope)
    incident_headline, _hidden = split_by_scope(registry.parse_list(incident_headline), scope)
    # the table and the trend share their queries, and both periods one read of the tree
    snapshot = history.Snapshot(min(period.start, period.previous().start))
    engine = Engine(unit, period, detail=True, scope=scope, basis=basis, snapshot=snapshot)
    asked = requests + [r for r in incident_requests if r not in requests]
    now = rollup(unit, period, asked, by="child", engine=engine) if asked else _empty(unit)
    trend = None
    if in_scope(registry.parse(TREND, resolve=False), scope):
        trend = rollup(unit, period, [TREND], by="month", engine=engine)
    compared = headline_requests + incident_headline
    before = (
        rollup(
            unit,
            period.previous(),
            compared,
            by="none",
            scope=scope,
            basis=basis,
            snapshot=snapshot,
        )
        if compared
        else _empty(unit)
    )
    headline = _headline(headline_requests, now, before)
    rows, total = _table(now, unit, requests) if requests else ([], [])
    incident_rows, incident_total = (
        _table(now, unit, incident_requests) if incident_requests else ([], [])
    )
    crumbs = list(
        Unit.objects.visible_to(request.user)
        .filter(pk__in=unit.ancestor_ids)
        .order_by("depth")
        .values("code", "name")
    )
    kind_ref = registry.get("incidents.count").reference("kind")
    return render(
        request,
        "reporting/dashboard.html",
        {
            "unit": unit,
            "period": period,
            "previous": period.previous(),
            "error": error,
            "headline": headline,
            "columns": [r.label for r in requests],
            "rows": rows,
            "total": total,
            "chart": _chart(trend["rows"]) if trend else None,
            "trend_label": registry.get(TREND).label,
            "crumbs": crumbs,
            "period_text": request.GET.get("period") or period.code,
            "basis": history.note(request.GET, unit, basis),
            "incidents": {
                "kind": kind or "",
                "kinds": registry.choices(kind_ref) if incident_requests else [],
                "error": kind_error,
                "headline": _headline(incident_headline, now, before),
                # the kind chosen is named by the filter above the table
                "columns": [r.indicator.label for r in incident_requests],
                "rows": [r for r in incident_rows if any(r["raw"])],
                "total": incident_total,
            },
            **scope_notes(scope, hidden),
        },
    )


@login_required
def export(request):
    """The dashboard's table as .xlsx, made in the background: the button (a POST) queues the
    job and opens its page, where the file is downloaded once made. A GET (an old link) queues
    nothing and opens the dashboard of the same question."""
    if request.method != "POST":
        query = request.GET.urlencode()
        return redirect(reverse("reporting:dashboard") + (f"?{query}" if query else ""))
    unit, period, basis, _error = question(request.user, request.POST)
    with transaction.atomic():
        job = start_job(
            tasks.export_dashboard_table,
            kind=tasks.DASHBOARD_KIND,
            title=_("Bảng tổng hợp %(period)s của %(unit)s — Excel")
            % {"period": period.in_sentence, "unit": unit.name},
            user=request.user,
            params={
                "unit": unit.code,
                "period": period.code,
                "basis": basis,
                "language": translation.get_language(),
            },
        )
    done = HttpResponseRedirect(reverse("job_detail", args=[job.pk]))
    done.status_code = 303  # see the job's page (a GET), whatever the browser
    return done


def table_workbook(user, unit, period, basis):
    """The dashboard's tables as .xlsx bytes — the figures by child unit, then the incidents and
    tips of every kind on a sheet of their own —: the same rollups, the same figures, as
    numbers, within `user`'s figure scope."""
    from openpyxl import Workbook

    scope = figure_scope(user, unit)
    wb = Workbook()
    _table_sheet(wb.active, _("Tổng hợp"), unit, period, basis, scope, TABLE)
    incident_table, _headline_specs = incident_specs(None)
    _table_sheet(
        wb.create_sheet(), _("Vụ việc, tin báo"), unit, period, basis, scope, incident_table
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _table_sheet(ws, title, unit, period, basis, scope, specs):
    """One table by child unit (`specs` within `scope`) on the sheet `ws`."""
    from openpyxl.styles import Font

    requests, hidden = split_by_scope(registry.parse_list(specs), scope)
    result = (
        rollup(unit, period, requests, by="child", scope=scope, basis=basis)
        if requests
        else _empty(unit)
    )
    ws.title = title
    append_text_row(ws, [unit.name])
    append_text_row(ws, [str(period.label)])
    append_text_row(ws, [_("Số liệu tính %(b)s.") % {"b": history.BASES[basis]}])
    notes = scope_notes(scope, hidden)
    if notes["scope_wards"]:
        append_text_row(
            ws,
            [
                _("Số liệu chỉ tính trong các phường, xã được phân công: %(w)s.")
                % {"w": ", ".join(notes["scope_wards"])}
            ],
        )
    if notes["out_of_scope"]:
        append_text_row(
            ws, [_("Không thuộc phạm vi xem: %(i)s.") % {"i": ", ".join(notes["out_of_scope"])}]
        )
    append_text_row(ws, [])
    header = [_("Mã đơn vị"), _("Đơn vị")] + [f"{r.label} ({r.indicator.unit})" for r in requests]
    append_text_row(ws, header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in result["rows"]:
        append_text_row(
            ws,
            [row["unit"]["code"], row["unit"]["name"]] + [row["values"][r.key] for r in requests],
        )
    append_text_row(ws, ["", _("Tổng cộng")] + [result["total"][r.key] for r in requests])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.column_dimensions["B"].width = 48


@login_required
def rebuild(request):
    """Recompute a unit's rollup figures in the background, and follow the runs: ?unit=CODE
    (default: the top of one's scope); POST (administrators of the unit) queues a run."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.shortcuts import redirect

    from binhyen.core.views import paginate

    from . import jobs
    from .models import FactRebuild, RebuildStatus

    unit = params.unit_for(request.user, request.GET.get("unit"))
    may_run = jobs.units_to_rebuild(request.user).filter(pk=unit.pk).exists()
    if request.method == "POST":
        try:
            job = jobs.request_rebuild(request.user, unit)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Đã đưa yêu cầu tính lại số liệu của %(u)s vào hàng chờ (lần số %(n)d).")
                % {"u": unit.name, "n": job.pk},
            )
        return redirect(f"{request.path}?unit={unit.code}")
    runs = FactRebuild.objects.visible_to(request.user).filter(unit__path__startswith=unit.path)
    page = paginate(request, runs.select_related("unit", "requested_by"))
    pending = runs.filter(status__in=[RebuildStatus.QUEUED, RebuildStatus.RUNNING]).exists()
    return render(
        request,
        "reporting/rebuild.html",
        {
            "unit": unit,
            "may_run": may_run,
            "page": page,
            "pending": pending,
        },
    )


def source_url(unit_code, period_code, indicator, part="", base="", basis=""):
    """The figure source page of one indicator for a unit and period (a report's figures link
    to it), on `basis` when given (else the page's default)."""
    query = {"unit": unit_code, "period": period_code, "indicator": indicator}
    if basis:
        query["basis"] = basis
    if part:
        query["phan"] = part
    if base:
        query["so_voi"] = base
    return f"{reverse('reporting:figure')}?{urlencode(query)}"


def _activities_url(unit, period, req, basis):
    """The activity list with the same unit, dates, filters and basis: the records behind a
    flow."""
    codes = req.filter_codes()
    if req.indicator.measure not in CUBE_MEASURES or "document" in codes:
        return None
    query = {
        "unit": unit.code,
        "start": format_date(period.start),
        "end": format_date(period.end),
        "basis": basis,
        **codes,
    }
    return f"/hoat-dong/?{urlencode(query)}"


def _value(v, ratio):
    if v is None:
        return "—"
    return (
        (f"{v:.1f}".rstrip("0").rstrip(".").replace(".", ",") + "%") if ratio else format_number(v)
    )


@login_required
def figure_source(request):
    """Where a figure of a report comes from: one indicator with its filters, for one unit and
    period, by child unit (each opens the same figure one level down) and, for an activity
    figure, by month; the part a sentence named (the unit's own records, the units below, the
    change since an earlier period) is shown with the sum that gives it."""
    unit = params.unit_for(request.user, request.GET.get("unit"))
    error = None
    try:
        period = params.period_for(request.GET.get("period", ""))
        req = params.requests_for(request.GET.get("indicator", ""), user=request.user)[0]
        base = params.period_for(request.GET["so_voi"]) if request.GET.get("so_voi") else None
        basis = history.choose(unit, period, params.basis_for(request.GET.get("basis")))
    except params.BadParameter as exc:
        error = str(exc)
    if error:
        return render(
            request, "reporting/figure_source.html", {"unit": unit, "error": error}, status=400
        )
    scope = figure_scope(request.user, unit)  # a police liaison: their wards, no activities
    if not in_scope(req, scope):
        return render(
            request,
            "reporting/figure_source.html",
            {
                "unit": unit,
                "error": _(
                    "“%(l)s” của %(u)s không thuộc phạm vi xem của bạn: bạn chỉ được xem số liệu "
                    "của các phường, xã được phân công."
                )
                % {"l": req.label, "u": unit.name},
            },
            status=403,
        )
    part = request.GET.get("phan", "")
    ratio = req.indicator.kind == registry.RATIO
    monthly = req.indicator.measure in CUBE_MEASURES
    snapshot = history.Snapshot(min(period.start, base.start) if base else period.start)
    engine = Engine(unit, period, detail=monthly, scope=scope, basis=basis, snapshot=snapshot)
    by_child = rollup(unit, period, [req], by="child", engine=engine)
    key = req.key
    total = by_child["total"][key]
    children, own = [], None
    for row in by_child["rows"]:
        value = row["values"][key]
        if row["unit"]["code"] == unit.code:
            own = value
            continue
        children.append(
            {
                "name": row["unit"]["name"],
                "value": _value(value, ratio),
                "url": source_url(row["unit"]["code"], period.code, key, basis=basis),
                "zero": not value,
            }
        )
    years = {}  # year → [12 cells], a month outside the period left empty
    if monthly:
        for row in rollup(unit, period, [req], by="month", engine=engine)["rows"]:
            year, month = (int(x) for x in row["month"].split("-"))
            cells = years.setdefault(year, {"year": year, "cells": [""] * 12, "total": 0})
            cells["cells"][month - 1] = _value(row["values"][key], ratio)
            cells["total"] += row["values"][key] or 0
        for cells in years.values():
            cells["total"] = _value(cells["total"], ratio)
    before = None
    if base is not None:
        before = rollup(unit, base, [req], by="none", scope=scope, basis=basis, snapshot=snapshot)[
            "total"
        ][key]
    summary = []
    if part in ("own", "below") and own is not None and req.indicator.additive and not ratio:
        summary = [
            (_("Toàn bộ %(u)s và các đơn vị trực thuộc") % {"u": unit.name}, _value(total, ratio)),
            (_("Riêng %(u)s") % {"u": unit.name}, _value(own, ratio)),
            (_("Các đơn vị trực thuộc (tổng trừ phần riêng)"), _value(total - own, ratio)),
        ]
    if base is not None and before is not None and total is not None:
        stock = req.indicator.kind == registry.STOCK
        now_label = _("Ngày %(d)s") % {"d": format_date(period.end)} if stock else str(period.label)
        then_label = _("Ngày %(d)s") % {"d": format_date(base.end)} if stock else str(base.label)
        summary = [
            (now_label, _value(total, ratio)),
            (then_label, _value(before, ratio)),
            (_("Chênh lệch"), ("+" if total - before > 0 else "") + _value(total - before, ratio)),
        ]
        if before and part == "percent":
            summary.append(
                (_("Tỷ lệ thay đổi"), _value(round(100.0 * (total - before) / before, 1), True))
            )
        if before and part == "times":
            summary.append(
                (_("Gấp"), _value(round(total / before, 1), True).rstrip("%") + " " + _("lần"))
            )
    filters = [(registry.DIMENSION_LABELS.get(dim, dim), name) for dim, name in req.filter_names()]
    return render(
        request,
        "reporting/figure_source.html",
        {
            "unit": unit,
            "period": period,
            "ask": req,
            "label": req.label,
            "total": _value(total, ratio),
            "measure": req.indicator.unit,
            "kind": req.indicator.kind,
            "filters": filters,
            "description": req.indicator.description,
            "children": children,
            "own": None if own is None else _value(own, ratio),
            "years": list(years.values()),
            "month_heads": [_("T%(m)d") % {"m": m} for m in range(1, 13)],
            "summary": summary,
            "part": part,
            "basis": history.note(request.GET, unit, basis),
            "additive": req.indicator.additive and not ratio,
            "dashboard_url": f"{reverse('reporting:dashboard')}?{urlencode({'unit': unit.code, 'period': period.code, 'basis': basis})}",
            "api_url": "/api/v1/rollup?"
            + urlencode(
                {
                    "unit": unit.code,
                    "period": period.code,
                    "indicators": key,
                    "by": "child",
                    "basis": basis,
                }
            ),
            "activities_url": _activities_url(unit, period, req, basis),
            "map_url": (
                f"{reverse('groups:map')}?{urlencode({'unit': unit.code, 'ngay': format_date(period.end)})}"
                if req.indicator.code == "groups.wards"
                else None
            ),
            **scope_notes(scope),
        },
    )
