"""Property: after any sequence of incidents opened (stoppages at FDI or private enterprises,
with or without a union), settled, closed and soft-deleted, and of units moved in the tree at
random dates, the incidents' figures equal a walk over the raw records — on both bases: today's
tree, and each record under the tree of its own date (a stock under the tree of the period's
last day)."""

import datetime
import statistics

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binhyen import factories as f
from binhyen.core.periods import Period
from binhyen.incidents import services
from binhyen.incidents.models import Incident
from binhyen.org import services as org_services
from binhyen.org.models import Unit, UnitEvent
from binhyen.reporting.rollup import rollup
from binhyen.reporting.tests.helpers import by_code

pytestmark = pytest.mark.django_db

UNITS = ["HCM", "TG", "HCM-Q9", "HCM-TD", "TG-MT", "HCM-Q9-CS1", "HCM-TD-CS1", "TG-MT-CS1"]
KINDS = ["ngung_viec", "toi_pham", "ma_tuy"]
START = datetime.date(2021, 1, 1)

days = st.integers(0, 3 * 365 - 1).map(lambda n: START + datetime.timedelta(days=n))
opened = st.fixed_dictionaries(
    {
        "unit": st.sampled_from(UNITS),
        "day": days,
        "hour": st.integers(0, 23),  # late hours cross the UTC date: local days count
        "kind": st.sampled_from(KINDS),
        "firm": st.sampled_from(["fdi", "private"]),
        "workers": st.integers(1, 500),
        "worker_days": st.integers(1, 2000),
    }
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("open"), opened),
        st.tuples(st.just("open"), opened),
        st.tuples(st.just("settle"), st.integers(0, 50), st.integers(0, 90), st.booleans()),
        st.tuples(st.just("delete"), st.integers(0, 50)),
        st.tuples(
            st.just("move"),
            st.sampled_from(["HCM-Q9-CS1", "HCM-TD-CS1", "TG-MT-CS1", "HCM-Q9"]),
            st.sampled_from(["HCM-Q9", "HCM-TD", "TG-MT", "TG", "HCM"]),
            days,
        ),
    ),
    min_size=1,
    max_size=12,
)
periods = st.tuples(days, st.integers(0, 500)).map(
    lambda t: Period(t[0], t[0] + datetime.timedelta(days=t[1]), "range", "range")
)


def _at(day, hour=8):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _apply(op, firms):
    units = {u.code: u for u in Unit.objects.all()}
    root = f.superuser()
    if op[0] == "open":
        d = op[1]
        extra = {"ward": f.area("26794")}
        if d["kind"] == "ngung_viec":
            extra = {
                "enterprise": firms[d["firm"]],
                "stoppage": {"workers_involved": d["workers"], "worker_days": d["worker_days"]},
            }
        f.incident(units[d["unit"]], d["kind"], started_at=_at(d["day"], d["hour"]), **extra)
    elif op[0] in ("settle", "delete"):
        alive = list(Incident.objects.order_by("pk"))
        if not alive:
            return
        case = alive[op[1] % len(alive)]
        if op[0] == "delete":
            services.delete_incident(root, case)
            return
        when = case.started_at + datetime.timedelta(days=op[2], hours=3)
        if when > timezone.now() or case.state != "tiep_nhan":
            return
        services.move_incident(root, case, "dang_xu_ly", at=when)
        services.move_incident(root, case, "da_giai_quyet", what="Xong.", at=when)
        if op[3]:
            later = when + datetime.timedelta(days=5)
            services.move_incident(root, case, "dong", what="Đóng.", at=later)
    else:
        unit, new_parent = units[op[1]], units[op[2]]
        if unit.parent_id != new_parent.pk:
            org_services.move_unit(root, unit, new_parent, op[3])


def _trees():
    parent = dict(Unit.objects.values_list("pk", "parent_id"))
    events = list(
        UnitEvent.objects.filter(kind="moved")
        .order_by("date", "id")
        .values_list("unit_id", "old_parent_id", "date")
    )

    def on(day):
        if day is None:
            return parent
        then = dict(parent)
        for unit_id, old_parent, date in reversed(events):
            if date > day:
                then[unit_id] = old_parent
        return then

    return on


def _under(unit, unit_id, tree, codes):
    """The code of the child of `unit` that `unit_id` lay under in `tree` (the unit's own code
    for its own records), or None outside its subtree."""
    node, below = unit_id, None
    while node is not None and node != unit.pk:
        node, below = tree.get(node), node
    if node != unit.pk:
        return None
    return codes[below] if below is not None else unit.code


def naive(unit, period, basis):
    """{measure: {child code: value}} and the totals, walking every incident."""
    tree_on = _trees()
    codes = dict(Unit.objects.values_list("pk", "code"))
    local = timezone.localtime
    out = {m: {} for m in ("count", "stoppages", "workers", "no_union", "open")}
    settled = {}

    def add(measure, code, value=1):
        out[measure][code] = out[measure].get(code, 0) + value

    for case in Incident.objects.select_related("kind", "enterprise", "stoppage"):
        start = local(case.started_at).date()
        if period.start <= start <= period.end:
            code = _under(unit, case.unit_id, tree_on(start if basis == "was" else None), codes)
            if code:
                add("count", code)
                if case.kind.code == "ngung_viec":
                    add("stoppages", code)
                    add("workers", code, case.stoppage.workers_involved)
                    if case.enterprise.union_id is None:
                        add("no_union", code)
        closed = local(case.closed_at).date() if case.closed_at else None
        if start <= period.end and (closed is None or closed > period.end):
            tree = tree_on(period.end if basis == "was" else None)
            code = _under(unit, case.unit_id, tree, codes)
            if code:
                add("open", code)
        if case.settled_at:
            day = local(case.settled_at).date()
            if period.start <= day <= period.end:
                code = _under(unit, case.unit_id, tree_on(day if basis == "was" else None), codes)
                if code:
                    seconds = (case.settled_at - case.started_at).total_seconds()
                    settled.setdefault(code, []).append(round(seconds))
    every = [v for values in settled.values() for v in values]
    median = round(statistics.median(every) / 86400, 1) if every else None
    return {m: {k: v for k, v in d.items() if v} for m, d in out.items()}, median


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations, period=periods, top=st.sampled_from(["TLD", "HCM", "HCM-Q9", "TG-MT"]))
def test_incident_figures_equal_raw_records(tree, ops, period, top):
    with transaction.atomic():
        firms = {
            "fdi": f.enterprise(tree["hcm"]),  # FDI, no union
            "private": f.enterprise(tree["hcm"], ownership="tu_nhan", union=tree["cs1"]),
        }
        for op in ops:
            try:
                with transaction.atomic():
                    _apply(op, firms)
            except ValidationError:
                pass  # refused by the services (a duplicate case, a bad move): nothing changed
        unit = Unit.objects.get(code=top)
        keys = {
            "count": "incidents.count",
            "stoppages": "incidents.count[kind=ngung_viec]",
            "workers": "incidents.stoppage_workers",
            "no_union": "incidents.stoppages_without_union",
            "open": "incidents.open",
        }
        median_key = "incidents.resolution_days_median"
        for basis in ("now", "was"):
            expected, median = naive(unit, period, basis)
            result = rollup(unit, period, [*keys.values(), median_key], basis=basis)
            for measure, key in keys.items():
                assert by_code(result, key) == expected[measure], (basis, key)
                assert result["total"][key] == sum(expected[measure].values()), (basis, key)
            assert result["total"][median_key] == median, basis
            months = rollup(unit, period, [keys["count"]], by="month", basis=basis)
            assert sum(r["values"][keys["count"]] for r in months["rows"]) == sum(
                expected["count"].values()
            )
        transaction.set_rollback(True)
