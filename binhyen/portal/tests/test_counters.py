"""Visitor counting: online in the last 5 minutes, visits after 30 minutes of silence, article
views that bots and reloads do not inflate, buffered in the cache and flushed in batches."""

import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from binhyen.portal import counters
from binhyen.portal.models import Article, SiteCounter

from . import helpers
from .conftest import BROWSER

MIDDLEWARE_PATH = "binhyen.portal.middleware.VisitorCounterMiddleware"


def req(ip="203.0.113.5", agent=BROWSER, **meta):
    return RequestFactory().get("/cong-thong-tin/", REMOTE_ADDR=ip, HTTP_USER_AGENT=agent, **meta)


@pytest.fixture
def no_flush(settings):
    settings.PORTAL_COUNTER_FLUSH_SECONDS = 3600
    cache.add(f"{counters.PREFIX}flush-lock", 1, timeout=3600)


def test_online_counts_distinct_visitors_of_the_last_five_minutes(db, no_flush):
    t0 = 1_800_000_000.0
    counters.count_request(req("10.0.0.1"), now=t0)
    counters.count_request(req("10.0.0.1"), now=t0 + 10)  # same visitor again
    counters.count_request(req("10.0.0.2"), now=t0 + 20)
    assert counters.online_now(now=t0 + 30) == 2
    counters.count_request(req("10.0.0.1"), now=t0 + 180)  # visitor 1 moves to a newer minute
    assert counters.online_now(now=t0 + 190) == 2
    assert counters.online_now(now=t0 + 60 * 5 + 30) == 1  # visitor 2 silent for 5 minutes
    assert counters.online_now(now=t0 + 60 * 9) == 0


def test_a_visit_is_the_first_request_after_thirty_minutes_of_silence(db, no_flush, monkeypatch):
    t0 = 1_800_000_000.0
    r = req("10.0.0.3")
    for dt in (0, 60, 600, 1200):
        counters.count_request(r, now=t0 + dt)
    assert counters.pending_visits() == 1
    # the "seen" key expires after 30 minutes of silence: emulate it as the cache would
    cache.delete(f"{counters.PREFIX}seen:{counters.visitor_id(r)}")
    counters.count_request(r, now=t0 + 1200 + 1801)
    assert counters.pending_visits() == 2
    counters.count_request(req("10.0.0.4"), now=t0)
    assert counters.pending_visits() == 3


def test_bots_and_prefetches_are_not_counted(db, no_flush):
    counters.count_request(req(agent="Googlebot/2.1 (+http://www.google.com/bot.html)"))
    counters.count_request(req(agent=""))
    counters.count_request(req(agent="curl/8.5.0"))
    counters.count_request(req(HTTP_SEC_PURPOSE="prefetch"))
    assert counters.pending_visits() == 0
    assert counters.online_now() == 0


def test_counting_a_request_writes_nothing_to_the_database(db, no_flush, django_assert_num_queries):
    with django_assert_num_queries(0):
        for i in range(20):
            counters.count_request(req(f"10.1.0.{i}"))
        counters.count_article_view(req("10.1.0.1"), 42)


def test_article_views_ignore_reloads_and_bots_and_flush_in_one_batch(
    w, no_flush, django_assert_max_num_queries
):
    a = helpers.article(w["hcm"], "Bài được đọc")
    b = helpers.article(w["hcm"], "Bài khác")
    for _ in range(5):
        counters.count_article_view(req("10.2.0.1"), a.pk)  # reloads
    counters.count_article_view(req("10.2.0.2"), a.pk)
    counters.count_article_view(
        req("10.2.0.2", agent="Mozilla/5.0 (compatible; bingbot/2.0)"), a.pk
    )
    counters.count_article_view(req("10.2.0.3"), b.pk)
    assert counters.pending_views([a.pk, b.pk]) == {a.pk: 2, b.pk: 1}
    counters.count_request(req("10.2.0.9"))
    with django_assert_max_num_queries(6):  # one transaction: visits (update, create), 2 articles
        visits, views = counters.flush()
    assert (visits, views) == (1, {a.pk: 2, b.pk: 1})
    a.refresh_from_db()
    assert a.view_count == 2
    assert counters.pending_views([a.pk]) == {}
    assert counters.flush() == (0, {})  # nothing twice


def test_counts_survive_a_restart_up_to_the_last_flush(w, no_flush):
    a = helpers.article(w["hcm"], "Bài")
    counters.count_request(req("10.3.0.1"))
    counters.count_article_view(req("10.3.0.1"), a.pk)
    counters.flush()
    counters.count_request(req("10.3.0.2"))  # after the last flush: lost by a restart
    cache.clear()  # a restart of a server with the local-memory cache
    assert counters.total_visits() == 1
    assert Article.objects.get(pk=a.pk).view_count == 1
    assert SiteCounter.objects.get(name="visits").value == 1


def test_the_flush_runs_once_per_interval(db, settings):
    settings.PORTAL_COUNTER_FLUSH_SECONDS = 60
    counters.count_request(req("10.4.0.1"))  # the first request after a start flushes (nothing)
    counters.count_request(req("10.4.0.2"))
    assert counters.pending_visits() == 1
    assert SiteCounter.objects.get(name="visits").value == 1
    cache.delete(f"{counters.PREFIX}flush-lock")  # the interval has passed
    counters.count_request(req("10.4.0.3"))
    assert SiteCounter.objects.get(name="visits").value == 3


def test_middleware_counts_portal_pages_only(w, client, settings):
    settings.PORTAL_COUNTER_FLUSH_SECONDS = 3600
    cache.add(f"{counters.PREFIX}flush-lock", 1, timeout=3600)
    with override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, MIDDLEWARE_PATH]):
        client.get("/cong-thong-tin/")
        client.get("/tin-tuc/")
        client.get("/cong-thong-tin/ldld-tp-ho-chi-minh/rss/")
        client.get("/tin-tuc/khong-co-bai-nay")
        assert counters.pending_visits() == 1
        assert counters.online_now() == 1
        page = client.get("/cong-thong-tin/").content.decode()
    assert 'data-counter="online">1<' in page
    assert 'data-counter="total">1<' in page


def test_article_page_counts_one_view_per_visitor(w, client):
    a = helpers.article(w["hcm"], "Bài đọc nhiều")
    for _ in range(3):
        client.get(a.get_absolute_url())
    from django.test import Client

    Client(HTTP_USER_AGENT="Googlebot/2.1").get(a.get_absolute_url())
    page = (
        Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.7")
        .get(a.get_absolute_url())
        .content.decode()
    )
    assert "2 lượt xem" in page


def test_visitor_id_reveals_neither_address_nor_browser():
    vid = counters.visitor_id(req("192.0.2.1"))
    assert "192.0.2.1" not in vid and len(vid) == 20
    assert vid != counters.visitor_id(req("192.0.2.2"))
    assert time.time() > 0
