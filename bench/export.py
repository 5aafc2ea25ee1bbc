"""Benchmark of a province's annual report as DOCX and PDF at national scale.

    DATABASE_URL=postgres://…/nation .venv/bin/python bench/export.py [--repeat 10] [--year 2024]

Expects data made by `binhyen generate-national` (root code QG by default). Without
DATABASE_URL it builds a small nation in a temporary SQLite file first (--units/--activities).
For the province with the most units below it (or --province CODE), prints:
1. what the report covers: units below, rows of the appendix, activities of the year, the
   draft's sentences, figures and documents — after checking every figure of the draft equals
   the rollup;
2. the time of each step, the first run of the process (cold: imports, fonts) apart and then
   p50/p95 over --repeat runs: the draft written from the rollup alone; the DOCX end to end
   (draft, appendix rollup, charts, rendering); the PDF end to end; and the DOCX and PDF of a
   submission (the officer's kept text annotated, frozen figures: what the page's download does);
3. whether the DOCX and the PDF each stay within the issue's 2 s.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_S = 2.0

from common import setup_django  # noqa: E402 (bench/ is the script's directory)


def timed(fn, repeat):
    """(first run in ms, [later runs in ms])."""
    t = time.perf_counter()
    fn()
    first = (time.perf_counter() - t) * 1000
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return first, times


def p(times, q):
    return (
        statistics.quantiles(times, n=100, method="inclusive")[q - 1]
        if len(times) > 1
        else times[0]
    )


def line(name, result):
    first, times = result
    print(
        f"  {name:<46} first {first:8.0f} ms   p50 {p(times, 50):8.0f} ms   p95 {p(times, 95):8.0f} ms"
    )
    return p(times, 50), p(times, 95)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--code", default="QG")
    parser.add_argument(
        "--province", default=None, help="code of the province (default: the largest)"
    )
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--activities", type=int, default=150_000)
    parser.add_argument("--out", default=None, help="folder to keep the last DOCX and PDF in")
    args = parser.parse_args()
    setup_django(args)

    from django.db import connection
    from django.db.models import Count

    from binhyen.activities.models import Activity
    from binhyen.core.periods import parse_period
    from binhyen.org.models import Unit
    from binhyen.reporting.rollup import rollup
    from binhyen.reports import narrative, render, services
    from binhyen.reports.models import Submission

    root = Unit.objects.get(code=args.code)
    if args.province:
        province = Unit.objects.get(code=args.province)
    else:
        province = (
            Unit.objects.filter(parent=root)
            .annotate(n=Count("children"))
            .order_by("-n", "path")
            .first()
        )
    year = (
        args.year
        or Activity.objects.filter(unit__path__startswith=province.path).latest("date").date.year
    )
    period = parse_period(str(year))
    below = Unit.objects.filter(path__startswith=province.path).exclude(pk=province.pk).count()
    activities = Activity.objects.filter(
        unit__path__startswith=province.path, date__year=year
    ).count()
    print(
        f"Database: {connection.vendor}; units {Unit.objects.filter(path__startswith=root.path).count():,}, "
        f"activities {Activity.all_objects.count():,}"
    )
    print(
        f"Report: {province.code} ({province.name}), {period.label}: {below:,} units below, "
        f"{province.children.count()} child units, {activities:,} activities in the year; "
        f"{args.repeat} runs each after the first\n"
    )

    story = narrative.generate(province, period)
    figures = story.figures()
    totals = {}
    for f in figures:
        if f.part or f.period != period.code:
            continue
        totals.setdefault(
            f.indicator, rollup(province, period, [f.indicator], by="none")["total"][f.indicator]
        )
        assert f.value == totals[f.indicator], (
            f"{f.indicator}: text {f.value}, rollup {totals[f.indicator]}"
        )
    sentences = sum(len(sec.paragraphs) for sec in story.sections)
    print(
        f"Draft: {len(story.sections)} sections, {sentences} paragraphs, {len(figures)} figures "
        f"(each equal to the rollup), {len(story.refs())} documents named.\n"
    )

    # a submission of the province to the root, sent: its kept text and frozen figures
    admin = _superuser()
    request = _request(root, period, admin)
    s = Submission.objects.select_related("request__unit", "request__template", "unit").get(
        request=request, unit=province
    )
    if s.status == "draft":
        s = services.save_draft(admin, s, version=s.version, generate=True)
        s = services.submit(admin, s, version=s.version, accept_missing=True)
    s = Submission.objects.select_related("request__unit", "request__template", "unit").get(pk=s.pk)

    def submission_docx():
        kept, _missing = services.story(s)
        return render.build(s.unit, period, story=kept, figures=services.frozen_rollup(s))

    def submission_pdf():
        kept, _missing = services.story(s)
        return render.build_pdf(s.unit, period, story=kept, figures=services.frozen_rollup(s))

    print("Time per document:")
    line(
        "draft narrative (rollup + sentences)",
        timed(lambda: narrative.generate(province, period), args.repeat),
    )
    docx = line("DOCX, end to end", timed(lambda: render.build(province, period), args.repeat))
    pdf = line("PDF, end to end", timed(lambda: render.build_pdf(province, period), args.repeat))
    line("DOCX of the sent submission (page download)", timed(submission_docx, args.repeat))
    line("PDF of the sent submission (page download)", timed(submission_pdf, args.repeat))
    data_docx, data_pdf = render.build(province, period), render.build_pdf(province, period)
    print(f"  sizes: DOCX {len(data_docx):,} bytes, PDF {len(data_pdf):,} bytes")
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        (Path(args.out) / f"{province.code}-{year}.docx").write_bytes(data_docx)
        (Path(args.out) / f"{province.code}-{year}.pdf").write_bytes(data_pdf)
        print(f"  written to {args.out}")
    print(
        f"\nTarget ≤ {TARGET_S:.0f} s each (p95): DOCX {docx[1] / 1000:.2f} s "
        f"{'✓' if docx[1] <= TARGET_S * 1000 else '✗'}, PDF {pdf[1] / 1000:.2f} s "
        f"{'✓' if pdf[1] <= TARGET_S * 1000 else '✗'}"
    )


def _superuser():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = User.objects.filter(username="bench-export").first()
    if user is None:
        user = User.objects.create_superuser("bench-export", "bench@example.org", None)
    return user


def _request(root, period, admin):
    """The root's request of the year to its provinces (made once, kept for later runs)."""
    import datetime

    from binhyen.reports import services
    from binhyen.reports.models import ReportRequest

    found = ReportRequest.objects.filter(unit=root, period_code=period.code).first()
    return found or services.issue_request(
        admin, unit=root, period=period, deadline=period.end + datetime.timedelta(days=15)
    )


if __name__ == "__main__":
    main()
