"""Benchmark of the incidents' figures, read from the raw records (no cube), on a generated nation.

    DATABASE_URL=postgres://…/nation .venv/bin/python bench/incidents.py [--incidents 200000] [--repeat 10]

Expects a nation made by `binhyen generate-national` (root code QG by default); without
DATABASE_URL it builds a small reformed nation in a temporary SQLite file first
(--units/--activities/--reform, as bench/rollup.py does). It then adds, once, --incidents
incidents over one year (--year; 10% collective work stoppages at generated enterprises, 70%
settled within 0–60 days, half of those closed) and --tips tips, bulk-inserted (the services
would take hours; the figures read only the columns written here), and checks the national
count against the ORM. Then p50/p95 (ms) of `rollup()` by child, on both bases, for the
national root, the province and the ward union holding the most grassroots unions: incidents
by child, stoppage workers, open cases on the year's last day, median days to settle, tips
answered share.
"""

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import OverBudget, budget, session, setup_django  # noqa: E402 (bench/ is the script's directory)

SPECS = [
    "incidents.count",
    "incidents.stoppage_workers",
    "incidents.open",
    "incidents.resolution_days_median",
    "tips.answered_share",
]
BATCH = 5000


def generate(args):
    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from binhyen.enterprises.models import Enterprise, Ownership
    from binhyen.incidents.models import Incident, IncidentKind, State, Stoppage, Tip
    from binhyen.org.models import Area, AreaLevel, Unit

    have = Incident.all_objects.filter(code__startswith="BENCH-").count()
    if have >= args.incidents:
        return
    rng = random.Random(7)
    grassroots = list(
        Unit.objects.filter(kind__is_grassroots=True, valid_to__isnull=True).values_list(
            "pk", flat=True
        )
    )
    wards = list(Area.objects.filter(level=AreaLevel.WARD).values_list("pk", flat=True))
    owners = dict(Ownership.objects.values_list("code", "pk"))
    kinds = dict(IncidentKind.objects.values_list("code", "pk"))
    others = [pk for code, pk in kinds.items() if code != IncidentKind.STOPPAGE]
    tz = timezone.get_default_timezone()
    now = timezone.now()
    print(f"generating {args.incidents - have:,} incidents and {args.tips:,} tips…", flush=True)
    with transaction.atomic():
        firms = Enterprise.objects.bulk_create(
            [
                Enterprise(
                    name=f"Công ty thử {n}",
                    tax_code=f"{9100000000 + n:010d}",
                    ownership_id=owners[rng.choice(["fdi", "fdi", "tu_nhan", "nha_nuoc"])],
                    ward_id=rng.choice(wards),
                    workforce=rng.randint(200, 20000),
                    union_id=rng.choice(grassroots) if rng.random() < 0.6 else None,
                    unit_id=rng.choice(grassroots),
                )
                for n in range(args.enterprises)
            ],
            batch_size=BATCH,
        )
        start = datetime.datetime(args.year, 1, 1, tzinfo=tz)
        for first in range(have, args.incidents, BATCH):
            cases, files = [], []
            for n in range(first, min(first + BATCH, args.incidents)):
                began = start + datetime.timedelta(seconds=rng.randrange(365 * 86400))
                stoppage = rng.random() < 0.1
                firm = rng.choice(firms) if stoppage else None
                settled = began + datetime.timedelta(hours=rng.randrange(60 * 24))
                settled = settled if rng.random() < 0.7 and settled < now else None
                closed = (
                    settled + datetime.timedelta(days=5) if settled and rng.random() < 0.5 else None
                )
                closed = closed if closed and closed < now else None
                cases.append(
                    Incident(
                        code=f"BENCH-{n:07d}",
                        kind_id=kinds[IncidentKind.STOPPAGE] if stoppage else rng.choice(others),
                        title=f"Vụ việc thử {n}",
                        summary="Dữ liệu đo hiệu năng.",
                        started_at=began,
                        unit_id=firm.unit_id if firm else rng.choice(grassroots),
                        ward_id=firm.ward_id if firm else rng.choice(wards),
                        enterprise=firm,
                        # the enterprise's facts as the services copy them onto the case
                        ownership_id=firm.ownership_id if firm else None,
                        union_absent=bool(firm) and firm.union_id is None,
                        state=State.CLOSED
                        if closed
                        else State.RESOLVED
                        if settled
                        else State.HANDLING,
                        settled_at=settled,
                        closed_at=closed,
                    )
                )
            Incident.all_objects.bulk_create(cases)
            for case in cases:
                if case.enterprise_id:
                    workers = rng.randint(1, case.enterprise.workforce)
                    files.append(
                        Stoppage(
                            incident=case,
                            workers_involved=workers,
                            workforce=case.enterprise.workforce,
                            worker_days=workers * rng.randint(1, 5),
                        )
                    )
            Stoppage.objects.bulk_create(files)
            print(f"  {first + len(cases):,}", flush=True)
        tips = []
        for n in range(args.tips):
            got = start + datetime.timedelta(seconds=rng.randrange(365 * 86400))
            answered = got + datetime.timedelta(days=rng.randrange(20))
            tips.append(
                Tip(
                    code=f"TB-B{n:07d}",
                    unit_id=rng.choice(grassroots),
                    ward_id=rng.choice(wards),
                    what="Tin báo thử.",
                    happened_on=got.date(),
                    created_at=got,
                    answered_at=answered if rng.random() < 0.8 and answered < now else None,
                )
            )
        Tip.objects.bulk_create(tips, batch_size=BATCH)
    print(
        "incidents by kind:",
        dict(
            Incident.objects.values_list("kind__code")
            .annotate(n=Count("id"))
            .values_list("kind__code", "n")
        ),
    )


def pick_units(code):
    from django.db.models import Count

    from binhyen.org.models import Unit

    root = Unit.objects.get(code=code)
    open_ = Unit.objects.filter(valid_to__isnull=True)

    def busiest(depth):
        found = (
            open_.filter(depth=depth, path__startswith=root.path)
            .annotate(n=Count("children"))
            .order_by("-n", "path")
            .first()
        )
        return found

    return [
        ("national", root),
        ("province", busiest(root.depth + 1)),
        ("ward", busiest(root.depth + 2)),
    ]


def timed(fn, repeat, seconds):
    times = []
    spent = time.perf_counter()
    for _ in range(repeat):
        t = time.perf_counter()
        with budget(seconds):
            fn()
        times.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() - spent > seconds:
            break
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=200_000)
    parser.add_argument("--tips", type=int, default=50_000)
    parser.add_argument("--enterprises", type=int, default=5_000)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--code", default="QG")
    parser.add_argument("--units", type=int, default=400)
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--reform", default="2025-07-01", help="SQLite nation only")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per series")
    args = parser.parse_args()
    setup_django(args)
    session(args.budget, jit=False)

    from binhyen.core.periods import parse_period
    from binhyen.incidents.models import Incident
    from binhyen.reporting.rollup import rollup

    generate(args)
    period = parse_period(str(args.year))
    units = pick_units(args.code)
    root = units[0][1]
    raw = Incident.objects.filter(
        unit__path__startswith=root.path,
        started_at__year=args.year,
    ).count()
    got = rollup(root, period, ["incidents.count"], by="none", basis="now")["total"][
        "incidents.count"
    ]
    print(
        f"check: national incidents {got:,} (ORM count {raw:,}) {'ok' if got == raw else 'DIFFERENT'}"
    )
    print(f"{'unit':<9} {'basis':<5} {'indicator':<36} {'p50 ms':>9} {'p95 ms':>9}")
    for name, unit in units:
        if unit is None:
            continue
        for basis in ("now", "was"):
            for spec in SPECS + ["all five at once"]:
                asked = SPECS if spec == "all five at once" else [spec]
                try:
                    p50, p95 = timed(
                        lambda unit=unit, asked=asked, basis=basis: rollup(
                            unit, period, asked, by="child", basis=basis
                        ),
                        args.repeat,
                        args.budget,
                    )
                    print(f"{name:<9} {basis:<5} {spec:<36} {p50:9.1f} {p95:9.1f}", flush=True)
                except OverBudget as exc:
                    print(f"{name:<9} {basis:<5} {spec:<36} {exc}", flush=True)


if __name__ == "__main__":
    main()
