"""The live movement figures come from the rollup engine and agree with the groups app's own
counting functions; a closed federation shows its figures up to its last day."""

import datetime

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
    assert (result["groups"], result["members"], result["wards"]) == (head["groups"], head["members"], head["wards"])
    assert (result["groups"], result["members"], result["wards"]) == (2, 3, 2)
    assert result["sessions"] == 0 and result["attendances"] == 0
    page = client.get("/cong-thong-tin/").content.decode()
    assert "Phong trào bằng số liệu" in page
    assert f"Từ 01/01/{today.year} đến {today:%d/%m/%Y}" in page


def test_closed_federation_reports_up_to_its_last_day(w):
    period, as_of = figures.period_for(w["tree"]["mt"], D(2026, 3, 1))
    assert (period.start, period.end, as_of) == (D(2025, 1, 1), D(2025, 6, 30), D(2025, 6, 30))
    result = figures.section_figures(w["mt"], D(2026, 3, 1))
    assert result["closed"] and result["end"] == D(2025, 6, 30)


def test_figures_are_cached(w, django_assert_num_queries):
    today = timezone.localdate()
    figures.section_figures(w["hcm"], today)
    with django_assert_num_queries(0):
        figures.section_figures(w["hcm"], today)
