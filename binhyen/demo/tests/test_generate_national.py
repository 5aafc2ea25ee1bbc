"""`binhyen generate-national` builds a consistent synthetic nation the engine answers on."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from binhyen.activities import cube as facts
from binhyen.activities.models import Activity
from binhyen.core import periods
from binhyen.core.periods import parse_period
from binhyen.org.models import Unit, UnitEvent, UnitEventKind
from binhyen.reporting.rollup import rollup

pytestmark = pytest.mark.django_db


def test_tiny_nation_has_34_provinces_and_a_cube_equal_to_its_activities():
    out = io.StringIO()
    call_command("generate-national", units=300, activities=3000, seed=7, code="QG", stdout=out)
    assert "Hoạt động: 3.000/3.000 (100%)" in out.getvalue()
    root = Unit.objects.get(code="QG")
    assert root.children.count() == 34
    assert Unit.objects.filter(path__startswith=root.path).count() == 300
    assert Activity.objects.count() == 3000
    assert facts.verify() == []
    total = rollup(
        root,
        parse_period("2020-01-01..2024-12-31"),
        ["activity.count", "groups.members"],
        by="none",
    )["total"]
    assert total["activity.count"] == 3000
    assert total["groups.members"] > 0


def test_same_seed_same_nation():
    call_command(
        "generate-national", units=100, activities=500, seed=3, code="A1", stdout=io.StringIO()
    )
    call_command(
        "generate-national", units=100, activities=500, seed=3, code="A2", stdout=io.StringIO()
    )
    year = parse_period("2022")
    a = rollup(Unit.objects.get(code="A1"), year, ["activity.attendances"], by="month")
    b = rollup(Unit.objects.get(code="A2"), year, ["activity.attendances"], by="month")
    assert a["rows"] == b["rows"] and a["total"]["activity.attendances"] > 0


REFORM = datetime.date(2025, 7, 1)
EVE = REFORM - datetime.timedelta(days=1)


def parents_on(day):
    """{unit id: parent id} on `day`: the old parent of a unit's first move after the day, else
    its parent today (the rule binhyen.org.history.Attribution reads the events by)."""
    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    moved = (
        UnitEvent.objects.filter(kind=UnitEventKind.MOVED, date__gt=day)
        .order_by("-date", "-id")
        .values_list("unit_id", "old_parent_id")
    )
    parents.update(moved)  # the earliest move after the day is applied last
    return parents


def test_reform_closes_the_districts_moves_their_unions_to_ward_unions_and_merges_provinces():
    out = io.StringIO()
    call_command(
        "generate-national",
        "--reform",
        "2025-07-01",
        units=400,
        activities=4000,
        seed=5,
        code="QG",
        stdout=out,
    )
    assert "Sắp xếp ngày 01/07/2025: kết thúc 34 LĐLĐ cấp huyện" in out.getvalue()
    root = Unit.objects.get(code="QG")
    subtree = Unit.objects.filter(path__startswith=root.path)
    districts = subtree.filter(kind__code="ldld_huyen")
    assert districts.count() == 34
    assert set(districts.values_list("valid_to", flat=True)) == {EVE}
    assert not subtree.filter(kind__rank=2).exclude(kind__code="cd_xa").open_on(REFORM).exists()

    before, after = parents_on(EVE), parents_on(REFORM)
    units = {u.pk: u for u in subtree.select_related("kind")}
    grassroots = [u for u in units.values() if u.kind.is_grassroots]
    assert len(grassroots) == 400 - 1 - 34 - 34
    for unit in grassroots:
        ward = units[after[unit.pk]]
        assert ward.kind.code == "cd_xa" and ward.valid_from == REFORM and ward.open_on(REFORM)
        province_then, province_now = units[before[before[unit.pk]]], units[after[ward.pk]]
        assert province_now.open_on(REFORM)
        assert province_now in (province_then, province_then.successor)

    merged = subtree.filter(parent=root, valid_to=EVE)
    assert merged.count() == 2
    target = merged[0].successor
    assert merged[1].successor == target and target.open_on(REFORM)
    assert (
        UnitEvent.objects.filter(kind=UnitEventKind.MERGED, date=EVE, successor=target).count() == 2
    )
    assert UnitEvent.objects.filter(kind=UnitEventKind.CLOSED, date=EVE).count() == 34
    moves = UnitEvent.objects.filter(kind=UnitEventKind.MOVED, date=REFORM)
    assert moves.filter(old_parent__kind__code="ldld_huyen").count() == len(grassroots)
    assert moves.filter(old_parent__in=merged, new_parent=target).exists()

    # records on both sides of the day, none of a unit after it closed
    assert Activity.objects.filter(date__lt=REFORM).exists()
    assert Activity.objects.filter(date__gte=REFORM, unit__kind__is_grassroots=True).exists()
    assert not Activity.objects.filter(unit__valid_to__lt=F("date")).exists()

    call_command("check-tree", stdout=io.StringIO())
    call_command("verify-facts", stdout=io.StringIO())  # CommandError on any difference

    # 2024 through today's tree and through the tree of 30/06/2025: the same national total,
    # shared differently between the provinces (the merged ones held their unions then)
    year, indicators = parse_period("2024"), ["activity.count", "activity.sessions"]
    now = rollup(root, year, indicators + ["groups.members"], by="none", as_of=periods.today())
    was = rollup(root, year, indicators + ["groups.members"], by="none", as_of=EVE)
    assert now["total"] == was["total"] and now["total"]["activity.count"] > 0
    now = rollup(root, year, indicators, by="child", as_of=periods.today())
    was = rollup(root, year, indicators, by="child", as_of=EVE)

    def by_code(result):
        return {r["unit"]["code"]: r["values"]["activity.count"] for r in result["rows"]}

    for source in merged:
        assert by_code(was)[source.code] > by_code(now)[source.code]


def test_reform_needs_records_on_both_sides_of_its_day():
    with pytest.raises(CommandError, match="phải nằm trong khoảng"):
        call_command(
            "generate-national",
            "--reform",
            "2025-07-01",
            "--last-year",
            "2024",
            units=100,
            activities=100,
            stdout=io.StringIO(),
        )
