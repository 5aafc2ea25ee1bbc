"""Each plan's own figures along the chain, from the rollup engine: the activities linked to
the plan (Activity.documents) from the day it was issued, in the reader's part of the plan's
unit, in total and by child unit; and the activities listed under it."""

import datetime

import pytest

from binhyen import factories as f
from binhyen.core.periods import parse_period
from binhyen.documents import chain as documents_chain
from binhyen.documents.tests import conftest as documents_tests
from binhyen.documents.tests.conftest import record
from binhyen.org import services as org_services
from binhyen.reporting import chain
from binhyen.reporting.rollup import rollup

D = datetime.date

# the documents tests' people: a viewer and an editor at HCMC, editors at Quận 9, at its
# grassroots union and at Mỹ Tho
people = documents_tests.people
chained = documents_tests.chained


def test_plan_figures_are_the_plans_own_activities_not_the_units_subtree(chained, tree):
    """Only the activities linked to the plan count, from the day it was issued, in the plan
    unit's subtree; the same figures as the registry's document filter and a raw count."""
    from binhyen.activities.models import Activity

    kh, cv = chained["kh"], chained["cv"]
    cs4 = f.unit(tree["mt"], "cd_co_so")
    record(tree["cs3"], "2022-04-02", sessions=3, attendances=120, documents=[kh])
    record(cs4, "2022-06-10", sessions=2, attendances=30, documents=[kh, cv])
    record(tree["mt"], "2022-07-30", sessions=1, attendances=40, documents=[kh], kind="hoi_nghi")
    record(tree["cs3"], "2022-03-01", sessions=7, attendances=70, documents=[kh])  # before the plan
    record(tree["mt"], "2022-08-20", sessions=5, attendances=500, documents=[kh])  # after the year
    record(tree["cs3"], "2022-06-02", sessions=9, attendances=900)  # carries out no plan
    period = documents_chain.default_period(chained["kl"], day=D(2025, 1, 1))
    figures = chain.plan_figures(kh, period, f.superuser())
    assert (figures.activities, figures.sessions, figures.attendances) == (3, 6, 190)
    raw = Activity.objects.filter(documents=kh, date__gte=kh.issued_on, date__lte=period.end)
    assert figures.sessions == sum(a.sessions for a in raw) and figures.activities == raw.count()
    whole = rollup(tree["mt"], period, ["activity.sessions"], by="none")["total"][
        "activity.sessions"
    ]
    assert whole == 22 != figures.sessions  # the unit's whole subtree is another figure
    assert {
        r["code"]: (r["activities"], r["sessions"], r["attendances"], r["own"])
        for r in figures.breakdown
    } == {
        cs4.code: (1, 2, 30, False),
        tree["cs3"].code: (1, 3, 120, False),
        tree["mt"].code: (1, 1, 40, True),
    }
    letter = chain.plan_figures(cv, period, f.superuser())  # issued 24/05/2022
    assert (letter.activities, letter.sessions, letter.period.start) == (1, 2, D(2022, 5, 24))


def test_a_plan_issued_after_the_period_has_no_figures_in_it(chained):
    figures = chain.plan_figures(chained["cv"], parse_period("2022Q1"), f.superuser())
    assert (figures.activities, figures.sessions, figures.rows, figures.later) == (0, 0, [], True)


def test_plan_figures_are_the_readers_part_of_the_plan(chained, tree, people):
    kh = chained["kh"]
    cs4 = f.unit(tree["mt"], "cd_co_so")
    record(tree["cs3"], "2022-04-02", sessions=3, attendances=120, documents=[kh])
    record(cs4, "2022-05-10", sessions=2, attendances=30, documents=[kh])
    officer = f.user(role="editor", unit=tree["cs3"])
    mine = chain.plan_figures(kh, parse_period("2022"), officer)
    assert (mine.unit, mine.whole, mine.sessions) == (tree["cs3"], False, 3)
    assert chain.plan_figures(kh, parse_period("2022"), people["mt_editor"]).sessions == 5


def test_plan_figures_never_reach_past_what_the_reader_sees(chained, tree, people):
    record(tree["cs3"], "2022-04-02", sessions=3, attendances=120, documents=[chained["kh"]])
    period = parse_period("2022")
    elsewhere = chain.plan_figures(chained["kh"], period, people["q9_editor"])
    assert (elsewhere.unit, elsewhere.sessions) == (tree["q9"], 0)  # only their own units
    assert chain.plan_figures(chained["kl"], period, f.superuser()) is None  # an outside directive


def test_a_plans_unions_that_moved_on_count_for_the_reader_who_has_them_now(chained, tree, people):
    """Mỹ Tho's unions went under another federation after 2022: its officers, who no longer
    see LĐLĐ Mỹ Tho, read the plan's figures of the unions they have now."""
    kh = chained["kh"]
    record(tree["cs3"], "2022-04-02", sessions=3, attendances=120, documents=[kh])
    org_services.move_unit(f.superuser(), tree["cs3"], tree["q9"], D(2025, 7, 1))
    figures = chain.plan_figures(kh, parse_period("2022"), people["q9_editor"])
    assert (figures.unit, figures.whole, figures.sessions) == (tree["q9"], False, 3)
    assert (
        chain.plan_figures(kh, parse_period("2022"), f.superuser()).sessions == 3
    )  # Mỹ Tho's, as it stood


def test_activities_under_a_plan_are_those_linked_to_it(chained, tree):
    cs4 = f.unit(tree["mt"], "cd_co_so")
    kh = chained["kh"]
    mine = record(tree["cs3"], "2022-04-02", documents=[kh])
    other = record(cs4, "2022-05-02", documents=[kh])
    record(
        tree["cs3"],
        "2022-04-03",
        document_ref="329/KH-LĐLĐ",
        title="Chỉ ghi số hiệu, không liên kết",
    )
    record(tree["cs3"], "2022-03-01", documents=[kh], title="Trước ngày ban hành")
    found = chain.activities_under(kh, parse_period("2022"), f.superuser())
    assert set(found) == {mine, other}
    assert chain.activities_under(chained["kl"], parse_period("2022"), f.superuser()) is None


@pytest.fixture
def plans(tree):
    """Three plans with the same symbol 329/KH-LĐLĐ: HCMC's, Quận 9's and Tiền Giang's."""
    return f.same_symbol_plans(tree)


def test_documents_chain_counts_linked_activities(people, tree, plans):
    linked = f.activity(tree["q9"], date=datetime.date(2021, 5, 2), documents=[plans["hcm"]])
    f.activity(tree["q9"], date=datetime.date(2021, 5, 3), document_ref="329/KH-LĐLĐ")  # text only
    found = chain.activities_under(plans["hcm"], parse_period("2021"), people["hcm_viewer"])
    assert list(found) == [linked]
