"""The live movement figures a section's home page shows, read through the rollup engine
(binhyen.reporting.rollup) and kept a few minutes in the cache so a busy home page costs no
aggregate queries. Nothing is counted here: every number is an indicator of the registry.

A record saved, corrected or deleted shows at once all the same: the cache keys carry a
generation number that every change of a record behind the figures moves on (receivers
connected in apps.py: activities, their import batches, groups, members, boarding houses,
cameras, units). The number moves when the change is made and again when its transaction
commits, so a page that read the figures in between does not keep the old ones either."""

import datetime
import time

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from binhyen.core import periods
from binhyen.core.periods import Period
from binhyen.reporting.rollup import rollup

INDICATORS = (
    ("groups.active", "groups"),
    ("groups.members", "members"),
    ("groups.wards", "wards"),
    ("activity.sessions", "sessions"),
    ("activity.attendances", "attendances"),
)
CACHE_SECONDS = 300
GENERATION = "portal:figures:generation"
# the records the figures are computed from: a save or delete of any of them moves the generation
SOURCES = (
    "activities.Activity",
    "activities.ImportBatch",
    "groups.Group",
    "groups.GroupMember",
    "groups.BoardingHouse",
    "groups.BoardingHouseCoverage",
    "groups.Camera",
    "groups.CameraState",
    "org.Unit",
)


def generation():
    """The figures' current generation (part of every cache key that holds figures)."""
    value = cache.get(GENERATION)
    if value is None:
        # Lost (a restart, an eviction): start from the clock, above any number used before,
        # so no figures cached under an earlier generation can come back.
        cache.add(GENERATION, time.time_ns() // 1000, timeout=None)
        value = cache.get(GENERATION)
    return value


def _move_on():
    try:
        cache.incr(GENERATION)
    except ValueError:  # not there yet (or lost): a fresh one is already newer
        generation()


def records_changed(sender=None, using=None, **kwargs):
    """Receiver of post_save/post_delete on SOURCES: the cached figures are stale now."""
    _move_on()
    transaction.on_commit(_move_on, using=using)


def period_for(unit, today=None):
    """This year up to today; for a closed federation, its last year up to its last day (read,
    like every closed unit, as it was: binhyen.org.history.choose)."""
    today = today or periods.today()
    end = unit.valid_to if unit.valid_to and unit.valid_to < today else today
    start = datetime.date(end.year, 1, 1)
    return Period(start, end, f"{start}..{end}", "range")


def _compute(unit, today):
    period = period_for(unit, today)
    result = rollup(unit, period, [code for code, _k in INDICATORS], by="none")
    totals = {key: result["total"].get(code) for code, key in INDICATORS}
    return {
        **totals,
        "start": period.start,
        "end": period.end,
        "closed": period.end != today,
        "basis": result["basis"]["label"],
        "label": _("Từ 01/01/%(y)d đến %(d)s")
        % {"y": period.start.year, "d": period.end.strftime("%d/%m/%Y")},
    }


def section_figures(section, today=None):
    """{groups, members, wards, sessions, attendances, start, end, label} for the section's
    unit; cached per section, day and generation for CACHE_SECONDS."""
    today = today or periods.today()
    # the label is translated: one copy per language
    key = f"portal:figures:{generation()}:{section.pk}:{today.isoformat()}:{get_language()}"
    figures = cache.get(key)
    if figures is None:
        figures = _compute(section.unit, today)
        cache.set(key, figures, CACHE_SECONDS)
    return figures
