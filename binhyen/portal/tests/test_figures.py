"""The live movement figures come from the rollup engine and agree with the groups app's own
counting functions; a closed federation shows its figures up to its last day."""

import datetime
import io
import re

import pytest
from django.utils import timezone

from binhyen import factories as f
from binhyen.groups import stats
from binhyen.portal import figures

D = datetime.date


def test_home_figures_agree_with_the_groups_counts(w, client):
    ward_union, cs = w["tree"]["ward_union"], w["tree"]["cs"]
    g1 = f.group(cs, ward=f.area("26794"), founded=D(2020, 1, 1))
    f.group(ward_union, ward=f.area("27478"), founded=D(2021, 1, 1))
    for _ in range(3):
        f.member(g1)
    today = timezone.localdate()
    result = figures.section_figures(w["hcm"], today)
    head = stats.headline(w["tree"]["hcm"], today)
    assert (result["groups"], result["members"], result["wards"]) == (
        head["groups"],
        head["members"],
        head["wards"],
    )
    assert (result["groups"], result["members"], result["wards"]) == (2, 3, 2)
    assert result["sessions"] == 0 and result["attendances"] == 0
    page = client.get("/cong-thong-tin/").content.decode()
    assert "Phong trào bằng số liệu" in page
    assert f"Từ 01/01/{today.year} đến {today:%d/%m/%Y}" in page


def test_closed_federation_reports_up_to_its_last_day(w):
    period = figures.period_for(w["tree"]["mt"], D(2026, 3, 1))
    assert (period.start, period.end) == (D(2025, 1, 1), D(2025, 6, 30))
    result = figures.section_figures(w["mt"], D(2026, 3, 1))
    assert result["closed"] and result["end"] == D(2025, 6, 30)
    # a closed unit is read as it was, and the page says so
    assert result["basis"] == "theo cơ cấu tại thời điểm phát sinh"


def test_figures_are_cached(w, django_assert_num_queries):
    today = timezone.localdate()
    figures.section_figures(w["hcm"], today)
    with django_assert_num_queries(0):
        figures.section_figures(w["hcm"], today)


# --- a record deleted or corrected leaves the cached public figures at once -----------------


def _shown(client):
    """(groups, attendances) as the public home page shows them."""
    page = client.get("/cong-thong-tin/ldld-tp-ho-chi-minh/").content.decode()
    found = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    return found["Tổ, mô hình tự quản"], found["Lượt người tham dự"]


def _api(client):
    data = client.get("/api/v1/portal/sections/ldld-tp-ho-chi-minh/figures").json()
    return data["groups"], data["attendances"]


def test_a_deleted_or_corrected_activity_leaves_the_cached_figures_at_once(w, client):
    from binhyen.activities import services as activity_services

    cs, editor = w["tree"]["cs"], f.superuser()
    f.activity(cs, date=timezone.localdate(), attendances=40)
    before = _shown(client), _api(client)
    assert before == (("0", "40"), (0, 40))
    absurd = f.activity(cs, date=timezone.localdate(), attendances=3_807_000)
    assert _shown(client) == ("0", "3.807.040") and _api(client) == (0, 3_807_040)
    activity_services.delete_activity(editor, absurd)  # the soft delete of the service
    assert (_shown(client), _api(client)) == before
    # a correction: the same record, its attendances edited
    typo = f.activity(cs, date=timezone.localdate(), attendances=90_000)
    assert _api(client) == (0, 90_040)
    activity_services.update_activity(editor, typo, attendances=90)
    assert _shown(client) == ("0", "130") and _api(client) == (0, 130)


def test_groups_changes_leave_the_cached_figures_at_once(w, client):
    from binhyen.groups import services as group_services

    assert _shown(client)[0] == "0"
    g = f.group(w["tree"]["cs"], ward=f.area("26794"), founded=D(2020, 1, 1))
    assert _shown(client)[0] == "1"
    group_services.delete_group(f.superuser(), g)
    assert _shown(client)[0] == "0"


def test_the_generation_moves_again_when_the_change_commits(w, django_capture_on_commit_callbacks):
    start = figures.generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        f.group(w["tree"]["cs"], ward=f.area("26794"))
        moved = figures.generation()
        assert moved > start
    assert callbacks and figures.generation() > moved


def test_an_activities_import_moves_the_generation_when_it_commits(
    w, django_capture_on_commit_callbacks
):
    """The import writes its rows without Django's signals; its batch row is saved through
    the ORM, so the generation moves when the import's transaction commits."""
    from binhyen.activities.services import import_activities
    from binhyen.activities.tests.conftest import row, xlsx

    start = figures.generation()
    with django_capture_on_commit_callbacks(execute=True):
        result = import_activities(
            f.superuser(),
            xlsx(
                [
                    row(
                        **{
                            "Mã đơn vị": "G-HCM-LT-CS1",
                            "Ngày": timezone.localdate(),
                            "Đối tượng": "cnvcld",
                            "Số lượt người": 500,
                        }
                    )
                ]
            ),
            file_name="hoat-dong.xlsx",
        )
    assert result.ok, [str(e) for e in result.errors]
    assert figures.generation() > start
    assert figures.section_figures(w["hcm"])["attendances"] == 500


def test_a_lost_generation_starts_above_the_old_ones(w):
    from django.core.cache import cache

    old = figures.generation()
    cache.delete(figures.GENERATION)
    assert figures.generation() > old


@pytest.mark.parametrize("command_args", [[], ["--unit", "G-HCM-LT-CS1"]])
def test_rebuild_facts_moves_the_generation(w, command_args):
    """rebuild-facts rewrites the cubes in SQL (no model signal fires): the portal must not
    serve the figures it cached before."""
    from django.core.management import call_command

    start = figures.generation()
    call_command("rebuild-facts", *command_args, stdout=io.StringIO())
    assert figures.generation() > start
