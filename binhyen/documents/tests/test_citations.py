"""The citation parser on written cases: each form of reference, several per sentence, line
breaks, upper and lower case, with and without "số", and the false friends a union report is
full of (phone numbers, dates, districts, money, articles, percentages). Precision and recall
are measured over the whole labelled set."""

import datetime

import pytest

from binhyen.documents.citations import (
    find_citations,
    normalize_symbol,
    parse_reference,
    symbol_issue,
    symbol_key,
    with_context,
)

D = datetime.date

# (text, [(type, number, symbol, date)]) — every reference the text makes, in order.
LABELLED = [
    # --- each form on its own
    (
        "Ban Thường vụ chỉ đạo quán triệt Kết luận 44-KL/TW đến từng công đoàn cơ sở.",
        [("ket_luan", "44", "44-KL/TW", None)],
    ),
    (
        "Các cấp công đoàn tiếp tục thực hiện Chỉ thị số 48-CT/TW trong công nhân lao động.",
        [("chi_thi", "48", "48-CT/TW", None)],
    ),
    (
        "Bám sát Nghị quyết số 09/NQ-CP, Liên đoàn xây dựng chương trình công tác năm.",
        [("nghi_quyet", "09", "09/NQ-CP", None)],
    ),
    (
        "Quốc hội thông qua Nghị quyết 96/2019/QH14 ngày 27/11/2019, đơn vị đưa vào chỉ tiêu năm.",
        [("nghi_quyet", "96", "96/2019/QH14", D(2019, 11, 27))],
    ),
    (
        "Đơn vị đã phổ biến Kế hoạch 3769/KH-BCĐ tới các tổ tự quản.",
        [("ke_hoach", "3769", "3769/KH-BCĐ", None)],
    ),
    (
        "Căn cứ Quyết định 1945/QĐ-BCĐ, công đoàn ngành kiện toàn tổ công tác.",
        [("quyet_dinh", "1945", "1945/QĐ-BCĐ", None)],
    ),
    (
        "Công văn số 2016/LĐLĐ ngày 24/5/2022 đã được gửi tới 23 công đoàn cơ sở.",
        [("cong_van", "2016", "2016/LĐLĐ", D(2022, 5, 24))],
    ),
    (
        "Hai bên ký chương trình phối hợp số 478 về giữ gìn trật tự tại khu nhà trọ.",
        [("chuong_trinh_phoi_hop", "478", None, None)],
    ),
    (
        "Chi bộ ban hành Nghị quyết 08-NQ/CB để nâng chất cơ quan an toàn.",
        [("nghi_quyet", "08", "08-NQ/CB", None)],
    ),
    (
        "Thực hiện Chỉ thị số 12-CT/TU ngày 16 tháng 8 năm 2019 của Tỉnh ủy, đơn vị tổ chức hội nghị.",
        [("chi_thi", "12", "12-CT/TU", D(2019, 8, 16))],
    ),
    (
        "Bộ Chính trị ra Kết luận số 13-KL/TW ngày 16 tháng 8 năm 2021, chi bộ phổ biến tới đảng viên.",
        [("ket_luan", "13", "13-KL/TW", D(2021, 8, 16))],
    ),
    (
        "Thông tư 124/2021/TT-BCA quy định tiêu chuẩn an toàn về an ninh, trật tự.",
        [("thong_tu", "124", "124/2021/TT-BCA", None)],
    ),
    (
        "Nghị định 30/2020/NĐ-CP hướng dẫn thể thức văn bản hành chính.",
        [("nghi_dinh", "30", "30/2020/NĐ-CP", None)],
    ),
    (
        "Hướng dẫn số 07/HD-LĐLĐ nêu rõ cách chấm điểm phong trào.",
        [("huong_dan", "07", "07/HD-LĐLĐ", None)],
    ),
    (
        "Thông báo số 215/TB-LĐLĐ về lịch hội nghị sơ kết đã gửi các đơn vị.",
        [("thong_bao", "215", "215/TB-LĐLĐ", None)],
    ),
    (
        "Báo cáo số 56/BC-CĐCS ngày 30/6/2023 tổng hợp kết quả sáu tháng.",
        [("bao_cao", "56", "56/BC-CĐCS", D(2023, 6, 30))],
    ),
    (
        "Quy chế số 02/QC-LĐLĐ quy định trách nhiệm của từng ban.",
        [("quy_che", "02", "02/QC-LĐLĐ", None)],
    ),
    (
        "Chương trình số 11-CTr/TU về cải cách hành chính được triển khai đồng bộ.",
        [("chuong_trinh", "11", "11-CTr/TU", None)],
    ),
    (
        "Luật Phòng, chống ma túy số 73/2021/QH14 được tuyên truyền tới đoàn viên.",
        [("luat", "73", "73/2021/QH14", None)],
    ),
    (
        "Kế hoạch số 63/KH-LĐLĐ ngày 05/01/2024 giao chỉ tiêu cho từng đơn vị.",
        [("ke_hoach", "63", "63/KH-LĐLĐ", D(2024, 1, 5))],
    ),
    # --- several in one sentence
    (
        "Đơn vị học tập Kết luận 44-KL/TW cùng Chỉ thị 09-CT/TW (Ban Bí thư) và Chỉ thị 48-CT/TW (Bộ Chính trị).",
        [
            ("ket_luan", "44", "44-KL/TW", None),
            ("chi_thi", "09", "09-CT/TW", None),
            ("chi_thi", "48", "48-CT/TW", None),
        ],
    ),
    (
        "LĐLĐ ra kế hoạch 329/KH-LĐLĐ ngày 23/3/2022, tiếp đến Kế hoạch 330/KH-LĐLĐ ngày 24/3/2022, rồi Công văn số 2188/LĐLĐ ngày 05/10/2022.",
        [
            ("ke_hoach", "329", "329/KH-LĐLĐ", D(2022, 3, 23)),
            ("ke_hoach", "330", "330/KH-LĐLĐ", D(2022, 3, 24)),
            ("cong_van", "2188", "2188/LĐLĐ", D(2022, 10, 5)),
        ],
    ),
    (
        "Các Kế hoạch số 329/KH-LĐLĐ, 330/KH-LĐLĐ và 311/KH-LĐLĐ đều có phụ lục chỉ tiêu.",
        [
            ("ke_hoach", "329", "329/KH-LĐLĐ", None),
            ("ke_hoach", "330", "330/KH-LĐLĐ", None),
            ("ke_hoach", "311", "311/KH-LĐLĐ", None),
        ],
    ),
    (
        "Quận ra quân theo Kế hoạch 3769/KH-BCĐ cùng Quyết định 1945/QĐ-BCĐ do BCĐ 138 Thành phố ban hành.",
        [("ke_hoach", "3769", "3769/KH-BCĐ", None), ("quyet_dinh", "1945", "1945/QĐ-BCĐ", None)],
    ),
    (
        "Công văn số 15/LĐLĐ và 16/LĐLĐ cùng nhắc việc báo cáo trước ngày 20 hằng tháng.",
        [("cong_van", "15", "15/LĐLĐ", None), ("cong_van", "16", "16/LĐLĐ", None)],
    ),
    (
        "Theo chương trình phối hợp số 478 và Kết luận số 13-KL/TW, tổ tự quản duy trì tuần tra.",
        [("chuong_trinh_phoi_hop", "478", None, None), ("ket_luan", "13", "13-KL/TW", None)],
    ),
    (
        "Nghị quyết số 09/NQ-CP của Chính phủ; Nghị quyết số 96/2019/QH14 của Quốc hội; Chỉ thị 09-CT/TW.",
        [
            ("nghi_quyet", "09", "09/NQ-CP", None),
            ("nghi_quyet", "96", "96/2019/QH14", None),
            ("chi_thi", "09", "09-CT/TW", None),
        ],
    ),
    (
        "Sau Quyết định số 178/QĐ-TLĐ, công đoàn trường ban hành Kế hoạch số 04/KH-CĐCS để thực hiện.",
        [("quyet_dinh", "178", "178/QĐ-TLĐ", None), ("ke_hoach", "04", "04/KH-CĐCS", None)],
    ),
    # --- line breaks inside a reference
    (
        "Căn cứ Kế hoạch\nsố 329/KH-LĐLĐ\nngày 23/3/2022 của Ban Thường vụ,",
        [("ke_hoach", "329", "329/KH-LĐLĐ", D(2022, 3, 23))],
    ),
    (
        "thực hiện Nghị\nquyết số 08-NQ/CB ngày 22/02/2022",
        [("nghi_quyet", "08", "08-NQ/CB", D(2022, 2, 22))],
    ),
    ("Chỉ thị số 48-CT/\nTW được nhắc lại trong hội nghị.", [("chi_thi", "48", "48-CT/TW", None)]),
    ("Kế hoạch số 12/KH-\nLĐLĐ đã hết hiệu lực.", [("ke_hoach", "12", "12/KH-LĐLĐ", None)]),
    # --- case
    (
        "KẾ HOẠCH SỐ 329/KH-LĐLĐ VỀ THỰC HIỆN CÔNG TÁC PHÒNG CHỐNG TỘI PHẠM",
        [("ke_hoach", "329", "329/KH-LĐLĐ", None)],
    ),
    (
        "kết luận số 13-kl/tw ngày 16 tháng 8 năm 2021",
        [("ket_luan", "13", "13-KL/TW", D(2021, 8, 16))],
    ),
    ("CÔNG VĂN SỐ 2016/LĐLĐ NGÀY 24/5/2022", [("cong_van", "2016", "2016/LĐLĐ", D(2022, 5, 24))]),
    ("Chương Trình Phối Hợp Số 478", [("chuong_trinh_phoi_hop", "478", None, None)]),
    # --- typed without accents, or "số" left out, or "số:" as in a document header
    (
        "thuc hien ke hoach so 329/KH-LDLD ngay 23/3/2022",
        [("ke_hoach", "329", "329/KH-LDLD", D(2022, 3, 23))],
    ),
    ("Số: 63/KH-LĐLĐ", [("ke_hoach", "63", "63/KH-LĐLĐ", None)]),
    ("Quyết định số: 999/QĐ-TLĐ", [("quyet_dinh", "999", "999/QĐ-TLĐ", None)]),
    ("theo Chỉ thị 09-CT/TW", [("chi_thi", "09", "09-CT/TW", None)]),
    (
        "Đảng ủy quán triệt Chỉ thị 48 và Nghị quyết 09 tới đảng viên.",
        [("chi_thi", "48", None, None), ("nghi_quyet", "09", None, None)],
    ),
    # --- a symbol standing alone, its type told by the abbreviation
    (
        "Đề nghị các đơn vị đọc kỹ 1945/QĐ-BCĐ trước khi đăng ký.",
        [("quyet_dinh", "1945", "1945/QĐ-BCĐ", None)],
    ),
    ("(kèm theo 329/KH-LĐLĐ ngày 23/3/2022)", [("ke_hoach", "329", "329/KH-LĐLĐ", D(2022, 3, 23))]),
    # --- dates written both ways, a date that does not exist stays out of the span
    (
        "Nghị quyết 08-NQ/CB ngày 16 tháng 8 năm 2019",
        [("nghi_quyet", "08", "08-NQ/CB", D(2019, 8, 16))],
    ),
    ("Kế hoạch số 5/KH-CĐN ngày 16-8-2021", [("ke_hoach", "5", "5/KH-CĐN", D(2021, 8, 16))]),
    ("Kế hoạch số 7/KH-CĐN ngày 31/02/2022", [("ke_hoach", "7", "7/KH-CĐN", None)]),
    # --- a report paragraph with many
    (
        "Năm 2023, Ban Thường vụ ban hành Kế hoạch số 18/KH-LĐLĐ ngày 20/02/2023 thực hiện Kết luận "
        "số 13-KL/TW; Hướng dẫn số 03/HD-LĐLĐ về chấm điểm; Thông báo số 41/TB-LĐLĐ ngày 3/3/2023 "
        "và Công văn số 512/LĐLĐ-TG ngày 10/3/2023 về việc đăng ký danh hiệu.",
        [
            ("ke_hoach", "18", "18/KH-LĐLĐ", D(2023, 2, 20)),
            ("ket_luan", "13", "13-KL/TW", None),
            ("huong_dan", "03", "03/HD-LĐLĐ", None),
            ("thong_bao", "41", "41/TB-LĐLĐ", D(2023, 3, 3)),
            ("cong_van", "512", "512/LĐLĐ-TG", D(2023, 3, 10)),
        ],
    ),
    (
        "Căn cứ Thông tư liên tịch số 01/2020/TTLT-BCA-TLĐ và Nghị quyết liên tịch số 02/2019/NQLT-CP-TLĐ, hai ngành phối hợp.",
        [
            ("thong_tu", "01", "01/2020/TTLT-BCA-TLĐ", None),
            ("nghi_quyet", "02", "02/2019/NQLT-CP-TLĐ", None),
        ],
    ),
    (
        "Văn bản số 77/KH-CĐN đã được thay bằng Kế hoạch số 81/KH-CĐN.",
        [("ke_hoach", "77", "77/KH-CĐN", None), ("ke_hoach", "81", "81/KH-CĐN", None)],
    ),
    # --- false friends: nothing to find
    ("Liên hệ đường dây nóng 0273.3872.123 hoặc 0912 345 678 khi phát hiện tội phạm.", []),
    ("Ngày 16/8/2021, hội nghị được tổ chức tại hội trường.", []),
    ("LĐLĐ Quận 9 giải thể ngày 31/12/2020.", []),
    ("Quỹ hỗ trợ chi 2.000.000 đồng cho mỗi tổ tự quản.", []),
    ("Theo Điều 5 và khoản 2 Điều 7 của quy chế, tổ trưởng báo cáo hằng tháng.", []),
    ("100% đơn vị trực thuộc tổ chức tuyên truyền, đạt 98,5% kế hoạch năm.", []),
    ("Kế hoạch năm 2022 đề ra 45 chỉ tiêu; thực hiện kế hoạch 2022 đạt khá.", []),
    ("Báo cáo 6 tháng đầu năm gửi trước ngày 15/6.", []),
    ("Kết luận 13 điểm mới của hội nghị được ghi vào biên bản.", []),
    ("Tổ chức 16 cuộc với 1.116 lượt người; 648 cuộc với 17.879 lượt người dự.", []),
    ("Các Chỉ thị, Nghị quyết cùng pháp luật Nhà nước đều được phổ biến tới đoàn viên.", []),
    ("Quyết định 16/8/2021 là ngày tổ chức hội thi.", []),
    ("Quyết định 2023 của hội đồng thi đua được công bố.", []),
    ("Nghị quyết 3 năm qua đã đi vào cuộc sống; kết luận 5 nội dung trọng tâm.", []),
    ("Luật sư số 5 của văn phòng tham gia tư vấn miễn phí.", []),
    ("Biển số 63B1-123.45 của xe đưa rước công nhân.", []),
    ("Tổ 3 khu phố 2 phường 10 ra mắt mô hình camera giám sát.", []),
    ("trong thời kỳ 2016-2025, tầm nhìn tới năm 2030", []),
    ("Mã số thuế 1200100557, tài khoản 123/456 tại ngân hàng.", []),
    ("Phòng 329/KH là phòng họp của Ban Tuyên giáo.", []),
    ("kế hoạch số liệu thống kê được cập nhật hằng quý", []),
    ("Hội thi lần thứ 3/2022 thu hút 1.200 lượt công nhân.", []),
]


def _key(c):
    return (c.type, c.number, c.symbol, c.date)


def test_labelled_set_has_many_cases():
    assert len(LABELLED) >= 60
    assert sum(len(expected) for _t, expected in LABELLED) >= 60


def test_precision_and_recall_on_labelled_set():
    true_pos = false_pos = false_neg = 0
    misses = []
    for text, expected in LABELLED:
        got = [_key(c) for c in find_citations(text)]
        wanted = list(expected)
        for item in got:
            if item in wanted:
                wanted.remove(item)
                true_pos += 1
            else:
                false_pos += 1
                misses.append(f"extra {item} in {text!r}")
        false_neg += len(wanted)
        misses.extend(f"missed {item} in {text!r}" for item in wanted)
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    print(
        f"\ncitations: precision {precision:.3f}, recall {recall:.3f} over {true_pos + false_neg} references"
    )
    assert precision >= 0.98, misses
    assert recall >= 0.98, misses


@pytest.mark.parametrize("text,expected", LABELLED, ids=[t[:40] for t, _e in LABELLED])
def test_each_labelled_case(text, expected):
    assert [_key(c) for c in find_citations(text)] == expected


def test_span_is_exactly_what_was_written():
    text = "LĐLĐ bám sát kết luận 13-KL/TW ngày 16/8/2021, triển khai tới cơ sở."
    (c,) = find_citations(text)
    assert c.text == "kết luận 13-KL/TW ngày 16/8/2021"
    assert text[c.start : c.end] == c.text
    assert c.year == 2021


def test_span_over_a_line_break_keeps_the_break():
    text = "Căn cứ Kế hoạch\nsố 329/KH-LĐLĐ"
    (c,) = find_citations(text)
    assert c.text == "Kế hoạch\nsố 329/KH-LĐLĐ"


def test_spans_with_decomposed_accents():
    # Text pasted from some editors keeps accents as separate combining marks.
    import unicodedata

    text = unicodedata.normalize("NFD", "Theo Kế hoạch số 329/KH-LĐLĐ, đơn vị")
    (c,) = find_citations(text)
    assert text[c.start : c.end] == c.text
    assert unicodedata.normalize("NFC", c.text) == "Kế hoạch số 329/KH-LĐLĐ"


def test_year_comes_from_the_symbol_when_no_date():
    (c,) = find_citations("Nghị quyết số 96/2019/QH14 của Quốc hội")
    assert c.date is None and c.year == 2019


def test_a_lone_symbol_needs_its_abbreviation_in_capitals():
    assert find_citations("phòng 12/kh-ldld") == []
    assert [c.type for c in find_citations("theo 12/KH-LĐLĐ")] == ["ke_hoach"]


def test_issuer_and_summary_written_after_a_reference():
    text = (
        "Căn cứ Chỉ thị 09-CT/TW của Ban Bí thư, Chỉ thị 48-CT/TW của Bộ Chính trị về "
        "Đảng lãnh đạo chặt chẽ việc phòng, chống tội phạm; các đơn vị…"
    )
    items = with_context(text)
    assert [(c.symbol, issuer) for c, issuer, _s in items] == [
        ("09-CT/TW", "Ban Bí thư"),
        ("48-CT/TW", "Bộ Chính trị"),
    ]
    assert items[1][2] == "Đảng lãnh đạo chặt chẽ việc phòng, chống tội phạm"


def test_summary_needs_ve_so_the_rest_of_a_sentence_is_not_taken():
    (item,) = with_context("Kế hoạch số 63/KH-LĐLĐ giao chỉ tiêu cho từng đơn vị.")
    assert item[2] == ""


def test_parse_reference_fills_type_number_symbol_date_and_summary():
    ref = parse_reference(
        "Kế hoạch số 329/KH-LĐLĐ ngày 23 tháng 3 năm 2022 về phòng ngừa tội phạm trong năm 2022"
    )
    c = ref.citation
    assert (c.type, c.number, c.symbol, c.date) == (
        "ke_hoach",
        "329",
        "329/KH-LĐLĐ",
        D(2022, 3, 23),
    )
    assert ref.summary == "Phòng ngừa tội phạm trong năm 2022"


def test_parse_reference_reads_the_issuer():
    ref = parse_reference(
        "Kết luận số 13-KL/TW ngày 16 tháng 8 năm 2021 của Bộ Chính trị về vai trò lãnh đạo của Đảng"
    )
    assert ref.issuer == "Bộ Chính trị"
    assert ref.summary == "Vai trò lãnh đạo của Đảng"


def test_parse_reference_of_a_bare_symbol_leaves_the_type_open():
    ref = parse_reference("2016/LĐLĐ")
    assert (ref.citation.type, ref.citation.number, ref.citation.symbol) == (
        None,
        "2016",
        "2016/LĐLĐ",
    )


def test_parse_reference_of_nothing():
    assert parse_reference("") is None
    assert parse_reference("hội nghị ngày 16/8/2021") is None


def test_normalized_symbols_and_keys():
    assert normalize_symbol("329 / kh-lđlđ") == "329/KH-LĐLĐ"
    assert normalize_symbol("11-ctr/tu") == "11-CTr/TU"
    assert symbol_key("329/KH-LĐLĐ") == symbol_key("329/kh-ldld") == "329/kh-ldld"


@pytest.mark.parametrize(
    "symbol,number,type_code,problem",
    [
        ("329/KH-LĐLĐ", "329", "ke_hoach", None),
        ("2016/LĐLĐ", "2016", "cong_van", None),
        ("96/2019/QH14", "96", "nghi_quyet", None),
        ("329//KH", "329", "ke_hoach", "shape"),
        ("KH-LĐLĐ", None, "ke_hoach", "shape"),
        ("329/KH-", "329", "ke_hoach", "shape"),
        ("329/KH-LĐLĐ", "330", "ke_hoach", "number"),
        ("16/8/2021", "16", "ke_hoach", "date_like"),
        ("329/NQ-LĐLĐ", "329", "ke_hoach", "type_mismatch"),
        ("330/KH", "330", "ke_hoach", "no_issuer"),
        ("11-CTr/TU", "11", "chuong_trinh", None),
    ],
)
def test_symbol_issues(symbol, number, type_code, problem):
    issue = symbol_issue(symbol, number, type_code)
    assert (issue[0] if issue else None) == problem
