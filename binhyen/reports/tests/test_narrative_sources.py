"""The narrative's leadership section (documents of the period), its comparisons of standing
models with the previous period, and the sources of its figures once the officer has edited
the text."""

import datetime
import re

from binhyen import factories
from binhyen.core.periods import parse_period
from binhyen.reporting.rollup import rollup
from binhyen.reports import narrative

D = datetime.date


def sentence_with(text, *words):
    return [s for s in re.split(r"(?<=\.)\s|\n", text) if all(w in s for w in words)]


def test_the_documents_of_the_period_and_what_they_carry_out(tree):
    mt, cs3 = tree["mt"], tree["cs3"]
    conclusion = factories.document(
        mt,
        type_code="ket_luan",
        number="13",
        symbol="13-KL/TW",
        issued_on=D(2021, 8, 16),
        outside="bo-chinh-tri",
    )
    plan = factories.document(
        mt, number="329", symbol="329/KH-LĐLĐ", issued_on=D(2022, 3, 23), implements=[conclusion]
    )
    letter = factories.document(
        mt,
        type_code="cong_van",
        number="2016",
        symbol="2016/LĐLĐ",
        issued_on=D(2022, 5, 24),
        implements=[plan],
    )
    factories.document(
        mt, number="12", symbol="12/KH-LĐLĐ", issued_on=D(2020, 1, 10)
    )  # before the period
    below = factories.document(
        cs3, number="5", symbol="5/KH-CĐCS", issued_on=D(2022, 4, 2), implements=[plan]
    )
    factories.activity(cs3, date=D(2022, 4, 10), sessions=4, attendances=120, documents=[plan])
    factories.activity(cs3, date=D(2022, 4, 12), sessions=2, attendances=30)
    period = parse_period("2021-08-16..2022-08-15")
    story = narrative.generate(mt, period)
    text = story.text()

    assert text.startswith("1. Công tác lãnh đạo, chỉ đạo\n")
    # (the citations are checked in pieces: whole, they would repeat the seed articles' words)
    lead = sentence_with(text, "Kết luận số 13-KL/TW", "Bộ Chính trị")
    assert lead and lead[0].startswith("Thực hiện")
    assert (
        "Kế hoạch số 329/KH-LĐLĐ" in lead[0]
        and "ngày 23/3/2022" in lead[0]
        and "Công văn số 2016/LĐLĐ" in lead[0]
    )
    assert "12/KH-LĐLĐ" not in text  # issued before the period
    assert sentence_with(text, "Kế hoạch số 5/KH-CĐCS của Công đoàn cơ sở Trường Tiểu học Mỹ Tho")
    # what was recorded as carrying out the plan comes from the registry's document dimension
    plan_sentence = sentence_with(
        text, "Thực hiện Kế hoạch số 329/KH-LĐLĐ", "1 hoạt động", "120 lượt người"
    )
    assert plan_sentence, text
    count = next(f for f in story.figures() if f.indicator == f"activity.count[document={plan.pk}]")
    assert (
        count.value
        == rollup(mt, period, [count.indicator], by="none")["total"][count.indicator]
        == 1
    )
    refs = {r.text: r.url for r in story.refs()}
    assert (
        refs["329/KH-LĐLĐ"] == plan.get_absolute_url()
        and refs["5/KH-CĐCS"] == below.get_absolute_url()
    )
    assert (
        refs["2016/LĐLĐ"] == letter.get_absolute_url()
        and refs["13-KL/TW"] == conclusion.get_absolute_url()
    )
    html = story.html()
    assert f'<a class="document-ref" href="{plan.get_absolute_url()}">329/KH-LĐLĐ</a>' in html


def test_no_documents_no_leadership_section(tree):
    factories.activity(tree["cs3"], date=D(2022, 4, 10), sessions=4, attendances=120)
    text = narrative.generate(tree["mt"], parse_period("2022")).text()
    assert "lãnh đạo, chỉ đạo" not in text and text.startswith("1. Công tác tuyên truyền")


def test_groups_compared_with_the_end_of_the_previous_period(db):
    t = factories.group_tree()
    ward_union = t["ward_union"]
    old = [factories.group(ward_union, founded=D(2021, 1, 1)) for _ in range(2)]
    for g in old:
        factories.member(g, joined=D(2021, 1, 1))
    new = factories.group(ward_union, founded=D(2022, 5, 1))
    for _ in range(3):
        factories.member(new, joined=D(2022, 5, 1))
    story = narrative.generate(t["hcm"], parse_period("2022"))
    text = story.text()
    compared = sentence_with(text, "So với ngày 31/12/2021 (2 tổ, 2 thành viên)")
    assert compared, text
    assert "số tổ tăng 1" in compared[0] and "số thành viên tăng 3" in compared[0]
    change = next(
        f
        for f in story.figures()
        if f.part == "change" and f.indicator.startswith("groups.members")
    )
    assert (change.value, change.period, change.base) == (3, "2022", "2021")
    before = next(
        f for f in story.figures() if f.period == "2021" and f.indicator.startswith("groups.active")
    )
    assert (
        before.value
        == rollup(t["hcm"], parse_period("2021"), [before.indicator], by="none")["total"][
            before.indicator
        ]
    )


def test_minor_kinds_share_one_sentence_and_consecutive_sentences_differ(tree):
    cs1 = tree["cs1"]
    for kind, sessions in (("tuyen_truyen", 9), ("hoi_nghi", 4), ("hoi_thi", 2), ("tap_huan", 3)):
        factories.activity(
            cs1, date=D(2022, 3, 1), kind=kind, sessions=sessions, attendances=sessions * 10
        )
    lines = narrative.generate(tree["q9"], parse_period("2022")).text().split("\n")
    assert any(
        line.startswith("Ngoài ra,")
        and "2 cuộc hội thi (20 lượt người)" in line
        and "3 lớp tập huấn, bồi dưỡng (30 lượt người)" in line
        for line in lines
    )
    main = [line for line in lines if "9 buổi tuyên truyền" in line or "4 cuộc hội nghị" in line]
    assert len(main) == 2 and main[0].split(" ")[:3] != main[1].split(" ")[:3]


def test_every_figure_links_to_its_source_and_says_where_it_comes_from(tree):
    factories.activity(
        tree["hcm"], date=D(2022, 3, 1), sessions=5, attendances=60, audiences=("can_bo_cong_doan",)
    )
    factories.activity(tree["cs1"], date=D(2022, 3, 1), sessions=7, attendances=140)
    story = narrative.generate(tree["hcm"], parse_period("2022"))
    own = next(
        f
        for f in story.figures()
        if f.part == "own" and f.indicator.startswith("activity.sessions")
    )
    assert own.value == 5 and own.unit == "HCM"
    lines = story.describe(own).split("\n")
    assert lines == [
        "Số cuộc, buổi (Tuyên truyền)",
        "Năm 2022",
        "Riêng Liên đoàn Lao động Thành phố Hồ Chí Minh (không gồm các đơn vị trực thuộc)",
    ]
    assert own.source_url() == (
        "/tong-hop/nguon-so-lieu/?unit=HCM&period=2022"
        "&indicator=activity.sessions%5Bkind%3Dtuyen_truyen%5D&phan=own&basis=was"
    )
    html = story.html(
        live={"activity.sessions[kind=tuyen_truyen]": 13}, note="Đã thay đổi sau khi phê duyệt"
    )
    assert (
        'title="Số cuộc, buổi (Tuyên truyền)\nNăm 2022\nLiên đoàn Lao động Thành phố Hồ Chí Minh và các đơn vị trực thuộc"'
        in html
    )
    # only the whole figure is compared with the live one; its parts are not
    assert html.count("figure-changed") == 1 and "Đã thay đổi sau khi phê duyệt: 12 → 13" in html


def test_the_edited_text_keeps_the_sources_of_the_figures_left_as_they_were(tree):
    factories.activity(tree["cs1"], date=D(2022, 3, 1), sessions=3807, attendances=840528)
    factories.activity(
        tree["cs1"], date=D(2022, 4, 1), kind="hoi_nghi", sessions=93, attendances=9300
    )
    period = parse_period("2022")
    story = narrative.generate(tree["hcm"], period)
    sources = story.provenance()
    text = story.text()
    edited = (
        "Mở đầu do cán bộ viết, có con số 93 không phải số liệu.\n"
        + text.replace("840.528", "840.600")
        + "\n4. Phần thêm\nCán bộ bổ sung 3.807 dòng."
    )
    again, missing = narrative.annotate(edited, sources, tree["hcm"], period)

    figures = {(str(f), f.indicator) for f in again.figures()}
    assert ("3.807", "activity.sessions[kind=tuyen_truyen]") in figures
    assert ("93", "activity.sessions[kind=hoi_nghi]") in figures
    assert [str(f) for f in missing] == ["840.528"]  # the officer changed it: no source any more
    assert (
        len(again.figures()) == len(story.figures()) - 1
    )  # the officer's own 93 and 3.807 are not taken
    assert again.sections[0].heading == "" and "có con số 93" in "".join(
        map(str, again.sections[0].paragraphs[0])
    )
    assert [s.heading for s in again.sections][-1] == "4. Phần thêm"
    assert again.text() == edited


def test_how_many_grassroots_unions_took_part_and_a_big_rise_said_in_times(tree):
    factories.activity(tree["cs1"], date=D(2021, 5, 1), sessions=2, attendances=20)
    factories.activity(tree["cs1"], date=D(2022, 5, 1), sessions=9, attendances=90)
    factories.activity(tree["cs2"], date=D(2022, 5, 1), kind="hoi_nghi", sessions=1, attendances=30)
    hcm = narrative.generate(tree["hcm"], parse_period("2022"))
    assert sentence_with(
        hcm.text(),
        "Có 1/2 công đoàn cơ sở trực thuộc, đạt 50%, đã tổ chức ít nhất một buổi tuyên truyền",
    )
    share = next(f for f in hcm.figures() if f.indicator == "units.outreach_share")
    assert (
        share.value
        == rollup(tree["hcm"], parse_period("2022"), ["units.outreach_share"], by="none")["total"][
            "units.outreach_share"
        ]
    )
    assert "So với năm 2021 (2 buổi), số buổi tuyên truyền gấp 4,5 lần." in hcm.text()
    q9 = narrative.generate(tree["q9"], parse_period("2022")).text()
    assert "100% công đoàn cơ sở trực thuộc (1 đơn vị) đã tổ chức tuyên truyền trong kỳ." in q9
    assert (
        "công đoàn cơ sở trực thuộc"
        not in narrative.generate(tree["cs1"], parse_period("2022")).text()
    )


def test_documents_of_several_types_are_listed_with_one_and(tree):
    mt = tree["mt"]
    factories.document(
        mt, type_code="nghi_quyet", number="8", symbol="08-NQ/CB", issued_on=D(2022, 2, 22)
    )
    for n in ("329", "330", "311"):
        factories.document(mt, number=n, symbol=f"{n}/KH-LĐLĐ", issued_on=D(2022, 3, 24))
    factories.document(
        mt, type_code="cong_van", number="2016", symbol="2016/LĐLĐ", issued_on=D(2022, 5, 24)
    )
    text = narrative.generate(mt, parse_period("2022")).text()
    assert (
        "đã ban hành Nghị quyết số 08-NQ/CB, các kế hoạch số 329/KH-LĐLĐ, 330/KH-LĐLĐ, 311/KH-LĐLĐ "
        "và Công văn số 2016/LĐLĐ"
    ) in text, text
