"""Visitor counting without a database write per request.

- A visitor is a salted hash of the client's address + browser (no cookie is set, so no
  consent banner).
- "Đang online": visitors whose last request lies in the last 5 minutes. Each visitor sits in
  the minute bucket of their last request; moving to a newer minute is one `decr` and one
  `incr`, at most once per visitor per minute, so the figure is exact to the minute.
- "Tổng lượt truy cập": a visit is a visitor's first request after 30 minutes of silence.
- Article views: one per visitor and article per 30 minutes, never for bots.

Counts go to cache keys first and reach the database in batches (`flush()`), at most once per
FLUSH_SECONDS, triggered by whichever request comes after that or by the
`flush-portal-counters` command. With the default local-memory cache a restart loses at most
the last FLUSH_SECONDS of counts (and each process keeps its own buffer); with Redis
(REDIS_URL) the buffer outlives restarts and is shared, so nothing is lost.
"""

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, F, Value, When

from .throttle import client_address

ONLINE_MINUTES = 5
VISIT_GAP = 30 * 60  # seconds of silence after which the next request opens a new visit
VIEW_GAP = 30 * 60  # an article counts one view per visitor per this many seconds
PREFIX = "portal:count:"
TOTAL = "visits"

BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|preview|fetch|monitor|scan|curl|wget|httpie|python-|"
    r"java/|go-http|okhttp|axios|node-fetch|libwww|headless|lighthouse|pingdom|facebookexternalhit",
    re.IGNORECASE,
)


def flush_seconds():
    return int(getattr(settings, "PORTAL_COUNTER_FLUSH_SECONDS", 60))


def is_bot(request):
    agent = request.META.get("HTTP_USER_AGENT", "")
    if not agent or BOT_PATTERN.search(agent):
        return True
    purpose = request.META.get("HTTP_SEC_PURPOSE", "") or request.META.get("HTTP_PURPOSE", "")
    return "prefetch" in purpose.lower()


def visitor_id(request):
    """Salted, so the hash reveals neither the address nor the browser. The address is the
    client's, read through the trusted proxy when there is one (throttle.client_address)."""
    raw = "|".join(
        (
            settings.SECRET_KEY,
            client_address(request),
            request.META.get("HTTP_USER_AGENT", ""),
        )
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def _incr(key, delta=1, timeout=None):
    """Atomic add that also creates the key (cache.incr alone fails on a missing key)."""
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key, delta)
    except ValueError:  # expired between add and incr
        cache.add(key, 0, timeout=timeout)
        return cache.incr(key, delta)


def _decr(key, delta=1):
    try:
        return cache.decr(key, delta)
    except ValueError:
        return 0


def _minute(now=None):
    return int((now or time.time()) // 60)


def count_request(request, now=None):
    """Record one page request (online + visits). A few cache operations, no SQL."""
    if is_bot(request):
        return
    now = now or time.time()
    vid = visitor_id(request)
    minute = _minute(now)
    seen_key = f"{PREFIX}seen:{vid}"
    last_minute = cache.get(seen_key)
    if last_minute is None:
        # first request after 30 minutes of silence: a new visit
        _incr(f"{PREFIX}pending:{TOTAL}")
    if last_minute != minute:
        if last_minute is not None and minute - last_minute < ONLINE_MINUTES + 1:
            _decr(f"{PREFIX}online:{last_minute}")
        _incr(f"{PREFIX}online:{minute}", timeout=(ONLINE_MINUTES + 2) * 60)
    cache.set(seen_key, minute, timeout=VISIT_GAP)
    maybe_flush(now)


def count_article_view(request, article_id):
    """One view per visitor and article per 30 minutes; bots and reloads add nothing.
    Returns True when the view counted. Never flushes: the page calls maybe_flush() before it
    reads the article, so the count it shows is stored + pending, whatever happens."""
    if is_bot(request):
        return False
    if not cache.add(f"{PREFIX}viewed:{article_id}:{visitor_id(request)}", 1, timeout=VIEW_GAP):
        return False
    if _incr(f"{PREFIX}pending:article:{article_id}") == 1:
        # first pending view of this article since the last flush: note it in the dirty log
        _log_dirty(article_id)
    return True


def _log_dirty(article_id):
    seq = _incr(f"{PREFIX}dirty-seq")
    cache.set(f"{PREFIX}dirty:{seq}", article_id, timeout=None)


def online_now(now=None):
    minute = _minute(now)
    keys = [f"{PREFIX}online:{m}" for m in range(minute - ONLINE_MINUTES + 1, minute + 1)]
    return max(0, sum(v for v in cache.get_many(keys).values() if v))


def pending_visits():
    return cache.get(f"{PREFIX}pending:{TOTAL}") or 0


def pending_views(article_ids):
    keys = {f"{PREFIX}pending:article:{pk}": pk for pk in article_ids}
    found = cache.get_many(list(keys))
    return {keys[k]: v for k, v in found.items() if v}


def total_visits():
    """Flushed visits (database, read at most every 30 s) plus what waits in the cache."""
    from .models import SiteCounter

    stored = cache.get(f"{PREFIX}stored:{TOTAL}")
    if stored is None:
        stored = SiteCounter.objects.filter(name=TOTAL).values_list("value", flat=True).first() or 0
        cache.set(f"{PREFIX}stored:{TOTAL}", stored, 30)
    return stored + pending_visits()


def maybe_flush(now=None):
    """Flush when the interval has passed; `cache.add` elects one request to do it."""
    interval = flush_seconds()
    if interval <= 0:
        return flush()
    if cache.add(f"{PREFIX}flush-lock", 1, timeout=interval):
        return flush()
    return None


def _take(key):
    """Read a pending counter and subtract what was read, so increments that land between
    the read and the subtraction stay for the next flush."""
    value = cache.get(key) or 0
    left = _decr(key, value) if value else 0
    return value, left


def flush():
    """Move buffered counts into the database: one UPDATE for all dirty articles and one for
    the visit total, in one transaction. Returns (visits, {article id: views})."""
    from .models import Article, SiteCounter

    visits, _left = _take(f"{PREFIX}pending:{TOTAL}")
    done = cache.get(f"{PREFIX}dirty-done") or 0
    seq = cache.get(f"{PREFIX}dirty-seq") or 0
    ids = set()
    if seq > done:
        keys = [f"{PREFIX}dirty:{n}" for n in range(done + 1, seq + 1)]
        ids = set(cache.get_many(keys).values())
        cache.delete_many(keys)
        cache.set(f"{PREFIX}dirty-done", seq, timeout=None)
    views = {}
    for pk in ids:
        n, left = _take(f"{PREFIX}pending:article:{pk}")
        if n:
            views[pk] = n
        if left > 0:
            # views that arrived during the read: keep the article on the log for next time
            _log_dirty(pk)
    with transaction.atomic():
        if visits:
            updated = SiteCounter.objects.filter(name=TOTAL).update(value=F("value") + visits)
            if not updated:
                SiteCounter.objects.create(name=TOTAL, value=visits)
        if views:
            # One statement however many articles were read, so the request that happens to
            # flush stays within the page's query budget.
            Article.objects.filter(pk__in=views).update(
                view_count=F("view_count")
                + Case(*(When(pk=pk, then=Value(n)) for pk, n in views.items()), default=Value(0))
            )
    if visits:
        cache.delete(f"{PREFIX}stored:{TOTAL}")
    return visits, views
