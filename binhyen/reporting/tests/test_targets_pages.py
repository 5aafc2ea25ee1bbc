"""The pages of a plan that read the rollup engine, as a person uses them at the plan's paths
under /van-ban/: its figures on the chain page, the target forms, and the progress of its
targets — each in a bounded number of queries whatever the data size."""

import datetime
import re

import pytest

from binhyen import factories as f
from binhyen.documents import services as document_services
from binhyen.documents.models import Target
from binhyen.documents.tests import conftest as documents_tests
from binhyen.documents.tests.conftest import login, record
from binhyen.reporting import targets as services

D = datetime.date
MAX_QUERIES = 15
BEYOND_BIGINT = 99999999999999999999

# the documents tests' people: a viewer and an editor at HCMC, editors at Quận 9, at its
# grassroots union and at Mỹ Tho
people = documents_tests.people
mt_docs = documents_tests.mt_docs


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


def test_the_figures_partial_shows_the_plans_own_figures(
    mt_docs, tree, people, django_assert_max_num_queries
):
    """The plan's activities, not Mỹ Tho's whole subtree: an activity linked to no plan and
    one linked to the letter only stay out of the plan's figures."""
    cs4 = f.unit(tree["mt"], "cd_co_so", name="Công đoàn cơ sở Công ty May Mỹ Tho")
    record(tree["cs3"], "2022-04-02", sessions=3, attendances=120, documents=[mt_docs["kh"]])
    record(cs4, "2022-06-02", sessions=2, attendances=1500, documents=[mt_docs["kh"]])
    record(cs4, "2022-06-03", sessions=1, attendances=15, documents=[mt_docs["kh"]])
    record(tree["cs3"], "2022-05-02", sessions=40, attendances=800)  # carries out no plan
    record(tree["cs3"], "2022-10-20", sessions=6, attendances=60, documents=[mt_docs["cv"]])
    for _i in range(25):  # more units and activities do not cost more queries
        record(
            f.unit(tree["mt"], "cd_co_so"),
            "2022-07-01",
            sessions=1,
            attendances=1,
            documents=[mt_docs["kh"]],
        )
    client = login(people["mt_editor"])
    with django_assert_max_num_queries(MAX_QUERIES):
        page = text(
            client.get(
                f"/van-ban/{mt_docs['kh'].pk}/so-lieu/", {"ky": "2022"}, HTTP_HX_REQUEST="true"
            )
        )
    assert "28 hoạt động" in page and "31 cuộc" in page and "1.660 lượt người" in page
    assert "46 cuộc" not in page and "71 cuộc" not in page
    assert "ghi thực hiện văn bản này trong hệ thống" in page
    assert "Công đoàn cơ sở Công ty May Mỹ Tho</td>" in page  # the breakdown by child unit
    assert '<td class="num">1.515</td>' in page
    assert "Hoạt động gần nhất:" in page and "(hiện 5 hoạt động gần nhất)" in page
    letter = text(client.get(f"/van-ban/{mt_docs['cv'].pk}/so-lieu/", {"ky": "2022"}))
    assert (
        "1 hoạt động" in letter and "6 cuộc" in letter and "từ ngày ban hành 05/10/2022" in letter
    )
    assert (
        letter.count("<tr>") == 2 and f"{tree['cs3'].name}</td>" in letter
    )  # the one union it came from
    quiet = f.document(tree["mt"], number="330", issued_on=D(2022, 3, 24))
    nothing = text(client.get(f"/van-ban/{quiet.pk}/so-lieu/", {"ky": "2022"}))
    assert (
        "Chưa có hoạt động nào ghi thực hiện văn bản này trong hệ thống" in nothing
        and "0 cuộc" not in nothing
    )
    early = text(client.get(f"/van-ban/{mt_docs['cv'].pk}/so-lieu/", {"ky": "2022Q1"}))
    assert "Văn bản ban hành ngày 05/10/2022, sau kỳ đang xem." in early


def test_setting_a_target_through_the_form(mt_docs, tree, people):
    client = login(people["mt_editor"])
    plan = mt_docs["kh"]
    page = text(client.get(f"/van-ban/{plan.pk}/chi-tieu/them/"))
    assert "units.outreach_share" in page
    response = client.post(
        f"/van-ban/{plan.pk}/chi-tieu/them/",
        {
            "description": "Mỗi công đoàn cơ sở ít nhất 2 cuộc",
            "indicator": "activity.sessions[kind=tuyen_truyen]",
            "period": "2022",
            "value": "2",
            "applies_to": "grassroots",
            "units": "",
        },
    )
    target = Target.objects.get()
    assert response.status_code == 302 and f"chi_tieu={target.pk}" in response["Location"]
    assert target.assignments.count() == 1
    bad = text(
        client.post(
            f"/van-ban/{plan.pk}/chi-tieu/them/",
            {
                "indicator": "units.outreach_share",
                "period": "2022",
                "value": "100",
                "applies_to": "grassroots",
            },
        )
    )
    assert "không giao cho từng công đoàn cơ sở" in bad and Target.objects.count() == 1
    assert login(people["q9_editor"]).get(f"/van-ban/{plan.pk}/chi-tieu/them/").status_code == 404


def test_a_target_counting_only_the_plans_activities(mt_docs, tree, people):
    """ "Chỉ tính các hoạt động ghi thực hiện kế hoạch này": the target reads the registry with
    the plan's document filter, so an outreach session under no plan does not count."""
    plan = mt_docs["kh"]
    client = login(people["mt_editor"])
    response = client.post(
        f"/van-ban/{plan.pk}/chi-tieu/them/",
        {
            "description": "Ít nhất 2 cuộc theo kế hoạch",
            "indicator": "activity.sessions[kind=tuyen_truyen]",
            "only_plan": "on",
            "period": "2022",
            "value": "2",
            "applies_to": "grassroots",
            "units": "",
        },
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert target.indicator == f"activity.sessions[kind=tuyen_truyen;document={plan.pk}]"
    assert target.assignments.get().indicator == target.indicator  # the units' copies say the same
    record(tree["cs3"], "2022-04-02", sessions=1, documents=[plan])
    record(tree["cs3"], "2022-04-03", sessions=5)  # under no plan
    page = text(client.get(f"/van-ban/{plan.pk}/tien-do/"))
    assert "1 / 2" in page and "Số cuộc, buổi (Tuyên truyền, Kế hoạch số 329/KH-LĐLĐ)" in page
    assert "Ghi thực hiện kế hoạch" not in page  # the actual already is the plan's figure
    edit = text(client.get(f"/van-ban/{plan.pk}/chi-tieu/{target.pk}/sua/"))
    assert (
        'value="activity.sessions[kind=tuyen_truyen]"' in edit
        and 'name="only_plan" class="form-check-input" aria-describedby="id_only_plan-help" id="id_only_plan" checked'
        in edit
    )
    ratio = text(
        client.post(
            f"/van-ban/{plan.pk}/chi-tieu/them/",
            {
                "indicator": "units.outreach_share",
                "only_plan": "on",
                "period": "2022",
                "value": "100",
                "applies_to": "unit",
            },
        )
    )
    assert (
        "Chỉ tiêu này không tính riêng theo kế hoạch được" in ratio and Target.objects.count() == 1
    )


def test_the_progress_page(mt_docs, tree, people, django_assert_max_num_queries):
    plan = mt_docs["kh"]
    for _i in range(20):
        f.unit(tree["mt"], "cd_co_so")
    target = services.set_target(
        f.superuser(),
        plan,
        indicator="activity.sessions[kind=tuyen_truyen]",
        period="2022",
        value=2,
        applies_to="grassroots",
        description="Ít nhất 2 cuộc",
    )
    services.set_target(
        f.superuser(),
        plan,
        indicator="units.outreach_share",
        period="2022",
        value=100,
        applies_to="unit",
        description="100% đơn vị trực thuộc tổ chức tuyên truyền",
    )
    record(tree["cs3"], "2022-04-02", sessions=3)
    client = login(people["mt_editor"])
    with django_assert_max_num_queries(MAX_QUERIES):
        page = text(client.get(f"/van-ban/{plan.pk}/tien-do/"))
    assert "Ít nhất 2 cuộc" in page and "100% đơn vị trực thuộc tổ chức tuyên truyền" in page
    assert "3 / 42" in page and "Đã đạt" in page and "Không đạt" in page
    ratio_target = Target.objects.last()
    with django_assert_max_num_queries(MAX_QUERIES):
        ratio = text(client.get(f"/van-ban/{plan.pk}/tien-do/", {"chi_tieu": ratio_target.pk}))
    assert "4,8% / 100%" in ratio  # 1 of 21 unions
    assert target.assignments.count() == 21


def test_the_progress_page_shows_what_was_recorded_under_the_plan(
    mt_docs, tree, people, django_assert_max_num_queries
):
    """Beside each unit's target and actual (all its activities), the part recorded as carrying
    out this plan; the activities of another plan or of none stay out of that column."""
    plan, letter = mt_docs["kh"], mt_docs["cv"]
    cs4 = f.unit(tree["mt"], "cd_co_so", name="Công đoàn cơ sở Công ty May Mỹ Tho")
    services.set_target(
        f.superuser(),
        plan,
        indicator="activity.sessions[kind=tuyen_truyen]",
        period="2022",
        value=4,
        applies_to="grassroots",
        description="Ít nhất 4 cuộc",
    )
    record(tree["cs3"], "2022-04-02", sessions=3, attendances=120, documents=[plan])
    record(
        tree["cs3"], "2022-03-02", sessions=2, attendances=20, documents=[plan]
    )  # before the plan's date
    record(tree["cs3"], "2022-10-20", sessions=1, attendances=15, documents=[letter])
    record(cs4, "2022-06-02", sessions=5, attendances=1500)  # carries out no plan
    record(cs4, "2022-06-03", sessions=1, attendances=35, documents=[plan])
    client = login(people["mt_editor"])
    with django_assert_max_num_queries(MAX_QUERIES):
        page = text(client.get(f"/van-ban/{plan.pk}/tien-do/"))
    assert "Ghi thực hiện kế hoạch" in page
    assert "2 hoạt động" in page and "4 cuộc" in page and "155 lượt người" in page
    assert "Từ ngày 23/03/2022 đến ngày 31/12/2022" in page

    def numbers(name):  # target, actual (all its activities), recorded under the plan
        cells = page.split(f"<td>{name}", 1)[1].split("</tr>", 1)[0]
        return re.findall(r'<td class="num[^"]*">([^<]*)</td>', cells)

    assert numbers(tree["cs3"].name) == ["4", "6", "3 · 120"]
    assert numbers("Công đoàn cơ sở Công ty May Mỹ Tho") == ["4", "6", "1 · 35"]
    no_targets = text(client.get(f"/van-ban/{letter.pk}/tien-do/"))
    assert "Kế hoạch này chưa có chỉ tiêu." in no_targets
    assert (
        "Hoạt động ghi thực hiện kế hoạch · Từ ngày 05/10/2022" in no_targets
        and "15 lượt người" in no_targets
    )


def test_a_grassroots_officer_reads_their_line_of_the_plan(mt_docs, tree, people):
    services.set_target(
        f.superuser(),
        mt_docs["kh"],
        indicator="activity.sessions",
        period="2022",
        value=2,
        applies_to="grassroots",
    )
    officer = f.user(role="editor", unit=tree["cs3"])
    client = login(officer)
    assert client.get(f"/van-ban/{mt_docs['kh'].pk}/").status_code == 200  # the plan reached them
    page = text(client.get(f"/van-ban/{mt_docs['kh'].pk}/tien-do/"))
    assert "Công đoàn cơ sở Trường Tiểu học Mỹ Tho" in page
    mine = text(client.get("/van-ban/chi-tieu-duoc-giao/"))
    assert "Kế hoạch số 329/KH-LĐLĐ" in mine and "Xem tiến độ" in mine
    assert client.get(f"/van-ban/{mt_docs['cv'].pk}/").status_code == 404  # not the rest


def test_the_target_form_opens_in_few_queries(mt_docs, tree, people, django_assert_max_num_queries):
    many(tree["mt"], 20, implements=[mt_docs["kl"]])
    for i in range(10):
        document_services.update_document(
            people["mt_editor"], mt_docs["kh"], summary=f"Lần sửa {i}"
        )
    client = login(people["mt_editor"])
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(f"/van-ban/{mt_docs['kh'].pk}/chi-tieu/them/")
    assert response.status_code == 200


def test_the_progress_page_with_impossible_ids_in_the_query(people, mt_docs):
    client = login(people["mt_editor"])
    for value in (str(BEYOND_BIGINT), "abc", "²", "0"):
        assert (
            client.get(
                f"/van-ban/{mt_docs['kh'].pk}/tien-do/", {"chi_tieu": value, "don_vi": value}
            ).status_code
            == 200
        )


def _english(user):
    client = login(user)
    client.post("/i18n/setlang/", {"language": "en"})
    return client


def test_the_progress_page_in_english(mt_docs, people, english):
    services.set_target(
        f.superuser(),
        mt_docs["kh"],
        indicator="activity.sessions",
        period="2022",
        value=2,
        applies_to="grassroots",
        description="Mỗi công đoàn cơ sở tổ chức ít nhất 2 cuộc",
    )
    client = _english(people["mt_editor"])
    progress = client.get(f"/van-ban/{mt_docs['kh'].pk}/tien-do/").content.decode()
    for english in (
        "Target progress",
        "Progress by unit",
        "Achieved",
        "% reached",
        "Behind schedule or not reached",
    ):
        assert english in progress
    assert "Tiến độ theo đơn vị" not in progress
