"""On the demo data the narrative carries the seeds' figures in the sentences they belong to."""

import datetime
import re

import pytest

from binhyen.core.periods import parse_period
from binhyen.org import demo as org_demo
from binhyen.org.models import Unit
from binhyen.reports import narrative


@pytest.fixture
def demo(full_demo):
    """The whole demo, loaded once for every test that reads it (conftest.py)."""
    return full_demo


def sentence_with(text, *figures):
    return [s for s in re.split(r"(?<=\.)\s|\n", text) if all(f in s for f in figures)]


def test_hcmc_2018_2023(demo):
    text = narrative.generate(
        Unit.objects.get(code=org_demo.HCM), parse_period("2018-01-01..2023-12-31")
    ).text()
    assert sentence_with(text, "3.807 buổi tuyên truyền", "840.528 lượt"), text
    assert sentence_with(text, "45.284 cuộc hội nghị", "3.740.917 lượt"), text
    assert sentence_with(text, "1.304 tổ", "98.007 thành viên", "93 phường, xã"), text


def test_my_tho_one_year(demo):
    my_tho = Unit.objects.get(code=org_demo.MY_THO)
    text = narrative.generate(my_tho, parse_period("2021-08-16..2022-08-15")).text()
    assert sentence_with(
        text, "16 buổi cho 1.116 lượt cán bộ công đoàn", "648 buổi với 17.879 lượt người"
    ), text
    assert datetime.date(2025, 6, 30) == my_tho.valid_to
