"""The two bases a figure is given on (binhyen.org.history): as it was (each record under the
tree of its own date) and as it is now (today's tree), chosen in one place, named on the
result, and equal wherever one question is asked twice."""

import datetime

import pytest

from binhyen import factories as f
from binhyen.core.periods import parse_period
from binhyen.org import history
from binhyen.org import services as org_services
from binhyen.reporting.rollup import rollup
from binhyen.reporting.tests.helpers import by_code, record

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(tree):
    """Quận 9's grassroots union is active in both halves of 2023 and moves to Thủ Đức on
    01/07/2023, in the middle of the year."""
    record(tree["cs1"], "2023-03-10", sessions=4, attendances=40)
    record(tree["cs1"], "2023-09-10", sessions=6, attendances=60)
    record(tree["cs2"], "2023-05-05", sessions=1, attendances=10)
    org_services.move_unit(f.superuser(), tree["cs1"], tree["td"], D(2023, 7, 1))
    return tree


def test_as_was_counts_each_record_under_the_tree_of_its_date(moved):
    hcm, year = moved["hcm"], parse_period("2023")
    was = rollup(hcm, year, ["activity.sessions", "units.reporting"], basis="was")
    assert was["basis"] == {"code": "was", "label": "theo cơ cấu tại thời điểm phát sinh"}
    assert by_code(was, "activity.sessions") == {"HCM-Q9": 4, "HCM-TD": 7}
    # the union active under two districts counts once in the city's total, once in each row
    assert was["total"]["units.reporting"] == 2
    assert {r["unit"]["code"]: r["values"]["units.reporting"] for r in was["rows"]} == {
        "HCM-Q9": 1,
        "HCM-TD": 2,
    }
    now = rollup(hcm, year, ["activity.sessions"], basis="now")
    assert now["basis"]["code"] == "now"
    assert by_code(now, "activity.sessions") == {"HCM-TD": 11}
    # the halves add up to the year as it was
    halves = [
        by_code(
            rollup(hcm, parse_period(p), ["activity.sessions"], basis="was"), "activity.sessions"
        )
        for p in ("2023H1", "2023H2")
    ]
    assert halves == [{"HCM-Q9": 4, "HCM-TD": 1}, {"HCM-TD": 6}]
    by_month = rollup(moved["q9"], year, ["activity.sessions"], by="month", basis="was")
    assert [r["values"]["activity.sessions"] for r in by_month["rows"]][2:9] == [
        4,
        0,
        0,
        0,
        0,
        0,
        0,
    ]


def test_a_later_restructure_never_changes_a_past_figure_as_it_was(moved):
    q9, year = moved["q9"], parse_period("2023")
    before = rollup(q9, year, ["activity.sessions"], basis="was")["total"]
    org_services.move_unit(f.superuser(), moved["q9"], moved["tg"], D(2025, 7, 1))
    assert (
        rollup(q9, year, ["activity.sessions"], basis="was")["total"]
        == before
        == {"activity.sessions": 4}
    )


def test_the_default_basis(moved, monkeypatch):
    q9 = moved["q9"]
    assert history.choose(q9, parse_period("2023")) == history.WAS  # an ended period
    this_year = parse_period(str(history.today().year))
    assert history.choose(q9, this_year) == history.NOW
    assert history.choose(q9, this_year, history.WAS) == history.WAS
    org_services.merge_units(f.superuser(), [q9], moved["td"], D(2024, 1, 1))
    q9.refresh_from_db()
    # a closed unit has no subtree today: always as it was, whatever is asked
    assert history.choose(q9, this_year, history.NOW) == history.WAS
    assert not history.switchable(q9)


def test_a_closed_unit_is_read_up_to_its_last_day(moved):
    record(moved["q9"], "2023-12-20", sessions=2, attendances=20, kind="hoi_nghi")
    org_services.merge_units(f.superuser(), [moved["q9"]], moved["td"], D(2024, 1, 1))
    q9 = moved["q9"]
    q9.refresh_from_db()
    span = parse_period("2023-01-01..2024-12-31")
    record(moved["td"], "2024-03-01", sessions=9, attendances=90)
    result = rollup(q9, span, ["activity.sessions", "units.grassroots"], basis="now")
    assert result["basis"]["code"] == "was"
    assert result["total"] == {"activity.sessions": 6, "units.grassroots": 0}
