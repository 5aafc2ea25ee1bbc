"""The pages as a person uses them: the register with its search and filters, a document's
page, the forms with the one-box entry, the chain, the targets given to one's units, and the
narrative scanner — each in a bounded number of queries whatever the data size (a plan's
figures, target forms and progress: reporting's test_targets_pages.py)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from binhyen import factories as f
from binhyen.documents import services
from binhyen.documents.models import Document
from binhyen.documents.tests.conftest import give_target, login

D = datetime.date
MAX_QUERIES = 15


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def many(unit, n, implements=()):
    for i in range(n):
        f.document(
            unit,
            number=str(1000 + i),
            issued_on=D(2020 + i % 4, 1 + i % 12, 1 + i % 27),
            implements=implements,
        )


def text(response):
    return response.content.decode()


# --- the register ----------------------------------------------------------------------------


def test_the_register_lists_what_one_may_see(mt_docs, people, tree):
    f.document(tree["hcm"], number="118")
    page = text(login(people["mt_editor"]).get("/van-ban/"))
    assert (
        "Kế hoạch 329/KH-LĐLĐ" in page
        and "Công văn 2188/LĐLĐ" in page
        and "Kết luận 13-KL/TW" in page
    )
    assert "118/KH-LĐLĐ" not in page
    assert "Văn bản dùng chung" in page


@pytest.mark.parametrize(
    "query,shown,hidden",
    [
        ({"q": "329/kh-ldld"}, ["329/KH-LĐLĐ"], ["2188/LĐLĐ", "13-KL/TW"]),
        ({"q": "tin dung den"}, ["2188/LĐLĐ"], ["329/KH-LĐLĐ"]),
        ({"q": "ke hoach 329"}, ["329/KH-LĐLĐ"], ["2188/LĐLĐ"]),
        ({"loai": "cong_van"}, ["2188/LĐLĐ"], ["329/KH-LĐLĐ", "13-KL/TW"]),
        ({"ban_hanh": "cq:bo-chinh-tri"}, ["13-KL/TW"], ["329/KH-LĐLĐ"]),
        ({"ban_hanh": "dv:TG-MT"}, ["329/KH-LĐLĐ", "2188/LĐLĐ"], ["13-KL/TW"]),
        ({"nam": "2021"}, ["13-KL/TW"], ["329/KH-LĐLĐ"]),
        ({"cua_toi": "1"}, ["13-KL/TW"], ["329/KH-LĐLĐ", "2188/LĐLĐ"]),  # a letter is no plan
    ],
)
def test_search_and_filters(mt_docs, people, query, shown, hidden):
    page = text(login(people["mt_editor"]).get("/van-ban/", query))
    for symbol in shown:
        assert symbol in page
    for symbol in hidden:
        assert symbol not in page.split('id="document-results"')[1]


def test_a_bad_year_and_no_match_are_explained(mt_docs, people):
    client = login(people["mt_editor"])
    assert "Năm “hai nghìn” không hợp lệ" in text(client.get("/van-ban/", {"nam": "hai nghìn"}))
    assert "Không có văn bản nào khớp với bộ lọc." in text(
        client.get("/van-ban/", {"q": "khong co gi"})
    )


def test_an_empty_register(tree):
    page = text(login(f.user()).get("/van-ban/"))
    assert "Chưa có văn bản nào trong phạm vi của bạn." in page and "Đăng ký văn bản" not in page


def test_the_register_pages_and_searches_in_few_queries(
    tree, people, django_assert_max_num_queries
):
    many(tree["mt"], 60)
    client = login(people["mt_editor"])
    with django_assert_max_num_queries(MAX_QUERIES):
        first = client.get("/van-ban/")
    assert "Trang 1/2 · 60 mục" in text(first)
    with django_assert_max_num_queries(MAX_QUERIES):
        second = client.get("/van-ban/", {"page": 2, "q": "ke hoach"}, HTTP_HX_REQUEST="true")
    assert "Trang 2/2" in text(second) and "<html" not in text(second)


# --- a document --------------------------------------------------------------------------------


def test_the_document_page(mt_docs, people, django_assert_max_num_queries):
    give_target(
        mt_docs["kh"],
        [tree_unit(mt_docs["kh"])],
        description="Mỗi công đoàn cơ sở tổ chức ít nhất 2 cuộc",
    )
    client = login(people["mt_editor"])
    with django_assert_max_num_queries(MAX_QUERIES):
        page = text(client.get(f"/van-ban/{mt_docs['kh'].pk}/"))
    assert "Kế hoạch số 329/KH-LĐLĐ" in page and "23/03/2022" in page
    assert (
        "Kết luận số 13-KL/TW" in page and "Công văn số 2188/LĐLĐ" in page
    )  # carries out / carried out by
    assert "Mỗi công đoàn cơ sở tổ chức ít nhất 2 cuộc" in page and "Số cuộc, buổi" in page
    assert "Sửa" in page and "Thêm chỉ tiêu" in page
    viewer = text(
        login(f.user(role="viewer", unit=tree_unit(mt_docs["kh"]))).get(
            f"/van-ban/{mt_docs['kh'].pk}/"
        )
    )
    assert f"/van-ban/{mt_docs['kh'].pk}/sua/" not in viewer


def tree_unit(document):
    return document.unit


def test_a_file_is_served_only_through_the_scope(tree, people):
    upload = SimpleUploadedFile("ke-hoach-329.pdf", b"%PDF-1.4 noi dung")
    doc = services.register_document(
        people["mt_editor"],
        doc_type=f.doc_type("ke_hoach"),
        number="329",
        symbol="329/KH-LĐLĐ",
        issuer_unit=tree["mt"],
        issued_on=D(2022, 3, 23),
        file=upload,
    )
    response = login(people["mt_editor"]).get(f"/van-ban/{doc.pk}/tep/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert 'filename="ke-hoach-329.pdf"' in response["Content-Disposition"]
    assert login(people["q9_editor"]).get(f"/van-ban/{doc.pk}/tep/").status_code == 404


def test_history_page(mt_docs, people):
    services.update_document(people["mt_editor"], mt_docs["kh"], summary="Trích yếu đã sửa")
    page = text(login(people["mt_editor"]).get(f"/van-ban/{mt_docs['kh'].pk}/lich-su/"))
    assert "Trích yếu đã sửa" in page and "Sửa" in page


# --- forms --------------------------------------------------------------------------------------


def form_data(tree, **fields):
    data = {
        "action": "save",
        "doc_type": f.doc_type("ke_hoach").pk,
        "number": "330",
        "symbol": "330/KH-LĐLĐ",
        "issued_on": "24/03/2022",
        "issuer_kind": "unit",
        "issuer_unit": tree["mt"].pk,
        "unit": "",
        "issuer": "",
        "summary": "Phòng, chống ma túy năm 2022",
        "valid_from": "",
        "valid_to": "",
        "implements_text": "",
        "reference": "",
    }
    data.update(fields)
    return data


def test_the_one_box_fills_the_form(tree, people):
    client = login(people["mt_editor"])
    response = client.post(
        "/van-ban/them/",
        {
            "action": "fill",
            "reference": "Kết luận số 13-KL/TW ngày 16 tháng 8 năm 2021 của Bộ Chính trị về vai trò lãnh đạo của Đảng",
        },
    )
    page = text(response)
    assert 'value="13"' in page and 'value="13-KL/TW"' in page and 'value="16/08/2021"' in page
    assert "Vai trò lãnh đạo của Đảng" in page
    assert f'<option value="{f.issuer("bo-chinh-tri").pk}" selected>' in page
    assert (
        'value="outside" class="form-check-input" id="id_issuer_kind_1" required checked>' in page
    )
    assert not Document.objects.exists()


def test_saving_with_only_the_one_box_filled(tree, people):
    client = login(people["mt_editor"])
    response = client.post(
        "/van-ban/them/",
        form_data(
            tree,
            doc_type="",
            number="",
            symbol="",
            issued_on="",
            summary="",
            reference="Kế hoạch số 311/KH-LĐLĐ ngày 24 tháng 3 năm 2022 về ngăn chặn nạn mua bán người",
        ),
    )
    doc = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/van-ban/{doc.pk}/"
    assert (doc.doc_type.code, doc.number, doc.symbol, doc.issued_on) == (
        "ke_hoach",
        "311",
        "311/KH-LĐLĐ",
        D(2022, 3, 24),
    )
    assert doc.summary == "Ngăn chặn nạn mua bán người"


def test_create_with_a_file_and_what_it_carries_out(mt_docs, tree, people):
    client = login(people["mt_editor"])
    upload = SimpleUploadedFile("330.pdf", b"%PDF-1.4 x")
    response = client.post(
        "/van-ban/them/", {**form_data(tree, implements_text="Kết luận 13-KL/TW"), "file": upload}
    )
    assert response.status_code == 302
    doc = Document.objects.get(symbol="330/KH-LĐLĐ")
    assert list(doc.implements.all()) == [mt_docs["kl"]] and doc.file_name == "330.pdf"


@pytest.mark.parametrize(
    "fields,message",
    [
        (dict(issued_on="24/03/2099"), "Ngày ban hành 24/03/2099 ở tương lai"),
        (dict(issued_on="32/13/2022"), "Hãy nhập ngày dạng dd/mm/yyyy"),
        (dict(symbol="330-KH"), "Ký hiệu “330-KH” thiếu chữ viết tắt tên cơ quan ban hành"),
        (dict(symbol="330/QĐ-LĐLĐ"), "là ký hiệu của quyết định, không khớp loại văn bản kế hoạch"),
        (dict(symbol="330/8/2022"), "giống một ngày"),
        (dict(implements_text="Chỉ thị 48-CT/TW"), "Chưa có văn bản “Chỉ thị 48-CT/TW”"),
        (dict(issuer_kind="outside", issuer=""), "Hãy chọn cơ quan ban hành."),
        (dict(doc_type=""), "Hãy chọn loại văn bản."),
    ],
)
def test_form_errors_are_in_vietnamese_next_to_the_field(tree, people, fields, message):
    response = login(people["mt_editor"]).post("/van-ban/them/", form_data(tree, **fields))
    page = text(response)
    assert response.status_code == 200 and "Chưa lưu được" in page
    assert message in page.replace("&quot;", "“") or message in page
    assert not Document.objects.exists()


def test_a_wrong_file_in_the_form(tree, people):
    upload = SimpleUploadedFile("ke-hoach.pdf", b"MZ not a pdf")
    page = text(
        login(people["mt_editor"]).post("/van-ban/them/", {**form_data(tree), "file": upload})
    )
    assert "không phải là tệp PDF thật" in page
    assert not Document.objects.exists()


def test_the_edit_form_and_delete(mt_docs, people, django_assert_max_num_queries):
    client = login(people["mt_editor"])
    kh = mt_docs["kh"]
    with django_assert_max_num_queries(MAX_QUERIES):
        page = text(client.get(f"/van-ban/{kh.pk}/sua/"))
    assert 'value="Kết luận số 13-KL/TW"' in page
    response = client.post(
        f"/van-ban/{kh.pk}/sua/",
        {
            "action": "save",
            "doc_type": kh.doc_type_id,
            "number": "329",
            "symbol": "329/KH-LĐLĐ",
            "issued_on": "23/03/2022",
            "issuer_kind": "unit",
            "issuer_unit": kh.unit_id,
            "summary": "Trích yếu mới",
            "implements_text": "",
        },
    )
    assert response.status_code == 302
    kh.refresh_from_db()
    assert kh.summary == "Trích yếu mới" and not kh.implements.exists()
    assert "1 văn bản ghi thực hiện văn bản này" in text(client.get(f"/van-ban/{kh.pk}/xoa/"))
    assert client.post(f"/van-ban/{kh.pk}/xoa/").status_code == 302
    assert not Document.objects.filter(pk=kh.pk).exists()
    assert client.get(f"/van-ban/{kh.pk}/").status_code == 404


# --- chain, the targets given to one's units -------------------------------------------------------


def test_the_chain_page_in_few_queries(mt_docs, tree, people, django_assert_max_num_queries):
    many(tree["mt"], 30, implements=[mt_docs["kl"]])
    client = login(people["mt_editor"])
    with django_assert_max_num_queries(MAX_QUERIES):
        page = text(client.get(f"/van-ban/{mt_docs['kl'].pk}/chuoi-thuc-hien/"))
    assert "Kết luận số 13-KL/TW: kết quả thực hiện" in page
    assert "Từ ngày 16/08/2021 đến ngày 15/08/2022" in page
    assert "Kế hoạch số 329/KH-LĐLĐ" in page and "Công văn số 2188/LĐLĐ" in page and "cấp 2" in page
    # every plan loads its own figures (the activities linked to it), the letter too
    assert f'/van-ban/{mt_docs["kh"].pk}/so-lieu/?ky=2021-08-16..2022-08-15"' in page
    assert f'/van-ban/{mt_docs["cv"].pk}/so-lieu/?ky=2021-08-16..2022-08-15"' in page


def test_a_bad_period_on_the_chain_page(mt_docs, people):
    page = text(
        login(people["mt_editor"]).get(
            f"/van-ban/{mt_docs['kl'].pk}/chuoi-thuc-hien/", {"ky": "2022Q7"}
        )
    )
    assert "Kỳ báo cáo “2022Q7” không hợp lệ" in page


def test_my_targets_in_few_queries(tree, people, django_assert_max_num_queries):
    for i in range(8):
        plan = f.document(tree["mt"], number=str(i + 1))
        give_target(plan, [tree["cs3"]])
    client = login(people["mt_editor"])
    with django_assert_max_num_queries(MAX_QUERIES):
        page = text(client.get("/van-ban/chi-tieu-duoc-giao/"))
    assert page.count("Xem tiến độ") == 8


# --- the narrative scanner -----------------------------------------------------------------


NARRATIVE = (
    "Theo Kết luận 13-KL/TW ngày 16/8/2021 (Bộ Chính trị), đơn vị đã ra Kế hoạch số "
    "45/KH-LĐLĐ ngày 01/3/2023 về tuyên truyền phòng, chống tội phạm năm 2023; gọi 0273.3872.123."
)


def test_scanning_a_narrative_then_creating_and_linking(
    mt_docs, tree, people, django_assert_max_num_queries
):
    client = login(people["mt_editor"])
    with django_assert_max_num_queries(MAX_QUERIES):
        page = text(client.post("/van-ban/nhan-dien/", {"text": NARRATIVE, "action": "scan"}))
    assert "Tìm thấy 2 lần nhắc tới văn bản" in page and "Đã có" in page and "Chưa có" in page
    page = text(
        client.post(
            "/van-ban/nhan-dien/",
            {
                "text": NARRATIVE,
                "action": "create",
                "chon": ["1"],
                "don_vi": "TG-MT",
                "tom_tat_1": "Tuyên truyền năm 2023",
            },
        )
    )
    created = Document.objects.get(symbol="45/KH-LĐLĐ")
    assert created.issuer_unit == tree["mt"] and created.summary == "Tuyên truyền năm 2023"
    assert "Đã đăng ký 1 văn bản mới." in page
    response = client.post(
        "/van-ban/nhan-dien/",
        {"text": NARRATIVE, "action": "link", "chon": ["0"], "ke_hoach": created.pk},
    )
    assert response.status_code == 302
    assert list(created.implements.all()) == [mt_docs["kl"]]


def test_scanning_nothing(people):
    page = text(
        login(people["mt_editor"]).post(
            "/van-ban/nhan-dien/", {"text": "Quận 9 chi 2.000.000 đồng."}
        )
    )
    assert "Không thấy số, ký hiệu văn bản nào" in page
    page = text(login(people["mt_editor"]).post("/van-ban/nhan-dien/", {"text": ""}))
    assert "Hãy dán nội dung cần nhận diện." in page


@pytest.mark.parametrize("path", ["/van-ban/them/", "{kh}/lich-su/", "/van-ban/nhan-dien/"])
def test_forms_and_history_open_in_few_queries(
    mt_docs, tree, people, path, django_assert_max_num_queries
):
    many(tree["mt"], 20, implements=[mt_docs["kl"]])
    for i in range(10):
        services.update_document(people["mt_editor"], mt_docs["kh"], summary=f"Lần sửa {i}")
    client = login(people["mt_editor"])
    url = path.format(kh=f"/van-ban/{mt_docs['kh'].pk}")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200


def test_creating_several_cited_documents_is_all_or_nothing(tree, people):
    text_ = "Căn cứ Kế hoạch số 45/KH-LĐLĐ ngày 01/3/2023 và Báo cáo số 12/BC-LĐLĐ ngày 5/1/2099."
    page = text(
        login(people["mt_editor"]).post(
            "/van-ban/nhan-dien/",
            {"text": text_, "action": "create", "chon": ["0", "1"], "don_vi": "TG-MT"},
        )
    )
    assert "ở tương lai" in page
    assert not Document.objects.exists()
    page = text(
        login(people["mt_editor"]).post(
            "/van-ban/nhan-dien/",
            {"text": text_, "action": "link", "chon": ["0"], "ke_hoach": "abc"},
        )
    )
    assert "Hãy chọn văn bản của đơn vị mình để liên kết." in page
