"""Benchmark of the rollup engine on both bases, on a generated nation that went through the reform.

    DATABASE_URL=postgres://…/nation .venv/bin/python bench/rollup.py [--repeat 20] [--years 2024,2025,2026]

Expects data made by `binhyen generate-national --reform 2025-07-01` (root code QG by default).
Without DATABASE_URL it builds a small reformed nation in a temporary SQLite file first
(--units/--activities/--reform). The units read: the national root by province; the district
federation that held the most grassroots unions (closed on the reform's eve) and the ward union
that holds the most today (opened on the reform's day), each by grassroots union. The years:
before the reform, across it and after it.

Before any timing it checks, for every year, unit and basis (binhyen.org.history: WAS, each
record under the tree of its own date; NOW, today's tree):
1. the engine's flows equal a naive count — on NOW, activities joined to units grouped by the
   path segment below the unit; on WAS, activities grouped by unit and by the parts of the year
   between two move days, each walked up the tree as it stood at the part's end (UnitEvent);
2. the six stock indicators from the stock cube equal the raw counting querysets (stock_raw);
3. a year before the reform has the same national total on both bases.
Then it prints p50/p95 (ms) of `rollup()` by child for each year, unit and basis — the four
activity flows, and the six stocks on the year's last day —, the naive ORM counts and raw
stock counts for comparison (NOW), and recording one activity through
activities.services.record_activity with its cube upsert (target p50 ≤ 5 ms), each in its own
committed transaction, and the cube upsert alone.

Each call has --budget seconds (statement_timeout on PostgreSQL, an alarm in Python): a call
over it prints "did not finish" instead of hanging the bench, and a series stops once it has
spent the budget. PostgreSQL's JIT is off for the bench's sessions unless --jit: with it, one
as-it-was stock query (a LIKE per moved unit, ~138,000) compiled for over ten minutes in 9 GB
per worker and could not be cancelled.
"""

import argparse
import datetime
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import OverBudget, budget, session, setup_django  # noqa: E402 (bench/ is the script's directory)

FLOWS = ["activity.count", "activity.sessions", "activity.attendances", "activity.leaflets"]
STOCKS = [
    "groups.active",
    "groups.members",
    "groups.wards",
    "groups.boarding_houses",
    "groups.resident_workers",
    "cameras.working",
]


BUDGET = 30.0  # seconds a call may take (--budget)


def timed(fn, repeat):
    with budget(BUDGET):
        fn()  # warm-up (first run: cold caches)
    times, spent = [], 0.0
    for _ in range(repeat):
        with budget(BUDGET):
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        spent += times[-1] / 1000
        if spent > BUDGET:
            break
    return times


def p(times, q):
    return (
        statistics.quantiles(times, n=100, method="inclusive")[q - 1]
        if len(times) > 1
        else times[0]
    )


def line(name, times, repeat=None):
    runs = f"   ({len(times)} runs)" if repeat and len(times) < repeat else ""
    print(f"  {name:<52} p50 {p(times, 50):9.2f} ms   p95 {p(times, 95):9.2f} ms{runs}")
    return p(times, 50)


def failure(exc):
    """What stopped a call, in one line, to print in place of a figure. The connection is
    closed: a query cut short may have left it unusable (the next query opens a new one)."""
    from django.db import connection

    connection.close()
    if isinstance(exc, OverBudget):
        return str(exc)
    if "statement timeout" in str(exc):
        return f"did not finish in {BUDGET:.0f} s (statement_timeout)"
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:100]}"


def measure(name, fn, repeat):
    """`line` of `fn`'s timings, or what stopped it (the bench goes on with the others)."""
    from django.db import DatabaseError

    try:
        return line(name, timed(fn, repeat), repeat)
    except (DatabaseError, OverBudget) as exc:
        print(f"  {name:<52} {failure(exc)}")
        return None


def main():
    global BUDGET
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--years", default="2024,2025,2026")
    parser.add_argument("--code", default="QG")
    parser.add_argument("--units", type=int, default=400)
    parser.add_argument("--activities", type=int, default=60_000)
    parser.add_argument("--reform", default="2025-07-01", help="SQLite nation only")
    parser.add_argument(
        "--records", type=int, default=100, help="activities recorded for the write timing"
    )
    parser.add_argument("--no-checks", action="store_true", help="time only")
    parser.add_argument("--budget", type=float, default=BUDGET, help="seconds per call")
    parser.add_argument("--jit", action="store_true", help="leave PostgreSQL's JIT on")
    args = parser.parse_args()
    BUDGET = args.budget
    setup_django(args)
    session(BUDGET, args.jit)

    from django.db import DatabaseError, connection, transaction
    from django.db.models import Count, Sum
    from django.db.models.functions import Substr

    from binhyen.activities import cube as facts
    from binhyen.activities import services
    from binhyen.activities.models import Activity, ActivityFact, ActivityKind, Audience, Topic
    from binhyen.core import periods
    from binhyen.core.periods import parse_period
    from binhyen.figures import registry
    from binhyen.org import history
    from binhyen.org.history import NOW, WAS, segments
    from binhyen.org.models import PATH_STEP, Unit, UnitEvent, UnitEventKind
    from binhyen.reporting.rollup import Engine, rollup

    root = Unit.objects.get(code=args.code)
    years = [int(y) for y in args.years.split(",")]
    under = Unit.objects.filter(path__startswith=root.path)
    # the district federation that held the most grassroots unions until the reform, and the
    # ward union (or, in a nation without the reform, the mid-level union) holding most today
    district_moves = (
        UnitEvent.objects.filter(
            kind=UnitEventKind.MOVED, unit__path__startswith=root.path, old_parent__depth=3
        )
        .values("old_parent")
        .annotate(n=Count("id"))
        .order_by("-n", "old_parent")
        .first()
    )
    ward = (
        under.filter(depth=3, valid_to__isnull=True)
        .annotate(n=Count("children"))
        .order_by("-n", "path")
        .first()
    )
    targets = [(root, "national", "national by province")]
    if district_moves:
        district = Unit.objects.get(pk=district_moves["old_parent"])
        closed = f"{district.valid_to:%d/%m/%Y}" if district.valid_to else "open"
        targets.append((district, "district", f"district by grassroots (closed {closed})"))
    targets.append((ward, "ward", f"ward union by grassroots (from {ward.valid_from:%d/%m/%Y})"))
    reform_days = sorted(
        set(
            UnitEvent.objects.filter(
                kind=UnitEventKind.MOVED, unit__path__startswith=root.path
            ).values_list("date", flat=True)
        )
    )
    print(
        f"Database: {connection.vendor}; units {under.count():,}, activities "
        f"{Activity.all_objects.count():,}, activity cube rows {ActivityFact.objects.count():,}, "
        f"moves {UnitEvent.objects.filter(kind=UnitEventKind.MOVED).count():,} on "
        f"{', '.join(f'{d:%d/%m/%Y}' for d in reform_days) or '—'}; today {periods.today():%d/%m/%Y}"
    )
    for unit, _short, label in targets:
        print(f"  {label}: {unit.code} — {unit.name}, {unit.children.count():,} children today")
    print()

    def code_of(result, key):
        return {r["unit"]["code"]: r["values"][key] for r in result["rows"] if r["values"][key]}

    def basis_of(result):
        return result["basis"]["code"] if result.get("basis") else "as_of"

    # ---------------------------------------------------------------- checks
    parents_cache = {}
    current = dict(under.values_list("pk", "parent_id"))
    codes = dict(under.values_list("pk", "code"))

    def parents_on(day):
        """{unit: parent} on `day`: the old parent of the first move after it, else today's."""
        if day not in parents_cache:
            parents = dict(current)
            for unit_id, old in (
                UnitEvent.objects.filter(kind=UnitEventKind.MOVED, date__gt=day)
                .order_by("-date", "-id")
                .values_list("unit_id", "old_parent_id")
            ):
                parents[unit_id] = old
            parents_cache[day] = parents
        return parents_cache[day]

    def naive_was(unit, period):
        """{child code: [count, sessions, attendances, leaflets]}: each part of the period
        (cut at the move days) walked up the tree of its last day, unit by unit."""
        out = defaultdict(lambda: [0, 0, 0, 0])
        for part, day in segments(period, WAS):
            parents = parents_on(day or periods.today())
            rows = (
                Activity.objects.filter(date__gte=part.start, date__lte=part.end)
                .values_list("unit_id")
                .annotate(Count("id"), Sum("sessions"), Sum("attendances"), Sum("leaflets"))
                .order_by()
            )
            for unit_id, *sums in rows:
                node, below = unit_id, unit_id
                while node is not None and node != unit.pk:
                    below, node = node, parents.get(node)
                if node is None:
                    continue
                key = unit.code if below == unit.pk else codes[below]
                for i, v in enumerate(sums):
                    out[key][i] += v or 0
        return {k: v for k, v in out.items() if any(v)}

    def naive_now(unit, period):
        rows = (
            Activity.objects.filter(
                unit__path__startswith=unit.path, date__gte=period.start, date__lte=period.end
            )
            .annotate(child=Substr("unit__path", 1, len(unit.path) + PATH_STEP))
            .values_list("child")
            .annotate(Count("id"), Sum("sessions"), Sum("attendances"), Sum("leaflets"))
            .order_by()
        )
        paths = dict(Unit.objects.filter(parent=unit).values_list("path", "code"))
        paths[unit.path] = unit.code
        return {paths[c]: [v or 0 for v in sums] for c, *sums in rows if any(sums)}

    def engine_flows(unit, period, basis):
        result = rollup(unit, period, FLOWS, by="child", basis=basis)
        out = defaultdict(lambda: [0, 0, 0, 0])
        for i, key in enumerate(FLOWS):
            for code, v in code_of(result, key).items():
                out[code][i] = v
        return dict(out)

    def asking(unit, period, codes, basis):
        return lambda: rollup(unit, period, codes, by="child", basis=basis)

    def raw_stocks(unit, period, basis, codes=tuple(STOCKS)):
        engine = Engine(unit, period, basis=basis)
        requests = [registry.parse(c, resolve=False) for c in codes]
        # a unit closed inside the period is valued on its last day (the engine's period)
        return lambda: [engine.stock_raw(r, True, engine.period.end) for r in requests]

    def check(year, unit, basis):
        """None, or what differs for one year, unit and basis."""
        period = parse_period(str(year))
        result = rollup(unit, period, FLOWS, by="child", basis=basis)
        naive = naive_was if basis_of(result) == WAS else naive_now
        if engine_flows(unit, period, basis) != naive(unit, period):
            return "flows differ from the naive count"
        result = rollup(unit, period, STOCKS, by="child", basis=basis)
        cube = {k: code_of(result, k) for k in STOCKS}
        counted = raw_stocks(unit, period, basis)()
        ids = {k for c in counted for k in c if isinstance(k, int)}
        names = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "code"))
        names["self"] = unit.code
        raw = {
            k: {names[key]: v for key, v in counted[i].items() if v} for i, k in enumerate(STOCKS)
        }
        if cube != raw:
            return "stock cube and raw counts differ"
        return None

    failed = 0
    if not args.no_checks:
        started = time.perf_counter()
        for year in years:
            for unit, short, _label in targets:
                for basis in (WAS, NOW):
                    try:
                        with budget(BUDGET):
                            problem = check(year, unit, basis)
                    except (DatabaseError, OverBudget) as exc:
                        problem = "not checked: " + failure(exc)
                    if problem:
                        failed += 1
                        print(f"  CHECK FAILED {year}, {short} {unit.code}, {basis}: {problem}")
            period = parse_period(str(year))
            if reform_days and period.end < reform_days[0]:
                try:
                    with budget(BUDGET):
                        was = rollup(root, period, FLOWS + STOCKS, by="none", basis=WAS)
                        now = rollup(root, period, FLOWS + STOCKS, by="none", basis=NOW)
                    problem = (
                        None
                        if was["total"] == now["total"]
                        else f"WAS {was['total']} ≠ NOW {now['total']}"
                    )
                except (DatabaseError, OverBudget) as exc:
                    problem = "not checked: " + failure(exc)
                if problem:
                    failed += 1
                    print(f"  CHECK FAILED {year}, national total on both bases: {problem}")
        print(
            f"Checks ({time.perf_counter() - started:.0f} s): on both bases the flows equal a "
            "naive count by record date and the stock cube equals the raw counts; a year "
            "before the reform has one national total on both bases — "
            + (f"{failed} FAILED (above).\n" if failed else "all passed.\n")
        )

    # ---------------------------------------------------------------- timings
    for year in years:
        period = parse_period(str(year))
        print(f"Rollup by child of {year} (p50/p95, {args.repeat} runs after a warm-up):")
        for unit, short, _label in targets:
            for basis in (WAS, NOW):
                # the basis the engine reads (a closed unit: WAS) and the parts of the period
                read = history.choose(unit, period, basis)
                parts = len(segments(history.open_part(unit, period, read), read))
                tag = f"{short}, {basis}" + (f" (read {read})" if read != basis else "")
                flows = f"{tag}: 4 flows" + (f", {parts} parts" if parts > 1 else "")
                measure(flows, asking(unit, period, FLOWS, basis), args.repeat)
                measure(f"{tag}: 6 stocks", asking(unit, period, STOCKS, basis), args.repeat)
        print()

    year = years[0]
    period = parse_period(str(year))
    print(f"For comparison, {year} on NOW (today's tree), counted from the records:")
    light = max(3, args.repeat // 5)
    measure("naive ORM flows: national by province", lambda: naive_now(root, period), light)
    measure(
        "naive ORM flows: ward union by grassroots", lambda: naive_now(ward, period), args.repeat
    )
    measure(
        "raw counting: national, groups + members", raw_stocks(root, period, NOW, STOCKS[:2]), light
    )
    measure(
        "raw counting: ward union, groups + members",
        raw_stocks(ward, period, NOW, STOCKS[:2]),
        args.repeat,
    )
    print()

    from django.contrib.auth.models import User

    actor, _ = User.objects.get_or_create(
        username="bench-root", defaults={"is_superuser": True, "is_staff": True}
    )
    grassroots = list(Unit.objects.filter(parent=ward).order_by("path")[:50])
    kind = ActivityKind.objects.get(code="tuyen_truyen")
    topic, audience = Topic.objects.first(), Audience.objects.first()
    day = min(periods.today(), datetime.date(years[-1], 6, 15))
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
        with transaction.atomic():  # the upsert alone: add the activity once more, take it back
            h = time.perf_counter()
            facts.activity_changed(None, state)
            hook_times.append((time.perf_counter() - h) * 1000)
            facts.activity_changed(state, None)
        made.append(activity)
    print(
        f"Recording one activity on {day:%d/%m/%Y} under {ward.code} (own committed transaction "
        "each; cube hook inside activities.services; target p50 ≤ 5 ms):"
    )
    line("record_activity + cube upsert", record_times)
    line("cube upsert alone (one statement)", hook_times)
    for activity in made:  # leave the data as it was: soft delete (with its cube update)
        with transaction.atomic():
            services.delete_activity(actor, activity)
    if failed:
        sys.exit(f"{failed} checks failed: the figures above them are not to be trusted.")


if __name__ == "__main__":
    main()
