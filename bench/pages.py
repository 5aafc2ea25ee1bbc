"""Benchmark of the pages that show figures and lists, on both bases, through Django's test client.

    DATABASE_URL=postgres://…/nation .venv/bin/python bench/pages.py [--repeat 20] [--years 2025]

Expects data made by `binhyen generate-national --reform 2025-07-01` (root code QG by default).
Without DATABASE_URL it builds a small reformed nation in a temporary SQLite file first
(--units/--activities/--reform). Logged in as a superuser the bench creates, one request at a
time in this process (server time: the whole middleware stack, view, templates; no network),
each page warmed up once, it prints for every page × unit × basis the p50/p95 (ms) of
--repeat requests, the number of SQL queries of one request (CaptureQueriesContext) and the
status; then the pages over the issue's target (p50 ≤ 100 ms at 15 M activities).

The pages: the dashboard (/tong-hop/?unit=…&period=…), the figure source of activity.sessions
(/tong-hop/nguon-so-lieu/), the activity list and its 50th page (/hoat-dong/), the group list
(/mo-hinh/) — each with ?basis=was and ?basis=now (binhyen.org.history; a page that does not
read the parameter ignores it). The units: the national root, the province that absorbed the
merged ones (the first province without the reform), the ward union holding the most grassroots
unions, and the grassroots union under it with the most activities.

Each request has --budget seconds (statement_timeout on PostgreSQL, an alarm in Python; the
line then says "did not finish"), and PostgreSQL's JIT is off for the bench's sessions unless
--jit, as in bench/rollup.py (see its docstring).
"""

import argparse
import logging
import statistics
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import OverBudget, budget, session, setup_django  # noqa: E402 (bench/ is the script's directory)

TARGET_MS = 100


def p(times, q):
    return (
        statistics.quantiles(times, n=100, method="inclusive")[q - 1]
        if len(times) > 1
        else times[0]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--years", default="2025", help="periods of the dashboard and source")
    parser.add_argument("--code", default="QG")
    parser.add_argument("--units", type=int, default=400)
    parser.add_argument("--activities", type=int, default=60_000)
    parser.add_argument("--reform", default="2025-07-01", help="SQLite nation only")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--jit", action="store_true", help="leave PostgreSQL's JIT on")
    args = parser.parse_args()
    # whitenoise notes a missing collectstatic directory: the bench times views, not files
    warnings.filterwarnings("ignore", message="No directory at")
    setup_django(args)
    session(args.budget, args.jit)
    # a request stopped by the budget is a server error the bench reports in its line: no
    # traceback in the log
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    logging.getLogger("binhyen").setLevel(logging.CRITICAL)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError, connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from binhyen.activities.models import Activity
    from binhyen.org.history import NOW, WAS
    from binhyen.org.models import Unit, UnitEvent, UnitEventKind

    root = Unit.objects.get(code=args.code)
    under = Unit.objects.filter(path__startswith=root.path)
    merged_into = (
        UnitEvent.objects.filter(kind=UnitEventKind.MERGED, unit__parent=root)
        .values_list("successor", flat=True)
        .first()
    )
    province = (
        Unit.objects.get(pk=merged_into)
        if merged_into
        else under.filter(parent=root).order_by("path").first()
    )
    ward = (
        under.filter(depth=3, valid_to__isnull=True)
        .annotate(n=Count("children"))
        .order_by("-n", "path")
        .first()
    )
    busiest = (
        Activity.objects.filter(unit__parent=ward)
        .values("unit")
        .annotate(n=Count("id"))
        .order_by("-n", "unit")
        .first()
    )
    grassroots = Unit.objects.get(pk=busiest["unit"])
    units = [
        ("national", root),
        ("province", province),
        ("ward union", ward),
        ("grassroots", grassroots),
    ]

    user, _new = get_user_model().objects.get_or_create(
        username="bench-pages", defaults={"is_superuser": True, "is_staff": True}
    )
    if not user.is_superuser:
        raise SystemExit("the user bench-pages exists and is not a superuser")
    # a host the settings allow, as a browser would send it (the client's "testserver" is not)
    host = next((h for h in settings.ALLOWED_HOSTS if h != "*" and not h.startswith(".")), "")
    client = Client(HTTP_HOST=host or "localhost")
    client.force_login(user)

    print(
        f"Database: {connection.vendor}; units {under.count():,}, activities "
        f"{Activity.objects.count():,}; {args.repeat} requests per line after a warm-up"
    )
    for label, unit in units:
        print(
            f"  {label}: {unit.code} — {unit.name} "
            f"({under.filter(path__startswith=unit.path).count():,} units, "
            f"{Activity.objects.filter(unit__path__startswith=unit.path).count():,} activities)"
        )
    print()

    def pages(unit, year):
        figures = {"unit": unit.code, "period": str(year)}
        return [
            ("dashboard", reverse("reporting:dashboard"), figures),
            (
                "figure source",
                reverse("reporting:figure"),
                {**figures, "indicator": "activity.sessions"},
            ),
            ("activity list", reverse("activities:list"), {"unit": unit.code}),
            ("activity list p.50", reverse("activities:list"), {"unit": unit.code, "page": 50}),
            ("group list", reverse("groups:list"), {"unit": unit.code}),
        ]

    def request(url):
        with budget(args.budget):
            response = client.get(url, secure=True)
            if response.streaming:
                b"".join(response.streaming_content)
        return response

    slow, failed = [], []
    years = [int(y) for y in args.years.split(",")]
    for year in years:
        print(f"Period {year}:")
        print(
            f"  {'page':<19} {'unit':<11} {'basis':<5} {'p50 ms':>9} {'p95 ms':>9} {'SQL':>5}  status"
        )
        for label, unit in units:
            for name, path, query in pages(unit, year):
                if "period" not in query and year != years[0]:
                    continue  # the lists have no period: once is enough
                for basis in (WAS, NOW):
                    url = f"{path}?{urlencode({**query, 'basis': basis})}"
                    row = f"  {name:<19} {label:<11} {basis:<5}"
                    times, spent = [], 0.0
                    try:
                        request(url)  # warm-up
                        with CaptureQueriesContext(connection) as queries:
                            response = request(url)
                        # now: the next request's request_started empties the log it reads
                        count = len(queries)
                        for _ in range(args.repeat):
                            t = time.perf_counter()
                            request(url)
                            times.append((time.perf_counter() - t) * 1000)
                            spent += times[-1] / 1000
                            if spent > args.budget:
                                break
                    except (DatabaseError, OverBudget) as exc:
                        connection.close()  # a query cut short may have left it unusable
                        stopped = "statement timeout" in str(exc) or isinstance(exc, OverBudget)
                        print(
                            f"{row} did not finish in {args.budget:g} s"
                            if stopped
                            else f"{row} {type(exc).__name__}: {str(exc).splitlines()[0][:80]}"
                        )
                        slow.append(f"{name}, {label}, {basis}, {year}: over {args.budget:g} s")
                        continue
                    p50, p95 = p(times, 50), p(times, 95)
                    flag = "  > target" if p50 > TARGET_MS else ""
                    runs = f"  ({len(times)} runs)" if len(times) < args.repeat else ""
                    print(
                        f"{row} {p50:9.1f} {p95:9.1f} {count:5d}  {response.status_code}{flag}{runs}"
                    )
                    if p50 > TARGET_MS:
                        slow.append(f"{name}, {label}, {basis}, {year}: {p50:.0f} ms")
                    if response.status_code != 200:
                        failed.append(f"{name}, {label}, {basis}: {response.status_code} {url}")
        print()
    print(
        f"Over the target of {TARGET_MS} ms p50: "
        + ("none." if not slow else f"{len(slow)}:\n  " + "\n  ".join(slow))
    )
    if failed:
        sys.exit("Pages that did not answer 200:\n  " + "\n  ".join(failed))


if __name__ == "__main__":
    main()
