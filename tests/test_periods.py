"""Reporting periods: codes, bounds, Vietnamese labels (English on request) and bad input."""

import calendar
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from binhyen.core.periods import parse_period

D = datetime.date


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.mark.parametrize(
    "code,start,end,label",
    [
        ("2022", D(2022, 1, 1), D(2022, 12, 31), "Năm 2022"),
        ("2022Q1", D(2022, 1, 1), D(2022, 3, 31), "Quý I/2022"),
        ("2022Q4", D(2022, 10, 1), D(2022, 12, 31), "Quý IV/2022"),
        ("2022H1", D(2022, 1, 1), D(2022, 6, 30), "6 tháng đầu năm 2022"),
        ("2022H2", D(2022, 7, 1), D(2022, 12, 31), "6 tháng cuối năm 2022"),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "Tháng 2/2024"),
        ("2018-01-01..2023-12-31", D(2018, 1, 1), D(2023, 12, 31), "Giai đoạn 2018 - 2023"),
        (
            "2021-08-16..2022-08-15",
            D(2021, 8, 16),
            D(2022, 8, 15),
            "Từ ngày 16/08/2021 đến ngày 15/08/2022",
        ),
    ],
)
def test_parse_and_label(code, start, end, label):
    p = parse_period(code)
    assert (p.start, p.end, p.label) == (start, end, label)


@pytest.mark.parametrize(
    "code,label",
    [
        ("2022", "Year 2022"),
        ("2022H1", "First half of 2022"),
        ("2022H2", "Second half of 2022"),
        ("2018-01-01..2023-12-31", "2018 - 2023"),
        ("2021-08-16..2022-08-15", "From 16/08/2021 to 15/08/2022"),
    ],
)
def test_labels_in_english(english, code, label):
    with translation.override("en"):
        assert parse_period(code).label == label
    assert parse_period(code).label != label  # and back in Vietnamese outside


def test_every_quarter_and_month_has_its_english_label(english):
    with translation.override("en"):
        quarters = [parse_period(f"2022Q{q}").label for q in range(1, 5)]
        months = [parse_period(f"2022-{m:02d}").label for m in range(1, 13)]
    assert quarters == ["Q1/2022", "Q2/2022", "Q3/2022", "Q4/2022"]
    assert months == [f"{calendar.month_name[m]} 2022" for m in range(1, 13)]
    assert [parse_period(f"2022Q{q}").label for q in range(1, 5)] == [
        "Quý I/2022",
        "Quý II/2022",
        "Quý III/2022",
        "Quý IV/2022",
    ]
    assert parse_period("2022-12").label == "Tháng 12/2022"


def test_a_label_inside_a_sentence(english):
    # Vietnamese lowers the first word only: the quarter keeps its roman numeral
    assert [parse_period(c).in_sentence for c in ("2022", "2022Q1", "2022H2", "2022-03")] == [
        "năm 2022",
        "quý I/2022",
        "6 tháng cuối năm 2022",
        "tháng 3/2022",
    ]
    with translation.override("en"):
        assert [parse_period(c).in_sentence for c in ("2022Q1", "2022-03")] == [
            "Q1/2022",
            "March 2022",
        ]


def test_bad_periods_are_refused_in_english_on_request(english):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        parse_period("2022-13")
    assert exc.value.message_dict["period"] == ["Month 13 is not valid."]


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "22",
        "2022Q5",
        "2022H3",
        "2022-13",
        "2023-12-31..2018-01-01",
        "2022-02-30..2022-03-01",
        "năm 2022",
    ],
)
def test_bad_periods_are_refused_in_vietnamese(bad):
    with pytest.raises(ValidationError) as exc:
        parse_period(bad)
    assert exc.value.message_dict["period"][0]


def test_previous_periods():
    assert parse_period("2022Q1").previous().code == "2021Q4"
    assert parse_period("2022H2").previous().code == "2022H1"
    assert parse_period("2022").previous().code == "2021"
    assert parse_period("2022-01").previous().code == "2021-12"
    prev = parse_period("2022-01-11..2022-01-20").previous()
    assert (prev.start, prev.end) == (D(2022, 1, 1), D(2022, 1, 10))
    prev = parse_period("2020-01-01..2024-12-31").previous()
    assert (prev.start, prev.end, prev.label) == (
        D(2015, 1, 1),
        D(2019, 12, 31),
        "Giai đoạn 2015 - 2019",
    )


def test_months_of_a_range():
    assert [m.month for m in parse_period("2021-11-15..2022-02-01").months()] == [11, 12, 1, 2]
