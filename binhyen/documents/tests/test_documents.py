"""Registering, changing and deleting documents through the services: what is saved, the
Vietnamese message a bad input gets (naming the field), and that nothing is half-saved."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from binhyen import factories as f
from binhyen.documents import services
from binhyen.documents.models import Document

D = datetime.date


def register(actor, unit, **fields):
    defaults = dict(
        doc_type=f.doc_type("ke_hoach"),
        number="329",
        symbol="329/KH-LĐLĐ",
        issuer_unit=unit,
        issued_on=D(2022, 3, 23),
        summary="Phòng, chống tội phạm trong năm 2022",
    )
    defaults.update(fields)
    return services.register_document(actor, **defaults)


def errors_of(call):
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.message_dict


def pdf(name="ke-hoach.pdf", size=None):
    content = b"%PDF-1.4\n" + b"0" * ((size or 200) - 9)
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx(name="ke-hoach.docx", real=True):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml" if real else "xl/workbook.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_unit_registers_its_own_plan(tree, people):
    doc = register(people["mt_editor"], tree["mt"], symbol="329/kh-lđlđ")
    doc.refresh_from_db()
    assert (doc.unit, doc.issuer_unit, doc.shared) == (tree["mt"], tree["mt"], False)
    assert doc.symbol == "329/KH-LĐLĐ" and doc.year == 2022
    assert doc.label == "Kế hoạch số 329/KH-LĐLĐ"
    assert "329/kh-ldld" in doc.search_text and "phong, chong toi pham" in doc.search_text
    record = doc.history.get()
    assert record.history_user == people["mt_editor"] and record.history_type == "+"


def test_an_outside_document_is_shared_and_kept_by_the_registering_unit(tree, people):
    doc = services.register_document(
        people["mt_editor"],
        doc_type=f.doc_type("ket_luan"),
        number="13",
        symbol="13-KL/TW",
        issuer=f.issuer("bo-chinh-tri"),
        unit=tree["mt"],
        issued_on=D(2021, 8, 16),
    )
    assert doc.shared and doc.unit == tree["mt"] and doc.issuer_name == "Bộ Chính trị"


def test_a_document_without_symbol(tree, people):
    doc = register(
        people["hcm_editor"],
        tree["hcm"],
        doc_type=f.doc_type("chuong_trinh_phoi_hop"),
        number="478",
        symbol="",
        issued_on=None,
    )
    assert doc.label == "Chương trình phối hợp số 478" and doc.year is None


@pytest.mark.parametrize(
    "fields,field,words",
    [
        (dict(issued_on=D(2099, 1, 1)), "issued_on", "ở tương lai"),
        (dict(symbol="329//KH"), "symbol", "không đúng dạng"),
        (dict(symbol="330/KH-LĐLĐ"), "symbol", "không bắt đầu bằng số văn bản 329"),
        (dict(symbol="329/NQ-LĐLĐ"), "symbol", "không khớp loại văn bản kế hoạch"),
        (dict(symbol="329/8/2021"), "symbol", "giống một ngày"),
        (dict(number="ba trăm"), "number", "không hợp lệ"),
        (dict(number=""), "number", "Hãy nhập số văn bản"),
        (dict(valid_from=D(2022, 4, 1), valid_to=D(2022, 3, 1)), "valid_to", "không được trước"),
        (dict(issued_on=D(2010, 1, 1)), "issued_on", "không hoạt động vào ngày"),
    ],
)
def test_bad_input_is_refused_with_a_vietnamese_message_naming_the_field(
    tree, people, fields, field, words
):
    if "issued_on" in fields and fields["issued_on"] == D(2010, 1, 1):
        from binhyen.org.models import Unit

        Unit.objects.filter(pk=tree["mt"].pk).update(valid_from=D(2015, 1, 1))
        tree["mt"].refresh_from_db()
    errors = errors_of(lambda: register(people["mt_editor"], tree["mt"], **fields))
    assert words in errors[field][0]
    assert not Document.all_objects.exists()


def test_the_same_document_twice_is_refused(tree, people):
    register(people["mt_editor"], tree["mt"])
    errors = errors_of(lambda: register(people["mt_editor"], tree["mt"], symbol="329/kh-ldld"))
    assert "Đã có Kế hoạch số 329/KH-LĐLĐ năm 2022" in errors["symbol"][0]
    # the same number the next year is another document
    register(people["mt_editor"], tree["mt"], issued_on=D(2023, 3, 1))
    assert Document.objects.count() == 2


def test_an_issuer_is_required_and_only_one(tree, people):
    errors = errors_of(
        lambda: services.register_document(
            people["mt_editor"], doc_type=f.doc_type("ke_hoach"), number="1", symbol="1/KH-LĐLĐ"
        )
    )
    assert "cơ quan ban hành" in errors["issuer"][0]


def test_a_unit_outside_ones_scope_cannot_issue(tree, people):
    errors = errors_of(lambda: register(people["q9_editor"], tree["mt"]))
    assert "không được nhập văn bản cho đơn vị này" in errors["issuer_unit"][0]


# --- what a document carries out ------------------------------------------------------------


def test_a_plan_carries_out_a_directive(tree, people):
    kl = f.document(tree["mt"], "ket_luan", number="13", symbol="13-KL/TW", outside="bo-chinh-tri")
    kh = register(people["mt_editor"], tree["mt"], implements=[kl])
    assert list(kh.implements.all()) == [kl]
    assert list(kl.implemented_by.all()) == [kh]


def test_a_document_cannot_carry_out_itself(tree, people):
    kh = register(people["mt_editor"], tree["mt"])
    errors = errors_of(lambda: services.update_document(people["mt_editor"], kh, implements=[kh]))
    assert errors["implements"] == ["Một văn bản không thể tự thực hiện chính nó."]
    assert not kh.implements.exists()


def test_a_cycle_is_refused_and_nothing_changes(tree, people):
    editor = people["mt_editor"]
    a = register(editor, tree["mt"], number="1", symbol="1/KH-LĐLĐ")
    b = register(editor, tree["mt"], number="2", symbol="2/KH-LĐLĐ", implements=[a])
    c = register(editor, tree["mt"], number="3", symbol="3/KH-LĐLĐ", implements=[b])
    errors = errors_of(
        lambda: services.update_document(editor, a, implements=[c], summary="Đổi trích yếu")
    )
    assert (
        "Kế hoạch số 3/KH-LĐLĐ đã (trực tiếp hoặc gián tiếp) thực hiện văn bản này"
        in errors["implements"][0]
    )
    a.refresh_from_db()
    assert not a.implements.exists() and a.summary != "Đổi trích yếu"
    errors = errors_of(lambda: services.link_implements(editor, a, [b]))
    assert "vòng lặp" in errors["implements"][0]


def test_an_unseen_document_cannot_be_carried_out(tree, people):
    hcm_plan = f.document(tree["hcm"], number="5")
    errors = errors_of(lambda: register(people["mt_editor"], tree["mt"], implements=[hcm_plan]))
    assert "không có quyền xem" in errors["implements"][0]
    assert Document.objects.count() == 1


def test_typed_references_resolve_to_visible_documents(tree, people):
    kl = f.document(tree["mt"], "ket_luan", number="13", symbol="13-KL/TW", outside="bo-chinh-tri")
    user = people["mt_editor"]
    assert services.documents_for_references(user, "Kết luận 13-KL/TW") == [kl]
    assert services.documents_for_references(user, "13-KL/TW") == [kl]
    errors = errors_of(
        lambda: services.documents_for_references(user, "Kết luận 13-KL/TW; Chỉ thị 48-CT/TW")
    )
    assert "Chưa có văn bản “Chỉ thị 48-CT/TW”" in errors["implements"][0]
    errors = errors_of(lambda: services.documents_for_references(user, "kết luận mười ba"))
    assert "Không đọc được" in errors["implements"][0]


# --- files -----------------------------------------------------------------------------------


def test_a_pdf_is_stored_with_its_type(tree, people):
    doc = register(people["mt_editor"], tree["mt"], file=pdf())
    assert (
        doc.file_type == "application/pdf"
        and doc.file_name == "ke-hoach.pdf"
        and doc.file_size == 200
    )
    assert doc.file.read().startswith(b"%PDF-")


def test_a_real_docx_is_accepted(tree, people):
    doc = register(people["mt_editor"], tree["mt"], file=docx())
    assert doc.file_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    "upload,words",
    [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "chỉ nhận văn bản PDF hoặc Word"),
        (SimpleUploadedFile("gia.pdf", b"<html>not a pdf</html>"), "không phải là tệp PDF thật"),
        (docx("bang-tinh.docx", real=False), "không phải là tệp Word (.docx) thật"),
        (SimpleUploadedFile("rong.pdf", b""), "rỗng"),
    ],
)
def test_a_wrong_file_is_refused_and_nothing_saved(tree, people, upload, words):
    errors = errors_of(lambda: register(people["mt_editor"], tree["mt"], file=upload))
    assert words in errors["file"][0]
    assert not Document.all_objects.exists()


def test_a_file_too_big_is_refused(tree, people, settings):
    settings.DOCUMENT_FILE_MAX_MB = 1
    errors = errors_of(
        lambda: register(people["mt_editor"], tree["mt"], file=pdf(size=1024 * 1024 + 1))
    )
    assert "quá lớn (1,0 MB); tối đa 1 MB" in errors["file"][0]
    assert not Document.all_objects.exists()


# --- changes and deletion --------------------------------------------------------------------


def test_an_update_is_audited(tree, people):
    doc = register(people["mt_editor"], tree["mt"])
    services.update_document(
        people["mt_editor"], doc, summary="Trích yếu mới", symbol="329/kh-lđlđ"
    )
    doc.refresh_from_db()
    assert doc.summary == "Trích yếu mới" and doc.symbol == "329/KH-LĐLĐ"
    latest = doc.history.order_by("-history_date").first()
    assert latest.history_type == "~" and latest.summary == "Trích yếu mới"


def test_others_cannot_change_a_units_document(tree, people):
    doc = register(people["mt_editor"], tree["mt"])
    for outsider in (people["q9_editor"], people["hcm_viewer"]):
        errors = errors_of(lambda u=outsider: services.update_document(u, doc, summary="x"))
        assert "không được sửa văn bản" in errors["unit"][0]
    assert Document.objects.get(pk=doc.pk).summary != "x"


def test_an_outside_document_can_become_a_union_document(tree, people):
    doc = services.register_document(
        people["mt_editor"],
        doc_type=f.doc_type("cong_van"),
        number="2016",
        symbol="2016/LĐLĐ",
        issuer=f.issuer("co-quan-khac"),
        unit=tree["mt"],
        issued_on=D(2022, 5, 24),
    )
    doc = services.update_document(people["mt_editor"], doc, issuer_unit=tree["mt"])
    assert (doc.issuer, doc.issuer_unit, doc.shared) == (None, tree["mt"], False)


def test_soft_delete_keeps_the_row_and_its_history(tree, people):
    doc = register(people["mt_editor"], tree["mt"])
    services.delete_document(people["mt_editor"], doc)
    assert not Document.objects.filter(pk=doc.pk).exists()
    gone = Document.all_objects.get(pk=doc.pk)
    assert gone.deleted_by == people["mt_editor"] and gone.history.count() == 2
    # once deleted, the same number can be registered again
    register(people["mt_editor"], tree["mt"])


# --- references in a narrative ---------------------------------------------------------------


def test_register_text_matches_and_offers_the_missing(tree, people):
    kl = f.document(tree["mt"], "ket_luan", number="13", symbol="13-KL/TW", outside="bo-chinh-tri")
    text = (
        "Năm 2023, đơn vị vẫn phổ biến Kết luận số 13-KL/TW (Bộ Chính trị) và Nghị quyết "
        "số 12/NQ-CP ngày 19/02/2019 của Chính phủ về tăng cường bảo đảm trật tự an toàn giao thông; "
        "đường dây nóng 0273.3872.123."
    )
    found = services.register_text(people["mt_editor"], text)
    assert [(x.citation.symbol, x.status) for x in found] == [
        ("13-KL/TW", "found"),
        ("12/NQ-CP", "missing"),
    ]
    assert found[0].document == kl
    assert found[1].issuer.code == "chinh-phu"
    created = services.register_cited(people["mt_editor"], found[1], unit=tree["mt"])
    assert (
        created.shared
        and created.issuer.code == "chinh-phu"
        and created.issued_on == D(2019, 2, 19)
    )
    assert created.summary == "Tăng cường bảo đảm trật tự an toàn giao thông"
    assert [x.status for x in services.register_text(people["mt_editor"], text)] == [
        "found",
        "found",
    ]


@pytest.mark.django_db
def test_issuer_words_match_aliases():
    from binhyen.documents.models import Issuer

    issuers = list(Issuer.objects.all())
    assert services.match_issuer("BCĐ 138 Thành phố", issuers).code == "ban-chi-dao-138-hcm"
    assert services.match_issuer("Thủ tướng Chính phủ", issuers).code == "thu-tuong-chinh-phu"
    assert services.match_issuer("Ban Bí thư Trung ương Đảng khóa XI", issuers).code == "ban-bi-thu"
    assert services.match_issuer("Liên đoàn", issuers) is None
