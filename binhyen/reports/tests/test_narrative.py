"""The narrative draft: figures equal the rollup, with separators and classifiers, nothing zero."""

import datetime
import re

from binhyen import factories
from binhyen.core.periods import parse_period
from binhyen.reporting.rollup import rollup
from binhyen.reports import narrative

D = datetime.date


def test_sentences_carry_the_rollup_figures_with_their_classifiers(tree):
    mt, cs3 = tree["mt"], tree["cs3"]
    factories.activity(
        mt, date=D(2022, 3, 1), sessions=16, attendances=1116, audiences=("can_bo_cong_doan",)
    )
    factories.activity(cs3, date=D(2022, 4, 1), sessions=648, attendances=17879)
    factories.activity(cs3, date=D(2022, 5, 1), kind="hoi_nghi", sessions=2, attendances=1500)
    period = parse_period("2021-08-16..2022-08-15")
    text = narrative.generate(mt, period).text()

    assert "664 buổi tuyên truyền" in text or "664 buổi" in text
    assert "18.995 lượt người" in text
    assert "trực tiếp tổ chức 16 buổi cho 1.116 lượt cán bộ công đoàn" in text
    assert "các công đoàn cơ sở trực thuộc tổ chức 648 buổi với 17.879 lượt người" in text
    assert "2 cuộc hội nghị" in text and "1.500 lượt" in text
    assert not re.search(r"(?<![\d.])0 (buổi|cuộc|lượt|tổ|thành viên|phường)", text)
    assert (
        "hội thi" not in text and "tổ công nhân tự quản" not in text
    )  # nothing happened: no sentence


def test_every_figure_names_its_indicator_and_period_and_equals_the_rollup(tree):
    factories.activity(tree["cs1"], date=D(2022, 3, 1), sessions=3807, attendances=840528)
    period = parse_period("2022")
    story = narrative.generate(tree["hcm"], period)
    totals = rollup(tree["hcm"], period, [f.indicator for f in story.figures()], by="none")["total"]
    assert story.figures()
    for figure in story.figures():
        assert figure.period == "2022"
        assert figure.value == totals[figure.indicator]
    html = story.html()
    assert 'data-indicator="activity.sessions[kind=tuyen_truyen]" data-period="2022"' in html
    assert ">3.807</a>" in html and ">840.528</a>" in html


def test_the_wording_is_stable_for_one_unit_and_varies_across_units(tree):
    period = parse_period("2022")
    for u in ("cs1", "cs2", "cs3"):
        factories.activity(tree[u], date=D(2022, 3, 1), sessions=5, attendances=50)
    texts = [
        narrative.generate(tree[u], period).text() for u in ("q9", "td", "mt", "cs1", "cs2", "cs3")
    ]
    assert texts[0] == narrative.generate(tree["q9"], period).text()
    assert len({t.split("\n")[1].split(" ")[0] for t in texts}) > 1
