"""Activities linked to the documents (plans) they carry out: form, service, API, import."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from binhyen import factories as f
from binhyen.activities import services
from binhyen.activities.models import Activity
from binhyen.activities.services import import_activities

from .conftest import row, xlsx
from .test_pages import form_data


@pytest.fixture
def plans(tree):
    """Three plans with the same symbol 329/KH-LĐLĐ: HCMC's, Quận 9's and Tiền Giang's."""
    return f.same_symbol_plans(tree)


def test_service_links_visible_documents_and_refuses_others(people, tree, plans):
    editor = people["hcm_editor"]
    a = f.activity(tree["q9"], actor=editor, documents=[plans["hcm"], plans["q9"]])
    assert set(a.documents.all()) == {plans["hcm"], plans["q9"]}
    assert set(a.history.first().documents.values_list("document_id", flat=True)) == {
        plans["hcm"].pk,
        plans["q9"].pk,
    }
    with pytest.raises(ValidationError) as err:
        f.activity(tree["q9"], actor=editor, documents=[plans["tg"]])
    assert "nằm ngoài phạm vi bạn xem được" in err.value.message_dict["documents"][0]
    services.update_activity(editor, a, documents=[plans["hcm_330"]])
    assert list(a.documents.all()) == [plans["hcm_330"]]


def test_an_edit_keeps_links_the_editor_cannot_see(people, tree, plans):
    a = f.activity(tree["cs1"], documents=[plans["hcm"], plans["q9"]])  # linked by a superuser
    cs1_editor = f.user(role="editor", unit=tree["q9"])  # sees Quận 9's plan, not HCMC's
    services.update_activity(cs1_editor, a, documents=[], title="Đổi tên")
    assert list(a.documents.all()) == [plans["hcm"]]


def test_import_resolves_symbols_nearest_issuer_first(people, tree, plans):
    rows = [
        row(**{"Văn bản thực hiện": "329/KH-LĐLĐ"}),  # Quận 9's union: Quận 9's plan
        row(
            **{
                "Mã đơn vị": "HCM-TD",
                "Tên hoạt động": "B",
                "Văn bản thực hiện": "Kế hoạch 329/KH-LĐLĐ, 330/KH-LĐLĐ",
            }
        ),
        row(**{"Tên hoạt động": "C", "Văn bản thực hiện": "329/KH-LĐLĐ ngày 01/03/2020"}),
    ]
    result = import_activities(people["hcm_editor"], xlsx(rows), file_name="a.xlsx")
    assert result.ok, [str(e) for e in result.errors]
    assert list(Activity.objects.get(import_row=2).documents.all()) == [plans["q9"]]
    assert set(Activity.objects.get(title="B").documents.all()) == {plans["hcm"], plans["hcm_330"]}
    assert list(Activity.objects.get(title="C").documents.all()) == [plans["hcm"]]


def test_import_unknown_or_unseen_symbol_is_a_cell_error(people, tree, plans):
    rows = [
        row(**{"Văn bản thực hiện": "999/KH-LĐLĐ"}),
        row(
            **{"Mã đơn vị": "HCM-TD", "Tên hoạt động": "B", "Văn bản thực hiện": "kế hoạch năm nay"}
        ),
    ]
    result = import_activities(people["cs1_editor"], xlsx(rows), file_name="a.xlsx")
    text = "\n".join(str(e) for e in result.errors)
    assert not result.ok and Activity.all_objects.count() == 0
    assert "Văn bản thực hiện" in text and "không có văn bản 999/KH-LĐLĐ" in text


def test_api_gives_and_returns_document_ids(people, tree, plans):
    from binhyen.api.services import issue_token

    _token, key = issue_token(people["hcm_editor"], name="t")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    body = {
        "unit": "HCM-Q9",
        "date": "2021-05-02",
        "kind": "tuyen_truyen",
        "title": "API",
        "topics": ["ma_tuy"],
        "audiences": ["cnvcld"],
        "documents": [plans["q9"].pk],
    }
    answer = client.post("/api/v1/activities", body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["documents"] == [plans["q9"].pk]
    assert answer.json()["document_symbols"] == ["329/KH-LĐLĐ"]
    bad = client.post(
        "/api/v1/activities",
        {**body, "title": "X", "documents": [plans["tg"].pk]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "documents" in bad.content.decode()


def test_form_offers_visible_documents_and_links_them(
    people, tree, plans, django_assert_max_num_queries
):
    client = Client()
    client.force_login(people["hcm_editor"])
    with django_assert_max_num_queries(15):
        page = client.get(reverse("activities:create")).content.decode()
    assert "330/KH-LĐLĐ" in page and page.count("Kế hoạch số 329/KH-LĐLĐ") == 2  # not Tiền Giang's
    answer = client.post(
        reverse("activities:create"), form_data(tree["q9"], documents=[plans["hcm_330"].pk])
    )
    assert answer.status_code == 302
    a = Activity.objects.get()
    assert list(a.documents.all()) == [plans["hcm_330"]]
    with django_assert_max_num_queries(15):
        detail = client.get(a.get_absolute_url()).content.decode()
    assert "330/KH-LĐLĐ" in detail
    refused = client.post(
        reverse("activities:create"), form_data(tree["q9"], title="Y", documents=[plans["tg"].pk])
    )
    assert "nằm ngoài phạm vi bạn xem được" in refused.content.decode()
