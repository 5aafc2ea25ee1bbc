"""`binhyen generate-national` builds a consistent synthetic nation the engine answers on."""

import io

import pytest
from django.core.management import call_command

from binhyen.activities import cube as facts
from binhyen.activities.models import Activity
from binhyen.core.periods import parse_period
from binhyen.org.models import Unit
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
