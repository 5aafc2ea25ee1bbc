"""Benchmark of the rollup engine against a naive ORM rollup, on a generated nation.

    DATABASE_URL=postgres://…/nation .venv/bin/python bench/rollup.py [--repeat 30] [--year 2024]

Expects data made by `binhyen generate-national` (root code QG by default). Without
DATABASE_URL it builds a small nation in a temporary SQLite file first (--units/--activities).
Prints p50/p95 (ms) of, for one year:
1. the engine's national rollup by province and a mid-level unit's rollup by grassroots union
   (`rollup()`: the children list and one cube query each);
2. the naive ORM rollup for the same questions (activities joined to units, grouped by the
   ancestor's path segment), and the ratio naive / engine — after checking both give the same
   figures;
3. stock figures (the six groups/cameras indicators) valued on the year's last day, by child,
   from the stock cube, after checking them against the raw counting querysets, and the raw
   counting of groups + members for comparison;
4. recording one activity through activities.services.record_activity with its cube upsert,
   each in its own committed transaction, and the cube upsert alone.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(args):
    generate = False
    if not os.environ.get("DATABASE_URL"):
        tmp = tempfile.NamedTemporaryFile(prefix="binhyen-bench-", suffix=".sqlite3", delete=False)
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}"
        generate = True
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhyen.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if generate:
        call_command("migrate", verbosity=0)
        call_command(
            "generate-national",
            units=args.units,
            activities=args.activities,
            seed=1,
            code=args.code,
        )


def timed(fn, repeat):
    fn()  # warm-up (first run: cold caches, reported separately)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return times


def p(times, q):
    return (
        statistics.quantiles(times, n=100, method="inclusive")[q - 1]
        if len(times) > 1
        else times[0]
    )


def line(name, times):
    print(f"  {name:<44} p50 {p(times, 50):9.2f} ms   p95 {p(times, 95):9.2f} ms")
    return p(times, 50)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--code", default="QG")
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument(
        "--records", type=int, default=100, help="activities recorded for the write timing"
    )
    args = parser.parse_args()
    setup_django(args)

    from django.db import connection, transaction
    from django.db.models import Count, Sum
    from django.db.models.functions import Substr

    from binhyen.activities import cube as facts
    from binhyen.activities import services
    from binhyen.activities.models import Activity, ActivityFact, ActivityKind, Audience, Topic
    from binhyen.core.periods import parse_period
    from binhyen.org.models import PATH_STEP, Unit
    from binhyen.reporting.rollup import rollup

    root = Unit.objects.get(code=args.code)
    year = (
        args.year
        or Activity.objects.filter(unit__path__startswith=root.path).latest("date").date.year
    )
    period = parse_period(str(year))
    mid = (
        Unit.objects.filter(parent__parent=root)
        .annotate(n=Count("children"))
        .order_by("-n", "path")
        .first()
    )
    print(
        f"Database: {connection.vendor}; units {Unit.objects.filter(path__startswith=root.path).count():,}, "
        f"activities {Activity.all_objects.count():,}, cube rows {ActivityFact.objects.count():,}"
    )
    print(
        f"Year {year}; national = {root.code} by {root.children.count()} provinces; mid-level = "
        f"{mid.code} by {mid.children.count()} grassroots unions; {args.repeat} runs each\n"
    )

    indicators = ["activity.sessions", "activity.attendances"]

    def engine(unit):
        return lambda: rollup(unit, period, indicators, by="child")

    def naive(unit):
        def run():
            return list(
                Activity.objects.filter(
                    unit__path__startswith=unit.path, date__gte=period.start, date__lte=period.end
                )
                .annotate(child=Substr("unit__path", 1, len(unit.path) + PATH_STEP))
                .values("child")
                .annotate(s=Sum("sessions"), a=Sum("attendances"))
                .order_by()
            )

        return run

    for unit in (root, mid):  # both answers must agree before their speed means anything
        result = engine(unit)()
        codes = dict(Unit.objects.filter(parent=unit).values_list("path", "code"))
        codes[unit.path] = unit.code
        by_engine = {
            r["unit"]["code"]: (
                r["values"]["activity.sessions"],
                r["values"]["activity.attendances"],
            )
            for r in result["rows"]
            if any(r["values"].values())
        }
        by_naive = {codes[r["child"]]: (r["s"], r["a"]) for r in naive(unit)()}
        assert by_engine == by_naive, f"engine and naive rollups differ for {unit.code}"
    print("Engine and naive rollups give the same figures.\n")

    print("Rollup of one year:")
    e_nat = line("engine: national by province", timed(engine(root), args.repeat))
    e_mid = line("engine: mid-level by grassroots", timed(engine(mid), args.repeat))
    n_nat = line("naive ORM: national by province", timed(naive(root), max(3, args.repeat // 5)))
    n_mid = line("naive ORM: mid-level by grassroots", timed(naive(mid), args.repeat))
    print(f"  ratio naive/engine: national {n_nat / e_nat:.0f}×, mid-level {n_mid / e_mid:.0f}×\n")

    stocks = [
        "groups.active",
        "groups.members",
        "groups.wards",
        "groups.boarding_houses",
        "groups.resident_workers",
        "cameras.working",
    ]
    from binhyen.figures import registry
    from binhyen.reporting.rollup import Engine

    def raw(unit, codes=tuple(stocks[:2])):
        engine_ = Engine(unit, period)
        requests = [registry.parse(code, resolve=False) for code in codes]
        return lambda: [engine_.stock_raw(r, True, period.end) for r in requests]

    for unit in (root, mid):  # the cube's figures must equal the raw counts first
        result = rollup(unit, period, stocks, by="child")
        cube = {r["unit"]["code"]: [r["values"][k] for k in stocks] for r in result["rows"]}
        counted = raw(unit, stocks)()
        codes = dict(Unit.objects.filter(parent=unit).values_list("pk", "code"))
        codes["self"] = unit.code
        expected = {
            code: [counted[i].get(pk, 0) for i in range(len(stocks))] for pk, code in codes.items()
        }
        assert {k: v for k, v in cube.items() if any(v)} == {
            k: v for k, v in expected.items() if any(v)
        }, f"stock cube and raw counts differ for {unit.code}"
    print(
        f"Stock figures on {period.end:%d/%m/%Y}, by child — the stock cube equals the raw counts:"
    )
    line(
        "cube: national, 6 stock indicators",
        timed(lambda: rollup(root, period, stocks, by="child"), args.repeat),
    )
    line(
        "cube: national, groups + members",
        timed(lambda: rollup(root, period, stocks[:2], by="child"), args.repeat),
    )
    line(
        "cube: mid-level, 6 stock indicators",
        timed(lambda: rollup(mid, period, stocks, by="child"), args.repeat),
    )
    line("raw counting: national, groups + members", timed(raw(root), max(3, args.repeat // 5)))
    line("raw counting: mid-level, groups + members", timed(raw(mid), args.repeat))
    print()

    from django.contrib.auth.models import User

    actor, _ = User.objects.get_or_create(
        username="bench-root", defaults={"is_superuser": True, "is_staff": True}
    )
    grassroots = list(Unit.objects.filter(parent=mid).order_by("path")[:50])
    kind = ActivityKind.objects.get(code="tuyen_truyen")
    topic, audience = Topic.objects.first(), Audience.objects.first()
    day = datetime.date(year, 6, 15)
    made, record_times, hook_times = [], [], []
    for i in range(args.records):
        t = time.perf_counter()
        # record_activity is one committed transaction of its own, as when a page or the API
        # calls it (no request-wide transaction: ATOMIC_REQUESTS is off)
        activity = services.record_activity(
            actor,
            unit=grassroots[i % len(grassroots)],
            date=day,
            kind=kind,
            title=f"Đo tốc độ ghi {time.time_ns()}",
            topics=[topic],
            audiences=[audience],
            sessions=1,
            attendances=50,
        )
        record_times.append((time.perf_counter() - t) * 1000)
        state = facts.state_of(activity, [topic], [audience], [])
        with (
            transaction.atomic()
        ):  # the upsert alone: add the activity once more, then take it back
            h = time.perf_counter()
            facts.activity_changed(None, state)
            hook_times.append((time.perf_counter() - h) * 1000)
            facts.activity_changed(state, None)
        made.append(activity)
    print(
        "Recording one activity (own committed transaction each; cube hook inside activities.services):"
    )
    line("record_activity + cube upsert", record_times)
    line("cube upsert alone (one statement)", hook_times)
    for activity in made:  # leave the data as it was: soft delete (with its cube update)
        with transaction.atomic():
            services.delete_activity(actor, activity)


if __name__ == "__main__":
    main()
