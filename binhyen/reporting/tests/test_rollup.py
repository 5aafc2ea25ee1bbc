"""Rollups read the cube (and the raw days of partial edge months) and equal the raw records."""

import datetime

import pytest

from binhyen import factories as f
from binhyen.core.periods import parse_period
from binhyen.org import services as org_services
from binhyen.reporting.rollup import rollup
from binhyen.reporting.tests.helpers import by_code, naive, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(tree):
    record(tree["cs1"], "2021-08-15", sessions=1, attendances=11)  # the day before the range
    record(tree["cs1"], "2021-08-16", sessions=2, attendances=22)  # its first day
    record(tree["cs2"], "2022-01-31", sessions=3, attendances=33, audiences=("can_bo_cong_doan",))
    record(tree["cs2"], "2022-08-15", sessions=4, attendances=44, channels=("zalo",))  # last day
    record(tree["cs3"], "2022-08-16", sessions=5, attendances=55)  # the day after
    record(
        tree["q9"],
        "2022-03-10",
        kind="hoi_nghi",
        sessions=1,
        attendances=200,
        audiences=("can_bo_cong_doan",),
    )
    return tree


def test_date_range_with_partial_edge_months_is_exact(year):
    period = parse_period("2021-08-16..2022-08-15")
    result = rollup(year["root"], period, ["activity.sessions", "activity.attendances"])
    assert result["total"] == {"activity.sessions": 10, "activity.attendances": 299}
    assert by_code(result, "activity.sessions") == {"HCM": 10}
    assert result["period"] == {
        "start": "2021-08-16",
        "end": "2022-08-15",
        "label": "Từ ngày 16/08/2021 đến ngày 15/08/2022",
    }


def test_by_child_lists_open_children_and_own_records(year):
    result = rollup(
        year["hcm"], parse_period("2022"), ["activity.sessions", "activity.attendances"]
    )
    rows = {r["unit"]["code"]: r["values"] for r in result["rows"]}
    assert rows == {
        "HCM-Q9": {"activity.sessions": 1, "activity.attendances": 200},
        "HCM-TD": {"activity.sessions": 7, "activity.attendances": 77},
    }
    q9 = rollup(year["q9"], parse_period("2022"), ["activity.attendances"])
    # Q9's own conference is a row of its own, so the rows add up to the total
    assert by_code(q9, "activity.attendances") == {"HCM-Q9": 200}
    assert q9["total"] == {"activity.attendances": 200}


@pytest.mark.parametrize(
    "spec, filters",
    [
        ("activity.sessions[kind=tuyen_truyen]", {"kind": "tuyen_truyen"}),
        ("activity.attendances[audience=can_bo_cong_doan]", {"audience": "can_bo_cong_doan"}),
        (
            "activity.attendances[kind=tuyen_truyen;audience=can_bo_cong_doan]",
            {"kind": "tuyen_truyen", "audience": "can_bo_cong_doan"},
        ),
        # two many-to-many dimensions at once: answered from the raw activities
        (
            "activity.sessions[audience=cnvcld;channel=zalo]",
            {"audience": "cnvcld", "channel": "zalo"},
        ),
        (
            "activity.count[topic=ma_tuy;audience=can_bo_cong_doan;channel=zalo]",
            {"topic": "ma_tuy", "audience": "can_bo_cong_doan", "channel": "zalo"},
        ),
    ],
)
def test_filters_equal_the_raw_records(year, spec, filters):
    measure = {"sessions": "sessions", "attendances": "attendances", "count": "activities"}[
        spec.split("[")[0].split(".")[1]
    ]
    for period in ("2022", "2021-08-16..2022-08-15", "2022-01-15..2022-03-20"):
        p = parse_period(period)
        result = rollup(year["hcm"], p, [spec])
        assert by_code(result, spec) == naive(year["hcm"], p.start, p.end, measure, **filters), (
            period
        )


def test_by_month_lists_every_month_of_the_period(year):
    result = rollup(year["hcm"], parse_period("2022Q1"), ["activity.sessions"], by="month")
    assert [(r["month"], r["values"]["activity.sessions"]) for r in result["rows"]] == [
        ("2022-01", 3),
        ("2022-02", 0),
        ("2022-03", 1),
    ]
    assert result["total"] == {"activity.sessions": 4}


def test_reporting_units_and_outreach_share(year):
    specs = ["units.reporting", "units.grassroots_open", "units.outreach_share", "units.grassroots"]
    result = rollup(year["root"], parse_period("2022"), specs)
    rows = {r["unit"]["code"]: r["values"] for r in result["rows"]}
    assert rows["HCM"] == {
        "units.reporting": 1,
        "units.grassroots_open": 2,
        "units.outreach_share": 50.0,
        "units.grassroots": 2,
    }
    assert rows["TG"]["units.outreach_share"] == 100.0
    assert result["total"]["units.outreach_share"] == 66.7
    edge = rollup(
        year["root"], parse_period("2021-08-16..2022-01-31"), ["units.reporting"], by="none"
    )
    assert edge["rows"] == [] and edge["total"] == {"units.reporting": 2}


def test_merge_of_two_mid_level_units_as_now_and_as_of(tree):
    """Quận 9 merges into TP Thủ Đức on 01/01/2021: as the tree stands now, Quận 9's 2020
    activities count under Thủ Đức; as it stood on 31/12/2020, under Quận 9."""
    record(tree["cs1"], "2020-06-01", sessions=2, attendances=20)
    record(tree["cs2"], "2020-07-01", sessions=3, attendances=30)
    record(tree["q9"], "2020-08-01", kind="hoi_nghi", sessions=1, attendances=100)
    org_services.merge_units(f.superuser(), [tree["q9"]], tree["td"], datetime.date(2021, 1, 1))
    from binhyen.activities import cube as facts

    facts.rebuild()
    period = parse_period("2020")
    now = rollup(tree["hcm"], period, ["activity.sessions", "units.grassroots"], basis="now")
    assert {r["unit"]["code"]: r["values"] for r in now["rows"]} == {
        "HCM-Q9": {"activity.sessions": 1, "units.grassroots": 0},  # its own conference only
        "HCM-TD": {"activity.sessions": 5, "units.grassroots": 2},
    }
    then = rollup(
        tree["hcm"],
        period,
        ["activity.sessions", "units.grassroots"],
        as_of=datetime.date(2020, 12, 31),
    )
    assert {r["unit"]["code"]: r["values"] for r in then["rows"]} == {
        "HCM-Q9": {"activity.sessions": 3, "units.grassroots": 1},
        "HCM-TD": {"activity.sessions": 3, "units.grassroots": 1},
    }
    assert now["total"] == then["total"] == {"activity.sessions": 6, "units.grassroots": 2}
    # drilling into Quận 9 as it stood then finds its grassroots union again
    q9_then = rollup(
        tree["q9"], period, ["activity.sessions"], as_of=datetime.date(2020, 12, 31), by="month"
    )
    assert q9_then["total"] == {"activity.sessions": 3}
    assert by_code(
        rollup(tree["q9"], period, ["activity.sessions"], as_of=datetime.date(2020, 12, 31)),
        "activity.sessions",
    ) == {"HCM-Q9-CS1": 2, "HCM-Q9": 1}
    # after the last move the as-of tree is today's
    later = rollup(tree["hcm"], period, ["activity.sessions"], as_of=datetime.date(2021, 6, 1))
    assert later["rows"] == [
        r | {"values": {"activity.sessions": r["values"]["activity.sessions"]}} for r in now["rows"]
    ]


def test_as_of_move_across_provinces(tree):
    record(tree["cs3"], "2022-05-01", sessions=4, attendances=40)
    org_services.move_unit(f.superuser(), tree["cs3"], tree["q9"], datetime.date(2023, 1, 1))
    from binhyen.activities import cube as facts

    facts.rebuild()
    now = rollup(tree["root"], parse_period("2022"), ["activity.sessions"], basis="now")
    then = rollup(
        tree["root"], parse_period("2022"), ["activity.sessions"], as_of=datetime.date(2022, 12, 31)
    )
    assert by_code(now, "activity.sessions") == {"HCM": 4}
    assert by_code(then, "activity.sessions") == {"TG": 4}
    # as it was (the default for an ended period): the union was Mỹ Tho's all through 2022
    was = rollup(tree["root"], parse_period("2022"), ["activity.sessions"])
    assert was["basis"]["code"] == "was" and by_code(was, "activity.sessions") == {"TG": 4}
    # the unit moved in appears in Q9's rows as of now but not as of then
    assert by_code(
        rollup(tree["q9"], parse_period("2022"), ["activity.sessions"], basis="now"),
        "activity.sessions",
    ) == {"TG-MT-CS1": 4}
    assert rollup(
        tree["q9"], parse_period("2022"), ["activity.sessions"], as_of=datetime.date(2022, 12, 31)
    )["total"] == {"activity.sessions": 0}
    # and Mỹ Tho, which held the union then, still counts it as of then (the union, a grassroots
    # union, has no row of its own: its figures come from its new parent's row for it)
    mt_then = rollup(
        tree["mt"], parse_period("2022"), ["activity.sessions"], as_of=datetime.date(2022, 12, 31)
    )
    assert by_code(mt_then, "activity.sessions") == {"TG-MT-CS1": 4}
    assert rollup(tree["mt"], parse_period("2022"), ["activity.sessions"], basis="now")[
        "total"
    ] == {"activity.sessions": 0}


@pytest.fixture
def plans(year):
    """Two plans; some activities carry out one, some both, some none."""
    plan, other = f.document(year["hcm"], number="329"), f.document(year["tg"], number="311")
    record(year["cs1"], "2022-01-20", sessions=2, attendances=21, documents=[plan])
    record(
        year["cs2"],
        "2022-02-01",
        sessions=3,
        attendances=31,
        documents=[plan, other],
        topics=("pccc",),
    )
    record(
        year["cs2"], "2022-08-15", sessions=4, attendances=41, documents=[plan]
    )  # last day of the range
    record(year["cs3"], "2022-05-02", sessions=5, attendances=51, documents=[other])
    record(year["q9"], "2022-03-11", kind="hoi_nghi", sessions=1, attendances=90, documents=[plan])
    return year, plan, other


@pytest.mark.parametrize(
    "spec, filters",
    [
        ("activity.sessions[document={plan}]", {}),
        ("activity.attendances[document={other}]", {}),
        ("activity.count[kind=tuyen_truyen;document={plan}]", {"kind": "tuyen_truyen"}),
        # a document and a topic at once: answered from the raw activities
        ("activity.sessions[topic=pccc;document={plan}]", {"topic": "pccc"}),
    ],
)
def test_document_filter_equals_the_raw_records(plans, spec, filters):
    year, plan, other = plans
    spec = spec.format(plan=plan.pk, other=other.pk)
    document = plan if f"document={plan.pk}" in spec else other
    measure = {"sessions": "sessions", "attendances": "attendances", "count": "activities"}[
        spec.split("[")[0].split(".")[1]
    ]
    for top in ("root", "hcm", "q9"):
        for period in ("2022", "2021-08-16..2022-08-15", "2022-01-15..2022-03-20"):
            p = parse_period(period)
            result = rollup(year[top], p, [spec])
            expected = naive(year[top], p.start, p.end, measure, document=document.pk, **filters)
            assert by_code(result, spec) == expected, (top, period)
            assert result["total"][spec] == sum(expected.values())


def test_document_filter_by_month_and_reporting_units(plans):
    year, plan, _other = plans
    spec = f"activity.sessions[document={plan.pk}]"
    months = rollup(year["hcm"], parse_period("2022Q1"), [spec], by="month")
    assert [(r["month"], r["values"][spec]) for r in months["rows"]] == [
        ("2022-01", 2),
        ("2022-02", 3),
        ("2022-03", 1),
    ]
    units = f"units.reporting[document={plan.pk}]"
    assert rollup(year["hcm"], parse_period("2022"), [units], by="none")["total"] == {units: 2}


def test_a_document_is_named_by_id_or_unique_symbol_and_keyed_by_id(plans):
    from django.core.exceptions import ValidationError

    from binhyen.figures import registry as indicators

    year, plan, _other = plans
    by_symbol = indicators.parse(f"activity.sessions[document={plan.symbol}]")
    assert by_symbol.key == f"activity.sessions[document={plan.pk}]"
    assert by_symbol.label == f"Số cuộc, buổi (Kế hoạch số {plan.symbol})"
    f.document(year["tg"], number="329")  # the same symbol, another issuer
    with pytest.raises(ValidationError) as exc:
        indicators.parse(f"activity.sessions[document={plan.symbol}]")
    assert "Có nhiều văn bản cùng ký hiệu" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        indicators.parse("activity.sessions[document=999999]")
    assert "Không có văn bản “999999” trong phạm vi bạn xem được" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        indicators.parse(f"groups.members[document={plan.pk}]")
    assert "không lọc được theo “document”" in str(exc.value)
