"""The demo portal: three sections, original articles reporting the demo's figures, a
calendar for the current week, covers drawn locally; a second load adds nothing."""

import datetime

import pytest
from django.utils import timezone

from binhyen.core.text import format_number
from binhyen.incidents.models import Tip
from binhyen.org import demo as org_demo
from binhyen.portal import demo
from binhyen.portal.models import Article, PortalSection, ScheduleEntry, week_start


@pytest.fixture
def loaded(full_demo):
    """The whole demo, loaded once for every test that reads it (conftest.py): what the portal's
    loader created."""
    return full_demo["portal"]


def test_demo_loads_sections_articles_calendar_and_tips_once(loaded):
    assert loaded["sections"] == 3 and loaded["articles"] >= 8 and loaded["tips"] == 3
    monday = week_start(timezone.localdate())
    hcm = PortalSection.objects.get(slug=demo.HCM_SLUG)
    this_week = ScheduleEntry.objects.filter(
        section=hcm, day__gte=monday, day__lte=monday + datetime.timedelta(days=6)
    )
    assert this_week.count() == len(demo.HCM_WEEK)
    mt = PortalSection.objects.get(slug=demo.MY_THO_SLUG)
    assert mt.closed_on == datetime.date(2025, 6, 30) and mt.successor.slug == demo.DONG_THAP_SLUG
    assert Article.objects.filter(
        slug="ldld-tp-my-tho-thuc-hien-ket-luan-13-kl-tw", section=mt
    ).exists()
    assert all(a.cover and a.cover_alt for a in Article.objects.all())
    again = demo.load()
    assert again == {"sections": 0, "articles": 0, "entries": 0, "tips": 0}


def test_demo_articles_report_the_rollup_figures(loaded):
    from binhyen.org.models import Unit

    hcm = Unit.objects.get(code=org_demo.HCM)
    today = timezone.localdate()
    figures = demo._figures(hcm, datetime.date(today.year, 1, 1), today)
    article = Article.objects.get(title__startswith="Mạng lưới tổ, mô hình tự quản năm")
    assert f"tổng cộng {format_number(figures['groups'])} tổ" in article.body
    assert article.publish_at.date() <= today


def test_demo_home_renders(loaded, client):
    page = client.get("/cong-thong-tin/").content.decode()
    assert "Liên đoàn Lao động Thành phố Hồ Chí Minh" in page
    assert "Tổ tự quản khu nhà trọ giữ bình yên cho công nhân thành phố" in page
    assert Tip.objects.filter(ward__name="Phường Thủ Đức").exists()
