"""The documents pages in English: the app's catalog is used (tests/test_catalogs.py checks
that it is complete), while a document's designation ("Kế hoạch số 329/KH-LĐLĐ") stays as it
is written on the document."""

import datetime

import pytest
from django.utils import translation

from binhyen import factories as f
from binhyen.documents.models import Document

from .conftest import give_target, login

D = datetime.date


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def plan(tree):
    kl = f.document(
        tree["tg"],
        "ket_luan",
        number="13",
        symbol="13-KL/TW",
        outside="bo-chinh-tri",
        issued_on=D(2021, 8, 16),
        summary="Về việc Đảng lãnh đạo chặt chẽ hơn khâu phòng, chống tội phạm",
    )
    kh = f.document(
        tree["mt"],
        number="329",
        symbol="329/KH-LĐLĐ",
        implements=[kl],
        summary="Phòng, chống tội phạm trong năm 2022",
    )
    give_target(kh, [tree["cs3"]], description="Mỗi công đoàn cơ sở tổ chức ít nhất 2 cuộc")
    return kh


def test_a_documents_designation_stays_as_written(plan):
    with translation.override("en"):
        assert Document.objects.get(pk=plan.pk).label == "Kế hoạch số 329/KH-LĐLĐ"


def _english(user):
    client = login(user)
    client.post("/i18n/setlang/", {"language": "en"})
    return client


def test_register_and_document_pages_in_english(plan, people):
    client = _english(people["mt_editor"])
    register = client.get("/van-ban/").content.decode()
    assert '<html lang="en">' in register
    for english in (
        "Directives and plans",
        "Document register",
        "Accents are optional.",
        "Register a document",
    ):
        assert english in register
    assert "Sổ văn bản" not in register
    assert '<option value="2022">' in register  # a year, not 2,022

    page = client.get(f"/van-ban/{plan.pk}/").content.decode()
    for english in (
        "Targets of the plan",
        "Description",
        "Indicator",
        "Target per unit",
        "Add a target",
        "This document carries out",
        "Sessions",
    ):
        assert english in page
    assert "Chỉ tiêu của kế hoạch" not in page and "Số cuộc, buổi" not in page
    assert (
        "Kế hoạch số 329/KH-LĐLĐ" in page and "Mỗi công đoàn cơ sở tổ chức ít nhất 2 cuộc" in page
    )


def test_form_errors_in_english(tree, people):
    client = _english(people["mt_editor"])
    page = client.post(
        "/van-ban/them/",
        {
            "issuer_kind": "unit",
            "issuer_unit": tree["mt"].pk,
            "number": "330",
            "symbol": "330-KH",
            "issued_on": "24/03/2022",
            "summary": "Thử",
        },
    )
    page = page.content.decode()
    assert "Choose the document type." in page
    assert "Hãy chọn loại văn bản." not in page
    assert not Document.objects.exists()
