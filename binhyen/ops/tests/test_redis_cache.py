"""With REDIS_URL (README) the cache is Django's Redis backend on the locked `redis` client:
the portal answers, its visitor counts are buffered in Redis — where every web process and the
worker see them — and the scheduled flush moves them into the database."""

import os
import subprocess
import sys
import uuid

import pytest

from binhyen.portal.models import SiteCounter

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


def _reachable():
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return False


@pytest.fixture
def redis_cache(settings):
    if not _reachable():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL}: CI must test the Redis cache")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",  # parallel runs never share keys
        }
    }
    settings.PORTAL_COUNTER_FLUSH_SECONDS = 3600  # only the scheduled task flushes
    from django.core.cache import cache

    yield cache
    cache.clear()


def test_the_settings_pick_the_redis_backend_from_redis_url():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {**os.environ, "REDIS_URL": REDIS_URL, "DJANGO_SETTINGS_MODULE": "binhyen.settings"}
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "django.core.cache.backends.redis.RedisCache", done.stderr


@pytest.mark.django_db
def test_the_portal_counts_visits_in_redis_and_the_scheduled_flush_stores_them(redis_cache, client):
    import redis

    from binhyen.portal import counters
    from binhyen.portal.tasks import flush_counters
    from binhyen.portal.tests import helpers

    helpers.world()  # the portal's sections: its home page exists
    counters.cache.add(f"{counters.PREFIX}flush-lock", 1, timeout=3600)
    for address in ("203.0.113.5", "203.0.113.6"):
        page = client.get("/cong-thong-tin/", REMOTE_ADDR=address, HTTP_USER_AGENT=BROWSER)
        assert page.status_code == 200
    raw = redis.Redis.from_url(REDIS_URL)
    assert any(b"portal:count:pending:visits" in key for key in raw.keys("*pending:visits"))
    assert not SiteCounter.objects.filter(name="visits", value__gt=0).exists()
    flush_counters.enqueue()
    assert SiteCounter.objects.get(name="visits").value == 2
    assert counters.pending_visits() == 0
