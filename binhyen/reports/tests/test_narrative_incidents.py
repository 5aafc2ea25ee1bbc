"""The narrative's paragraph on incidents and tips: written only when there were cases, with the
stoppages' figures in Vietnamese number format and the change against the previous period,
every figure equal to the rollup."""

import datetime

import pytest
from django.utils import timezone

from binhyen import factories as f
from binhyen.core.periods import parse_period
from binhyen.reporting.rollup import rollup
from binhyen.reports import narrative


def at(day):
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(9))
    )


@pytest.fixture
def world(db):
    gt = f.group_tree()
    fdi = f.enterprise(gt["cs"], workforce=9000)  # FDI, no union
    private = f.enterprise(gt["cs"], ownership="tu_nhan", workforce=4000, union=gt["cs"])
    f.incident(
        gt["cs"],
        "ngung_viec",
        started_at=at("2024-03-05"),
        enterprise=fdi,
        stoppage={"workers_involved": 2500, "worker_days": 7500},
    )
    f.incident(
        gt["cs"],
        "ngung_viec",
        started_at=at("2024-04-05"),
        enterprise=private,
        stoppage={"workers_involved": 1200, "worker_days": 1200},
    )
    f.incident(gt["cs"], "toi_pham", started_at=at("2024-06-01"))
    f.incident(gt["cs"], "toi_pham", started_at=at("2023-06-01"))
    return gt


def test_the_paragraph_on_incidents_with_the_change(world):
    period = parse_period("2024")
    story = narrative.generate(world["hcm"], period)
    text = story.text()
    assert text.startswith("1. Tình hình vụ việc, tin báo\n")  # no other section had anything
    assert "đã ghi nhận 3 vụ việc về an ninh, trật tự" in text
    assert "trong đó có 2 vụ ngừng việc tập thể với 3.700 người lao động tham gia" in text
    assert "làm mất 8.700 ngày công" in text
    assert "50% số vụ ngừng việc xảy ra tại doanh nghiệp có vốn đầu tư nước ngoài" in text
    assert "1 vụ tại doanh nghiệp chưa có tổ chức công đoàn" in text
    assert "So với năm 2023 (1 vụ), số vụ việc tăng 2 vụ." in text
    totals = rollup(world["hcm"], period, [x.indicator for x in story.figures()], by="none")
    for figure in story.figures():
        if figure.period == "2024" and not figure.part:
            assert figure.value == totals["total"][figure.indicator], figure


def test_no_case_no_paragraph(world):
    text = narrative.generate(world["hcm"], parse_period("2022")).text()
    assert "vụ việc" not in text
